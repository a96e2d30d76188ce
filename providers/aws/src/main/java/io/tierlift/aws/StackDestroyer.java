package io.tierlift.aws;

import io.tierlift.aws.DatabaseProtection.ProtectedDatabase;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.s3.S3Objects;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Deletes a target's stacks, last first, emptying their buckets and lifting their protections
 * only when the operator said so, and saying what to do where it stops.
 */
final class StackDestroyer {
    private final String target;
    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, S3Client> s3;
    private final StackDeployer stacks;
    private final StackWait wait;
    private final Progress progress;

    StackDestroyer(String target, Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                   StackDeployer stacks, StackWait wait, Progress progress) {
        this.target = target;
        this.cloudFormation = cloudFormation;
        this.s3 = s3;
        this.stacks = stacks;
        this.wait = wait;
        this.progress = progress;
    }

    List<String> destroy(StackPlan plan, Map<String, String> bucketOutputs, boolean emptyBuckets, boolean liftProtection,
                         DatabaseProtection databases) {
        List<StackSpec> reversed = new ArrayList<>(plan.stacks());
        Collections.reverse(reversed);
        List<String> deleted = new ArrayList<>();
        for (StackSpec spec : reversed) {
            Optional<LiveStack> live = stacks.status(spec.name(), spec.region()).filter(l -> !"DELETE_COMPLETE".equals(l.status()));
            if (live.isEmpty()) {
                continue;
            }
            Optional<String> bucket = Optional.ofNullable(bucketOutputs.get(spec.key())).map(live.get().outputs()::get);
            if (bucket.isPresent()) {
                if (!emptyBuckets) {
                    throw new StackSetException("stack " + spec.name() + " holds bucket " + bucket.get()
                            + "; destroying it deletes every object in it: run with --yes to confirm");
                }
                new S3Objects(s3.apply(spec.region()), progress).empty(bucket.get());
            }
            Optional<ProtectedDatabase> database = databases.find(spec);
            boolean terminationProtection = live.get().terminationProtection();
            if ((terminationProtection || database.isPresent()) && !liftProtection) {
                throw new StackSetException(refusal(spec, terminationProtection, database, deleted));
            }
            // CloudFormation's delete of a protected database fails after minutes, leaving the stack DELETE_FAILED.
            database.ifPresent(d -> d.turnOff().run());
            if (terminationProtection && !liftTerminationProtection(spec)) {
                // The protection may still be on: ask CloudFormation directly, which refuses if so.
                deleteProtected(spec, live.get());
                deleted.add(spec.name());
            } else if (stacks.deleteStack(spec.name(), spec.region())) {
                deleted.add(spec.name());
            }
        }
        return deleted;
    }

    private String refusal(StackSpec spec, boolean terminationProtection, Optional<ProtectedDatabase> database, List<String> deleted) {
        String protections = Stream.concat(Stream.of("termination protection on").filter(p -> terminationProtection),
                database.map(d -> d.name() + " with deletion protection on").stream()).collect(Collectors.joining(" and "));
        return "stack " + spec.name() + " has " + protections
                + (StackSet.DATA_STACK.equals(spec.key()) && database.isEmpty() ? " (it holds the database)" : "")
                + "; deleted so far: " + deleted + ". Next step, to delete the database too: "
                + "tierlift destroy " + target + " --yes --force-data-deletion (with the same -f/--env); "
                + "RDS keeps a final snapshot";
    }

    /** Turns termination protection off; false (with a warning) when CloudFormation did not do it. */
    private boolean liftTerminationProtection(StackSpec spec) {
        progress.step(spec.name(), "turning termination protection off (--force-data-deletion)");
        try {
            cloudFormation.apply(spec.region()).updateTerminationProtection(b -> b.stackName(spec.name())
                    .enableTerminationProtection(false)
                    .overrideConfiguration(o -> o.addPlugin(StackDestroyer::fewRetries)));
            return true;
        } catch (SdkException e) {
            // Some emulators don't implement this call (moto answers 500); the delete after it says whether it mattered.
            progress.warn(spec.name(), "could not turn termination protection off (" + firstLine(e.getMessage())
                    + "); trying the delete anyway");
            return false;
        }
    }

    /**
     * A failure here has a fallback (the delete is tried anyway), so a few quick attempts are enough;
     * the clients' own strategy backs off for minutes, made for calls that have none.
     */
    private static void fewRetries(SdkServiceClientConfiguration.Builder config) {
        ClientOverrideConfiguration current = config.overrideConfiguration();
        ClientOverrideConfiguration.Builder builder = current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
        config.overrideConfiguration(builder.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(3).build()).build());
    }

    /** DeleteStack on a stack that may still look protected, waited for here (StackDeployer refuses protected stacks). */
    private void deleteProtected(StackSpec spec, LiveStack live) {
        progress.step(spec.name(), "deleting stack");
        try {
            cloudFormation.apply(spec.region()).deleteStack(b -> b.stackName(live.stackId()));
        } catch (SdkException e) {
            throw new StackSetException("stack " + spec.name() + " could not be deleted: " + firstLine(e.getMessage())
                    + "; turn its termination protection off (aws cloudformation update-termination-protection "
                    + "--no-enable-termination-protection --stack-name " + spec.name() + ") and destroy again", e);
        }
        Optional<LiveStack> now = wait.untilSettled(spec.name(), live.stackId(), spec.region());
        String status = now.map(LiveStack::status).orElse("DELETE_COMPLETE");
        if (!"DELETE_COMPLETE".equals(status)) {
            throw new StackSetException("stack " + spec.name() + " was not deleted: " + status
                    + now.flatMap(LiveStack::statusReason).map(r -> " (" + r + ")").orElse(""));
        }
        progress.step(spec.name(), "DELETE_COMPLETE");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }
}

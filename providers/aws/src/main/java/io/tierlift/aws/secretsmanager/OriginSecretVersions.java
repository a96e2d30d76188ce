package io.tierlift.aws.secretsmanager;

import io.tierlift.aws.DeployTimeValues;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.StackSetException;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.iaas.OriginSecret;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The deploy-time values naming the versions of the origin secret the stacks read (see
 * {@link OriginSecret}): the ids labelled AWSCURRENT and AWSPREVIOUS, from DescribeSecret. A new
 * value put into the secret (a rotation) changes them, and with them the stacks' dynamic
 * references, which is what makes CloudFormation read the value again.
 */
public final class OriginSecretVersions {
    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";

    private final Function<String, SecretsManagerClient> secrets;

    public OriginSecretVersions(Function<String, SecretsManagerClient> secrets) {
        this.secrets = secrets;
    }

    /** The version ids, current and previous (the current one again when the secret was never rotated). */
    public record Versions(String current, String previous) {
    }

    /**
     * The values for one deploy or plan of {@code plan}: looked up once, after the artifacts stack is
     * up, so every stack of the run names the same versions.
     */
    public DeployTimeValues values(StackPlan plan) {
        Map<String, Versions> seen = new HashMap<>();
        return (spec, name, outputs) -> {
            if (!OriginSecret.CURRENT_VERSION_VALUE.equals(name) && !OriginSecret.PREVIOUS_VERSION_VALUE.equals(name)) {
                return Optional.empty();
            }
            String arn = StackSet.output(plan, outputs, ArtifactsStack.KEY, OriginSecret.OUTPUT);
            Versions versions = seen.computeIfAbsent(arn, a -> versions(plan.stack(ArtifactsStack.KEY).region(), a));
            return Optional.of(OriginSecret.CURRENT_VERSION_VALUE.equals(name) ? versions.current() : versions.previous());
        };
    }

    public Versions versions(String region, String secretArn) {
        Map<String, List<String>> stages = secrets.apply(region).describeSecret(b -> b.secretId(secretArn)).versionIdsToStages();
        Optional<String> current = labelled(stages, CURRENT);
        if (current.isEmpty()) {
            throw new StackSetException("the origin secret " + secretArn + " has no version labelled " + CURRENT
                    + "; put a value into it (letters and digits) and deploy again");
        }
        return new Versions(current.get(), labelled(stages, PREVIOUS).orElse(current.get()));
    }

    private static Optional<String> labelled(Map<String, List<String>> stages, String stage) {
        return stages.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey).findFirst();
    }
}

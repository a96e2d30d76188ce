package io.tierlift.cli.command;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationSettings;
import io.tierlift.aws.iaas.AwsIaasDeployer;
import io.tierlift.aws.iaas.Ec2PrefixListLookup;
import io.tierlift.aws.iaas.IaasStatus;
import io.tierlift.aws.iaas.LiveResources;
import io.tierlift.cli.Application;
import io.tierlift.model.AppDescriptor;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The aws-iaas side of plan/deploy/status/destroy. AWS clients are made here, only when one of
 * these commands runs, from the application's environment: the SDK's own variable names
 * (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) are read from the map
 * the application was given, so a test's map reaches the clients as the real environment would.
 */
final class AwsCommands {
    /** Tool version put on every stack as the tierlift:version tag: the build's version. */
    static final String VERSION = io.tierlift.cli.Version.current();

    private AwsCommands() {
    }

    /** --profile and --region, shared by the commands that talk to AWS. */
    static final class Options {
        @Option(names = "--profile", paramLabel = "NAME", description = "AWS profile (default: the SDK's chain).")
        String profile;
        @Option(names = "--region", paramLabel = "REGION", description = "AWS region, overriding the descriptor's.")
        String region;
    }

    /** {@code status --output}: lower-case constants so picocli accepts exactly "text" and "json". */
    enum StatusFormat { text, json }

    /** A deployer bound to open clients; close it to release them. */
    record Session(AwsIaasDeployer deployer, StackPlan plan, AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() {
            try {
                resources.close();
            } catch (Exception e) {
                // releasing sockets only
            }
        }
    }

    static StackPlan stackPlan(AppDescriptor descriptor) {
        return new AwsIaasRenderer().plan(descriptor);
    }

    static Session session(Application app, AppDescriptor descriptor, Options options) {
        Map<String, String> env = app.environment();
        Optional<URI> endpoint = Optional.ofNullable(env.get("AWS_ENDPOINT_URL")).filter(v -> !v.isBlank()).map(URI::create);
        AwsClients clients = clients(app, options);
        DeployerSettings deployerSettings = DeployerSettings.defaults();
        InvalidationSettings invalidation = InvalidationSettings.defaults();
        if (endpoint.isPresent()) {
            // Emulators answer at once; don't wait seconds between polls.
            deployerSettings = deployerSettings.withPollInterval(Duration.ofMillis(100));
            invalidation = invalidation.withPolling(Duration.ofMillis(100), Duration.ofMinutes(1));
        }
        io.tierlift.provider.Progress progress = new io.tierlift.cli.console.StderrProgress(app.console());
        StackDeployer stacks = new StackDeployer(clients::cloudFormation, deployerSettings, progress, Sleeper.system(), Clock.systemUTC());
        LiveResources resources = new LiveResources(clients::cloudFormation, clients::autoScaling, clients::rds, progress,
                Sleeper.system(), Clock.systemUTC(), deployerSettings.pollInterval(), Duration.ofMinutes(15));
        CloudFrontInvalidator invalidator = new CloudFrontInvalidator(clients::cloudFront, invalidation, progress,
                Sleeper.system(), Clock.systemUTC());
        AwsIaasDeployer deployer = new AwsIaasDeployer(clients::cloudFormation, clients::s3, stacks,
                new Ec2PrefixListLookup(clients::ec2), resources, invalidator, progress,
                deployerSettings.pollInterval(), deployerSettings.stackTimeout(), Clock.systemUTC());
        return new Session(deployer, stackPlan(descriptor), clients);
    }

    /** AWS clients from the application's environment (endpoint, static credentials) and --profile/--region. */
    static AwsClients clients(Application app, Options options) {
        Map<String, String> env = app.environment();
        AwsSettings settings = AwsSettings.defaults().withProfile(options == null ? null : options.profile)
                .withRegion(options == null ? null : options.region);
        Optional<URI> endpoint = Optional.ofNullable(env.get("AWS_ENDPOINT_URL")).filter(v -> !v.isBlank()).map(URI::create);
        if (endpoint.isPresent()) {
            settings = settings.withEndpoint(endpoint.get());
        }
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key != null && !key.isBlank() && secret != null && !secret.isBlank()) {
            settings = settings.withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)));
        }
        return new AwsClients(settings, env::get);
    }

    /** Prints the status as a table (text) or one JSON object; exit 1 when {@link IaasStatus#problems()} has any. */
    static int printStatus(Application app, IaasStatus status, StatusFormat format) {
        var out = app.console().out();
        if (format == StatusFormat.json) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(statusJson(status)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printStatusText(out, status);
        }
        out.flush();
        return status.healthy() ? io.tierlift.cli.ExitCode.OK : io.tierlift.cli.ExitCode.FAILED;
    }

    private static void printStatusText(java.io.PrintWriter out, IaasStatus status) {
        out.printf("%-10s %-40s %-12s %s%n", "STACK", "NAME", "REGION", "STATUS");
        for (IaasStatus.StackState stack : status.stacks()) {
            out.printf("%-10s %-40s %-12s %s%n", stack.key(), stack.name(), stack.region(), stack.status().orElse("ABSENT"));
            new java.util.TreeMap<>(stack.outputs()).forEach((k, v) -> out.printf("    %s = %s%n", k, v));
        }
        status.autoScalingGroup().ifPresent(g -> {
            out.println();
            out.printf("%-40s %7s %4s %4s %10s %8s  %s%n", "AUTO SCALING GROUP", "DESIRED", "MIN", "MAX", "IN SERVICE", "HEALTHY",
                    "INSTANCES BY STATE");
            out.printf("%-40s %7d %4d %4d %10d %8d  %s%n", g.name(), g.desired(), g.min(), g.max(), g.inService(), g.healthy(),
                    g.byLifecycleState().isEmpty() ? "none" : new java.util.TreeMap<>(g.byLifecycleState()).entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(" ")));
        });
        status.database().ifPresent(d -> {
            out.println();
            out.printf("%-40s %-12s %-8s %-14s %-9s %-10s %s%n", "RDS INSTANCE", "STATUS", "MULTIAZ", "ENGINE", "ENCRYPTED",
                    "PROTECTED", "PENDING");
            out.printf("%-40s %-12s %-8s %-14s %-9s %-10s %s%n", d.identifier(), d.status(), d.multiAz(),
                    d.engine() + " " + d.engineVersion(), d.storageEncrypted(), d.deletionProtection(),
                    d.pendingModifications().isEmpty() ? "none" : String.join(", ", d.pendingModifications()));
        });
        if (!status.healthy()) {
            out.println();
            status.problems().forEach(p -> out.println("UNHEALTHY: " + p));
        }
    }

    static ObjectNode statusJson(IaasStatus status) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("target", AwsIaasDeployer.TARGET);
        root.put("healthy", status.healthy());
        var problems = root.putArray("problems");
        status.problems().forEach(problems::add);
        var stacks = root.putArray("stacks");
        for (IaasStatus.StackState stack : status.stacks()) {
            ObjectNode s = stacks.addObject();
            s.put("key", stack.key());
            s.put("name", stack.name());
            s.put("region", stack.region());
            s.put("status", stack.status().orElse("ABSENT"));
            ObjectNode outputs = s.putObject("outputs");
            new java.util.TreeMap<>(stack.outputs()).forEach(outputs::put);
        }
        if (status.autoScalingGroup().isPresent()) {
            IaasStatus.AsgHealth g = status.autoScalingGroup().get();
            ObjectNode n = root.putObject("autoScalingGroup");
            n.put("name", g.name());
            n.put("desired", g.desired());
            n.put("min", g.min());
            n.put("max", g.max());
            n.put("inService", g.inService());
            n.put("healthy", g.healthy());
            ObjectNode states = n.putObject("instancesByLifecycleState");
            new java.util.TreeMap<>(g.byLifecycleState()).forEach(states::put);
        } else {
            root.putNull("autoScalingGroup");
        }
        if (status.database().isPresent()) {
            IaasStatus.RdsHealth d = status.database().get();
            ObjectNode n = root.putObject("database");
            n.put("identifier", d.identifier());
            n.put("status", d.status());
            n.put("multiAz", d.multiAz());
            n.put("engine", d.engine());
            n.put("engineVersion", d.engineVersion());
            n.put("storageEncrypted", d.storageEncrypted());
            n.put("deletionProtection", d.deletionProtection());
            var pending = n.putArray("pendingModifications");
            d.pendingModifications().forEach(pending::add);
        } else {
            root.putNull("database");
        }
        return root;
    }

    /** Runs {@code action} with an open session; AWS failures become operator messages. */
    static <T> T withSession(Application app, AppDescriptor descriptor, Options options, java.util.function.Function<Session, T> action) {
        try (Session session = session(app, descriptor, options)) {
            return action.apply(session);
        } catch (io.tierlift.aws.iaas.IaasDeployException | io.tierlift.aws.StackSetException | io.tierlift.aws.cloudformation.StackDeployException
                 | io.tierlift.aws.client.AwsCallException | io.tierlift.aws.s3.S3SyncException e) {
            throw new io.tierlift.cli.UserException(e.getMessage());
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new io.tierlift.cli.UserException("AWS call failed: " + e.getMessage());
        }
    }

    static int recap(Application app, AwsIaasDeployer.DeployReport report) {
        app.console().info("");
        app.console().info("RECAP");
        report.stacksChanged().forEach((stack, changed) -> app.console().info(String.format("  %-10s %s", stack, changed ? "changed" : "unchanged")));
        app.console().info("  release    " + (report.releaseUploaded() ? "uploaded" : "unchanged"));
        app.console().info("  site       " + report.site().uploaded().size() + " file(s) uploaded (" + report.site().uploadedBytes()
                + " bytes), " + report.staleDeleted() + " stale deleted");
        var invalidation = report.invalidation();
        app.console().info("  cdn        " + (!invalidation.sent() ? "nothing to invalidate"
                : invalidation.paths().size() + " path(s) invalidated (" + String.join(", ", invalidation.invalidationIds()) + ")"
                + (invalidation.completed() ? "" : ", still in progress")));
        app.console().info(report.changed() ? "Changes applied." : "No changes: aws-iaas already matched.");
        return io.tierlift.cli.ExitCode.OK;
    }
}

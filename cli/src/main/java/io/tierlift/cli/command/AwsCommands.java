package io.tierlift.cli.command;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.iaas.AwsIaasDeployer;
import io.tierlift.aws.iaas.Ec2PrefixListLookup;
import io.tierlift.aws.iaas.IaasStatus;
import io.tierlift.cli.Application;
import io.tierlift.model.AppDescriptor;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

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
        AwsClients clients = new AwsClients(settings, env::get);
        AwsSettings fixed = settings;
        java.util.Map<String, Ec2Client> ec2 = new java.util.concurrent.ConcurrentHashMap<>();
        DeployerSettings deployerSettings = DeployerSettings.defaults();
        if (endpoint.isPresent()) {
            // Emulators answer at once; don't wait seconds between polls.
            deployerSettings = deployerSettings.withPollInterval(Duration.ofMillis(100));
        }
        StackDeployer stacks = new StackDeployer(clients::cloudFormation, deployerSettings, (scope, message) -> app.console().info(scope + ": " + message), Sleeper.system(), Clock.systemUTC());
        AwsIaasDeployer deployer = new AwsIaasDeployer(clients::cloudFormation, clients::s3, stacks,
                new Ec2PrefixListLookup(region -> ec2.computeIfAbsent(region, r -> {
                    var builder = Ec2Client.builder().region(clients.resolveRegion(r))
                            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create());
                    fixed.credentials().ifPresent(builder::credentialsProvider);
                    fixed.endpoint().ifPresent(builder::endpointOverride);
                    return builder.build();
                })),
                (scope, message) -> app.console().info(scope + ": " + message),
                deployerSettings.pollInterval(), deployerSettings.stackTimeout(), Clock.systemUTC());
        return new Session(deployer, stackPlan(descriptor), () -> {
            ec2.values().forEach(Ec2Client::close);
            clients.close();
        });
    }

    static void printStatus(Application app, IaasStatus status) {
        var out = app.console().out();
        for (IaasStatus.StackState stack : status.stacks()) {
            out.printf("%-10s %-40s %-12s %s%n", stack.key(), stack.name(), stack.region(), stack.status().orElse("ABSENT"));
            new java.util.TreeMap<>(stack.outputs()).forEach((k, v) -> out.printf("    %s = %s%n", k, v));
        }
        out.flush();
    }

    /** Runs {@code action} with an open session; AWS failures become operator messages. */
    static <T> T withSession(Application app, AppDescriptor descriptor, Options options, java.util.function.Function<Session, T> action) {
        try (Session session = session(app, descriptor, options)) {
            return action.apply(session);
        } catch (io.tierlift.aws.iaas.IaasDeployException | io.tierlift.aws.cloudformation.StackDeployException
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
        app.console().info(report.changed() ? "Changes applied." : "No changes: aws-iaas already matched.");
        return io.tierlift.cli.ExitCode.OK;
    }
}

package io.tierlift.cli.command;

import io.tierlift.aws.StackSet;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationSettings;
import io.tierlift.aws.lambda.LambdaLimits;
import io.tierlift.aws.lambda.LambdaPackager;
import io.tierlift.aws.serverless.AwsServerlessDeployer;
import io.tierlift.aws.serverless.LambdaFunctionLookup;
import io.tierlift.aws.serverless.LambdaReleaseInvoker;
import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.aws.serverless.SecretsManagerAppSecretWriter;
import io.tierlift.aws.serverless.ServerlessStatus;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.provider.Progress;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import io.tierlift.render.aws.serverless.LambdaAdapter;
import io.tierlift.render.engine.FreemarkerEngine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The aws-serverless side of plan/deploy/status/destroy, built as AwsCommands builds aws-iaas's:
 * clients from the application's environment (AWS_ENDPOINT_URL, AWS_REGION, credentials), made
 * only when a command runs. The release invoker can be replaced (tests: moto can't run functions).
 */
public final class ServerlessCommands {
    /** How the release command reaches the function; Lambda's Invoke unless a test set another. */
    private static volatile Function<Function<String, LambdaClient>, ReleaseInvoker> invokers = LambdaReleaseInvoker::new;

    private ServerlessCommands() {
    }

    /** For tests of the whole CLI against emulators that can't execute Lambda code. */
    public static void useReleaseInvoker(ReleaseInvoker invoker) {
        invokers = invoker == null ? LambdaReleaseInvoker::new : ignored -> invoker;
    }

    /**
     * A deployer bound to open clients, with the Lambda and Secrets Manager clients by region (the
     * migration tier switches maintenance and reads the cluster's secret through them); close it to
     * release them.
     */
    public record Session(AwsServerlessDeployer deployer, StackPlan plan, Function<String, LambdaClient> lambda,
                          Function<String, SecretsManagerClient> secrets, AutoCloseable resources) implements AutoCloseable {
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
        return new AwsServerlessRenderer().plan(descriptor);
    }

    static Plan planOffline(AppDescriptor descriptor, String digest) {
        return new AwsServerlessDeployer(null, null, null, null, null, null, null, null, (s, m) -> { }, Clock.systemUTC())
                .planOffline(descriptor, stackPlan(descriptor), digest);
    }

    /** A session as {@code deploy aws-serverless} opens one, for migrations (no --profile/--region: the environment's). */
    public static Session open(Application app, AppDescriptor descriptor) {
        return session(app, descriptor, null);
    }

    static Session session(Application app, AppDescriptor descriptor, AwsCommands.Options options) {
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
        Map<String, LambdaClient> lambdas = new ConcurrentHashMap<>();
        Map<String, SecretsManagerClient> secretClients = new ConcurrentHashMap<>();
        Function<String, LambdaClient> lambda = region -> lambdas.computeIfAbsent(region, r -> {
            var builder = LambdaClient.builder().region(clients.resolveRegion(r)).httpClient(UrlConnectionHttpClient.builder()
                    // A release command may run for the function's whole timeout (15 min at most).
                    .socketTimeout(Duration.ofMinutes(16)).build());
            fixed.credentials().ifPresent(builder::credentialsProvider);
            fixed.endpoint().ifPresent(builder::endpointOverride);
            builder.overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(16)).apiCallAttemptTimeout(Duration.ofMinutes(16)));
            return builder.build();
        });
        Function<String, SecretsManagerClient> secrets = region -> secretClients.computeIfAbsent(region, r -> {
            var builder = SecretsManagerClient.builder().region(clients.resolveRegion(r)).httpClient(UrlConnectionHttpClient.create());
            fixed.credentials().ifPresent(builder::credentialsProvider);
            fixed.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
        DeployerSettings deployerSettings = DeployerSettings.defaults();
        InvalidationSettings invalidation = InvalidationSettings.defaults();
        if (endpoint.isPresent()) {
            // Emulators answer at once; don't wait seconds between polls.
            deployerSettings = deployerSettings.withPollInterval(Duration.ofMillis(100));
            invalidation = invalidation.withPolling(Duration.ofMillis(100), Duration.ofMinutes(1));
        }
        Progress progress = new io.tierlift.cli.console.StderrProgress(app.console());
        CloudFrontInvalidator invalidator = new CloudFrontInvalidator(clients::cloudFront, invalidation, progress,
                Sleeper.system(), Clock.systemUTC());
        StackDeployer stacks = new StackDeployer(clients::cloudFormation, deployerSettings, progress, Sleeper.system(), Clock.systemUTC());
        StackSet stackSet = new StackSet(AwsServerlessDeployer.TARGET, clients::cloudFormation, clients::s3, stacks, progress,
                deployerSettings.pollInterval(), deployerSettings.stackTimeout(), Clock.systemUTC());
        LambdaPackager packager = new LambdaPackager(new ProcessCommandRunner(Duration.ofMinutes(10), 30), PipSettings.defaults(),
                LambdaLimits.LAMBDA, new LambdaAdapter(new FreemarkerEngine()), progress);
        AwsServerlessDeployer deployer = new AwsServerlessDeployer(stackSet, clients::s3, packager::build, app.secretsFor(descriptor),
                new SecretsManagerAppSecretWriter(secrets), invokers.apply(lambda), new LambdaFunctionLookup(lambda), invalidator,
                progress, Clock.systemUTC());
        return new Session(deployer, stackPlan(descriptor), lambda, secrets, () -> {
            lambdas.values().forEach(LambdaClient::close);
            secretClients.values().forEach(SecretsManagerClient::close);
            clients.close();
        });
    }

    /** Runs {@code action} with an open session; AWS failures become operator messages. */
    static <T> T withSession(Application app, AppDescriptor descriptor, AwsCommands.Options options, Function<Session, T> action) {
        try (Session session = session(app, descriptor, options)) {
            return action.apply(session);
        } catch (io.tierlift.aws.serverless.ServerlessDeployException | io.tierlift.aws.StackSetException
                 | io.tierlift.aws.cloudformation.StackDeployException | io.tierlift.aws.client.AwsCallException
                 | io.tierlift.aws.s3.S3SyncException | io.tierlift.release.ReleaseException e) {
            throw new UserException(e.getMessage());
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new UserException("AWS call failed: " + e.getMessage());
        }
    }

    static Plan plan(Application app, AppDescriptor descriptor, AwsCommands.Options options, String digest) {
        return withSession(app, descriptor, options, s -> s.deployer().plan(descriptor, s.plan(), AwsCommands.VERSION, digest));
    }

    static int deploy(Application app, AppDescriptor descriptor, AwsCommands.Options options) {
        return withSession(app, descriptor, options, s -> recap(app, s.deployer().deploy(descriptor, s.plan(), AwsCommands.VERSION)));
    }

    static int status(Application app, AppDescriptor descriptor, AwsCommands.Options options) {
        return withSession(app, descriptor, options, s -> {
            ServerlessStatus status = s.deployer().status(s.plan());
            var out = app.console().out();
            for (ServerlessStatus.StackState stack : status.stacks()) {
                out.printf("%-10s %-40s %-12s %s%n", stack.key(), stack.name(), stack.region(), stack.status().orElse("ABSENT"));
                new TreeMap<>(stack.outputs()).forEach((k, v) -> out.printf("    %s = %s%n", k, v));
            }
            status.function().ifPresent(f -> out.printf("function   %s state=%s last-update=%s modified=%s code-sha256=%s%n",
                    f.name(), f.state(), f.lastUpdateStatus(), f.lastModified(), f.codeSha256()));
            status.apiEndpoint().ifPresent(e -> out.printf("api        %s%n", e));
            out.flush();
            return ExitCode.OK;
        });
    }

    static int destroy(Application app, AppDescriptor descriptor, AwsCommands.Options options, boolean forceDataDeletion) {
        return withSession(app, descriptor, options, s -> {
            List<String> deleted = s.deployer().destroy(s.plan(), true, forceDataDeletion);
            app.console().info("deleted " + deleted.size() + " stack(s): " + deleted);
            return ExitCode.OK;
        });
    }

    static int recap(Application app, AwsServerlessDeployer.DeployReport report) {
        app.console().info("");
        app.console().info("RECAP");
        report.stacksChanged().forEach((stack, changed) -> app.console().info(String.format("  %-10s %s", stack, changed ? "changed" : "unchanged")));
        app.console().info("  package    " + (report.packageUploaded() ? "uploaded " : "unchanged ") + report.packageKey());
        app.console().info("  secret     " + (report.secretWritten() ? "written" : "unchanged"));
        report.releaseCommand().ifPresent(r -> app.console().info("  release    command exit code " + r.exitCode()));
        app.console().info("  site       " + report.site().result().uploaded().size() + " file(s) uploaded ("
                + report.site().result().uploadedBytes() + " bytes), " + report.site().staleDeleted() + " stale deleted");
        var invalidation = report.site().invalidation();
        app.console().info("  cdn        " + (!invalidation.sent() ? "nothing to invalidate"
                : invalidation.paths().size() + " path(s) invalidated (" + String.join(", ", invalidation.invalidationIds()) + ")"
                + (invalidation.completed() ? "" : ", still in progress")));
        app.console().info(report.changed() ? "Changes applied." : "No changes: aws-serverless already matched.");
        return ExitCode.OK;
    }
}

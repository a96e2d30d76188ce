package io.tierlift.aws.tier;

import io.tierlift.aws.StackSet;
import io.tierlift.aws.lambda.LambdaLimits;
import io.tierlift.aws.lambda.LambdaPackager;
import io.tierlift.aws.serverless.AwsServerlessDeployer;
import io.tierlift.aws.serverless.LambdaFunctionLookup;
import io.tierlift.aws.serverless.StackClusterBackups;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.aws.secretsmanager.AppSecretSync;
import io.tierlift.aws.secretsmanager.OriginSecretVersions;
import io.tierlift.aws.secretsmanager.SecretsManagerAppSecretWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.serverless.LambdaAdapter;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.tier.TierScope;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An aws-serverless deployer bound to clients made on first use, with the Lambda and Secrets
 * Manager clients by region (the migration tier switches maintenance and reads the cluster's secret
 * through them); close it to release them.
 */
final class ServerlessSession implements AutoCloseable {
    private final AwsSession aws;
    private final Map<String, LambdaClient> lambdas = new ConcurrentHashMap<>();
    private final AwsServerlessDeployer deployer;
    private final StackPlan plan;

    /** {@code plan}: the tier's stacks for this descriptor, as {@link AwsServerlessTier} renders them. */
    ServerlessSession(AwsSession aws, TierScope scope, StackPlan plan, Function<Function<String, LambdaClient>, ReleaseInvoker> invokers) {
        this.aws = aws;
        AppDescriptor descriptor = scope.descriptor();
        this.plan = plan;
        var progress = aws.context.progress();
        StackSet stackSet = new StackSet(AwsServerlessDeployer.TARGET, aws.clients::cloudFormation, aws.clients::s3, aws.stacks,
                progress, aws.deployerSettings.pollInterval(), aws.deployerSettings.stackTimeout(), aws.context.clock());
        LambdaPackager packager = new LambdaPackager(new ProcessCommandRunner(Duration.ofMinutes(10), 30), PipSettings.defaults(),
                LambdaLimits.LAMBDA, new LambdaAdapter(new FreemarkerEngine()), progress);
        this.deployer = new AwsServerlessDeployer(stackSet, aws.clients::s3, packager::build, new AppSecretSync(aws.context.secretsFor(descriptor),
                new SecretsManagerAppSecretWriter(aws.clients::secretsManager), aws.context.progress()),
                new OriginSecretVersions(aws.clients::secretsManager), invokers.apply(this::lambda), new LambdaFunctionLookup(this::lambda),
                new StackClusterBackups(aws.clients::cloudFormation, new AutomatedBackupReader(aws.clients::rds, aws.context.clock())),
                aws.invalidator, progress, aws.context.clock());
    }

    AwsServerlessDeployer deployer() {
        return deployer;
    }

    /** The clients and CloudFormation helpers this session was made with. */
    AwsSession aws() {
        return aws;
    }

    StackPlan plan() {
        return plan;
    }

    String version() {
        return aws.context.version();
    }

    boolean emulated() {
        return aws.settings.emulated();
    }

    LambdaClient lambda(String region) {
        return lambdas.computeIfAbsent(region, r -> {
            var builder = LambdaClient.builder().region(aws.clients.resolveRegion(r)).httpClient(UrlConnectionHttpClient.builder()
                    // A release command may run for the function's whole timeout (15 min at most).
                    .socketTimeout(Duration.ofMinutes(16)).build());
            aws.settings.credentials().ifPresent(builder::credentialsProvider);
            aws.settings.endpoint().ifPresent(builder::endpointOverride);
            builder.overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(16)).apiCallAttemptTimeout(Duration.ofMinutes(16)));
            return builder.build();
        });
    }

    RdsClient rds(String region) {
        return aws.clients.rds(region);
    }

    SecretsManagerClient secrets(String region) {
        return aws.clients.secretsManager(region);
    }

    @Override
    public void close() {
        lambdas.values().forEach(LambdaClient::close);
        aws.close();
    }
}

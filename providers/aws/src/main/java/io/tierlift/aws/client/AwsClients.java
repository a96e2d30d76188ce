package io.tierlift.aws.client;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds the AWS SDK clients tierlift needs, one per service and region, on first use: commands
 * that never touch AWS (validate, render, offline plan) never resolve credentials or open a socket.
 * All clients share one JDK-based HTTP client (fast start, no Apache/Netty on the class path).
 */
public final class AwsClients implements AutoCloseable {
    private final AwsSettings settings;
    private final Function<String, String> environment;
    private final Map<Region, CloudFormationClient> cloudFormation = new ConcurrentHashMap<>();
    private final Map<Region, ElasticLoadBalancingV2Client> elb = new ConcurrentHashMap<>();
    private final Map<Region, SecretsManagerClient> secretsManager = new ConcurrentHashMap<>();
    private final Map<Region, S3Client> s3 = new ConcurrentHashMap<>();
    private final Map<Region, AutoScalingClient> autoScaling = new ConcurrentHashMap<>();
    private final Map<Region, RdsClient> rds = new ConcurrentHashMap<>();
    private final Map<Region, Ec2Client> ec2 = new ConcurrentHashMap<>();
    private final Map<Region, SsmClient> ssm = new ConcurrentHashMap<>();
    private final Map<Region, CloudWatchLogsClient> logs = new ConcurrentHashMap<>();
    private final Map<Region, StsClient> sts = new ConcurrentHashMap<>();
    private CloudFrontClient cloudFront;
    private SdkHttpClient httpClient;
    private AwsCredentialsProvider credentials;
    private final List<AutoCloseable> owned = new ArrayList<>();

    public AwsClients(AwsSettings settings) {
        this(settings, AwsClients::standardSetting);
    }

    /**
     * {@code environment} reads the SDK's standard settings by environment variable name; tests pass
     * a map instead of the real environment.
     */
    public AwsClients(AwsSettings settings, Function<String, String> environment) {
        this.settings = settings;
        this.environment = environment;
    }

    public AwsSettings settings() {
        return settings;
    }

    /** {@code region} is the descriptor's region; {@code --region} wins over it, the SDK chain fills in when both are absent. */
    public CloudFormationClient cloudFormation(String region) {
        return cloudFormation.computeIfAbsent(resolveRegion(region), r -> configure(CloudFormationClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    public S3Client s3(String region) {
        return s3.computeIfAbsent(resolveRegion(region), r -> {
            var builder = configure(S3Client.builder().httpClient(httpClient()), r, settings.transferTimeout(), settings.transferTimeout());
            Optional<URI> endpoint = customEndpoint("S3");
            if (endpoint.isPresent()) {
                // Emulators and VPC endpoints address buckets by path: "bucket.127.0.0.1" resolves nowhere.
                builder.forcePathStyle(true);
                if ("http".equalsIgnoreCase(endpoint.get().getScheme())) {
                    // Over plain http the SDK would stream aws-chunked bodies with trailing checksums,
                    // which emulators do not all understand; send plain bodies with a Content-Length.
                    builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
                    builder.serviceConfiguration(c -> c.chunkedEncodingEnabled(false));
                }
            }
            return builder.build();
        });
    }

    public AutoScalingClient autoScaling(String region) {
        return autoScaling.computeIfAbsent(resolveRegion(region), r -> configure(AutoScalingClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    public RdsClient rds(String region) {
        return rds.computeIfAbsent(resolveRegion(region), r -> configure(RdsClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    public Ec2Client ec2(String region) {
        return ec2.computeIfAbsent(resolveRegion(region), r -> configure(Ec2Client.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    /** Systems Manager Parameter Store: aws-iaas reads the public parameter naming Amazon's newest image. */
    public SsmClient ssm(String region) {
        return ssm.computeIfAbsent(resolveRegion(region), r -> configure(SsmClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    /** STS: {@code exec} records who ran a command as AWS knows the caller (GetCallerIdentity). */
    public StsClient sts(String region) {
        return sts.computeIfAbsent(resolveRegion(region), r -> configure(StsClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    /** CloudWatch Logs: {@code logs} reads the stacks' log groups. */
    public CloudWatchLogsClient cloudWatchLogs(String region) {
        return logs.computeIfAbsent(resolveRegion(region), r -> configure(CloudWatchLogsClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    /** The load balancer API: migrate puts the ALB in maintenance with a listener rule. */
    public ElasticLoadBalancingV2Client elasticLoadBalancing(String region) {
        return elb.computeIfAbsent(resolveRegion(region), r -> configure(ElasticLoadBalancingV2Client.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    /** Secrets Manager: migrate reads the RDS master secret to connect to the target database. */
    public SecretsManagerClient secretsManager(String region) {
        return secretsManager.computeIfAbsent(resolveRegion(region), r -> configure(SecretsManagerClient.builder().httpClient(httpClient()), r,
                settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build());
    }

    /**
     * CloudFront is a global service: its API lives in us-east-1 whatever region the app is in, and
     * the SDK names that {@link Region#AWS_GLOBAL}. {@code --region} does not apply to it.
     */
    public synchronized CloudFrontClient cloudFront() {
        if (cloudFront == null) {
            cloudFront = configure(CloudFrontClient.builder().httpClient(httpClient()), Region.AWS_GLOBAL,
                    settings.apiCallTimeout(), settings.apiCallAttemptTimeout()).build();
        }
        return cloudFront;
    }

    /** The region a client for {@code wanted} talks to. */
    public Region resolveRegion(String wanted) {
        if (settings.region().isPresent()) {
            return Region.of(settings.region().get());
        }
        if (wanted != null && !wanted.isBlank()) {
            return Region.of(wanted);
        }
        try {
            var chain = DefaultAwsRegionProviderChain.builder();
            settings.profile().ifPresent(chain::profileName);
            return chain.build().getRegion();
        } catch (SdkClientException e) {
            throw new IllegalStateException("no AWS region: set the target's region in the descriptor, pass --region, "
                    + "or set AWS_REGION", e);
        }
    }

    /**
     * The endpoint the SDK will use instead of AWS's for {@code service} (upper-case service id, as in
     * AWS_ENDPOINT_URL_S3), from the test override or the SDK's standard variables. Only used to
     * choose S3 addressing; the SDK applies the variables itself.
     */
    Optional<URI> customEndpoint(String service) {
        if (settings.endpoint().isPresent()) {
            return settings.endpoint();
        }
        if ("true".equalsIgnoreCase(nonBlank("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").orElse(""))) {
            return Optional.empty();
        }
        return nonBlank("AWS_ENDPOINT_URL_" + service).or(() -> nonBlank("AWS_ENDPOINT_URL")).map(URI::create);
    }

    /** As the SDK reads them: the system property (aws.endpointUrl, aws.endpointUrlS3, ...) first, then the variable. */
    private static String standardSetting(String variable) {
        String property = switch (variable) {
            case "AWS_ENDPOINT_URL" -> "aws.endpointUrl";
            case "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" -> "aws.ignoreConfiguredEndpointUrls";
            default -> variable.startsWith("AWS_ENDPOINT_URL_")
                    ? "aws.endpointUrl" + variable.substring("AWS_ENDPOINT_URL_".length()) : null;
        };
        String value = property == null ? null : System.getProperty(property);
        return value != null ? value : System.getenv(variable);
    }

    private Optional<String> nonBlank(String variable) {
        return Optional.ofNullable(environment.apply(variable)).filter(v -> !v.isBlank());
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region, Duration callTimeout, Duration attemptTimeout) {
        builder.region(region);
        builder.credentialsProvider(credentials());
        settings.endpoint().ifPresent(builder::endpointOverride);
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy())
                .apiCallTimeout(callTimeout)
                .apiCallAttemptTimeout(attemptTimeout);
        settings.profile().ifPresent(override::defaultProfileName);
        builder.overrideConfiguration(override.build());
        return builder;
    }

    /**
     * The SDK's standard strategy already treats Throttling/ThrottlingException/RequestLimitExceeded
     * and HTTP 500/502/503/504 as retryable; tierlift only sets how often and how long to back off.
     */
    RetryStrategy retryStrategy() {
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(settings.retryBaseDelay(), settings.retryMaxDelay());
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(backoff)
                .build();
    }

    private synchronized SdkHttpClient httpClient() {
        if (httpClient == null) {
            httpClient = UrlConnectionHttpClient.builder()
                    .connectionTimeout(settings.connectTimeout())
                    .socketTimeout(settings.apiCallAttemptTimeout())
                    .build();
            owned.add(httpClient);
        }
        return httpClient;
    }

    private synchronized AwsCredentialsProvider credentials() {
        if (credentials == null) {
            if (settings.credentials().isPresent()) {
                credentials = settings.credentials().get();
            } else {
                var chain = DefaultCredentialsProvider.builder();
                settings.profile().ifPresent(chain::profileName);
                DefaultCredentialsProvider provider = chain.build();
                owned.add(provider);
                credentials = provider;
            }
        }
        return credentials;
    }

    @Override
    public synchronized void close() {
        cloudFormation.values().forEach(CloudFormationClient::close);
        s3.values().forEach(S3Client::close);
        autoScaling.values().forEach(AutoScalingClient::close);
        rds.values().forEach(RdsClient::close);
        ec2.values().forEach(Ec2Client::close);
        elb.values().forEach(ElasticLoadBalancingV2Client::close);
        secretsManager.values().forEach(SecretsManagerClient::close);
        ssm.values().forEach(SsmClient::close);
        sts.values().forEach(StsClient::close);
        logs.values().forEach(CloudWatchLogsClient::close);
        if (cloudFront != null) {
            cloudFront.close();
            cloudFront = null;
        }
        cloudFormation.clear();
        s3.clear();
        autoScaling.clear();
        rds.clear();
        ec2.clear();
        elb.clear();
        secretsManager.clear();
        ssm.clear();
        sts.clear();
        logs.clear();
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing only releases sockets and refresh threads; nothing to report
            }
        }
        owned.clear();
        httpClient = null;
        credentials = null;
    }
}

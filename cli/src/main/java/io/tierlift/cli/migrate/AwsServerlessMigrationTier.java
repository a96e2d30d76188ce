package io.tierlift.cli.migrate;

import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.secretsmanager.SecretsManagerResolver;
import io.tierlift.aws.serverless.ServerlessStatus;
import io.tierlift.aws.serverless.migrate.LambdaMaintenanceSwitch;
import io.tierlift.aws.serverless.migrate.MaintenanceSwitchException;
import io.tierlift.cli.Application;
import io.tierlift.cli.UserException;
import io.tierlift.cli.Version;
import io.tierlift.cli.command.ServerlessCommands;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.database.DbEndpoint;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.provider.Progress;
import io.tierlift.provider.Target;
import io.tierlift.secret.SecretRef;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * aws-serverless as a migration sees it. provision is {@code deploy aws-serverless}; the database
 * is the Aurora cluster's writer endpoint with the cluster's RDS-managed master secret; the
 * maintenance switch is the function's TIERLIFT_MAINTENANCE variable (see
 * {@link LambdaMaintenanceSwitch}); traffic moves with the descriptor's DNS record, or by the
 * printed instructions.
 */
public final class AwsServerlessMigrationTier implements MigrationTier {
    /** Outputs of the data, api and static stacks (the templates' names). */
    static final String DATA = "data";
    static final String API = "api";
    static final String STATIC = "static";
    static final String CLUSTER_ADDRESS = "DbClusterEndpointAddress";
    static final String CLUSTER_PORT = "DbClusterEndpointPort";
    static final String DB_SECRET_ARN = "DbSecretArn";
    static final String FUNCTION_NAME = "FunctionName";
    static final String DISTRIBUTION_DOMAIN = "DistributionDomainName";

    private final AppDescriptor descriptor;
    private final ServerlessCommands.Session session;
    private final LambdaMaintenanceSwitch maintenance;
    private final Optional<DnsTrafficSwitch> dns;
    private final DnsInstructions instructions;

    public AwsServerlessMigrationTier(AppDescriptor descriptor, ServerlessCommands.Session session,
                                      LambdaMaintenanceSwitch maintenance, Optional<DnsTrafficSwitch> dns,
                                      DnsInstructions instructions) {
        if (descriptor.targets().awsServerless().isEmpty()) {
            throw new UserException("the descriptor has no targets.aws-serverless section to migrate to or from");
        }
        this.descriptor = descriptor;
        this.session = session;
        this.maintenance = maintenance;
        this.dns = dns;
        this.instructions = instructions;
    }

    /** The tier with clients made from the application's environment, as {@code deploy aws-serverless} makes them. */
    public static AwsServerlessMigrationTier open(Application app, AppDescriptor descriptor) {
        ServerlessCommands.Session session = ServerlessCommands.open(app, descriptor);
        Progress progress = new StderrProgress(app.console());
        boolean emulator = Optional.ofNullable(app.environment().get("AWS_ENDPOINT_URL")).filter(v -> !v.isBlank()).isPresent();
        LambdaMaintenanceSwitch maintenance = new LambdaMaintenanceSwitch(session.lambda(), progress, Sleeper.system(),
                Clock.systemUTC(), emulator ? Duration.ofMillis(100) : Duration.ofSeconds(2), Duration.ofMinutes(5));
        return new AwsServerlessMigrationTier(descriptor, session, maintenance, DnsTrafficSwitch.open(app, descriptor),
                new DnsInstructions());
    }

    @Override
    public Target target() {
        return Target.AWS_SERVERLESS;
    }

    @Override
    public void provision() {
        aws(() -> session.deployer().deploy(descriptor, session.plan(), Version.current()));
    }

    /**
     * The cluster's writer endpoint, not the RDS Proxy the function uses: a proxy does not pass
     * the replication protocol through, so logical replication (a subscription on the cluster, or
     * the mover's replication connection to it) must reach the cluster itself. The writer, not the
     * reader endpoint, because publications, subscriptions and the copy's writes need the primary.
     * The password is the cluster's master secret, managed by RDS: a {@code ${aws-sm:ARN}}
     * reference, read from Secrets Manager only when a connection opens. The cluster has no public
     * address: tierlift must run where the VPC is reachable (a VPN, Direct Connect, or a host inside it).
     */
    @Override
    public DbEndpoint database() {
        Map<String, String> data = outputs(DATA);
        String host = required(data, DATA, CLUSTER_ADDRESS);
        int port = Integer.parseInt(required(data, DATA, CLUSTER_PORT));
        SecretRef password = SecretRef.parse("${aws-sm:" + required(data, DATA, DB_SECRET_ARN) + "}").orElseThrow();
        return new DbEndpoint(host, port, descriptor.database().name(), descriptor.database().user(), Optional.of(password));
    }

    /**
     * Reads {@code ${aws-sm:...}} references, such as {@link #database()}'s password, through this
     * tier's Secrets Manager clients: for the secret resolver of the migration's connections.
     */
    public SecretsManagerResolver secretResolver() {
        return new SecretsManagerResolver(session.secrets(), target(descriptor).region());
    }

    @Override
    public void maintenance(boolean on) {
        String function = required(outputs(API), API, FUNCTION_NAME);
        aws(() -> maintenance.set(target(descriptor).region(), function, on));
    }

    @Override
    public void takeTraffic(PrintWriter out) {
        String distribution = required(outputs(STATIC), STATIC, DISTRIBUTION_DOMAIN);
        if (dns.isPresent()) {
            dns.get().pointAtCloudFront(target(), distribution, out);
        } else {
            instructions.cloudFront(out, target(), target(descriptor).domain(), distribution);
        }
    }

    @Override
    public void close() {
        dns.ifPresent(DnsTrafficSwitch::close);
        session.close();
    }

    private Map<String, String> outputs(String stackKey) {
        ServerlessStatus status = aws(() -> session.deployer().status(session.plan()));
        ServerlessStatus.StackState stack = status.stacks().stream().filter(s -> s.key().equals(stackKey)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the aws-serverless plan has no " + stackKey + " stack"));
        if (stack.status().isEmpty()) {
            throw new UserException("stack " + stack.name() + " (" + stack.region() + ") does not exist: aws-serverless is not "
                    + "deployed; deploy it first (tierlift deploy aws-serverless)");
        }
        return stack.outputs();
    }

    private String required(Map<String, String> outputs, String stackKey, String name) {
        String value = outputs.get(name);
        if (value == null || value.isBlank()) {
            throw new UserException("the " + stackKey + " stack of aws-serverless has no output " + name + " (it has "
                    + new java.util.TreeMap<>(outputs).keySet() + "); deploy aws-serverless again to complete it");
        }
        return value;
    }

    private static AwsServerlessTarget target(AppDescriptor descriptor) {
        return descriptor.targets().awsServerless().orElseThrow();
    }

    /** AWS failures become operator messages, as in the deploy command. */
    private static <T> T aws(Supplier<T> call) {
        try {
            return call.get();
        } catch (MaintenanceSwitchException | io.tierlift.aws.serverless.ServerlessDeployException
                 | io.tierlift.aws.StackSetException | io.tierlift.aws.cloudformation.StackDeployException
                 | io.tierlift.aws.client.AwsCallException | io.tierlift.aws.s3.S3SyncException
                 | io.tierlift.release.ReleaseException e) {
            throw new UserException(e.getMessage());
        } catch (SdkException e) {
            throw new UserException("AWS call failed: " + e.getMessage());
        }
    }
}

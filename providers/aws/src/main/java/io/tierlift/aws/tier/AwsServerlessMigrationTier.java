package io.tierlift.aws.tier;

import io.tierlift.aws.secretsmanager.SecretsManagerResolver;
import io.tierlift.aws.serverless.MaintenanceHold;
import io.tierlift.aws.serverless.ServerlessStatus;
import io.tierlift.aws.serverless.migrate.AuroraWriterRestart;
import io.tierlift.aws.serverless.migrate.LambdaMaintenanceSwitch;
import io.tierlift.render.aws.serverless.DatabasePath;
import io.tierlift.database.DbEndpoint;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.serverless.ApiStack;
import io.tierlift.secret.SecretRef;
import io.tierlift.tier.DnsRecord;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.TierFailure;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * aws-serverless as a migration sees it. provision is {@code deploy aws-serverless} without the release
 * command (the app's database role is set up; the copy brings the schema); the database
 * is the Aurora cluster's writer endpoint with the cluster's RDS-managed master secret; the
 * maintenance switch is TIERLIFT_MAINTENANCE in the version the function's alias serves (see
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
    private final ServerlessSession session;
    private final LambdaMaintenanceSwitch maintenance;
    private final AuroraWriterRestart writerRestart;
    private final Optional<DnsRecord> dns;
    private final DnsInstructions instructions;

    AwsServerlessMigrationTier(AppDescriptor descriptor, ServerlessSession session,
                               LambdaMaintenanceSwitch maintenance, AuroraWriterRestart writerRestart,
                               Optional<DnsRecord> dns, DnsInstructions instructions) {
        if (descriptor.targets().awsServerless().isEmpty()) {
            throw new TierFailure("the descriptor has no targets.aws-serverless section to migrate to or from");
        }
        this.descriptor = descriptor;
        this.session = session;
        this.maintenance = maintenance;
        this.writerRestart = writerRestart;
        this.dns = dns;
        this.instructions = instructions;
    }

    @Override
    public Target target() {
        return Target.AWS_SERVERLESS;
    }

    @Override
    public void provision() {
        // No release command: the copy brings the schema, and must find the database without the app's rows.
        aws(() -> session.deployer().deploy(descriptor, session.plan(), session.version(), maintenanceHold(), false));
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
     * A cluster that should pause (min_acu 0) has logical replication off, since AWS does not pause a
     * writer that has it on: a logical migration from it turns it on through the data stack, then
     * restarts the writer (the setting is static). Nothing to do for a cluster behind the proxy.
     */
    @Override
    public void allowLogicalReplication() {
        aws(() -> {
            if (session.deployer().dataStack().turnOnLogicalReplication(session.plan())) {
                writerRestart.restart(target(descriptor).region(), database().host());
            }
            return null;
        });
    }

    @Override
    public Optional<String> logicalReplicationChange() {
        return aws(() -> session.deployer().dataStack().logicalReplicationOff(session.plan())
                ? Optional.of("turn logical replication on in the Aurora cluster (data stack parameter "
                        + DatabasePath.LOGICAL_REPLICATION_PARAMETER + " = 1), then restart its writer: about a minute without "
                        + "the database before the copy starts; the database does not pause while it stays on")
                : Optional.empty());
    }

    /**
     * Reads {@code ${aws-sm:...}} references, such as {@link #database()}'s password, through this
     * tier's Secrets Manager clients: for the secret resolver of the migration's connections.
     */
    public SecretsManagerResolver secretResolver() {
        return new SecretsManagerResolver(session::secrets, target(descriptor).region());
    }

    @Override
    public void maintenance(boolean on) {
        Map<String, String> api = outputs(API);
        String function = required(api, API, FUNCTION_NAME);
        // Back to the version the stack says the alias serves, when maintenance ends.
        String serving = required(api, API, ApiStack.LIVE_VERSION_PARAMETER);
        aws(() -> maintenance.set(target(descriptor).region(), function, ApiStack.ALIAS, serving, on));
    }

    /**
     * Where the alias points and whether maintenance is on, for a deploy that must keep it; nothing to
     * hold while the api stack (or its function) does not exist yet.
     */
    public MaintenanceHold maintenanceHold() {
        ServerlessStatus.StackState api = stack(API);
        String function = api.outputs().get(FUNCTION_NAME);
        if (api.status().isEmpty() || function == null || function.isBlank()) {
            return MaintenanceHold.NONE;
        }
        return aws(() -> maintenance.hold(target(descriptor).region(), function, ApiStack.ALIAS));
    }

    /**
     * Whether the version the alias serves has maintenance on; empty while the api stack (or its
     * function) does not exist yet, as before the first deploy.
     */
    public Optional<Boolean> maintenanceState() {
        ServerlessStatus.StackState api = stack(API);
        String function = api.outputs().get(FUNCTION_NAME);
        if (api.status().isEmpty() || function == null || function.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(aws(() -> maintenance.isOn(target(descriptor).region(), function, ApiStack.ALIAS)));
    }

    @Override
    public void takeTraffic(PrintWriter out) {
        // A deploy keeps the maintenance it finds (an earlier rollback or migration away from this
        // tier leaves the alias on a maintenance version): users come with the switch, so it ends here.
        if (maintenanceState().orElse(false)) {
            maintenance(false);
        }
        String distribution = required(outputs(STATIC), STATIC, DISTRIBUTION_DOMAIN);
        if (dns.isPresent()) {
            dns.get().pointAtCloudFront(target(), distribution, out);
        } else {
            instructions.cloudFront(out, target(), target(descriptor).domain(), distribution);
        }
    }

    @Override
    public void close() {
        dns.ifPresent(DnsRecord::close);
        session.close();
    }

    private ServerlessStatus.StackState stack(String stackKey) {
        ServerlessStatus status = aws(() -> session.deployer().status(session.plan()));
        return status.stacks().stream().filter(s -> s.key().equals(stackKey)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the aws-serverless plan has no " + stackKey + " stack"));
    }

    private Map<String, String> outputs(String stackKey) {
        ServerlessStatus.StackState stack = stack(stackKey);
        if (stack.status().isEmpty()) {
            throw new TierFailure("stack " + stack.name() + " (" + stack.region() + ") does not exist: aws-serverless is not "
                    + "deployed; deploy it first (tierlift deploy aws-serverless)");
        }
        return stack.outputs();
    }

    private String required(Map<String, String> outputs, String stackKey, String name) {
        String value = outputs.get(name);
        if (value == null || value.isBlank()) {
            throw new TierFailure("the " + stackKey + " stack of aws-serverless has no output " + name + " (it has "
                    + new java.util.TreeMap<>(outputs).keySet() + "); deploy aws-serverless again to complete it");
        }
        return value;
    }

    private static AwsServerlessTarget target(AppDescriptor descriptor) {
        return descriptor.targets().awsServerless().orElseThrow();
    }

    /** AWS failures become operator messages, as in the deploy command. */
    private static <T> T aws(Supplier<T> call) {
        return AwsFailures.call(call);
    }
}

package io.tierlift.render.aws.serverless;

import io.tierlift.tier.TierFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tierlift.model.AuroraSettings;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.model.Database;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.PointInTimeRestore;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Props;
import io.tierlift.render.aws.iaas.AppDbSecret;
import io.tierlift.render.aws.iaas.AppSecret;
import io.tierlift.render.aws.iaas.StackNames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * Aurora Serverless v2 PostgreSQL in the private database subnets, behind an RDS Proxy unless it
 * should pause when idle ({@link DatabasePath}).
 *
 * <ul>
 * <li>The cluster's master password is managed by RDS in Secrets Manager
 * ({@code ManageMasterUserPassword}): no password is ever in a template, a parameter or a change
 * set. It serves the release step only: the app connects as a role of its own, whose secret this
 * stack generates ({@link AppDbSecret}). The proxy authenticates clients against both secrets.</li>
 * <li>One {@code db.serverless} writer; capacity between min_acu and max_acu. With min_acu 0 the
 * instance pauses after {@code seconds_until_auto_pause} without connections, which needs an
 * engine version that supports it (checked here, else the deploy would fail half-way).</li>
 * <li>Snapshot on delete of the cluster, so {@code destroy} does not lose data; kept (outside the
 * stack) on replacement, which the stack policy refuses unless asked for: {@code restore} replaces the
 * cluster with a point-in-time restore of itself ({@link PointInTimeRestore}), and deletes the old one,
 * with a final snapshot, at {@code --finalize}. The instance holds no data of its own.</li>
 * <li>The cluster parameter group turns on logical replication, which tierlift's migrations use
 * to move data in and out with little downtime, and refuses connections without TLS. A cluster
 * that should pause has logical replication off until a migration turns it on (the
 * {@code LogicalReplication} parameter, which a deploy keeps at its live value).</li>
 * <li>The RDS Proxy pools connections: each Lambda instance opens its own, and thousands of
 * short-lived connections would exhaust a small Aurora instance. It requires TLS from clients.</li>
 * </ul>
 *
 * <p>When the app has secret environment variables, this stack also creates an empty secret that
 * the deployer fills with their resolved values before the function is updated.
 */
final class AuroraStack {
    static final String KEY = "data";
    /** The host the function connects to: the proxy, or the cluster's writer when there is none. */
    static final String APP_DB_HOST = "AppDbHost";
    static final String DB_SECRET_ARN = "DbSecretArn";
    static final String CLUSTER_ADDRESS = "DbClusterEndpointAddress";
    static final String CLUSTER_PORT = "DbClusterEndpointPort";
    static final String ENGINE = "aurora-postgresql";
    /** An RDS Proxy name: at most 63 characters. */
    private static final int PROXY_NAME_LIMIT = 63;
    /**
     * The oldest minor version of each major that can scale to 0 ACUs (Aurora PostgreSQL 13.15,
     * 14.12, 15.7, 16.3; every 17.x).
     */
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final StackNames names;
    private final AwsServerlessTarget target;
    private final Database database;
    private final boolean appSecret;
    private final DatabasePath path;

    AuroraStack(StackNames names, AwsServerlessTarget target, Database database, boolean appSecret) {
        this.names = names;
        this.target = target;
        this.database = database;
        this.appSecret = appSecret;
        this.path = DatabasePath.of(target);
    }

    StackSpec build() {
        AuroraSettings aurora = target.database();
        boolean pauses = aurora.minAcu() == 0;
        if (pauses && !supportsAutoPause(aurora.engineVersion())) {
            throw new TierFailure("targets.aws-serverless.database.min_acu: 0 (pause when idle) needs Aurora "
                    + "PostgreSQL 13.15, 14.12, 15.7, 16.3 or newer, but engine_version is " + aurora.engineVersion()
                    + "; set engine_version to such a version (e.g. 16.6) or min_acu to 0.5 or more");
        }
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " data: Aurora Serverless v2 PostgreSQL "
                + aurora.engineVersion() + ", " + acuText(aurora.minAcu()) + " to " + acuText(aurora.maxAcu()) + " ACUs"
                + (pauses ? " (pauses after " + aurora.secondsUntilAutoPause() + " s idle)" : "")
                + (path == DatabasePath.PROXY ? ", behind an RDS Proxy" : ", reached directly so it can pause")
                + "; password managed in Secrets Manager");
        JsonNode subnets = t.parameter("DbSubnetIds", CfnParameter.of("List<AWS::EC2::Subnet::Id>",
                "Private database subnets (network stack output " + ServerlessNetworkStack.DB_SUBNET_IDS + ")"));
        JsonNode dbGroup = t.parameter("DbSecurityGroupId", CfnParameter.of("AWS::EC2::SecurityGroup::Id",
                "Security group of the cluster (network stack output " + ServerlessNetworkStack.DB_SECURITY_GROUP_ID + ")"));
        Map<String, ParameterSource> parameters = new LinkedHashMap<>();
        parameters.put("DbSubnetIds", new ParameterSource.StackOutput(ServerlessNetworkStack.KEY, ServerlessNetworkStack.DB_SUBNET_IDS));
        parameters.put("DbSecurityGroupId", new ParameterSource.StackOutput(ServerlessNetworkStack.KEY,
                ServerlessNetworkStack.DB_SECURITY_GROUP_ID));
        PointInTimeRestore restore = PointInTimeRestore.AURORA_CLUSTER;
        restore.addTo(t, parameters);
        Object logicalReplication = "1";
        if (path == DatabasePath.DIRECT) {
            logicalReplication = t.parameter(DatabasePath.LOGICAL_REPLICATION_PARAMETER, CfnParameter.string("1 while a migration needs "
                    + "logical replication (the writer cannot pause meanwhile), else 0").withPattern("^[01]$", "0 or 1"));
            parameters.put(DatabasePath.LOGICAL_REPLICATION_PARAMETER, new ParameterSource.DeployTime(DatabasePath.LOGICAL_REPLICATION_VALUE,
                    "the live stack's value (a migration turns it on), 0 for a new stack"));
        }

        CfnResource subnetGroup = t.add(CfnResource.of("DbSubnetGroup", "AWS::RDS::DBSubnetGroup", props()
                .put("DBSubnetGroupDescription", names.prefix() + " private database subnets")
                .put("SubnetIds", subnets)));
        CfnResource parameterGroup = t.add(CfnResource.of("DbClusterParameterGroup", "AWS::RDS::DBClusterParameterGroup", props()
                .put("Family", ENGINE + majorVersion(aurora.engineVersion()))
                .put("Description", names.prefix() + " Aurora PostgreSQL settings")
                .put("Parameters", Map.of(
                        // Logical replication lets tierlift migrate data in and out with little downtime.
                        "rds.logical_replication", logicalReplication,
                        "rds.force_ssl", "1",
                        // Set for the whole cluster, so every instance logs slow statements alike. Aurora
                        // fixes log_line_prefix; the app's SQL comment carries the request id instead.
                        "log_min_duration_statement", String.valueOf(database.logMinDurationStatementMillis())))));
        Props scaling = props()
                .put("MinCapacity", acu(aurora.minAcu()))
                .put("MaxCapacity", acu(aurora.maxAcu()))
                .putIf(pauses, "SecondsUntilAutoPause", aurora.secondsUntilAutoPause());
        CfnResource cluster = t.add(CfnResource.of("DbCluster", "AWS::RDS::DBCluster", props()
                .put("Engine", ENGINE)
                .put("EngineVersion", aurora.engineVersion())
                .put("SourceDBClusterIdentifier", restore.whenRestored(Fn.ref(restore.sourceParameter())))
                .put("RestoreToTime", restore.whenRestored(Fn.ref(restore.timeParameter())))
                .put("DatabaseName", restore.unlessRestored(database.name()))
                .put("MasterUsername", restore.unlessRestored(database.user()))
                .put("ManageMasterUserPassword", true)
                .put("Port", database.port())
                .put("DBSubnetGroupName", subnetGroup.ref())
                .put("DBClusterParameterGroupName", parameterGroup.ref())
                .put("VpcSecurityGroupIds", List.of(dbGroup))
                .put("StorageEncrypted", restore.unlessRestored(true))
                .put("BackupRetentionPeriod", aurora.backupRetentionDays())
                .put("DeletionProtection", aurora.deletionProtection())
                .put("CopyTagsToSnapshot", true)
                .put("EnableCloudwatchLogsExports", List.of("postgresql"))
                .put("ServerlessV2ScalingConfiguration", scaling))
                .onDelete("Snapshot").onReplace("Retain"));
        CfnResource instance = t.add(CfnResource.of("DbInstance", "AWS::RDS::DBInstance", props()
                .put("Engine", ENGINE)
                .put("DBClusterIdentifier", cluster.ref())
                .put("DBInstanceClass", "db.serverless")
                .put("PubliclyAccessible", false)
                .put("AutoMinorVersionUpgrade", true))
                // Said explicitly: the data lives in the cluster (snapshotted above); an instance of a
                // cluster cannot be snapshotted on its own.
                .onDeleteAndReplace("Delete"));

        JsonNode masterSecret = cluster.att("MasterUserSecret.SecretArn");
        JsonNode appDbSecret = AppDbSecret.addTo(t, names, database).ref();
        if (path == DatabasePath.PROXY) {
            JsonNode proxyGroup = t.parameter("ProxySecurityGroupId", CfnParameter.of("AWS::EC2::SecurityGroup::Id",
                    "Security group of the proxy (network stack output " + ServerlessNetworkStack.PROXY_SECURITY_GROUP_ID + ")"));
            parameters.put("ProxySecurityGroupId", new ParameterSource.StackOutput(ServerlessNetworkStack.KEY,
                    ServerlessNetworkStack.PROXY_SECURITY_GROUP_ID));
            CfnResource proxy = addProxy(t, subnets, proxyGroup, cluster, instance, masterSecret, appDbSecret);
            t.output(APP_DB_HOST, "Host name of the RDS Proxy, which the function connects to", proxy.att("Endpoint"));
        } else {
            t.output(APP_DB_HOST, "Host name of the cluster's writer, which the function connects to (no proxy, so "
                    + "the cluster can pause)", cluster.att("Endpoint.Address"));
        }
        t.output(DB_SECRET_ARN, "Secrets Manager secret RDS keeps the master user's credentials in", masterSecret);
        t.output(CLUSTER_ADDRESS, "Host name of the cluster's writer (for migrations; the app uses the proxy)",
                cluster.att("Endpoint.Address"));
        t.output(CLUSTER_PORT, "Port of the cluster", cluster.att("Endpoint.Port"));
        t.output(StackNames.DB_LOG_GROUP_OUTPUT, "Log group RDS exports the cluster's PostgreSQL log to", Fn.sub("/aws/rds/cluster/${"
                + cluster.logicalId() + "}/postgresql"));
        if (appSecret) {
            AppSecret.addTo(t, names);
        }

        // The proxy's role is unnamed, so CAPABILITY_IAM (not _NAMED_IAM) is enough.
        return new StackSpec(KEY, names.stack(KEY), target.region(), t.build(), parameters, List.of("CAPABILITY_IAM"));
    }

    /**
     * The RDS Proxy: it pools connections, since each function environment opens its own and
     * thousands of short-lived connections would exhaust a small Aurora instance, and it requires TLS.
     */
    private CfnResource addProxy(CfnTemplate.Builder t, JsonNode subnets, JsonNode proxyGroup, CfnResource cluster,
                                 CfnResource instance, JsonNode masterSecret, JsonNode appDbSecret) {
        // The proxy admits a client only with a user and password from a secret in its Auth, and logs in to the
        // database with them: the master (for the release step) and the app's own role.
        CfnResource proxyRole = t.add(CfnResource.of("ProxyRole", "AWS::IAM::Role", props()
                .put("Description", names.prefix() + " RDS Proxy: reads the database secrets")
                .put("AssumeRolePolicyDocument", props()
                        .put("Version", "2012-10-17")
                        .put("Statement", List.of(props()
                                .put("Effect", "Allow")
                                .put("Principal", props().put("Service", "rds.amazonaws.com"))
                                .put("Action", "sts:AssumeRole")
                                // Only RDS acting for this account may use the role.
                                .put("Condition", props().put("StringEquals", Map.of("aws:SourceAccount", Fn.ref("AWS::AccountId")))))))
                .put("Policies", List.of(props()
                        .put("PolicyName", "read-database-secrets")
                        .put("PolicyDocument", props()
                                .put("Version", "2012-10-17")
                                .put("Statement", List.of(props()
                                        .put("Sid", "ReadDatabaseSecret")
                                        .put("Effect", "Allow")
                                        .put("Action", "secretsmanager:GetSecretValue")
                                        .put("Resource", List.of(masterSecret, appDbSecret)))))))));
        CfnResource proxy = t.add(CfnResource.of("DbProxy", "AWS::RDS::DBProxy", props()
                .put("DBProxyName", proxyName(names))
                .put("EngineFamily", "POSTGRESQL")
                .put("RoleArn", proxyRole.att("Arn"))
                .put("Auth", List.of(proxyAuth(masterSecret), proxyAuth(appDbSecret)))
                .put("VpcSubnetIds", subnets)
                .put("VpcSecurityGroupIds", List.of(proxyGroup))
                .put("RequireTLS", true)
                .put("IdleClientTimeout", 1800)
                .put("DebugLogging", false)));
        Props pool = props()
                .put("MaxConnectionsPercent", 90)
                // How long a client waits for a database connection: long enough for a failover to finish.
                .put("ConnectionBorrowTimeout", 120);
        // Registering the cluster needs a running instance in it.
        t.add(CfnResource.of("DbProxyTargetGroup", "AWS::RDS::DBProxyTargetGroup", props()
                .put("DBProxyName", proxy.ref())
                .put("TargetGroupName", "default")
                .put("DBClusterIdentifiers", List.of(cluster.ref()))
                .put("ConnectionPoolConfigurationInfo", pool)).dependingOn(instance.logicalId()));
        return proxy;
    }

    private static Props proxyAuth(JsonNode secret) {
        return props()
                .put("AuthScheme", "SECRETS")
                .put("SecretArn", secret)
                .put("IAMAuth", "DISABLED")
                .put("ClientPasswordAuthType", "POSTGRES_SCRAM_SHA_256");
    }

    /**
     * RDS Proxy names allow no two hyphens in a row, which a shortened name (a prefix cut at a
     * hyphen, then "-hash-") could have; the hash keeps the name unique without them.
     */
    static String proxyName(StackNames names) {
        return names.resource("db", PROXY_NAME_LIMIT).replaceAll("-{2,}", "-");
    }

    /** Whether Aurora PostgreSQL of this version can scale to 0 ACUs; a version without a minor cannot be told. */
    static boolean supportsAutoPause(String engineVersion) {
        return io.tierlift.model.AuroraSettings.supportsAutoPause(engineVersion);
    }

    /** The parameter group family wants the major version: "16.6" → 16. */
    static String majorVersion(String engineVersion) {
        int dot = engineVersion.indexOf('.');
        return dot < 0 ? engineVersion : engineVersion.substring(0, dot);
    }

    /** ACUs come in steps of 0.5: whole numbers are written without a fraction. */
    private static JsonNode acu(double value) {
        return value == Math.rint(value) ? JSON.numberNode((int) value) : JSON.numberNode(value);
    }

    private static String acuText(double value) {
        return value == Math.rint(value) ? String.valueOf((int) value) : String.valueOf(value);
    }
}

package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.model.Database;
import io.tierlift.model.RdsSettings;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.PointInTimeRestore;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * RDS PostgreSQL in the private database subnets. The master password is managed by RDS in
 * Secrets Manager ({@code ManageMasterUserPassword}), so no password is ever in a template,
 * a parameter or a change set; instances read it at start. Snapshot on delete, so {@code destroy}
 * does not lose data; kept (outside the stack) on replacement, which the stack policy refuses unless
 * asked for: {@code restore} replaces the instance with a point-in-time restore of itself
 * ({@link PointInTimeRestore}) and deletes the old one, with a final snapshot, at {@code --finalize}.
 *
 * <p>The app connects as a role of its own, whose secret this stack creates with a generated
 * password ({@link AppDbSecret}); the master's secret serves only the release step.
 *
 * <p>When the app has secret environment variables, this stack also creates an empty secret that
 * the deployer fills with their resolved values before the compute stack starts instances.
 */
final class DataStack {
    static final String KEY = "data";
    static final String DB_ADDRESS = "DbEndpointAddress";
    static final String DB_PORT = "DbEndpointPort";
    static final String DB_SECRET_ARN = "DbSecretArn";

    private final StackNames names;
    private final AwsIaasTarget target;
    private final Database database;
    private final boolean appSecrets;

    DataStack(StackNames names, AwsIaasTarget target, Database database, boolean appSecrets) {
        this.names = names;
        this.target = target;
        this.database = database;
        this.appSecrets = appSecrets;
    }

    StackSpec build() {
        RdsSettings rds = target.database();
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " data: RDS PostgreSQL " + rds.engineVersion()
                + (rds.multiAz() ? " Multi-AZ" : " single-AZ") + ", password managed in Secrets Manager");
        JsonNode subnets = t.parameter("DbSubnetIds", CfnParameter.of("List<AWS::EC2::Subnet::Id>",
                "Private database subnets (network stack output " + NetworkStack.DB_SUBNET_IDS + ")"));
        JsonNode securityGroup = t.parameter("DbSecurityGroupId", CfnParameter.of("AWS::EC2::SecurityGroup::Id",
                "Security group of the database (network stack output " + NetworkStack.DB_SECURITY_GROUP_ID + ")"));

        Map<String, ParameterSource> parameters = new LinkedHashMap<>();
        PointInTimeRestore restore = PointInTimeRestore.RDS_INSTANCE;
        restore.addTo(t, parameters);

        CfnResource subnetGroup = t.add(CfnResource.of("DbSubnetGroup", "AWS::RDS::DBSubnetGroup", props()
                .put("DBSubnetGroupDescription", names.prefix() + " private database subnets")
                .put("SubnetIds", subnets)));
        CfnResource parameterGroup = t.add(CfnResource.of("DbParameterGroup", "AWS::RDS::DBParameterGroup", props()
                .put("Family", "postgres" + majorVersion(rds.engineVersion()))
                .put("Description", names.prefix() + " PostgreSQL settings")
                .put("Parameters", Map.of(
                        // Logical replication lets tierlift migrate data in and out with little downtime.
                        "rds.logical_replication", "1",
                        "rds.force_ssl", "1",
                        // RDS fixes log_line_prefix; the app's SQL comment carries the request id instead.
                        "log_min_duration_statement", String.valueOf(database.logMinDurationStatementMillis())))));
        CfnResource db = t.add(CfnResource.of("Database", "AWS::RDS::DBInstance", props()
                .put("Engine", "postgres")
                .put("EngineVersion", rds.engineVersion())
                .put("SourceDbiResourceId", restore.whenRestored(Fn.ref(restore.sourceParameter())))
                .put("RestoreTime", restore.whenRestored(Fn.ref(restore.timeParameter())))
                .put("DBInstanceClass", rds.instanceClass())
                .put("AllocatedStorage", String.valueOf(rds.storageGb()))
                .put("StorageType", "gp3")
                .put("StorageEncrypted", restore.unlessRestored(true))
                .put("MultiAZ", rds.multiAz())
                .put("DBName", restore.unlessRestored(database.name()))
                .put("MasterUsername", restore.unlessRestored(database.user()))
                .put("ManageMasterUserPassword", true)
                .put("Port", String.valueOf(database.port()))
                .put("DBSubnetGroupName", subnetGroup.ref())
                .put("DBParameterGroupName", parameterGroup.ref())
                .put("VPCSecurityGroups", List.of(securityGroup))
                .put("PubliclyAccessible", false)
                .put("BackupRetentionPeriod", rds.backupRetentionDays())
                .put("DeletionProtection", rds.deletionProtection())
                .put("CopyTagsToSnapshot", true)
                .put("AutoMinorVersionUpgrade", true)
                .put("EnableCloudwatchLogsExports", List.of("postgresql")))
                .onDelete("Snapshot").onReplace("Retain"));

        parameters.put("DbSubnetIds", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.DB_SUBNET_IDS));
        parameters.put("DbSecurityGroupId", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.DB_SECURITY_GROUP_ID));

        t.output(DB_ADDRESS, "Host name of the database", db.att("Endpoint.Address"));
        t.output(DB_PORT, "Port of the database", db.att("Endpoint.Port"));
        t.output(StackNames.DB_LOG_GROUP_OUTPUT, "Log group RDS exports PostgreSQL's log to", Fn.sub("/aws/rds/instance/${" + db.logicalId()
                + "}/postgresql"));
        t.output(DB_SECRET_ARN, "Secrets Manager secret RDS keeps the master user's credentials in",
                db.att("MasterUserSecret.SecretArn"));
        AppDbSecret.addTo(t, names, database);
        if (appSecrets) {
            AppSecret.addTo(t, names);
        }
        return new StackSpec(KEY, names.stack(KEY), target.region(), t.build(), parameters, List.of());
    }

    /** The parameter group family wants the major version: "15.4" → 15. */
    static String majorVersion(String engineVersion) {
        int dot = engineVersion.indexOf('.');
        return dot < 0 ? engineVersion : engineVersion.substring(0, dot);
    }
}

package io.tierlift.audit.aws;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/**
 * The database keeps automated backups, which is also what makes point-in-time restore possible:
 * a retention of 0 turns both off, and leaving it to the service's default hides the choice.
 */
final class DatabaseBackupsRule extends CfnRule {
    DatabaseBackupsRule() {
        super("aws.database-backups", Severity.MEDIUM, "the database keeps automated backups (BackupRetentionPeriod of at least 1 day, set explicitly)",
                "set backup_retention_days (1 to 35) in the tier's database section; tierlift renders it as BackupRetentionPeriod");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (String type : List.of("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")) {
            for (CfnResource db : templates.ofType(type)) {
                if (db.properties().has("DBClusterIdentifier")) {
                    continue; // a cluster member: the cluster keeps the backups
                }
                if (!db.properties().has("BackupRetentionPeriod")) {
                    findings.add(at(db, "no BackupRetentionPeriod: the service's default decides whether there are backups"));
                } else if (db.properties().path("BackupRetentionPeriod").asInt(0) < 1) {
                    findings.add(at(db, "BackupRetentionPeriod " + db.properties().path("BackupRetentionPeriod").asText()
                            + " turns automated backups and point-in-time restore off"));
                }
            }
        }
    }
}

package io.tierlift.audit.aws;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;
import java.util.Set;

/** The database survives a mistaken delete: deletion protection, and a final snapshot if the stack goes. */
final class RdsProtectionRule extends CfnRule {
    private static final Set<String> KEEPS_DATA = Set.of("Snapshot", "Retain");

    RdsProtectionRule() {
        super("aws.rds-protection", Severity.MEDIUM, "the database has DeletionProtection and DeletionPolicy: Snapshot",
                "set DeletionProtection: true and DeletionPolicy/UpdateReplacePolicy: Snapshot on the database resource");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (String type : List.of("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")) {
            for (CfnResource db : templates.ofType(type)) {
                if (db.properties().has("DBClusterIdentifier")) {
                    continue; // a cluster member: the cluster is protected
                }
                if (!db.properties().path("DeletionProtection").asBoolean(false)) {
                    findings.add(at(db, "no deletion protection"));
                }
                if (!KEEPS_DATA.contains(db.deletionPolicy())) {
                    findings.add(at(db, "DeletionPolicy " + db.deletionPolicy() + " drops the data with the stack"));
                }
            }
        }
    }
}

package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.render.aws.PointInTimeRestore;

import java.util.List;

/** Data at rest is encrypted: RDS storage and every S3 bucket. */
final class StorageEncryptionRule extends CfnRule {
    StorageEncryptionRule() {
        super("aws.storage-encryption", Severity.HIGH, "RDS storage and S3 buckets are encrypted at rest",
                "set StorageEncrypted: true on the database and a BucketEncryption (SSE-S3 or SSE-KMS) on every bucket");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (String type : List.of("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")) {
            for (CfnResource db : templates.ofType(type)) {
                if (db.properties().has("DBClusterIdentifier")) {
                    continue; // a cluster member: the cluster holds the storage settings
                }
                if (!encrypted(db.properties().path("StorageEncrypted"))) {
                    findings.add(at(db, "database storage is not encrypted (StorageEncrypted is not true)"));
                }
            }
        }
        for (CfnResource bucket : templates.ofType("AWS::S3::Bucket")) {
            if (bucket.properties().path("BucketEncryption").path("ServerSideEncryptionConfiguration").isEmpty()) {
                findings.add(at(bucket, "bucket has no BucketEncryption"));
            }
        }
    }

    /**
     * True, or true unless the database is a point-in-time restore: AWS refuses the property with a
     * restore source, and the restore is encrypted as its source was (which this rule checked).
     */
    private static boolean encrypted(JsonNode value) {
        if (value.asBoolean(false)) {
            return true;
        }
        JsonNode choice = value.path("Fn::If");
        return choice.path(0).asText().equals(PointInTimeRestore.CONDITION)
                && choice.path(1).path("Ref").asText().equals("AWS::NoValue") && choice.path(2).asBoolean(false);
    }
}

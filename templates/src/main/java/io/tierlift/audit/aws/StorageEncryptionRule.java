package io.tierlift.audit.aws;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

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
                if (!db.properties().path("StorageEncrypted").asBoolean(false)) {
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
}

package io.tierlift.model;

/** RDS PostgreSQL instance settings of the aws-iaas tier. */
public record RdsSettings(String instanceClass, boolean multiAz, int storageGb, int backupRetentionDays,
                          boolean deletionProtection, String engineVersion) {
}

package io.tierlift.model;

/** Aurora Serverless v2 capacity in ACUs; {@code minAcu == 0} lets the cluster pause. */
public record AuroraSettings(double minAcu, double maxAcu, int backupRetentionDays, boolean deletionProtection,
                             String engineVersion, int secondsUntilAutoPause) {
}

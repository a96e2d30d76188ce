package io.tierlift.model;

/** Aurora Serverless v2 capacity in ACUs; {@code minAcu == 0} lets the cluster pause. */
public record AuroraSettings(double minAcu, double maxAcu, int backupRetentionDays, boolean deletionProtection,
                             String engineVersion, int secondsUntilAutoPause) {
    /** First minor version of each major that can pause at 0 ACU (AWS's Aurora Serverless v2 documentation). */
    private static final java.util.Map<Integer, Integer> AUTO_PAUSE_SINCE = java.util.Map.of(13, 15, 14, 12, 15, 7, 16, 3);
    private static final int AUTO_PAUSE_EVERY_MINOR_FROM = 17;

    /** Whether an engine version supports min capacity 0 (automatic pause); a major version alone can't tell. */
    public static boolean supportsAutoPause(String engineVersion) {
        String[] parts = engineVersion.split("\\.");
        if (parts.length < 2 || !parts[0].matches("[0-9]+") || !parts[1].matches("[0-9]+")) {
            return false;
        }
        int major = Integer.parseInt(parts[0]);
        if (major >= AUTO_PAUSE_EVERY_MINOR_FROM) {
            return true;
        }
        Integer since = AUTO_PAUSE_SINCE.get(major);
        return since != null && Integer.parseInt(parts[1]) >= since;
    }
}

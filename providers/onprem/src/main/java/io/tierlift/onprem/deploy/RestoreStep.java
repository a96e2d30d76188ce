package io.tierlift.onprem.deploy;

import io.tierlift.tier.RestoreTarget;

import java.util.List;

/**
 * The steps of an on-prem restore, in the order they run, each journaled as it completes. The
 * app is in maintenance from the moment the cluster stops until the standbys are rebuilt: the
 * standbys serve the app's replica reads, so they must not show writes the restore set aside.
 */
public enum RestoreStep {
    SEAL_WAL,
    RESTORE_BESIDE,
    MAINTENANCE_ON,
    STOP_STANDBYS,
    STOP_PRIMARY,
    RESTORE_IN_PLACE,
    SWITCH_DIRECTORY,
    START_PRIMARY,
    REBUILD_STANDBYS,
    MAINTENANCE_OFF,
    CHECK_ARCHIVE;

    /** The names a step's description uses. */
    public record Names(String point, String backupId, String primary, List<String> standbys, String repository, String dataDirectory,
                        String restoredDirectory, String keptDirectory) {
    }

    /**
     * A new cluster is restored while the old one still serves; the app waits only for the switch.
     * In place, the cluster stops first and the restore overwrites what differs ({@code --delta}).
     */
    public static List<RestoreStep> forTarget(RestoreTarget target, boolean standbys) {
        List<RestoreStep> steps = target == RestoreTarget.NEW
                ? List.of(SEAL_WAL, RESTORE_BESIDE, MAINTENANCE_ON, STOP_STANDBYS, SWITCH_DIRECTORY, START_PRIMARY, REBUILD_STANDBYS,
                MAINTENANCE_OFF, CHECK_ARCHIVE)
                : List.of(MAINTENANCE_ON, SEAL_WAL, STOP_STANDBYS, STOP_PRIMARY, RESTORE_IN_PLACE, START_PRIMARY, REBUILD_STANDBYS,
                MAINTENANCE_OFF, CHECK_ARCHIVE);
        return standbys ? steps : steps.stream().filter(s -> s != STOP_STANDBYS && s != REBUILD_STANDBYS).toList();
    }

    public String describe(Names n) {
        String standbys = String.join(", ", n.standbys());
        return switch (this) {
            case SEAL_WAL -> "on " + n.primary() + ": commit a marker and archive the current WAL to " + n.repository()
                    + " (pgbackrest check), so the repository holds every write up to now";
            case RESTORE_BESIDE -> "on " + n.primary() + ": restore backup " + n.backupId() + " into " + n.restoredDirectory()
                    + " (the running cluster is untouched)";
            case MAINTENANCE_ON -> "maintenance on: the edge answers 503 and the app's writes drain";
            case STOP_STANDBYS -> "stop PostgreSQL on " + standbys;
            case STOP_PRIMARY -> "stop PostgreSQL on " + n.primary();
            case RESTORE_IN_PLACE -> "on " + n.primary() + ": restore backup " + n.backupId() + " over " + n.dataDirectory()
                    + " (pgbackrest restore --delta: only files that differ are rewritten)";
            case SWITCH_DIRECTORY -> "on " + n.primary() + ": stop PostgreSQL, keep " + n.dataDirectory() + " as " + n.keptDirectory()
                    + " and move the restored directory into its place";
            case START_PRIMARY -> "on " + n.primary() + ": start PostgreSQL, replay the archived WAL to " + n.point()
                    + " and wait until recovery ends on a new timeline";
            case REBUILD_STANDBYS -> "rebuild " + standbys + " from the restored " + n.primary()
                    + " (pg_basebackup) and wait until they stream";
            case MAINTENANCE_OFF -> "maintenance off: the app serves the restored data";
            case CHECK_ARCHIVE -> "on " + n.repository() + ": check that WAL archiving continues on the new timeline (pgbackrest check)";
        };
    }
}

package io.tierlift.onprem.command;

import io.tierlift.database.PgSql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A pgBackRest restore on the primary's host and the cluster moves around it. Builders only;
 * nothing here runs anything. No command carries a secret: the repository key stays on the
 * backup host, which decrypts what it sends over pgBackRest's TLS protocol.
 */
public final class RestoreCommands {
    private static final String PGBACKREST = "/usr/bin/pgbackrest";
    /** pgBackRest reads this form of time to pick a backup set; PostgreSQL reads it as recovery_target_time. */
    private static final DateTimeFormatter TARGET_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
            .withZone(ZoneOffset.UTC);
    /** The settings a pgBackRest restore writes to postgresql.auto.conf for the recovery. */
    private static final List<String> RECOVERY_SETTINGS = List.of("restore_command", "recovery_target", "recovery_target_time",
            "recovery_target_action", "recovery_target_inclusive", "recovery_target_timeline");

    private final String stanza;
    private final int version;
    private final String dataDirectory;

    public RestoreCommands(String stanza, int version, String dataDirectory) {
        this.stanza = stanza;
        this.version = version;
        this.dataDirectory = dataDirectory;
    }

    public static String targetTime(Instant time) {
        return TARGET_TIME.format(time);
    }

    /**
     * Restores backup {@code set} into {@code directory} (emptied first) and replays WAL up to,
     * but not including, the first commit at or after {@code time}: {@code --target-exclusive}
     * is what makes the restored rows exactly those committed before the time.
     */
    public RemoteCommand restoreToTime(String set, Instant time, String directory, boolean delta) {
        return restore(directory, delta, List.of("--set=" + set, "--type=time", "--target=" + targetTime(time), "--target-exclusive"));
    }

    /** Restores backup {@code set} into {@code directory} and ends recovery as soon as that backup is consistent. */
    public RemoteCommand restoreToBackup(String set, String directory, boolean delta) {
        return restore(directory, delta, List.of("--set=" + set, "--type=immediate"));
    }

    /**
     * {@code restore_command} is given explicitly: pgBackRest would otherwise copy the
     * {@code --pg1-path} of a restore beside the cluster into it, and that directory is renamed
     * before PostgreSQL replays. Without {@code --delta} the directory is emptied first, so a
     * restore interrupted half-way starts again from nothing.
     */
    private RemoteCommand restore(String directory, boolean delta, List<String> target) {
        List<String> pgbackrest = new ArrayList<>(List.of(PGBACKREST, "--stanza=" + stanza, "--pg1-path=" + directory,
                "--target-action=promote", "--recovery-option=restore_command=" + PGBACKREST + " --stanza=" + stanza
                        + " archive-get %f \"%p\"", "--log-level-console=warn"));
        pgbackrest.addAll(target);
        if (delta) {
            pgbackrest.add("--delta");
        }
        pgbackrest.add("restore");
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "dir=$1; delta=$2; shift 2",
                "if [ \"$delta\" = no ]; then",
                "  rm -rf \"$dir\"",
                "  install -d -o postgres -g postgres -m 0700 \"$dir\"",
                "fi",
                "cd /",
                "exec runuser -u postgres -- \"$@\""), directory, delta ? "yes" : "no").args(pgbackrest);
    }

    /** Succeeds while the cluster runs; pg_ctlcluster's status exits non-zero when it is down. */
    public RemoteCommand running() {
        return RemoteCommand.of("pg_ctlcluster", Integer.toString(version), "main", "status");
    }

    /** Stops the cluster if it runs; a no-op when it is down already, so a resumed step passes. */
    public RemoteCommand stopIfRunning() {
        return RemoteCommand.script("if pg_ctlcluster \"$1\" main status >/dev/null 2>&1; then exec pg_ctlcluster \"$1\" main stop; fi",
                Integer.toString(version));
    }

    /**
     * Puts the restored directory where the cluster's data lives and keeps the old one beside it:
     * stop, rename the old one to {@code kept}, rename the restored one into place. Renames on one
     * file system, so the switch is quick whatever the database's size, and every step is skipped
     * when it was done before (a resumed switch).
     */
    public RemoteCommand switchDirectory(String restored, String kept) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "data=$1; restored=$2; kept=$3; v=$4",
                "if [ -d \"$restored\" ]; then",
                "  if [ -d \"$data\" ] && [ -e \"$kept\" ]; then echo \"$kept is in the way of keeping the old cluster\" >&2; exit 1; fi",
                "  if pg_ctlcluster \"$v\" main status >/dev/null 2>&1; then pg_ctlcluster \"$v\" main stop; fi",
                "  if [ -d \"$data\" ]; then mv \"$data\" \"$kept\"; fi",
                "  mv \"$restored\" \"$data\"",
                "fi",
                "[ -d \"$kept\" ] || { echo \"neither $restored nor $kept exists: the restored data is gone\" >&2; exit 1; }"),
                dataDirectory, restored, kept, Integer.toString(version));
    }

    /**
     * Removes the directory a restore kept. Only a sibling of the data directory that is not the
     * data directory itself is removed, whatever a journal says.
     */
    public RemoteCommand removeKept(String kept) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "data=$1; kept=$2",
                "case \"$kept\" in \"$data\".before-restore-*) ;; *) echo \"refusing to remove $kept\" >&2; exit 1;; esac",
                "case \"${kept#\"$data\".before-restore-}\" in ''|*/*) echo \"refusing to remove $kept\" >&2; exit 1;; esac",
                "rm -rf -- \"$kept\""), dataDirectory, kept);
    }

    /** The last lines of the cluster's log, to say why it did not start. */
    public RemoteCommand logTail() {
        return RemoteCommand.of("tail", "-n", "5", "/var/log/postgresql/postgresql-" + version + "-main.log");
    }

    /** A commit now: a time target before it is reached in the WAL that the check then archives. */
    public static String commitMarker() {
        return "SELECT pg_current_xact_id();";
    }

    /** 't' while recovering; then the timeline of the current WAL (hex, as in WAL file names). */
    public static String recoveryState() {
        return "SELECT CASE WHEN pg_is_in_recovery() THEN 't' ELSE 'f ' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END;";
    }

    /**
     * After recovery ended: the recovery settings the restore wrote are removed, so that a standby
     * cloned from this cluster does not inherit the target and stop (and promote) at it.
     */
    public static String forgetRecoverySettings() {
        StringBuilder sql = new StringBuilder();
        for (String setting : RECOVERY_SETTINGS) {
            sql.append("ALTER SYSTEM RESET ").append(PgSql.identifier(setting)).append(";\n");
        }
        return sql.append("SELECT pg_reload_conf();\n").toString();
    }
}

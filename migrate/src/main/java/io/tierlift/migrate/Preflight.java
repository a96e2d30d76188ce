package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.database.PgSql;
import io.tierlift.tier.DatabaseHostAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks both databases before anything is changed; blockers stop the migration with the fix named. */
public final class Preflight {
    public enum Severity { BLOCKER, WARNING, INFO }

    public record Finding(Severity severity, String subject, String message) {
        public String describe() {
            return severity.name().toLowerCase() + ": " + subject + ": " + message;
        }
    }

    /**
     * @param reverseReplication whether the cutover can set up target-to-source replication (asked for, and the roles and
     *                           settings allow it)
     */
    public record Report(List<Finding> findings, long sourceBytes, Duration estimatedCopy, boolean reverseReplication) {
        public boolean blocked() {
            return findings.stream().anyMatch(f -> f.severity() == Severity.BLOCKER);
        }

        public List<Finding> blockers() {
            return findings.stream().filter(f -> f.severity() == Severity.BLOCKER).toList();
        }
    }

    private final Catalog catalog = new Catalog();
    /** Assumed copy throughput for the estimate; a rough figure for one stream on ordinary hardware. */
    private final long bytesPerSecond;
    private final Duration longTransaction;

    public Preflight(long bytesPerSecond, Duration longTransaction) {
        this.bytesPerSecond = bytesPerSecond;
        this.longTransaction = longTransaction;
    }

    /**
     * @param resuming true when the journal says the schema already went over, so a non-empty target is expected
     * @param ownSlot  the replication slot this migration created earlier, if any (it doesn't need a free one)
     * @param reverseWanted whether the settings ask for reverse replication at the cutover
     */
    public Report check(Sql source, Sql target, Method method, boolean resuming, String ownSlot, boolean reverseWanted) {
        return check(source, target, method, resuming, ownSlot, reverseWanted, Optional.empty(), Optional.empty());
    }

    /**
     * @param sourceHost           superuser access to the source's database host (on-prem), through which the reverse
     *                             subscription is created when the migration's role on the source is not a superuser
     * @param targetSeenFromSource where the source's server reaches the target for reverse replication
     */
    public Report check(Sql source, Sql target, Method method, boolean resuming, String ownSlot, boolean reverseWanted,
                        Optional<DatabaseHostAccess> sourceHost, Optional<DbEndpoint> targetSeenFromSource) {
        List<Finding> findings = new ArrayList<>();
        boolean reverse = false;
        findings.add(new Finding(Severity.INFO, "source", source.text("SELECT version()")));
        findings.add(new Finding(Severity.INFO, "target", target.text("SELECT version()")));

        if (method == Method.LOGICAL) {
            String walLevel = source.text("SHOW wal_level");
            if (!walLevel.equals("logical")) {
                findings.add(new Finding(Severity.BLOCKER, "source wal_level",
                        "is '" + walLevel + "', logical replication needs 'logical'. Fix: run ALTER SYSTEM SET wal_level = logical; "
                                + "and restart PostgreSQL (on RDS: set rds.logical_replication = 1 in the DB parameter group "
                                + "and reboot), or use --method dump for an offline move"));
            }
            long maxSlots = source.number("SELECT setting::bigint FROM pg_settings WHERE name = 'max_replication_slots'");
            long usedSlots = source.number("SELECT count(*) FROM pg_replication_slots WHERE slot_name IS DISTINCT FROM ?", ownSlot);
            if (usedSlots >= maxSlots) {
                findings.add(new Finding(Severity.BLOCKER, "source replication slots", "all " + maxSlots
                        + " are in use; raise max_replication_slots (restart needed) or drop an unused slot"));
            }
            long maxSenders = source.number("SELECT setting::bigint FROM pg_settings WHERE name = 'max_wal_senders'");
            long usedSenders = source.number("SELECT count(*) FROM pg_stat_replication WHERE application_name IS DISTINCT FROM ?", ownSlot);
            if (usedSenders >= maxSenders) {
                findings.add(new Finding(Severity.BLOCKER, "source WAL senders", "all " + maxSenders
                        + " are in use; raise max_wal_senders (restart needed)"));
            }
            String sourceRole = source.text("SELECT current_user");
            if (!source.one("SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user", rs -> rs.getBoolean(1))) {
                findings.add(new Finding(Severity.BLOCKER, "source role", "the migration user " + sourceRole + " lacks the REPLICATION "
                        + "attribute, which the target's subscription needs to read changes. Fix (as a superuser on the source): "
                        + "ALTER ROLE " + PgSql.identifier(sourceRole) + " REPLICATION; (on RDS: GRANT rds_replication TO "
                        + PgSql.identifier(sourceRole) + ";)"));
            }
            boolean sourceSuper = superuser(source);
            if (!sourceSuper) {
                // Without a superuser the publication names each table, which only their owner may do.
                List<String> notOwned = source.query("""
                        SELECT n.nspname || '.' || c.relname
                          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relkind = 'r' AND NOT c.relispartition AND %s
                           AND NOT pg_has_role(current_user, c.relowner, 'USAGE')
                         ORDER BY 1""".formatted(Catalog.USER_SCHEMAS), rs -> rs.getString(1));
                if (!notOwned.isEmpty()) {
                    findings.add(new Finding(Severity.BLOCKER, "source role", sourceRole + " is not a superuser and does not own "
                            + String.join(", ", notOwned) + ": it cannot publish them. Fix: connect as the tables' owner, "
                            + "or ALTER TABLE ... OWNER TO " + PgSql.identifier(sourceRole)));
                }
            }
            if (!sourceSuper && !source.one("SELECT has_database_privilege(current_database(), 'CREATE')", rs -> rs.getBoolean(1))) {
                String db = source.text("SELECT current_database()");
                findings.add(new Finding(Severity.BLOCKER, "source role", sourceRole + " may not create a publication in database "
                        + db + " (it needs the CREATE privilege there, which the database's owner has). Fix (as a superuser on the "
                        + "source): GRANT CREATE ON DATABASE " + PgSql.identifier(db) + " TO " + PgSql.identifier(sourceRole) + ";"));
            }
            if (reverseWanted) {
                reverse = reverseReplicationPossible(target, sourceSuper, sourceRole, sourceHost, targetSeenFromSource, findings);
            }
            if (!target.one("SELECT rolsuper OR pg_has_role(current_user, 'rds_superuser', 'MEMBER') "
                    + "FROM pg_roles WHERE rolname = current_user AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_superuser') "
                    + "UNION ALL SELECT rolsuper FROM pg_roles WHERE rolname = current_user "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_superuser')", rs -> rs.getBoolean(1))) {
                findings.add(new Finding(Severity.BLOCKER, "target role", "creating a subscription needs a superuser "
                        + "(rds_superuser on RDS); connect to the target as one"));
            }
            for (String table : catalog.tablesWithoutReplicaIdentity(source)) {
                findings.add(new Finding(Severity.BLOCKER, table, "has no primary key or replica identity: once published, "
                        + "its UPDATE and DELETE would fail on the source. Fix: add a primary key, or "
                        + "ALTER TABLE " + table + " REPLICA IDENTITY FULL; or use --method dump"));
            }
            List<String> longRunning = source.query("""
                    SELECT pid, date_trunc('second', now() - xact_start)::text, coalesce(query_start::text, ''), left(coalesce(query, ''), 60)
                      FROM pg_stat_activity
                     WHERE xact_start IS NOT NULL AND now() - xact_start > make_interval(secs => ?)
                       AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                     ORDER BY xact_start""",
                    rs -> "pid " + rs.getInt(1) + ", age " + rs.getString(2) + ", query start " + rs.getString(3)
                            + ", query " + rs.getString(4), (double) longTransaction.toSeconds());
            for (String tx : longRunning) {
                findings.add(new Finding(Severity.WARNING, "long-running transaction",
                        tx + " — creating the replication slot waits until it ends"));
            }
        }

        // RDS, Aurora and tierlift's own clusters are UTF8; a SQL_ASCII source may hold bytes of any encoding.
        // A SQL_ASCII target takes the same bytes as they are.
        if (catalog.encoding(source).equals("SQL_ASCII") && catalog.encoding(target).equals("UTF8")) {
            List<String> invalid = catalog.tablesWithInvalidUtf8(source);
            if (invalid.isEmpty()) {
                findings.add(new Finding(Severity.WARNING, "source encoding", "the source database is SQL_ASCII; every text value "
                        + "is valid UTF-8 today, so it copies into the UTF8 target as it is"));
            } else {
                findings.add(new Finding(Severity.BLOCKER, "source encoding", "the source database is SQL_ASCII and "
                        + String.join(", ", invalid) + " hold text that is not valid UTF-8, which the UTF8 target cannot store. "
                        + "Fix: find those rows (WHERE NOT (column ~ '<UTF-8 pattern>') or convert_to), convert them to UTF-8 in "
                        + "place (for Latin-1 text: UPDATE ... SET column = convert_from(convert(convert_to(column, 'SQL_ASCII'), "
                        + "'LATIN1', 'UTF8'), 'SQL_ASCII')), then migrate again"));
            }
        }

        List<String> available = catalog.availableExtensions(target);
        for (String ext : catalog.installedExtensions(source)) {
            if (!available.contains(ext)) {
                findings.add(new Finding(Severity.BLOCKER, "extension " + ext,
                        "is used on the source but not available on the target (pg_available_extensions); install it there first"));
            } else {
                findings.add(new Finding(Severity.INFO, "extension " + ext, "available on the target"));
            }
        }

        if (!resuming) {
            List<TableRef> existing = catalog.tables(target);
            if (!existing.isEmpty()) {
                findings.add(new Finding(Severity.BLOCKER, "target", "already has " + existing.size() + " tables (e.g. "
                        + existing.get(0).display() + "); the migration copies into an empty database only"));
            }
        }

        long bytes = source.number("SELECT pg_database_size(current_database())");
        Duration estimate = Duration.ofSeconds(Math.max(1, bytes / Math.max(1, bytesPerSecond)));
        findings.add(new Finding(Severity.INFO, "size", humanBytes(bytes) + " on the source; estimated copy time "
                + estimate.toSeconds() + " s at " + humanBytes(bytesPerSecond) + "/s"));
        return new Report(findings, bytes, estimate, reverse);
    }

    private static boolean superuser(Sql db) {
        // The role is named by oid: by name, pg_has_role fails outright where no rds_superuser role exists.
        return db.one("SELECT rolsuper OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'rds_superuser' "
                + "AND pg_has_role(current_user, r.oid, 'MEMBER')) FROM pg_roles WHERE rolname = current_user", rs -> rs.getBoolean(1));
    }

    /**
     * Reverse replication needs a subscription on the source (a superuser there, on PostgreSQL 15, or
     * the source tier's own superuser access to its host), logical decoding on the target, and a
     * network path from the source's server to the target. Without them the migration still runs: a
     * rollback after the cutover is then refused once the target has taken writes, so say so now.
     */
    private static boolean reverseReplicationPossible(Sql target, boolean sourceSuper, String sourceRole,
                                                      Optional<DatabaseHostAccess> sourceHost, Optional<DbEndpoint> targetSeen,
                                                      List<Finding> findings) {
        String consequence = " Without it, --rollback after the cutover is refused as soon as the target has taken writes.";
        Optional<DatabaseHostAccess> viaHost = sourceSuper ? Optional.empty() : sourceHost;
        if (!sourceSuper && sourceHost.isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "reverse replication", "off: creating a subscription on the source needs a "
                    + "superuser there (rds_superuser on RDS), and " + sourceRole + " is not one; tierlift has no other access to "
                    + "the source's server." + consequence + " To have it, connect to the source as a superuser."));
            return false;
        }
        if (viaHost.isPresent()) {
            String answer;
            try {
                answer = viaHost.get().superuserSql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user;").strip();
            } catch (RuntimeException e) {
                answer = String.valueOf(e.getMessage());
            }
            if (!answer.equals("t")) {
                findings.add(new Finding(Severity.WARNING, "reverse replication", "off: " + sourceRole + " is not a superuser on "
                        + "the source, and statements as " + viaHost.get().where() + " did not run as one either (" + answer + ")."
                        + consequence));
                return false;
            }
        }
        String walLevel = target.text("SHOW wal_level");
        if (!walLevel.equals("logical")) {
            findings.add(new Finding(Severity.WARNING, "reverse replication", "off: the target's wal_level is '" + walLevel
                    + "', publishing its changes back needs 'logical' (on RDS: rds.logical_replication = 1)." + consequence));
            return false;
        }
        long free = target.number("SELECT (SELECT setting::bigint FROM pg_settings WHERE name = 'max_replication_slots') "
                + "- (SELECT count(*) FROM pg_replication_slots)");
        if (free < 1) {
            findings.add(new Finding(Severity.WARNING, "reverse replication", "off: no free replication slot on the target "
                    + "(raise max_replication_slots)." + consequence));
            return false;
        }
        if (targetSeen.isPresent()) {
            DbEndpoint t = targetSeen.get();
            String path = "the source's server connects to the target at " + t.host() + ":" + t.port() + " (TCP, PostgreSQL, as "
                    + t.user() + ") for reverse replication";
            if (viaHost.isPresent()) {
                Optional<String> problem = viaHost.get().unreachable(t.host(), t.port());
                if (problem.isPresent()) {
                    findings.add(new Finding(Severity.WARNING, "reverse replication", "off: " + path + ", but from "
                            + viaHost.get().where() + " it does not answer: " + problem.get() + ". Open that path (firewall, "
                            + "VPN, security group), or say where the source's server reaches the target with "
                            + "--target-db-for-source." + consequence));
                    return false;
                }
                path += "; it answers from " + viaHost.get().where();
            }
            findings.add(new Finding(Severity.INFO, "network path", path));
        }
        findings.add(new Finding(Severity.INFO, "reverse replication", "on: at the cutover the target's changes flow back to "
                + "the source" + viaHost.map(h -> " through a subscription created as " + h.where()).orElse("")
                + ", so --rollback loses no write"));
        return true;
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " kB";
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MB", bytes / 1048576.0);
        }
        return String.format("%.2f GB", bytes / 1073741824.0);
    }
}

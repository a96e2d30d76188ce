package io.tierlift.migrate;

import io.tierlift.database.PgSql;
import io.tierlift.provider.Progress;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The logical method's copy: a publication on the source, a subscription on the target, and the wait for its initial copy. */
final class LogicalCopy {
    private static final String SCOPE = Phase.COPY.key();
    private static final long REPORT_EVERY_NANOS = 2_000_000_000L;
    private static final long POLL_MILLIS = 250;

    private final MigrationContext context;
    private final JournalKeeper journal;
    private final Sessions db;

    LogicalCopy(MigrationContext context, JournalKeeper journal, Sessions db) {
        this.context = context;
        this.journal = journal;
        this.db = db;
    }

    void publication() {
        Sql source = db.source();
        String name = context.settings().replicationName();
        boolean superuser = source.one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", rs -> rs.getBoolean(1));
        List<TableRef> tables = context.catalog().tables(source);
        context.replication().createPublication(source, name, tables, superuser);
        if (!superuser) {
            context.progress().step(SCOPE, "publication lists the " + tables.size() + " tables by name (the source role is not a superuser)");
        }
        journal.change(j -> j.withPublication(name));
    }

    void subscription() {
        Sql source = db.source();
        Sql target = db.target();
        String name = context.settings().replicationName();
        // Journaled before creating it, so a crash in between still leaves the names for --rollback and --finalize.
        journal.record(j -> j.withSubscription(name));
        context.replication().createSubscription(Subscriber.over(target), source, name, journal.current().publication(),
                context.settings().sourceForSubscription(), true);
    }

    /** Waits until every table's initial copy is done, reporting each table and the whole copy as it goes. */
    void awaitInitialCopy() {
        Sql source = db.source();
        Sql target = db.target();
        Progress progress = context.progress();
        Instant started = context.clock().instant();
        Instant deadline = started.plus(context.settings().copyTimeout());
        // What the copy has to move, for the overall progress line and its ETA (sizes on disk: an estimate).
        long total = source.number("SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)"
                + " FROM pg_publication_tables WHERE pubname = " + PgSql.literal(journal.current().publication()));
        Map<String, String> lastState = new LinkedHashMap<>();
        OrphanedSync orphaned = new OrphanedSync(journal.current().subscription());
        long lastReport = 0;
        while (true) {
            List<String[]> states = target.query("""
                    SELECT n.nspname || '.' || c.relname, sr.srsubstate, pg_total_relation_size(c.oid)
                      FROM pg_subscription_rel sr
                      JOIN pg_subscription s ON s.oid = sr.srsubid
                      JOIN pg_class c ON c.oid = sr.srrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE s.subname = ? ORDER BY 1""",
                    rs -> new String[]{rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))}, journal.current().subscription());
            boolean periodic = System.nanoTime() - lastReport > REPORT_EVERY_NANOS;
            boolean allReady = !states.isEmpty();
            for (String[] st : states) {
                boolean ready = st[1].equals("r") || st[1].equals("s");
                allReady &= ready;
                boolean changed = !st[1].equals(lastState.put(st[0], st[1]));
                if (changed && ready) {
                    long rows = target.number("SELECT count(*) FROM " + quotedTable(st[0]));
                    progress.step(SCOPE, st[0] + ": copied, " + rows + " rows, " + Preflight.humanBytes(Long.parseLong(st[2])));
                } else if (!ready && (changed || periodic)) {
                    progress.step(SCOPE, st[0] + ": " + describeState(st[1]) + ", " + Preflight.humanBytes(Long.parseLong(st[2])) + " so far");
                }
            }
            if (periodic) {
                lastReport = System.nanoTime();
                long copied = states.stream().mapToLong(st -> Long.parseLong(st[2])).sum();
                progress.step(SCOPE, overall(copied, total, Duration.between(started, context.clock().instant())));
            }
            if (allReady) {
                return;
            }
            if (orphaned.seen(source, target, states)) {
                startCopyAgain(source, target);
                lastState.clear();
                continue;
            }
            if (context.clock().instant().isAfter(deadline)) {
                throw new MigrationException("the initial copy did not finish within " + context.settings().copyTimeout()
                        + "; tables not ready: " + states.stream().filter(s -> !s[1].equals("r")).map(s -> s[0]).toList()
                        + "; --resume keeps waiting");
            }
            Pause.millis(POLL_MILLIS);
        }
    }

    /**
     * The subscription is made again from the start: the target's copies are emptied, the
     * subscription and its slot dropped and created anew (the publication stays).
     */
    private void startCopyAgain(Sql source, Sql target) {
        String name = journal.current().subscription();
        context.progress().warn(SCOPE, "a table's copy finished on the target but its sync slot is gone from the source "
                + "(the last run stopped between the two), which PostgreSQL retries forever; copying every table again");
        context.replication().remove(Subscriber.over(target), source, name, name, null);
        List<TableRef> tables = context.catalog().tables(source);
        if (!tables.isEmpty()) {
            target.execute("TRUNCATE " + tables.stream().map(TableRef::qualified).collect(Collectors.joining(", ")));
        }
        context.replication().createSubscription(Subscriber.over(target), source, name, journal.current().publication(),
                context.settings().sourceForSubscription(), true);
    }

    /** "45.2 MB of 120.0 MB (38%), about 12 s left" — the rate so far, applied to what remains. */
    static String overall(long copied, long total, Duration elapsed) {
        if (total <= 0) {
            return Preflight.humanBytes(copied) + " copied";
        }
        long percent = Math.min(100, copied * 100 / total);
        String line = Preflight.humanBytes(copied) + " of " + Preflight.humanBytes(total) + " (" + percent + "%)";
        if (copied <= 0 || elapsed.toMillis() < 500 || copied >= total) {
            return line;
        }
        double perMilli = copied / (double) elapsed.toMillis();
        long etaSeconds = Math.round((total - copied) / perMilli / 1000);
        return line + ", about " + etaSeconds + " s left";
    }

    private static String describeState(String code) {
        return switch (code) {
            case "i" -> "waiting to start";
            case "d" -> "copying";
            case "f" -> "copied, catching up";
            default -> "syncing (" + code + ")";
        };
    }

    private static String quotedTable(String display) {
        int dot = display.indexOf('.');
        return PgSql.qualified(display.substring(0, dot), display.substring(dot + 1));
    }
}

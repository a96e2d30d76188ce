package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.database.PgSql;
import io.tierlift.provider.Progress;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves an app's PostgreSQL data from one tier to another: preflight, provision, copy, verify,
 * cutover — each step journaled so a crash resumes where it stopped and a cutover can be undone.
 * Every step is safe to run twice: it checks what already exists before creating it.
 *
 * <p>With logical replication the write downtime does not grow with the data: the full comparison
 * runs before writes stop (while replication keeps the target current), and the state at the
 * cutover is pinned in a snapshot on each server and verified after traffic moved. Reverse
 * replication, set up inside the downtime, keeps the source receiving the target's writes so a
 * rollback after the switch loses nothing.
 */
public final class Migrator {
    /** What a finished run reports. */
    public record Outcome(Journal.Status status, Duration writeDowntime, long rowsVerified, List<String> notes) {
    }

    /** Re-checks of differing key ranges while writes continue, before calling a difference lasting. */
    private static final int ONLINE_RECHECKS = 5;
    /** How long one re-check waits for the follower to catch up; a stuck follower then shows as a lasting difference. */
    private static final Duration RECHECK_CATCH_UP = Duration.ofSeconds(10);

    private final MigrationSettings settings;
    private final Connections connections;
    private final PgTools tools;
    private final JournalStore store;
    private final TierOperations tier;
    private final TrafficSwitch traffic;
    private final Progress progress;
    private final PrintWriter planOut;
    private final StepHook hook;
    private final Clock clock;
    private final Catalog catalog = new Catalog();
    private final Replication replication;
    private final List<MigrationStep> steps;
    /** Snapshots of both servers at the cutover, held from the pin-snapshot step until the final verify has read them. */
    private Sql pinnedSource;
    private Sql pinnedTarget;
    /** True once both connections above hold their cutover snapshot (they are opened a little earlier, outside the downtime). */
    private boolean snapshotsPinned;
    private long lastVerifiedRows;

    public Migrator(MigrationSettings settings, Connections connections, PgTools tools, JournalStore store, TierOperations tier,
                    TrafficSwitch traffic, Progress progress, PrintWriter planOut, StepHook hook, Clock clock) {
        this.settings = settings;
        this.connections = connections;
        this.tools = tools;
        this.store = store;
        this.tier = tier;
        this.traffic = traffic;
        this.progress = progress;
        this.planOut = planOut;
        this.hook = hook;
        this.clock = clock;
        this.replication = new Replication(connections, clock);
        this.steps = MigrationStep.stepsFor(settings);
    }

    public List<MigrationStep> steps() {
        return steps;
    }

    /** Starts a new migration; refuses while another one for the same app and tiers is open. */
    public Outcome start() {
        Optional<Journal> existing = store.read();
        if (existing.isPresent() && !existing.get().status.closed()) {
            Journal j = existing.get();
            boolean cut = j.status.cutOver();
            throw new MigrationException("a migration of " + j.app + " from " + j.from + " to " + j.to + " is already "
                    + (cut ? "cut over" + (j.status == Journal.Status.VERIFY_FAILED ? " (the verify after the switch failed)" : "")
                    : "in progress (last step: " + lastStep(j) + ")")
                    + " according to " + store.file() + "; run with --resume to continue it, --rollback to undo it"
                    + (cut ? " or --finalize to keep the target" : ""));
        }
        Journal journal = new Journal();
        journal.app = settings.app();
        journal.from = settings.from();
        journal.to = settings.to();
        journal.method = settings.method().key();
        journal.source = settings.source().toString();
        journal.target = settings.target().toString();
        journal.startedAt = clock.instant();
        store.write(journal);
        return run(journal);
    }

    /**
     * Continues an interrupted migration from its last completed step. After the switch only the
     * verify is left to do; it then compares the servers as they are now (the cutover snapshots
     * died with the interrupted run).
     */
    public Outcome resume() {
        Journal journal = openJournal();
        boolean verifyPending = steps.stream().anyMatch(s -> s.name().equals("final-verify")) && !"passed".equals(journal.finalVerify);
        if (journal.status.cutOver() && !verifyPending) {
            throw new MigrationException("the migration is already cut over; nothing to resume (use --finalize or --rollback)");
        }
        if (!journal.method.equals(settings.method().key())) {
            throw new MigrationException("the journal records method " + journal.method + ", not " + settings.method().key()
                    + "; resume with --method " + journal.method);
        }
        progress.step("migrate", "resuming after step " + lastStep(journal));
        repointSubscriptions(journal);
        return run(journal);
    }

    private Outcome run(Journal journal) {
        String phase = null;
        try (Sessions db = new Sessions()) {
            for (MigrationStep step : steps) {
                if (!step.phase().equals(phase)) {
                    phase = step.phase();
                    showPhase(phase, journal);
                }
                if (journal.done(step.name()) && !rerunOnResume(step.name(), journal)) {
                    continue;
                }
                hook.beforeStep(step.name());
                progress.step(step.phase(), step.summary());
                runStep(step.name(), journal, db);
                journal.complete(step.name());
                store.write(journal);
            }
        } finally {
            releaseSnapshots();
        }
        Duration downtime = Duration.ofMillis(journal.downtimeMillis == null ? 0 : journal.downtimeMillis);
        List<String> notes = new ArrayList<>();
        notes.add("write downtime " + downtime.toMillis() + " ms (maintenance on at " + journal.maintenanceOnAt
                + ", traffic on the target at " + journal.switchedAt + ")");
        if (journal.reverseSubscription != null) {
            notes.add("reverse replication sends every write the target takes back to the source: --rollback returns to it without "
                    + "losing a write; --finalize removes the replication in both directions");
        } else {
            notes.add("the source is kept intact for a rollback window: --rollback to go back, --finalize to remove "
                    + "the publication, subscription and slot");
        }
        notes.forEach(n -> progress.step("migrate", n));
        return new Outcome(journal.status, downtime, lastVerifiedRows, notes);
    }

    /**
     * Preflight always runs again. The cutover snapshots live in this process only: after a crash
     * before the switch they are taken again (writes are still stopped, so it is the same state).
     */
    private static boolean rerunOnResume(String step, Journal journal) {
        return step.equals("preflight") || step.equals("pin-snapshot") && !journal.done("switch");
    }

    private void showPhase(String phase, Journal journal) {
        List<MigrationStep> inPhase = steps.stream().filter(s -> s.phase().equals(phase)).toList();
        planOut.println("== phase " + phase + " ==");
        planOut.print(new MigrationPlanView().render(settings, inPhase, journal, clock.instant()));
        planOut.flush();
    }

    private void runStep(String name, Journal journal, Sessions db) {
        switch (name) {
            case "preflight" -> preflight(db.source(), db.target(), journal);
            case "provision" -> tier.provision();
            case "schema" -> schema(db.source(), db.target());
            case "indexes" -> buildIndexes(db.source(), db.target());
            case "publication" -> publication(db.source(), journal);
            case "subscription" -> subscription(db.source(), db.target(), journal);
            case "initial-copy" -> initialCopy(db.source(), db.target(), journal);
            case "pre-verify" -> preVerify(db.source(), db.target(), journal);
            case "maintenance" -> {
                if (steps.stream().anyMatch(s -> s.name().equals("pin-snapshot"))) {
                    openSnapshotConnections();
                }
                // The downtime starts when writes start to stop: the switch itself can take a while
                // (on-prem it waits for requests in flight), and users already get the 503 page then.
                if (journal.maintenanceOnAt == null) {
                    journal.maintenanceOnAt = clock.instant();
                }
                traffic.maintenance(TrafficSwitch.Side.SOURCE, true);
            }
            case "drain" -> {
                String lsn = replication.drain(db.source(), journal.slot, settings.drainTimeout());
                progress.step("cutover", "replication lag is zero (source WAL " + lsn + " confirmed by the subscription)");
            }
            case "dump" -> dump(journal);
            case "restore" -> restore(db.target(), journal);
            case "sequences" -> copySequences(db.source(), db.target(), "cutover");
            case "verify" -> verify(db.source(), db.target(), journal);
            case "pin-snapshot" -> pinSnapshots();
            case "stop-replication" -> replication.disable(db.target(), journal.subscription);
            case "reverse-replication" -> reverseReplication(db.source(), db.target(), journal);
            case "switch" -> {
                traffic.switchTo(TrafficSwitch.Side.TARGET);
                journal.switchedAt = clock.instant();
                journal.downtimeMillis = Duration.between(journal.maintenanceOnAt, journal.switchedAt).toMillis();
                journal.status = Journal.Status.CUT_OVER;
                progress.step("cutover", "traffic is on the " + settings.to() + " tier; writes were stopped for "
                        + journal.downtimeMillis + " ms");
            }
            case "final-verify" -> finalVerify(db.source(), db.target(), journal);
            default -> throw new IllegalStateException("unknown step " + name);
        }
    }

    private Sql open(DbEndpoint endpoint, String label) {
        return new Sql(connections.open(endpoint), label + " " + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database(),
                connections.redactor());
    }

    /**
     * One connection per server for a whole run, opened when first needed and opened again when the
     * server stopped answering: the cutover steps then pay no connection set-up inside the downtime.
     */
    private final class Sessions implements AutoCloseable {
        private Sql source;
        private Sql target;

        Sql source() {
            source = usable(source, settings.source(), "source");
            return source;
        }

        Sql target() {
            target = usable(target, settings.target(), "target");
            return target;
        }

        private Sql usable(Sql current, DbEndpoint endpoint, String label) {
            if (current != null && current.valid()) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            return open(endpoint, label);
        }

        @Override
        public void close() {
            if (source != null) {
                source.close();
            }
            if (target != null) {
                target.close();
            }
        }
    }

    // ---- preflight -------------------------------------------------------------------------

    private void preflight(Sql source, Sql target, Journal journal) {
        boolean resuming = journal.done("schema") || journal.done("restore") || journal.done("dump");
        Preflight.Report report = new Preflight(50L * 1024 * 1024, Duration.ofMinutes(1))
                .check(source, target, settings.method(), resuming || !catalog.tables(target).isEmpty() && journal.done("preflight"),
                        journal.slot, settings.method() == Method.LOGICAL && settings.reverseReplication());
        report.findings().forEach(f -> progress.step("preflight", f.describe()));
        if (report.blocked()) {
            throw new MigrationException("preflight refused the migration:\n  " + String.join("\n  ",
                    report.blockers().stream().map(Preflight.Finding::describe).toList()));
        }
        // Decided once: a resumed run keeps what the first preflight found possible.
        if (!journal.done("preflight")) {
            journal.reverseReplication = report.reverseReplication();
        }
    }

    // ---- copy: schema and logical replication ---------------------------------------------------

    private void schema(Sql source, Sql target) {
        if (!catalog.tables(target).isEmpty()) {
            progress.step("copy", "the target already has the schema (an earlier run applied it)");
            return;
        }
        restoreSchemaPart(source, true);
        progress.step("copy", "schema applied: " + catalog.tables(target).size() + " tables (secondary indexes and foreign keys "
                + "follow once the rows are in)");
    }

    /**
     * After the initial copy: the secondary indexes and foreign keys, built once over the loaded rows
     * rather than maintained row by row during the copy. The subscription keeps running meanwhile
     * (it waits on each table while its index builds, then catches up).
     */
    private void buildIndexes(Sql source, Sql target) {
        if (catalog.indexesAndForeignKeys(target) >= catalog.indexesAndForeignKeys(source)) {
            progress.step("copy", "secondary indexes and foreign keys are already on the target (an earlier run built them)");
        } else {
            long started = System.nanoTime();
            int built = restoreSchemaPart(source, false);
            progress.step("copy", built + " secondary indexes, foreign keys and their comments built in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        settle(target);
    }

    /**
     * Dumps the source's schema and restores one part of it on the target (see {@link SchemaSections}),
     * in one transaction: a crash leaves that part either absent or complete. Returns the entries restored.
     */
    private int restoreSchemaPart(Sql source, boolean early) {
        Path dir = tempDir();
        try {
            Path dump = dir.resolve("schema.dump");
            tools.run("pg_dump", concat(List.of("-Fc", "--schema-only", "--no-publications", "--no-subscriptions", "-f", dump.toString()),
                    tools.connectionArgs(settings.source())), List.of(settings.source()), line -> progress.step("copy", line));
            Path toc = dir.resolve("toc.list");
            tools.run("pg_restore", List.of("-l", "-f", toc.toString(), dump.toString()), List.of(), line -> progress.step("copy", line));
            SchemaSections.Split split = new SchemaSections().split(Files.readAllLines(toc), catalog.indexesNeededForApply(source));
            List<String> part = early ? split.early() : split.late();
            if (part.isEmpty()) {
                return 0;
            }
            Path list = dir.resolve("part.list");
            Files.write(list, part);
            tools.run("pg_restore", concat(List.of("--single-transaction", "--exit-on-error", "-L", list.toString()),
                    concat(tools.connectionArgs(settings.target()), List.of(dump.toString()))), List.of(settings.target()),
                    line -> progress.step("copy", line));
            return part.size();
        } catch (java.io.IOException e) {
            throw new MigrationException("cannot read the schema dump's contents under " + dir + ": " + e.getMessage());
        } finally {
            PgTools.deleteTree(dir);
        }
    }

    private void publication(Sql source, Journal journal) {
        String name = settings.replicationName();
        boolean superuser = source.one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", rs -> rs.getBoolean(1));
        List<TableRef> tables = catalog.tables(source);
        replication.createPublication(source, name, tables, superuser);
        if (!superuser) {
            progress.step("copy", "publication lists the " + tables.size() + " tables by name (the source role is not a superuser)");
        }
        journal.publication = name;
    }

    private void subscription(Sql source, Sql target, Journal journal) {
        String name = settings.replicationName();
        journal.subscription = name;
        journal.slot = name;
        store.write(journal);
        replication.createSubscription(target, source, name, journal.publication, settings.sourceForSubscription(), true);
    }

    /**
     * On resume the source may be reachable at another address than last time (a tunnel's local
     * port changes per run): point the subscriptions at where their publishers are now, before
     * anything waits on them. Only while they are still in use.
     */
    private void repointSubscriptions(Journal journal) {
        if (settings.method() != Method.LOGICAL) {
            return;
        }
        boolean forward = journal.subscription != null && !journal.done("stop-replication");
        boolean reverse = journal.reverseSubscription != null;
        if (!forward && !reverse) {
            return;
        }
        try (Sql source = open(settings.source(), "source"); Sql target = open(settings.target(), "target")) {
            DbEndpoint s = settings.sourceForSubscription();
            if (forward && replication.repoint(target, journal.subscription, s)) {
                progress.step("migrate", "subscription " + journal.subscription + " now reaches the source at " + s.host() + ":" + s.port());
            }
            DbEndpoint t = settings.targetForReverseSubscription();
            if (reverse && replication.repoint(source, journal.reverseSubscription, t)) {
                progress.step("migrate", "reverse subscription " + journal.reverseSubscription + " now reaches the target at "
                        + t.host() + ":" + t.port());
            }
        }
    }

    private void initialCopy(Sql source, Sql target, Journal journal) {
        Instant started = clock.instant();
        Instant deadline = started.plus(settings.copyTimeout());
        // What the copy has to move, for the overall progress line and its ETA (sizes on disk: an estimate).
        long total = source.number("SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)"
                + " FROM pg_publication_tables WHERE pubname = " + PgSql.literal(journal.publication));
        Map<String, String> lastState = new LinkedHashMap<>();
        long lastReport = 0;
        while (true) {
            List<String[]> states = target.query("""
                    SELECT n.nspname || '.' || c.relname, sr.srsubstate, pg_total_relation_size(c.oid)
                      FROM pg_subscription_rel sr
                      JOIN pg_subscription s ON s.oid = sr.srsubid
                      JOIN pg_class c ON c.oid = sr.srrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE s.subname = ? ORDER BY 1""",
                    rs -> new String[]{rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))}, journal.subscription);
            boolean periodic = System.nanoTime() - lastReport > 2_000_000_000L;
            boolean allReady = !states.isEmpty();
            for (String[] st : states) {
                boolean ready = st[1].equals("r") || st[1].equals("s");
                allReady &= ready;
                boolean changed = !st[1].equals(lastState.put(st[0], st[1]));
                if (changed && ready) {
                    long rows = target.number("SELECT count(*) FROM " + quotedTable(st[0]));
                    progress.step("copy", st[0] + ": copied, " + rows + " rows, " + Preflight.humanBytes(Long.parseLong(st[2])));
                } else if (!ready && (changed || periodic)) {
                    progress.step("copy", st[0] + ": " + describeState(st[1]) + ", " + Preflight.humanBytes(Long.parseLong(st[2])) + " so far");
                }
            }
            if (periodic) {
                lastReport = System.nanoTime();
                long copied = states.stream().mapToLong(st -> Long.parseLong(st[2])).sum();
                progress.step("copy", overall(copied, total, Duration.between(started, clock.instant())));
            }
            if (allReady) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new MigrationException("the initial copy did not finish within " + settings.copyTimeout() + "; tables not ready: "
                        + states.stream().filter(s -> !s[1].equals("r")).map(s -> s[0]).toList() + "; --resume keeps waiting");
            }
            sleep(250);
        }
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

    /**
     * Freshly copied tables have no planner statistics and no hint bits: the first scans would pick
     * sequential scans per key range and rewrite every page. Vacuum and analyze them now, before
     * the verify, so it is quick.
     */
    private void settle(Sql target) {
        for (TableRef t : catalog.tables(target)) {
            target.execute("VACUUM (ANALYZE) " + t.qualified());
        }
        progress.step("copy", "target tables vacuumed and analyzed");
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

    // ---- copy: dump and restore ----------------------------------------------------------------

    private void dump(Journal journal) {
        Path dir = settings.workDir().resolve("tierlift-dump-" + settings.replicationName());
        // A partial dump from a crash is not reusable: start it over.
        PgTools.deleteTree(dir);
        journal.dumpDir = dir.toString();
        store.write(journal);
        tools.run("pg_dump", concat(List.of("-Fd", "-j", Integer.toString(settings.parallelism()), "--no-publications",
                        "--no-subscriptions", "-f", dir.toString()), tools.connectionArgs(settings.source())),
                List.of(settings.source()), line -> progress.step("copy", line));
        progress.step("copy", "dumped into " + dir);
    }

    private static final Pattern RESTORED = Pattern.compile(".*finished item \\d+ TABLE DATA (\\S+) (\\S+).*");

    private void restore(Sql target, Journal journal) {
        // --clean --if-exists makes a second run after a crash start from the same empty state.
        tools.run("pg_restore", concat(List.of("-v", "--clean", "--if-exists", "-j", Integer.toString(settings.parallelism())),
                concat(tools.connectionArgs(settings.target()), List.of(journal.dumpDir))), List.of(settings.target()), line -> {
            Matcher m = RESTORED.matcher(line);
            if (m.matches()) {
                progress.step("copy", m.group(1) + "." + m.group(2) + ": restored");
            }
        });
        try (Sql sizes = open(settings.target(), "target")) {
            settle(sizes);
            for (TableRef t : catalog.tables(sizes)) {
                long rows = sizes.number("SELECT count(*) FROM " + t.qualified());
                long bytes = sizes.number("SELECT pg_total_relation_size(?::regclass)", t.qualified());
                progress.step("copy", t.display() + ": " + rows + " rows, " + Preflight.humanBytes(bytes));
            }
        }
        PgTools.deleteTree(Path.of(journal.dumpDir));
    }

    // ---- verify while writes continue ------------------------------------------------------------

    /**
     * The full comparison, done before writes stop so its length does not count as downtime.
     * Ranges that differ because of writes in flight are re-checked after the target caught up; a
     * difference that stays stops the migration here, while the source still takes writes.
     */
    private void preVerify(Sql source, Sql target, Journal journal) {
        List<TableRef> tables = catalog.tables(source);
        OnlineVerify.Result result = new OnlineVerify(verifier(), ONLINE_RECHECKS)
                .run(source, target, tables, () -> replication.catchUp(source, journal.slot, RECHECK_CATCH_UP));
        if (result.lastingDifference()) {
            throw new MigrationException("the verify before the cutover found differences that stay while the subscription is "
                    + "caught up:\n  " + String.join("\n  ", result.lasting().stream().map(Verifier.Mismatch::describe).toList())
                    + "\nNothing was stopped: the " + settings.from() + " tier still takes writes. Compare those rows on both servers "
                    + "(a write on the target outside the migration, a trigger on the target, an apply error in the target's log); "
                    + "then --resume verifies again, or --rollback removes the replication.");
        }
        Verifier.Report first = result.first();
        progress.step("verify", tables.size() + " tables, " + first.rows() + " rows compared while writes continue (source "
                + first.sourceMillis() + " ms, target " + first.targetMillis() + " ms, side by side); "
                + first.mismatches().size() + " ranges changed under writes and were re-checked " + result.rechecks() + " times"
                + (result.busy().isEmpty() ? "" : "; still changing, left to the verify of the cutover state: "
                + String.join(", ", result.busy().stream().map(Verifier.Mismatch::where).toList())));
    }

    // ---- cutover ------------------------------------------------------------------------------

    private void copySequences(Sql from, Sql to, String scope) {
        for (Catalog.SequenceRef seq : catalog.sequences(from)) {
            Catalog.SequenceState state = catalog.sequenceState(from, seq);
            to.query("SELECT setval(?::regclass, ?, ?)", rs -> 1, seq.qualified(), state.lastValue(), state.isCalled());
            progress.step(scope, "sequence " + seq.schema() + "." + seq.name() + " set to " + state.lastValue()
                    + (state.isCalled() ? "" : " (not yet used)"));
        }
    }

    /** Strict cutover and the dump method: the full verify while writes are stopped, before traffic moves. */
    private void verify(Sql source, Sql target, Journal journal) {
        Verifier verifier = verifier();
        List<TableRef> tables = catalog.tables(source);
        Verifier.Report report = verifier.compare(source, target, tables);
        // Right after the drain an apply can still be committing: look again briefly before calling it a mismatch.
        for (int attempt = 0; !report.matches() && attempt < 3 && settings.method() == Method.LOGICAL; attempt++) {
            sleep(300);
            report = verifier.compare(source, target, tables);
        }
        if (!report.matches()) {
            throw new MigrationException("verification found differences between source and target:\n  "
                    + String.join("\n  ", report.mismatches().stream().map(Verifier.Mismatch::describe).toList()));
        }
        rememberTargetAtCutover(journal, report);
        progress.step("verify", tables.size() + " tables, " + report.rows() + " rows: counts and checksums match (source "
                + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms)");
    }

    private void rememberTargetAtCutover(Journal journal, Verifier.Report report) {
        journal.targetAtCutover.clear();
        report.target().forEach((table, digest) -> journal.targetAtCutover.put(table, digest.fingerprint()));
        lastVerifiedRows = report.rows();
    }

    /**
     * Writes are stopped and the target has applied everything: the state both servers hold now is
     * what the verify after the switch must compare. A repeatable-read transaction on each keeps it
     * readable whatever commits later (the target's new writes, the reverse replication's on the source).
     */
    private void pinSnapshots() {
        openSnapshotConnections();
        String sourceLsn = pinnedSource.pinSnapshot();
        String targetLsn = pinnedTarget.pinSnapshot();
        snapshotsPinned = true;
        progress.step("cutover", "cutover state pinned (source WAL " + sourceLsn + ", target WAL " + targetLsn + ")");
    }

    /** Connecting (TLS, SCRAM) takes tens of milliseconds: done before writes stop, the snapshots are taken in the downtime. */
    private void openSnapshotConnections() {
        if (pinnedSource == null || !pinnedSource.valid() || pinnedTarget == null || !pinnedTarget.valid()) {
            releaseSnapshots();
            pinnedSource = open(settings.source(), "source (cutover snapshot)");
            pinnedTarget = open(settings.target(), "target (cutover snapshot)");
        }
    }

    private void releaseSnapshots() {
        snapshotsPinned = false;
        if (pinnedSource != null) {
            pinnedSource.close();
            pinnedSource = null;
        }
        if (pinnedTarget != null) {
            pinnedTarget.close();
            pinnedTarget = null;
        }
    }

    /**
     * Target-to-source replication, created while writes are stopped and the forward subscription is
     * off: the new slot on the target starts after everything the forward replication applied, so
     * only the writes the target takes from now on flow back, and nothing loops.
     */
    private void reverseReplication(Sql source, Sql target, Journal journal) {
        if (!journal.reverseReplication) {
            progress.step("cutover", "reverse replication is off (see the preflight): a rollback after the switch is refused "
                    + "once the target has taken writes");
            return;
        }
        String name = settings.reverseReplicationName();
        journal.reversePublication = name;
        journal.reverseSlot = name;
        journal.reverseSubscription = name;
        // Journaled before creating anything, so a crash in between still leaves the names for --rollback and --finalize.
        store.write(journal);
        replication.createPublication(target, name, catalog.tables(target), false);
        replication.createSubscription(source, target, name, name, settings.targetForReverseSubscription(), false);
    }

    // ---- verify after the switch ---------------------------------------------------------------

    private void finalVerify(Sql source, Sql target, Journal journal) {
        if (!snapshotsPinned) {
            verifyAfterTheFact(source, target, journal);
            return;
        }
        List<TableRef> tables = catalog.tables(pinnedSource);
        Verifier.Report report = verifier().compare(pinnedSource, pinnedTarget, tables);
        releaseSnapshots();
        rememberTargetAtCutover(journal, report);
        if (!report.matches()) {
            failAfterSwitch(journal, report.mismatches(), "its data at the cutover differs from the source's in:");
        }
        journal.finalVerify = "passed";
        progress.step("verify", tables.size() + " tables, " + report.rows() + " rows at the cutover: counts and checksums match "
                + "(source " + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms, side by side)");
    }

    /**
     * A run interrupted between the switch and the verify: the cutover snapshots are gone, and the
     * target has taken writes since. With reverse replication the source follows the target, so a
     * difference that stays once the source caught up is real; without it, every write since the
     * switch is a difference the message has to explain.
     */
    private void verifyAfterTheFact(Sql source, Sql target, Journal journal) {
        List<TableRef> tables = catalog.tables(source);
        boolean following = journal.reverseSubscription != null
                && source.number("SELECT count(*) FROM pg_subscription WHERE subname = ? AND subenabled", journal.reverseSubscription) > 0;
        String since = "the switch at " + journal.switchedAt;
        if (following) {
            OnlineVerify.Result result = new OnlineVerify(verifier(), ONLINE_RECHECKS)
                    .run(source, target, tables, () -> replication.catchUp(target, journal.reverseSlot, RECHECK_CATCH_UP));
            if (result.lastingDifference()) {
                failAfterSwitch(journal, result.lasting(), "the state at the cutover is no longer available (the run that switched "
                        + "was interrupted), so the servers were compared as they are now, with the source caught up on the target's "
                        + "writes through reverse replication. These ranges still differ, which writes since " + since
                        + " cannot explain:");
            }
            lastVerifiedRows = result.first().rows();
            verifiedAfterAll(journal);
            progress.step("verify", tables.size() + " tables, " + lastVerifiedRows + " rows compared as they are now (the cutover "
                    + "state died with the interrupted run); the source follows the target through reverse replication and matches it"
                    + (result.busy().isEmpty() ? "" : ", except ranges still changing under writes: "
                    + String.join(", ", result.busy().stream().map(Verifier.Mismatch::where).toList())));
            return;
        }
        Verifier.Report report = verifier().compare(source, target, tables);
        lastVerifiedRows = report.rows();
        if (!report.matches()) {
            failAfterSwitch(journal, report.mismatches(), "the state at the cutover is no longer available (the run that switched was "
                    + "interrupted) and no reverse replication brings the target's writes to the source, so the servers were compared "
                    + "as they are now. Rows the app wrote to the target since " + since + " show up as differences here (more rows, "
                    + "or changed rows, on the target); a range the app has not written to since then is a real difference:");
        }
        verifiedAfterAll(journal);
        progress.step("verify", tables.size() + " tables, " + report.rows() + " rows compared as they are now: counts and checksums match");
    }

    /** A resumed verify passed (the operator may have repaired what an earlier one found): the cutover stands verified. */
    private static void verifiedAfterAll(Journal journal) {
        journal.finalVerify = "passed";
        journal.finalVerifyMismatches.clear();
        if (journal.status == Journal.Status.VERIFY_FAILED) {
            journal.status = Journal.Status.CUT_OVER;
        }
    }

    private void failAfterSwitch(Journal journal, List<Verifier.Mismatch> mismatches, String what) {
        journal.status = Journal.Status.VERIFY_FAILED;
        journal.finalVerify = "failed";
        journal.finalVerifyMismatches = new ArrayList<>(mismatches.stream().map(Verifier.Mismatch::where).toList());
        store.write(journal);
        String back = journal.reverseSubscription != null
                ? "Reverse replication is running: every write the " + settings.to() + " tier takes also reaches the source, which "
                + "kept its own rows. --rollback goes back to the " + settings.from() + " tier without losing a write (it stops writes "
                + "on the target, waits until the source has them all, copies the sequences, compares and switches back)."
                : "Reverse replication is off: --rollback is refused once the target has taken writes. Repair the target from the "
                + "source's rows in these ranges, or roll back before the app writes.";
        throw new VerificationFailedException("verification failed after the switch: traffic is on the " + settings.to()
                + " tier, and " + what + "\n  " + String.join("\n  ", mismatches.stream().map(Verifier.Mismatch::describe).toList())
                + "\n" + back, mismatches);
    }

    // ---- rollback and finalize -------------------------------------------------------------------

    /**
     * Goes back to the source. Before cutover: removes replication and turns maintenance off. After
     * cutover with reverse replication: the source is brought level with the target first, so no
     * write is lost. After cutover without it: only when the target took no writes since (its
     * contents still equal what was verified), else refuses and names the tables that changed.
     */
    public Outcome rollback() {
        Journal journal = openJournal();
        List<String> notes = new ArrayList<>();
        if (journal.status.cutOver()) {
            repointSubscriptions(journal);
            if (reverseReplicationRunning(journal)) {
                notes.addAll(bringSourceLevel(journal));
            } else {
                notes.add(refuseIfTargetChanged(journal));
            }
        }
        removeReplication(journal);
        traffic.switchTo(TrafficSwitch.Side.SOURCE);
        // The target stays in maintenance after a rollback from a cutover: clients that still reach it
        // get the maintenance page instead of writing into a database that no longer serves.
        traffic.maintenance(TrafficSwitch.Side.SOURCE, false);
        journal.status = Journal.Status.ROLLED_BACK;
        store.write(journal);
        notes.add("traffic is on the " + journal.from + " tier again; the target database was left as it is");
        notes.forEach(n -> progress.step("rollback", n));
        return new Outcome(journal.status, Duration.ZERO, 0, notes);
    }

    private boolean reverseReplicationRunning(Journal journal) {
        if (journal.reverseSubscription == null) {
            return false;
        }
        try (Sql source = open(settings.source(), "source")) {
            return source.number("SELECT count(*) FROM pg_subscription WHERE subname = ?", journal.reverseSubscription) > 0;
        }
    }

    /**
     * Writes stop on the target, the source applies the last of them, takes over the sequences and
     * is compared with the target. Ranges that already differed at the cutover (a failed verify
     * after the switch) keep the source's rows; any other difference keeps traffic on the target.
     */
    private List<String> bringSourceLevel(Journal journal) {
        traffic.maintenance(TrafficSwitch.Side.TARGET, true);
        try (Sql source = open(settings.source(), "source"); Sql target = open(settings.target(), "target")) {
            String lsn = replication.drain(target, journal.reverseSlot, settings.drainTimeout());
            progress.step("rollback", "the source has applied every write the target took (target WAL " + lsn + " confirmed)");
            copySequences(target, source, "rollback");
            List<TableRef> tables = catalog.tables(source);
            Verifier.Report report = verifier().compare(source, target, tables);
            List<Verifier.Mismatch> known = report.mismatches().stream()
                    .filter(m -> journal.finalVerifyMismatches.contains(m.where())).toList();
            List<Verifier.Mismatch> unexpected = report.mismatches().stream().filter(m -> !known.contains(m)).toList();
            if (!unexpected.isEmpty()) {
                throw new MigrationException("refusing to roll back: with reverse replication caught up, the source still differs "
                        + "from the target in:\n  " + String.join("\n  ", unexpected.stream().map(Verifier.Mismatch::describe).toList())
                        + "\nSwitching back could lose those rows. Traffic stays on the " + journal.to + " tier; check the source's "
                        + "log for reverse replication apply errors, then retry --rollback.");
            }
            List<String> notes = new ArrayList<>();
            notes.add("the source has every write the " + journal.to + " tier took since the cutover: " + tables.size() + " tables, "
                    + report.rows() + " rows match (source " + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms)");
            if (!known.isEmpty()) {
                notes.add("ranges that already differed at the cutover keep the source's rows: "
                        + String.join(", ", known.stream().map(Verifier.Mismatch::where).toList()));
            }
            return notes;
        } catch (RuntimeException e) {
            // Nothing moved yet: the target serves again rather than leave the app down.
            traffic.maintenance(TrafficSwitch.Side.TARGET, false);
            throw e;
        }
    }

    private String refuseIfTargetChanged(Journal journal) {
        traffic.maintenance(TrafficSwitch.Side.TARGET, true);
        List<String> changed;
        try (Sql target = open(settings.target(), "target")) {
            changed = changedSinceCutover(target, journal);
        } catch (RuntimeException e) {
            traffic.maintenance(TrafficSwitch.Side.TARGET, false);
            throw e;
        }
        if (!changed.isEmpty()) {
            traffic.maintenance(TrafficSwitch.Side.TARGET, false);
            throw new MigrationException("refusing to roll back: the target has received writes since the cutover at "
                    + journal.switchedAt + " that the source does not have, in " + String.join(", ", changed)
                    + ". Switching back would lose them. Traffic stays on the " + journal.to + " tier. Copy those rows "
                    + "to the source first (or keep the target and run --finalize).");
        }
        return "the target has taken no writes since the cutover; switching back loses nothing";
    }

    private List<String> changedSinceCutover(Sql target, Journal journal) {
        List<TableRef> tables = catalog.tables(target);
        Verifier verifier = verifier();
        List<String> changed = new ArrayList<>();
        try (Sql source = open(settings.source(), "source")) {
            Map<String, List<Verifier.Chunk>> chunks = new LinkedHashMap<>();
            for (TableRef t : tables) {
                chunks.put(t.display(), verifier.chunks(source, t));
            }
            Map<String, Verifier.TableDigest> now = verifier.digestAll(target, tables, chunks);
            for (TableRef t : tables) {
                String before = journal.targetAtCutover.get(t.display());
                Verifier.TableDigest after = now.get(t.display());
                if (before == null) {
                    changed.add(t.display() + " (its state at the cutover was not recorded: the verify after the switch did not run "
                            + "then; " + after.rows() + " rows now)");
                } else if (!before.equals(after.fingerprint())) {
                    changed.add(t.display() + " (" + before.substring(0, before.indexOf('/')) + " rows at cutover, " + after.rows() + " now)");
                }
            }
        }
        return changed;
    }

    /** Keeps the target and removes what the migration left on both servers: subscriptions, slots, publications, both directions. */
    public Outcome finalizeMigration() {
        Journal journal = openJournal();
        if (!journal.status.cutOver()) {
            throw new MigrationException("the migration has not cut over yet (last step: " + lastStep(journal)
                    + "); finalize only after the cutover, or --resume first");
        }
        removeReplication(journal);
        journal.status = Journal.Status.FINALIZED;
        store.write(journal);
        List<String> notes = List.of("publications, subscriptions and replication slots removed in both directions; "
                + "the source database itself is untouched");
        notes.forEach(n -> progress.step("finalize", n));
        return new Outcome(journal.status, Duration.ZERO, 0, notes);
    }

    private void removeReplication(Journal journal) {
        try (Sql source = open(settings.source(), "source"); Sql target = open(settings.target(), "target")) {
            replication.remove(source, target, journal.reverseSubscription, journal.reverseSlot, journal.reversePublication);
            replication.remove(target, source, journal.subscription, journal.slot, journal.publication);
        }
        if (journal.dumpDir != null) {
            PgTools.deleteTree(Path.of(journal.dumpDir));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Verifier verifier() {
        return new Verifier(settings.verifyChunkWidth());
    }

    private Journal openJournal() {
        Journal journal = store.read().orElseThrow(() -> new MigrationException("no migration journal at " + store.file()
                + "; nothing to resume, roll back or finalize"));
        if (journal.status.closed()) {
            throw new MigrationException("the migration recorded in " + store.file() + " is already "
                    + journal.status.name().toLowerCase().replace('_', ' '));
        }
        if (!journal.source.equals(settings.source().toString()) || !journal.target.equals(settings.target().toString())) {
            throw new MigrationException("the journal was written for " + journal.source + " -> " + journal.target
                    + ", not " + settings.source() + " -> " + settings.target() + "; give the same databases");
        }
        return journal;
    }

    private static String lastStep(Journal j) {
        return j.completedSteps.isEmpty() ? "none" : j.completedSteps.get(j.completedSteps.size() - 1);
    }

    private Path tempDir() {
        try {
            Files.createDirectories(settings.workDir());
            return Files.createTempDirectory(settings.workDir(), "tierlift-schema");
        } catch (java.io.IOException e) {
            throw new MigrationException("cannot create a work directory under " + settings.workDir() + ": " + e.getMessage());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted");
        }
    }
}

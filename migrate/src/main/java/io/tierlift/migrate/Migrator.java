package io.tierlift.migrate;

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
 */
public final class Migrator {
    /** What a finished run reports. */
    public record Outcome(Journal.Status status, Duration writeDowntime, long rowsVerified, List<String> notes) {
    }

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
    private final List<MigrationStep> steps;

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
            throw new MigrationException("a migration of " + j.app + " from " + j.from + " to " + j.to + " is already "
                    + (j.status == Journal.Status.CUT_OVER ? "cut over" : "in progress (last step: " + lastStep(j) + ")")
                    + " according to " + store.file() + "; run with --resume to continue it, --rollback to undo it"
                    + (j.status == Journal.Status.CUT_OVER ? " or --finalize to keep the target" : ""));
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

    /** Continues an interrupted migration from its last completed step. */
    public Outcome resume() {
        Journal journal = openJournal();
        if (journal.status == Journal.Status.CUT_OVER) {
            throw new MigrationException("the migration is already cut over; nothing to resume (use --finalize or --rollback)");
        }
        if (!journal.method.equals(settings.method().key())) {
            throw new MigrationException("the journal records method " + journal.method + ", not " + settings.method().key()
                    + "; resume with --method " + journal.method);
        }
        progress.step("migrate", "resuming after step " + lastStep(journal));
        return run(journal);
    }

    private Outcome run(Journal journal) {
        String phase = null;
        for (MigrationStep step : steps) {
            if (!step.phase().equals(phase)) {
                phase = step.phase();
                showPhase(phase, journal);
            }
            if (journal.done(step.name()) && !step.name().equals("preflight")) {
                continue;
            }
            hook.beforeStep(step.name());
            progress.step(step.phase(), step.summary());
            runStep(step.name(), journal);
            journal.complete(step.name());
            store.write(journal);
        }
        Duration downtime = Duration.ofMillis(journal.downtimeMillis == null ? 0 : journal.downtimeMillis);
        List<String> notes = new ArrayList<>();
        notes.add("write downtime " + downtime.toMillis() + " ms (maintenance on at " + journal.maintenanceOnAt
                + ", traffic on the target at " + journal.switchedAt + ")");
        notes.add("the source is kept intact for a rollback window: --rollback to go back, --finalize to remove "
                + "the publication, subscription and slot");
        notes.forEach(n -> progress.step("migrate", n));
        return new Outcome(journal.status, downtime, lastVerifiedRows, notes);
    }

    private long lastVerifiedRows;

    private void showPhase(String phase, Journal journal) {
        List<MigrationStep> inPhase = steps.stream().filter(s -> s.phase().equals(phase)).toList();
        planOut.println("== phase " + phase + " ==");
        planOut.print(new MigrationPlanView().render(settings, inPhase, journal, clock.instant()));
        planOut.flush();
    }

    private void runStep(String name, Journal journal) {
        try (Sql source = open(settings.source(), "source"); Sql target = open(settings.target(), "target")) {
            switch (name) {
                case "preflight" -> preflight(source, target, journal);
                case "provision" -> tier.provision();
                case "schema" -> schema(target);
                case "publication" -> publication(source, journal);
                case "subscription" -> subscription(source, target, journal);
                case "initial-copy" -> initialCopy(source, target, journal);
                case "maintenance" -> {
                    traffic.maintenance(TrafficSwitch.Side.SOURCE, true);
                    if (journal.maintenanceOnAt == null) {
                        journal.maintenanceOnAt = clock.instant();
                    }
                }
                case "drain" -> drain(source, journal.slot);
                case "dump" -> dump(journal);
                case "restore" -> restore(target, journal);
                case "sequences" -> copySequences(source, target);
                case "verify" -> verify(source, target, journal);
                case "stop-replication" -> stopReplication(target, journal);
                case "switch" -> {
                    traffic.switchTo(TrafficSwitch.Side.TARGET);
                    journal.switchedAt = clock.instant();
                    journal.downtimeMillis = Duration.between(journal.maintenanceOnAt, journal.switchedAt).toMillis();
                    journal.status = Journal.Status.CUT_OVER;
                }
                default -> throw new IllegalStateException("unknown step " + name);
            }
        }
    }

    private Sql open(DbEndpoint endpoint, String label) {
        return new Sql(connections.open(endpoint), label + " " + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database(),
                connections.redactor());
    }

    // ---- preflight -------------------------------------------------------------------------

    private void preflight(Sql source, Sql target, Journal journal) {
        boolean resuming = journal.done("schema") || journal.done("restore") || journal.done("dump");
        Preflight.Report report = new Preflight(50L * 1024 * 1024, Duration.ofMinutes(1))
                .check(source, target, settings.method(), resuming || !catalog.tables(target).isEmpty() && journal.done("preflight"), journal.slot);
        report.findings().forEach(f -> progress.step("preflight", f.describe()));
        if (report.blocked()) {
            throw new MigrationException("preflight refused the migration:\n  " + String.join("\n  ",
                    report.blockers().stream().map(Preflight.Finding::describe).toList()));
        }
    }

    // ---- copy: schema and logical replication ---------------------------------------------------

    private void schema(Sql target) {
        if (!catalog.tables(target).isEmpty()) {
            progress.step("copy", "the target already has the schema (an earlier run applied it)");
            return;
        }
        Path dir = tempDir();
        try {
            Path file = dir.resolve("schema.sql");
            tools.run("pg_dump", concat(List.of("--schema-only", "--no-publications", "--no-subscriptions", "-f", file.toString()),
                    tools.connectionArgs(settings.source())), List.of(settings.source()), line -> progress.step("copy", line));
            // One transaction: a crash leaves the target either without the schema or with all of it.
            tools.run("psql", concat(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", file.toString()),
                    tools.connectionArgs(settings.target())), List.of(settings.target()), line -> progress.step("copy", line));
        } finally {
            PgTools.deleteTree(dir);
        }
        progress.step("copy", "schema applied: " + catalog.tables(target).size() + " tables");
    }

    private void publication(Sql source, Journal journal) {
        String name = settings.replicationName();
        if (source.number("SELECT count(*) FROM pg_publication WHERE pubname = ?", name) == 0) {
            source.execute("CREATE PUBLICATION " + SqlText.ident(name) + " FOR ALL TABLES");
        }
        journal.publication = name;
    }

    private void subscription(Sql source, Sql target, Journal journal) {
        String name = settings.replicationName();
        journal.subscription = name;
        journal.slot = name;
        if (target.number("SELECT count(*) FROM pg_subscription WHERE subname = ?", name) > 0) {
            target.execute("ALTER SUBSCRIPTION " + SqlText.ident(name) + " ENABLE");
            return;
        }
        // A slot without its subscription is left from a crash inside CREATE SUBSCRIPTION: start over.
        if (source.number("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND NOT active", name) > 0) {
            source.query("SELECT pg_drop_replication_slot(?)", rs -> 1, name);
        }
        DbEndpoint s = settings.source();
        String conninfo = "host=" + SqlText.conninfoValue(s.host()) + " port=" + s.port() + " dbname=" + SqlText.conninfoValue(s.database())
                + " user=" + SqlText.conninfoValue(s.user())
                + (s.password().isPresent() ? " password=" + SqlText.conninfoValue(connections.password(s)) : "");
        // The statement carries the password (PostgreSQL keeps it in pg_subscription, readable by superusers only);
        // errors pass through the redactor and the statement itself is never printed.
        target.execute("CREATE SUBSCRIPTION " + SqlText.ident(name) + " CONNECTION " + SqlText.literal(conninfo)
                + " PUBLICATION " + SqlText.ident(journal.publication) + " WITH (slot_name = " + SqlText.literal(name)
                + ", copy_data = true, enabled = true)");
    }

    private void initialCopy(Sql source, Sql target, Journal journal) {
        Instant started = clock.instant();
        Instant deadline = started.plus(settings.copyTimeout());
        // What the copy has to move, for the overall progress line and its ETA (sizes on disk: an estimate).
        long total = source.number("SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)"
                + " FROM pg_publication_tables WHERE pubname = " + SqlText.literal(journal.publication));
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
                settle(target);
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
     * the cutover, so the verify inside the write downtime is quick.
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
        return SqlText.qualified(display.substring(0, dot), display.substring(dot + 1));
    }

    /** Waits until the subscription has confirmed everything the source wrote up to now. */
    private void drain(Sql source, String slot) {
        String lsn = source.text("SELECT pg_current_wal_lsn()::text");
        Instant deadline = clock.instant().plus(settings.drainTimeout());
        while (true) {
            boolean caughtUp = source.one("SELECT coalesce(confirmed_flush_lsn >= ?::pg_lsn, false) FROM pg_replication_slots WHERE slot_name = ?",
                    rs -> rs.getBoolean(1), lsn, slot);
            if (caughtUp) {
                progress.step("cutover", "replication lag is zero (source WAL " + lsn + " confirmed by the subscription)");
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new MigrationException("the subscription did not reach the source's WAL position " + lsn + " within "
                        + settings.drainTimeout() + "; check pg_stat_subscription on the target, then --resume");
            }
            sleep(20);
        }
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

    // ---- cutover ------------------------------------------------------------------------------

    private void copySequences(Sql from, Sql to) {
        for (Catalog.SequenceRef seq : catalog.sequences(from)) {
            Catalog.SequenceState state = catalog.sequenceState(from, seq);
            to.query("SELECT setval(?::regclass, ?, ?)", rs -> 1, seq.qualified(), state.lastValue(), state.isCalled());
            progress.step("cutover", "sequence " + seq.schema() + "." + seq.name() + " set to " + state.lastValue()
                    + (state.isCalled() ? "" : " (not yet used)"));
        }
    }

    private void verify(Sql source, Sql target, Journal journal) {
        Verifier verifier = new Verifier(settings.verifyChunkWidth());
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
        journal.targetAtCutover.clear();
        report.target().forEach((table, digest) -> journal.targetAtCutover.put(table, digest.fingerprint()));
        lastVerifiedRows = report.rows();
        progress.step("verify", tables.size() + " tables, " + report.rows() + " rows: counts and checksums match (source "
                + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms)");
    }

    private void stopReplication(Sql target, Journal journal) {
        if (journal.subscription != null
                && target.number("SELECT count(*) FROM pg_subscription WHERE subname = ?", journal.subscription) > 0) {
            target.execute("ALTER SUBSCRIPTION " + SqlText.ident(journal.subscription) + " DISABLE");
        }
    }

    // ---- rollback and finalize -------------------------------------------------------------------

    /**
     * Goes back to the source. Before cutover: removes replication and turns maintenance off. After
     * cutover: only when the target took no writes since (its contents still equal what was verified),
     * else refuses and names the tables that changed.
     */
    public Outcome rollback() {
        Journal journal = openJournal();
        List<String> notes = new ArrayList<>();
        if (journal.status == Journal.Status.CUT_OVER) {
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
            notes.add("the target has taken no writes since the cutover; switching back loses nothing");
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

    private List<String> changedSinceCutover(Sql target, Journal journal) {
        List<TableRef> tables = catalog.tables(target);
        Verifier verifier = new Verifier(settings.verifyChunkWidth());
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
                if (before == null || !before.equals(after.fingerprint())) {
                    changed.add(t.display() + " (" + (before == null ? "new table" : before.substring(0, before.indexOf('/'))
                            + " rows at cutover, " + after.rows() + " now") + ")");
                }
            }
        }
        return changed;
    }

    /** Keeps the target and removes what the migration left on both servers: subscription, slot, publication. */
    public Outcome finalizeMigration() {
        Journal journal = openJournal();
        if (journal.status != Journal.Status.CUT_OVER) {
            throw new MigrationException("the migration has not cut over yet (last step: " + lastStep(journal)
                    + "); finalize only after the cutover, or --resume first");
        }
        removeReplication(journal);
        journal.status = Journal.Status.FINALIZED;
        store.write(journal);
        List<String> notes = List.of("publication, subscription and replication slot removed; the source database itself is untouched");
        notes.forEach(n -> progress.step("finalize", n));
        return new Outcome(journal.status, Duration.ZERO, 0, notes);
    }

    private void removeReplication(Journal journal) {
        try (Sql source = open(settings.source(), "source"); Sql target = open(settings.target(), "target")) {
            if (journal.subscription != null
                    && target.number("SELECT count(*) FROM pg_subscription WHERE subname = ?", journal.subscription) > 0) {
                String sub = SqlText.ident(journal.subscription);
                // Detach the slot first so dropping the subscription never needs to reach the source.
                target.execute("ALTER SUBSCRIPTION " + sub + " DISABLE");
                target.execute("ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)");
                target.execute("DROP SUBSCRIPTION " + sub);
            }
            if (journal.slot != null) {
                waitSlotInactive(source, journal.slot);
                source.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?", rs -> 1, journal.slot);
            }
            if (journal.publication != null) {
                source.execute("DROP PUBLICATION IF EXISTS " + SqlText.ident(journal.publication));
            }
        }
        if (journal.dumpDir != null) {
            PgTools.deleteTree(Path.of(journal.dumpDir));
        }
    }

    private void waitSlotInactive(Sql source, String slot) {
        for (int i = 0; i < 100; i++) {
            if (source.number("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active", slot) == 0) {
                return;
            }
            sleep(100);
        }
        throw new MigrationException("replication slot " + slot + " on the source is still in use; stop its subscriber and retry");
    }

    // ---- helpers -------------------------------------------------------------------------------

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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted");
        }
    }
}

package io.tierlift.migrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Goes back to the source. Before cutover: removes replication and turns maintenance off. After
 * cutover with reverse replication: the source is brought level with the target first, so no
 * write is lost. After cutover without it: only when the target took no writes since (its
 * contents still equal what was verified), else refuses and names the tables that changed.
 */
final class Rollback {
    private static final String SCOPE = "rollback";

    private final MigrationContext context;
    private final JournalStore store;
    private final JournaledReplication replication;

    Rollback(MigrationContext context, JournalStore store, JournaledReplication replication) {
        this.context = context;
        this.store = store;
        this.replication = replication;
    }

    Migrator.Outcome run(Journal journal) {
        List<String> notes = new ArrayList<>();
        if (journal.status().cutOver()) {
            replication.repoint(journal);
            if (replication.reverseRunning(journal)) {
                notes.addAll(bringSourceLevel(journal));
            } else {
                notes.add(refuseIfTargetChanged(journal));
            }
        }
        replication.removeAll(journal);
        TrafficSwitch traffic = context.traffic();
        traffic.switchTo(TrafficSwitch.Side.SOURCE);
        // The target stays in maintenance after a rollback from a cutover: clients that still reach it
        // get the maintenance page instead of writing into a database that no longer serves.
        traffic.maintenance(TrafficSwitch.Side.SOURCE, false);
        Journal rolledBack = store.write(journal.withStatus(Journal.Status.ROLLED_BACK));
        notes.add("traffic is on the " + journal.from() + " tier again; the target database was left as it is");
        notes.forEach(n -> context.progress().step(SCOPE, n));
        return new Migrator.Outcome(rolledBack.status(), Duration.ZERO, 0, notes);
    }

    /**
     * Writes stop on the target, the source applies the last of them, takes over the sequences and
     * is compared with the target. Ranges that already differed at the cutover (a failed verify
     * after the switch) keep the source's rows; any other difference keeps traffic on the target.
     */
    private List<String> bringSourceLevel(Journal journal) {
        context.traffic().maintenance(TrafficSwitch.Side.TARGET, true);
        try (Sql source = context.servers().source(); Sql target = context.servers().target()) {
            String lsn = context.replication().drain(target, journal.reverseSlot(), context.settings().drainTimeout());
            context.progress().step(SCOPE, "the source has applied every write the target took (target WAL " + lsn + " confirmed)");
            new SequenceCopy(context.catalog(), context.progress()).copy(target, source, SCOPE);
            List<TableRef> tables = context.catalog().tables(source);
            Verifier.Report report = context.verifier().compare(source, target, tables);
            List<Verifier.Mismatch> known = report.mismatches().stream()
                    .filter(m -> journal.finalVerifyMismatches().contains(m.where())).toList();
            List<Verifier.Mismatch> unexpected = report.mismatches().stream().filter(m -> !known.contains(m)).toList();
            if (!unexpected.isEmpty()) {
                throw new MigrationException("refusing to roll back: with reverse replication caught up, the source still differs "
                        + "from the target in:\n  " + Verification.describe(unexpected)
                        + "\nSwitching back could lose those rows. Traffic stays on the " + journal.to() + " tier; check the source's "
                        + "log for reverse replication apply errors, then retry --rollback.");
            }
            List<String> notes = new ArrayList<>();
            notes.add("the source has every write the " + journal.to() + " tier took since the cutover: " + tables.size() + " tables, "
                    + report.rows() + " rows match (source " + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms)");
            if (!known.isEmpty()) {
                notes.add("ranges that already differed at the cutover keep the source's rows: " + Verification.where(known));
            }
            return notes;
        } catch (RuntimeException e) {
            // Nothing moved yet: the target serves again rather than leave the app down.
            context.traffic().maintenance(TrafficSwitch.Side.TARGET, false);
            throw e;
        }
    }

    private String refuseIfTargetChanged(Journal journal) {
        context.traffic().maintenance(TrafficSwitch.Side.TARGET, true);
        List<String> changed;
        try (Sql target = context.servers().target()) {
            changed = changedSinceCutover(target, journal);
        } catch (RuntimeException e) {
            context.traffic().maintenance(TrafficSwitch.Side.TARGET, false);
            throw e;
        }
        if (!changed.isEmpty()) {
            context.traffic().maintenance(TrafficSwitch.Side.TARGET, false);
            throw new MigrationException("refusing to roll back: the target has received writes since the cutover at "
                    + journal.switchedAt() + " that the source does not have, in " + String.join(", ", changed)
                    + ". Switching back would lose them. Traffic stays on the " + journal.to() + " tier. Copy those rows "
                    + "to the source first (or keep the target and run --finalize).");
        }
        return "the target has taken no writes since the cutover; switching back loses nothing";
    }

    private List<String> changedSinceCutover(Sql target, Journal journal) {
        List<TableRef> tables = context.catalog().tables(target);
        Verifier verifier = context.verifier();
        List<String> changed = new ArrayList<>();
        try (Sql source = context.servers().source()) {
            Map<String, List<Verifier.Chunk>> chunks = new LinkedHashMap<>();
            for (TableRef t : tables) {
                chunks.put(t.display(), verifier.chunks(source, t));
            }
            Map<String, Verifier.TableDigest> now = verifier.digestAll(target, tables, chunks);
            for (TableRef t : tables) {
                String before = journal.targetAtCutover().get(t.display());
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
}

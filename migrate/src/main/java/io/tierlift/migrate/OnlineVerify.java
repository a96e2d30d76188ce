package io.tierlift.migrate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two databases while one replicates into the other and the app keeps writing. A first
 * full pass finds the key ranges that differ; each is then re-checked after the follower caught up
 * with the leader's WAL position. A range differs for good when the leader's side of it stayed the
 * same over two re-checks (no write touched it) and the follower, caught up, still disagrees. A
 * range that kept changing is "busy": writes in flight explain it, and the verify of the cutover
 * state covers it.
 */
final class OnlineVerify {
    /** Re-checks of the leader's same content needed before calling a difference lasting. */
    private static final int STABLE_ROUNDS = 2;

    record Result(Verifier.Report first, List<Verifier.Mismatch> lasting, List<Verifier.Mismatch> busy, int rechecks) {
        boolean lastingDifference() {
            return !lasting.isEmpty();
        }
    }

    private final Verifier verifier;
    private final int maxRechecks;

    OnlineVerify(Verifier verifier, int maxRechecks) {
        this.verifier = verifier;
        this.maxRechecks = maxRechecks;
    }

    /**
     * @param catchUp waits (bounded) until the follower applied everything the leader wrote so far; its result is
     *                not needed: a follower that never catches up leaves a stable difference, which is reported
     */
    Result run(Sql source, Sql target, List<TableRef> tables, Runnable catchUp) {
        Verifier.Report first = verifier.compare(source, target, tables);
        Map<String, TableRef> byName = new HashMap<>();
        tables.forEach(t -> byName.put(t.display(), t));
        Map<String, String> lastSourceState = new HashMap<>();
        Map<String, Integer> stableRounds = new HashMap<>();
        first.mismatches().forEach(m -> lastSourceState.put(m.where(), state(m)));
        List<Verifier.Mismatch> open = first.mismatches();
        List<Verifier.Mismatch> lasting = new ArrayList<>();
        int round = 0;
        while (!open.isEmpty() && round < maxRechecks) {
            round++;
            catchUp.run();
            Map<String, List<Verifier.Chunk>> chunks = new LinkedHashMap<>();
            open.forEach(m -> chunks.computeIfAbsent(m.table(), k -> new ArrayList<>()).add(m.range()));
            List<TableRef> recheck = chunks.keySet().stream().map(byName::get).toList();
            List<Verifier.Mismatch> next = new ArrayList<>();
            for (Verifier.Mismatch m : verifier.compare(source, target, recheck, chunks).mismatches()) {
                String state = state(m);
                int stable = state.equals(lastSourceState.put(m.where(), state)) ? stableRounds.merge(m.where(), 1, Integer::sum) : 0;
                stableRounds.put(m.where(), stable);
                if (stable >= STABLE_ROUNDS) {
                    lasting.add(m);
                } else {
                    next.add(m);
                }
            }
            open = next;
        }
        return new Result(first, lasting, open, round);
    }

    private static String state(Verifier.Mismatch m) {
        return m.sourceRows() + ":" + m.sourceDigest();
    }
}

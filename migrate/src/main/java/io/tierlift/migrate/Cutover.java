package io.tierlift.migrate;

import java.time.Instant;

/**
 * The cutover steps: writes stop on the source, the target catches up and takes over the
 * sequences, replication turns around, and traffic moves to the target.
 */
final class Cutover {
    private static final String SCOPE = Phase.CUTOVER.key();

    private final MigrationContext context;
    private final JournalKeeper journal;
    private final Sessions db;
    private final CutoverSnapshots snapshots;

    Cutover(MigrationContext context, JournalKeeper journal, Sessions db, CutoverSnapshots snapshots) {
        this.context = context;
        this.journal = journal;
        this.db = db;
        this.snapshots = snapshots;
    }

    void stopWrites() {
        // The downtime starts when writes start to stop: the switch itself can take a while
        // (on-prem it waits for requests in flight), and users already get the 503 page then.
        Instant now = context.clock().instant();
        journal.change(j -> j.maintenanceStarted(now));
        context.traffic().maintenance(TrafficSwitch.Side.SOURCE, true);
    }

    void drain() {
        String lsn = context.replication().drain(db.source(), journal.current().slot(), context.settings().drainTimeout());
        context.progress().step(SCOPE, "replication lag is zero (source WAL " + lsn + " confirmed by the subscription)");
    }

    void sequences() {
        new SequenceCopy(context.catalog(), context.progress()).copy(db.source(), db.target(), SCOPE);
    }

    /**
     * Writes are stopped and the target has applied everything: the state both servers hold now is
     * what the verify after the switch must compare. A repeatable-read transaction on each keeps it
     * readable whatever commits later (the target's new writes, the reverse replication's on the source).
     */
    void pinSnapshots() {
        String positions = snapshots.pin();
        context.progress().step(SCOPE, "cutover state pinned (" + positions + ")");
    }

    void stopReplication() {
        context.replication().disable(Subscriber.over(db.target()), journal.current().subscription());
    }

    /**
     * Target-to-source replication, created while writes are stopped and the forward subscription is
     * off: the new slot on the target starts after everything the forward replication applied, so
     * only the writes the target takes from now on flow back, and nothing loops.
     */
    void reverseReplication() {
        Sql source = db.source();
        Sql target = db.target();
        if (!journal.current().reverseReplication()) {
            context.progress().step(SCOPE, "reverse replication is off (see the preflight): a rollback after the switch is refused "
                    + "once the target has taken writes");
            return;
        }
        String name = context.settings().reverseReplicationName();
        // Journaled before creating anything, so a crash in between still leaves the names for --rollback and --finalize.
        journal.record(j -> j.withReverseReplicationNamed(name));
        context.replication().createPublication(target, name, context.catalog().tables(target), false);
        context.replication().createSubscription(context.sourceSubscriber(source), target, name, name,
                context.settings().targetForReverseSubscription(), false);
    }

    void switchTraffic() {
        context.traffic().switchTo(TrafficSwitch.Side.TARGET);
        journal.change(j -> j.switched(context.clock().instant()));
        context.progress().step(SCOPE, "traffic is on the " + context.settings().to() + " tier; writes were stopped for "
                + journal.current().downtimeMillis() + " ms");
    }
}

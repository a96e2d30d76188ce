package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;

import java.nio.file.Path;

/** The replication objects a migration's journal names, in both directions: found again, pointed anew, or removed. */
final class JournaledReplication {
    private final MigrationContext context;

    JournaledReplication(MigrationContext context) {
        this.context = context;
    }

    /**
     * On resume the source may be reachable at another address than last time (a tunnel's local
     * port changes per run): point the subscriptions at where their publishers are now, before
     * anything waits on them. Only while they are still in use.
     */
    void repoint(Journal journal) {
        MigrationSettings settings = context.settings();
        if (settings.method() != Method.LOGICAL) {
            return;
        }
        boolean forward = journal.subscription() != null && !journal.done(Step.STOP_REPLICATION);
        boolean reverse = journal.reverseSubscription() != null;
        if (!forward && !reverse) {
            return;
        }
        try (Sql source = context.servers().source(); Sql target = context.servers().target()) {
            DbEndpoint s = settings.sourceForSubscription();
            if (forward && context.replication().repoint(Subscriber.over(target), journal.subscription(), s)) {
                context.progress().step("migrate", "subscription " + journal.subscription() + " now reaches the source at "
                        + s.host() + ":" + s.port());
            }
            DbEndpoint t = settings.targetForReverseSubscription();
            if (reverse && context.replication().repoint(context.sourceSubscriber(source), journal.reverseSubscription(), t)) {
                context.progress().step("migrate", "reverse subscription " + journal.reverseSubscription() + " now reaches the target at "
                        + t.host() + ":" + t.port());
            }
        }
    }

    /** Whether the source's reverse subscription exists (a rollback then brings the source level with the target first). */
    boolean reverseRunning(Journal journal) {
        if (journal.reverseSubscription() == null) {
            return false;
        }
        try (Sql source = context.servers().source()) {
            return source.number("SELECT count(*) FROM pg_subscription WHERE subname = ?", journal.reverseSubscription()) > 0;
        }
    }

    /** Removes subscriptions, slots and publications in both directions, and a dump directory left behind. */
    void removeAll(Journal journal) {
        try (Sql source = context.servers().source(); Sql target = context.servers().target()) {
            context.replication().remove(context.sourceSubscriber(source), target, journal.reverseSubscription(), journal.reverseSlot(), journal.reversePublication());
            context.replication().remove(Subscriber.over(target), source, journal.subscription(), journal.slot(), journal.publication());
        }
        if (journal.dumpDir() != null) {
            PgTools.deleteTree(Path.of(journal.dumpDir()));
        }
    }
}

package io.tierlift.migrate;

import java.time.Duration;
import java.util.List;

/** Keeps the target and removes what the migration left on both servers: subscriptions, slots, publications, both directions. */
final class Finalize {
    private final MigrationContext context;
    private final JournalStore store;
    private final JournaledReplication replication;

    Finalize(MigrationContext context, JournalStore store, JournaledReplication replication) {
        this.context = context;
        this.store = store;
        this.replication = replication;
    }

    Migrator.Outcome run(Journal journal) {
        if (!journal.status().cutOver()) {
            throw new MigrationException("the migration has not cut over yet (last step: " + Migrator.lastStep(journal)
                    + "); finalize only after the cutover, or --resume first");
        }
        replication.removeAll(journal);
        Journal finalized = store.write(journal.withStatus(Journal.Status.FINALIZED));
        List<String> notes = List.of("publications, subscriptions and replication slots removed in both directions; "
                + "the source database itself is untouched");
        notes.forEach(n -> context.progress().step("finalize", n));
        return new Migrator.Outcome(finalized.status(), Duration.ZERO, 0, notes);
    }
}

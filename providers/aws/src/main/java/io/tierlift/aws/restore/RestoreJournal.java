package io.tierlift.aws.restore;

import java.time.Instant;
import java.util.Optional;

/**
 * One AWS restore as written to its journal after each step: the point asked for ({@code point}, as
 * {@code RestorePoint.describe()} shows it) and the time the database is restored to; the database
 * that was live when it began ({@code oldDatabase}) and the id the restore reads from ({@code source});
 * once CloudFormation made it, the restored one ({@code newDatabase}).
 *
 * <p>The old database is recorded before anything changes: once the data stack has been updated its
 * database is the restored one, so a resumed restore must not look the source up again.
 */
public record RestoreJournal(String target, String point, Instant time, String oldDatabase, String source, Phase phase,
                             Optional<String> newDatabase) {
    public enum Phase {
        /** Recorded; the data stack not yet updated. */
        STARTED,
        /** The data stack holds the restored database; the stacks that use it not yet switched. */
        RESTORED,
        /** The app uses the restored database; the old one is kept until {@code --finalize}. */
        SWITCHED,
        /** The old database deleted (with a final snapshot): the journal is closed. */
        FINALIZED
    }

    public RestoreJournal {
        newDatabase = newDatabase == null ? Optional.empty() : newDatabase;
    }

    public boolean open() {
        return phase != Phase.FINALIZED;
    }

    RestoreJournal at(Phase next) {
        return new RestoreJournal(target, point, time, oldDatabase, source, next, newDatabase);
    }

    RestoreJournal restoredInto(String database) {
        return new RestoreJournal(target, point, time, oldDatabase, source, Phase.RESTORED, Optional.of(database));
    }
}

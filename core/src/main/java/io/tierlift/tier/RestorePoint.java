package io.tierlift.tier;

import java.time.Instant;
import java.util.Objects;

/** The moment a restore brings the database back to: a point in time, or the end of one backup. */
public sealed interface RestorePoint {
    /** How the point is shown and journaled: the instant in ISO-8601 UTC, or {@code backup <id>}. */
    String describe();

    /** Every transaction committed before {@code time} is kept; none committed after it. */
    record ToTime(Instant time) implements RestorePoint {
        public ToTime {
            Objects.requireNonNull(time);
        }

        @Override
        public String describe() {
            return time.toString();
        }
    }

    /** The database as it was when the backup {@code backupId} (as {@code backup list} shows it) finished. */
    record ToBackup(String backupId) implements RestorePoint {
        public ToBackup {
            if (backupId == null || backupId.isBlank()) {
                throw new IllegalArgumentException("a backup id is required");
            }
        }

        @Override
        public String describe() {
            return "backup " + backupId;
        }
    }
}

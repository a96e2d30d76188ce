package io.tierlift.onprem.deploy;

import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.RestorePoint;
import io.tierlift.tier.TierFailure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The backup a restore starts from, chosen from the repository's list before anything changes. A
 * time is reachable from the end of the oldest backup (pgBackRest records that end to the second,
 * so a second later) up to now; a backup id must be one the repository lists.
 */
record RestoreSource(String backupId) {
    /** pgBackRest's backup stop time is truncated to the second. */
    private static final Duration STOP_PRECISION = Duration.ofSeconds(1);

    static RestoreSource choose(RestorePoint point, List<BackupEntry> backups, Instant now) {
        if (backups.isEmpty()) {
            throw new TierFailure("the repository has no backup yet, so there is nothing to restore from: "
                    + "run tierlift backup now onprem first; nothing was changed");
        }
        if (point instanceof RestorePoint.ToBackup toBackup) {
            return backups.stream().filter(b -> b.id().equals(toBackup.backupId())).findFirst()
                    .map(b -> new RestoreSource(b.id()))
                    .orElseThrow(() -> new TierFailure("the repository has no backup " + toBackup.backupId() + "; it has "
                            + String.join(", ", backups.stream().map(BackupEntry::id).toList()) + " (see tierlift backup list onprem); "
                            + "nothing was changed"));
        }
        Instant time = ((RestorePoint.ToTime) point).time();
        if (time.isAfter(now)) {
            throw new TierFailure("the restore time " + time + " is in the future (it is " + now + " now); nothing was changed");
        }
        Instant earliest = earliest(backups);
        if (time.isBefore(earliest)) {
            throw new TierFailure("the restore time " + time + " is before the earliest restorable time " + earliest
                    + " (the end of the oldest backup, " + backups.get(0).id() + "); nothing was changed");
        }
        BackupEntry newestBefore = backups.get(0);
        for (BackupEntry backup : backups) {
            if (!reachableFrom(backup).isAfter(time)) {
                newestBefore = backup;
            }
        }
        return new RestoreSource(newestBefore.id());
    }

    /** The first moment a time restore can reach: the end of the oldest backup. */
    static Instant earliest(List<BackupEntry> oldestFirst) {
        return reachableFrom(oldestFirst.get(0));
    }

    private static Instant reachableFrom(BackupEntry backup) {
        return backup.finished().plus(STOP_PRECISION);
    }
}

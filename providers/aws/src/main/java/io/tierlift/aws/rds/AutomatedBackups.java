package io.tierlift.aws.rds;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The automated backups AWS keeps of one RDS instance or Aurora cluster, as read at {@code checkedAt}:
 * the retention in days (0: off), the window a point-in-time restore can reach, and the newest
 * automated snapshot. {@code resource} names it for the operator ("RDS instance notes-db").
 */
public record AutomatedBackups(String resource, int retentionDays, Optional<Instant> earliestRestorable,
                               Optional<Instant> latestRestorable, Optional<Instant> lastSnapshot, Instant checkedAt) {
    /**
     * RDS and Aurora keep the latest restorable time within about 5 minutes of now (RDS ships the
     * transaction logs every 5 minutes); three missed uploads mean the logs are not reaching the backup.
     */
    public static final Duration RESTORABLE_LAG_LIMIT = Duration.ofMinutes(15);
    /** The snapshot is daily, and AWS may skip one under heavy load; two days without one is not a skip. */
    public static final Duration SNAPSHOT_AGE_LIMIT = Duration.ofDays(2);

    public boolean enabled() {
        return retentionDays > 0;
    }

    /** How far the latest restorable time lags behind {@code checkedAt}. */
    public Optional<Duration> restorableLag() {
        return latestRestorable.map(t -> Duration.between(t, checkedAt));
    }

    public Optional<Duration> snapshotAge() {
        return lastSnapshot.map(t -> Duration.between(t, checkedAt));
    }

    /** Why the data could not be restored to a recent moment, one line each; empty when it can. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!enabled()) {
            problems.add(resource + " has automated backups off (retention 0 days): it cannot be restored to a point in time; "
                    + "turn them on again with a retention of 1 to 35 days (backup_retention_days)");
            return problems;
        }
        Optional<Duration> lag = restorableLag();
        if (lag.isEmpty()) {
            problems.add(resource + " reports no latest restorable time: no point-in-time restore is possible yet");
        } else if (lag.get().compareTo(RESTORABLE_LAG_LIMIT) > 0) {
            problems.add(resource + " can be restored only up to " + latestRestorable.orElseThrow() + ", " + age(lag.get())
                    + " ago (AWS keeps it within about 5 minutes; over " + RESTORABLE_LAG_LIMIT.toMinutes()
                    + " min the transaction logs are not reaching the backup)");
        }
        snapshotAge().filter(age -> age.compareTo(SNAPSHOT_AGE_LIMIT) > 0).ifPresent(age -> problems.add(resource
                + "'s newest automated snapshot is " + age(age) + " old (one is taken every day)"));
        return problems;
    }

    /** "3d 4h", "2h 5m", "42s": the largest two units. */
    public static String age(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m " + seconds % 60 + "s";
        }
        return seconds + "s";
    }
}

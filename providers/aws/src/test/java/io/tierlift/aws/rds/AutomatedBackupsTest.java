package io.tierlift.aws.rds;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AutomatedBackupsTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static AutomatedBackups backups(int retention, Optional<Instant> latest, Optional<Instant> snapshot) {
        return new AutomatedBackups("RDS instance notes-db", retention, Optional.of(NOW.minus(Duration.ofDays(7))), latest,
                snapshot, NOW);
    }

    @Test
    void backupsRestorableToFiveMinutesAgoWithADailySnapshotAreHealthy() {
        AutomatedBackups b = backups(7, Optional.of(NOW.minus(Duration.ofMinutes(5))), Optional.of(NOW.minus(Duration.ofHours(20))));

        assertThat(b.problems()).isEmpty();
        assertThat(b.restorableLag()).contains(Duration.ofMinutes(5));
        assertThat(b.snapshotAge()).contains(Duration.ofHours(20));
    }

    @Test
    void aRetentionOfZeroMeansBackupsAreOffAndNothingElseIsJudged() {
        AutomatedBackups b = backups(0, Optional.empty(), Optional.empty());

        assertThat(b.enabled()).isFalse();
        assertThat(b.problems()).containsExactly("RDS instance notes-db has automated backups off (retention 0 days): it cannot "
                + "be restored to a point in time; turn them on again with a retention of 1 to 35 days (backup_retention_days)");
    }

    @Test
    void aLatestRestorableTimeOverFifteenMinutesOldIsAProblemAndFifteenIsNot() {
        assertThat(backups(7, Optional.of(NOW.minus(Duration.ofMinutes(15))), Optional.empty()).problems()).isEmpty();

        assertThat(backups(7, Optional.of(NOW.minus(Duration.ofMinutes(15)).minusSeconds(1)), Optional.empty()).problems())
                .containsExactly("RDS instance notes-db can be restored only up to 2026-12-07T11:44:59Z, 15m 1s ago (AWS keeps it "
                        + "within about 5 minutes; over 15 min the transaction logs are not reaching the backup)");
    }

    @Test
    void noLatestRestorableTimeWithBackupsOnIsAProblem() {
        assertThat(backups(7, Optional.empty(), Optional.empty()).problems())
                .containsExactly("RDS instance notes-db reports no latest restorable time: no point-in-time restore is possible yet");
    }

    @Test
    void aNewestAutomatedSnapshotOlderThanTwoDaysIsAProblemOneSkippedDayIsNot() {
        Optional<Instant> latest = Optional.of(NOW.minus(Duration.ofMinutes(3)));
        assertThat(backups(7, latest, Optional.of(NOW.minus(Duration.ofHours(47)))).problems()).isEmpty();

        assertThat(backups(7, latest, Optional.of(NOW.minus(Duration.ofHours(50)))).problems())
                .containsExactly("RDS instance notes-db's newest automated snapshot is 2d 2h old (one is taken every day)");
    }

    @Test
    void agesShowTheirLargestTwoUnits() {
        assertThat(AutomatedBackups.age(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(AutomatedBackups.age(Duration.ofSeconds(125))).isEqualTo("2m 5s");
        assertThat(AutomatedBackups.age(Duration.ofMinutes(125))).isEqualTo("2h 5m");
        assertThat(AutomatedBackups.age(Duration.ofHours(76))).isEqualTo("3d 4h");
    }
}

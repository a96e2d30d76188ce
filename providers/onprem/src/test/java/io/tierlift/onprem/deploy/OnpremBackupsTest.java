package io.tierlift.onprem.deploy;

import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.BackupType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnpremBackupsTest {
    private final OnpremBackups backups = new OnpremBackups(null);

    @Test
    void pgBackRestsInfoBecomesBackupsOldestFirstWithTheirWalRangeAndFailedOnesLeftOut() throws IOException {
        List<BackupEntry> entries = backups.parse(Files.readString(Path.of("src/test/resources/pgbackrest/info.json")));
        assertThat(entries).containsExactly(
                new BackupEntry("20261207-170800F", BackupType.FULL, Instant.ofEpochSecond(1796663280L),
                        Instant.ofEpochSecond(1796663286L), 31457280L, 4033425L,
                        Optional.of("000000010000000000000004"), Optional.of("000000010000000000000004")),
                new BackupEntry("20261207-170800F_20261207-170900D", BackupType.DIFF, Instant.ofEpochSecond(1796663340L),
                        Instant.ofEpochSecond(1796663343L), 31457280L, 23810L,
                        Optional.of("000000010000000000000006"), Optional.of("000000010000000000000006")));
    }

    @Test
    void aStanzaWithoutBackupsHasNone() {
        assertThat(backups.parse("[{\"name\":\"notes\",\"backup\":[],\"status\":{\"code\":2,\"message\":\"no valid backups\"}}]"))
                .isEmpty();
    }

    @Test
    void theAllowedAgeIsTheShortestGapOfTheSchedulesAsSystemdComputesItPlusAnHour() throws Exception {
        Process process = new ProcessBuilder("systemd-analyze", "calendar", "--iterations=2",
                "Sun *-*-* 01:00:00", "*-*-* 00/6:00:00").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("systemd-analyze (Debian package systemd) must be installed: %s", out).isZero();
        assertThat(OnpremBackups.shortestGap(out)).isEqualTo(Duration.ofHours(6));
        assertThat(OnpremBackups.allowedAge(Duration.ofHours(6))).isEqualTo(Duration.ofHours(7));
    }

    @Test
    void aBackupOlderThanTheAllowedAgeOrNoBackupAtAllIsOverdue() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        BackupEntry backup = new BackupEntry("x", BackupType.FULL, now.minusSeconds(8 * 3600), now.minusSeconds(8 * 3600 - 60),
                1, 1, Optional.empty(), Optional.empty());
        assertThat(new OnpremBackups.Health(Optional.of(backup), Duration.ofHours(7), true, "").overdue(now)).isTrue();
        assertThat(new OnpremBackups.Health(Optional.of(backup), Duration.ofHours(9), true, "").overdue(now)).isFalse();
        assertThat(new OnpremBackups.Health(Optional.empty(), Duration.ofHours(9), true, "").overdue(now)).isTrue();
    }

    @Test
    void outputWithoutElapseTimesIsAnError() {
        assertThatThrownBy(() -> OnpremBackups.shortestGap("Failed to parse calendar specification")).isInstanceOf(IllegalStateException.class);
    }
}

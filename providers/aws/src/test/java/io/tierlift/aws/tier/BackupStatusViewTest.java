package io.tierlift.aws.tier;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.aws.iaas.IaasStatus;
import io.tierlift.aws.rds.AutomatedBackups;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** aws-iaas status with the RDS instance's automated backups, as text rows and as JSON. */
class BackupStatusViewTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00.250Z");

    private static IaasStatus status(AutomatedBackups backups) {
        IaasStatus.RdsHealth db = new IaasStatus.RdsHealth("notes-db", "available", true, "postgres", "15.8", true, true,
                List.of(), backups);
        return new IaasStatus(List.of(new IaasStatus.StackState("data", "notes-data", "eu-west-1", Optional.of("CREATE_COMPLETE"),
                Map.of())), Optional.empty(), Optional.of(db), List.of());
    }

    private static AutomatedBackups fresh() {
        return new AutomatedBackups("RDS instance notes-db", 7, Optional.of(Instant.parse("2026-11-30T12:00:00Z")),
                Optional.of(NOW.minus(Duration.ofMinutes(4))), Optional.of(NOW.minus(Duration.ofHours(9))), NOW);
    }

    @Test
    void textRowsShowRetentionLastSnapshotAndTheRestorableWindowWithAges() {
        assertThat(IaasStatusView.rows(status(fresh()))).containsSubsequence(
                "AUTOMATED BACKUPS of RDS instance notes-db",
                "    retention            7 days",
                "    last snapshot        2026-12-07T03:00:00Z (9h 0m ago)",
                "    earliest restorable  2026-11-30T12:00:00Z",
                "    latest restorable    2026-12-07T11:56:00Z (4m 0s ago)")
                .noneMatch(r -> r.startsWith("UNHEALTHY"));
    }

    @Test
    void backupsThatAreOffShowAsOffAndMakeTheStatusUnhealthy() {
        AutomatedBackups off = new AutomatedBackups("RDS instance notes-db", 0, Optional.empty(), Optional.empty(), Optional.empty(), NOW);

        List<String> rows = IaasStatusView.rows(status(off));

        assertThat(rows).contains("    retention            0 days (off)", "    last snapshot        none",
                "    earliest restorable  unknown", "    latest restorable    none");
        assertThat(rows).anyMatch(r -> r.startsWith("UNHEALTHY: RDS instance notes-db has automated backups off"));
        assertThat(status(off).healthy()).isFalse();
    }

    @Test
    void jsonCarriesTheBackupsUnderTheDatabase() {
        JsonNode backups = IaasStatusView.json(status(fresh())).at("/database/backups");

        assertThat(backups.path("resource").asText()).isEqualTo("RDS instance notes-db");
        assertThat(backups.path("enabled").asBoolean()).isTrue();
        assertThat(backups.path("retentionDays").asInt()).isEqualTo(7);
        assertThat(backups.path("lastSnapshot").asText()).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(backups.path("lastSnapshotAgeSeconds").asLong()).isEqualTo(9 * 3600);
        assertThat(backups.path("earliestRestorable").asText()).isEqualTo("2026-11-30T12:00:00Z");
        assertThat(backups.path("latestRestorable").asText()).isEqualTo("2026-12-07T11:56:00Z");
        assertThat(backups.path("latestRestorableLagSeconds").asLong()).isEqualTo(240);
        assertThat(backups.path("checkedAt").asText()).isEqualTo("2026-12-07T12:00:00Z");
    }

    @Test
    void jsonGivesNullForTimesAwsDidNotReport() {
        AutomatedBackups off = new AutomatedBackups("RDS instance notes-db", 0, Optional.empty(), Optional.empty(), Optional.empty(), NOW);

        JsonNode root = IaasStatusView.json(status(off));

        assertThat(root.at("/database/backups/enabled").asBoolean()).isFalse();
        assertThat(root.at("/database/backups/latestRestorable").isNull()).isTrue();
        assertThat(root.at("/database/backups/lastSnapshotAgeSeconds").isNull()).isTrue();
        assertThat(root.path("healthy").asBoolean()).isFalse();
        assertThat(root.path("problems").get(0).asText()).startsWith("RDS instance notes-db has automated backups off");
    }
}

package io.tierlift.aws.serverless;

import io.tierlift.aws.rds.AutomatedBackups;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ServerlessStatusTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static ServerlessStatus withBackups(Optional<AutomatedBackups> backups, List<String> missing) {
        return new ServerlessStatus(List.of(), Optional.empty(), Optional.empty(), backups, missing);
    }

    private static AutomatedBackups restorableUpTo(Duration ago) {
        return new AutomatedBackups("Aurora cluster notes", 7, Optional.of(NOW.minus(Duration.ofDays(7))),
                Optional.of(NOW.minus(ago)), Optional.of(NOW.minus(Duration.ofHours(3))), NOW);
    }

    @Test
    void aClusterRestorableUpToAFewMinutesAgoIsHealthy() {
        assertThat(withBackups(Optional.of(restorableUpTo(Duration.ofMinutes(4))), List.of()).healthy()).isTrue();
    }

    @Test
    void aClusterWhoseRestorableTimeFellBehindMakesTheTierUnhealthy() {
        ServerlessStatus status = withBackups(Optional.of(restorableUpTo(Duration.ofMinutes(30))), List.of());

        assertThat(status.healthy()).isFalse();
        assertThat(status.problems()).singleElement().asString().startsWith("Aurora cluster notes can be restored only up to");
    }

    @Test
    void aDataStackWithoutItsClusterMakesTheTierUnhealthy() {
        ServerlessStatus status = withBackups(Optional.empty(), List.of("stack notes-data has no Aurora cluster"));

        assertThat(status.healthy()).isFalse();
        assertThat(status.problems()).containsExactly("stack notes-data has no Aurora cluster");
    }
}

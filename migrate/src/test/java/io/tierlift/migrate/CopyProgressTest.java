package io.tierlift.migrate;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CopyProgressTest {
    @Test
    void overallLineShowsShareAndTimeLeftAtTheRateSoFar() {
        String line = LogicalCopy.overall(25L * 1024 * 1024, 100L * 1024 * 1024, Duration.ofSeconds(10));
        assertThat(line).contains("(25%)").contains("about 30 s left");
    }

    @Test
    void noEtaBeforeThereIsARateOrAfterTheEnd() {
        assertThat(LogicalCopy.overall(0, 1000, Duration.ofSeconds(5))).doesNotContain("left");
        assertThat(LogicalCopy.overall(1000, 1000, Duration.ofSeconds(5))).contains("(100%)").doesNotContain("left");
        assertThat(LogicalCopy.overall(10, 0, Duration.ofSeconds(5))).endsWith("copied");
    }
}

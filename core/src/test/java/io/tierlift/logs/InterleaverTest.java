package io.tierlift.logs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InterleaverTest {
    private static final long HOLD = 300;

    private static LogLine line(String host, int second, String text) {
        return new LogLine(Instant.parse("2026-12-07T22:40:00Z").plusSeconds(second), host, "gunicorn-access", LogRole.APP, text);
    }

    @Test
    void linesOfSeveralHostsComeOutInTheOrderTheyWereWrittenOnceHeldLongEnough() {
        Interleaver interleaver = new Interleaver(HOLD);
        interleaver.add(line("app2", 3, "c"), 0);
        interleaver.add(line("app1", 1, "a"), 10);
        interleaver.add(line("app2", 2, "b"), 20);
        assertThat(interleaver.ready(100)).as("nothing has waited its time").isEmpty();
        assertThat(interleaver.ready(310)).extracting(LogLine::line).as("c is due, and a and b were written before it")
                .containsExactly("a", "b", "c");
        assertThat(interleaver.rest()).isEmpty();
    }

    @Test
    void aLineNotYetDueStaysWhenItWasWrittenAfterTheDueOnes() {
        Interleaver interleaver = new Interleaver(HOLD);
        interleaver.add(line("app1", 1, "a"), 0);
        interleaver.add(line("app2", 5, "late"), 200);
        assertThat(interleaver.ready(300)).extracting(LogLine::line).containsExactly("a");
        assertThat(interleaver.ready(400)).isEmpty();
        assertThat(interleaver.ready(500)).extracting(LogLine::line).containsExactly("late");
    }

    @Test
    void theRestComesOutByTimeAndLinesOfTheSameTimeKeepTheirOrder() {
        Interleaver interleaver = new Interleaver(HOLD);
        interleaver.add(line("app1", 2, "second"), 0);
        interleaver.add(line("app1", 1, "first"), 0);
        interleaver.add(line("app1", 1, "first, next line"), 0);
        assertThat(interleaver.rest()).extracting(LogLine::line).containsExactly("first", "first, next line", "second");
    }

    @Test
    void sortedMergesByTimeKeepingTheOrderOfEqualTimes() {
        List<LogLine> merged = Interleaver.sorted(List.of(line("db1", 4, "d"), line("app1", 2, "x"), line("app2", 2, "y"), line("edge1", 1, "e")));
        assertThat(merged).extracting(LogLine::line).containsExactly("e", "x", "y", "d");
    }
}

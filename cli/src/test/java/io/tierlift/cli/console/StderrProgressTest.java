package io.tierlift.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StderrProgressTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final Clock clock = Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);

    private StderrProgress progress(boolean quiet, boolean events) {
        Console console = new Console(new PrintWriter(out), new PrintWriter(err), false, quiet);
        console.setJsonEvents(events);
        return new StderrProgress(console, clock, nanos::get);
    }

    @Test
    void humanLinesOnlyByDefault() {
        StderrProgress progress = progress(false, false);
        nanos.addAndGet(1_230_000_000L);
        progress.step("app1", "gunicorn restarted");
        assertThat(err.toString()).isEqualTo("[   1.2s] app1       | gunicorn restarted" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void jsonEventsAlongsideHumanLines() throws Exception {
        StderrProgress progress = progress(false, true);
        nanos.addAndGet(1_234_000_000L);
        progress.step("app1", "gunicorn \"restarted\"");
        progress.warn("db2", "standby lags 3s");

        String[] lines = err.toString().split("\\R");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).startsWith("[   1.2s] app1");
        JsonNode event = new ObjectMapper().readTree(lines[1]);
        assertThat(event.get("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(event.get("elapsed_s").asDouble()).isEqualTo(1.23);
        assertThat(event.get("scope").asText()).isEqualTo("app1");
        assertThat(event.get("message").asText()).isEqualTo("gunicorn \"restarted\"");
        assertThat(event.get("level").asText()).isEqualTo("info");
        JsonNode warning = new ObjectMapper().readTree(lines[3]);
        assertThat(warning.get("level").asText()).isEqualTo("warning");
        assertThat(warning.get("message").asText()).isEqualTo("standby lags 3s");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void quietKeepsOnlyTheEventsAndNoControlCharacters() throws Exception {
        StderrProgress progress = progress(true, true);
        progress.step("edge1", "nginx reloaded");
        String text = err.toString();
        assertThat(text.split("\\R")).hasSize(1);
        assertThat(new ObjectMapper().readTree(text).get("scope").asText()).isEqualTo("edge1");
        assertThat(text).doesNotContain("\r").doesNotContain("\u001b");
    }

    @Test
    void quietWithoutEventsIsSilent() {
        progress(true, false).step("edge1", "nginx reloaded");
        assertThat(err.toString()).isEmpty();
    }
}

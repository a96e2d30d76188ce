package io.tierlift.cli.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.provider.Progress;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * Progress lines on stderr: {@code [  12.3s] edge1    | nginx reloaded}. Silent with --quiet.
 * Lines are whole lines only (no carriage-return spinners), so logs of CI runs read the same as
 * a terminal.
 *
 * <p>With {@code --output-events json} every step is ALSO written to stderr as one JSON object
 * per line: {@code {"time":"2024-05-01T10:00:00Z","elapsed_s":1.23,"scope":"app1","message":"...","level":"info"}}.
 * Event lines are written even with {@code --quiet}, so {@code --quiet --output-events json}
 * leaves stderr to events and errors only — the combination meant for tools reading stderr.
 */
public final class StderrProgress implements Progress {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Console console;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final long start;

    public StderrProgress(Console console) {
        this(console, Clock.systemUTC(), System::nanoTime);
    }

    /** With a clock and a nanosecond counter tests can set. */
    public StderrProgress(Console console, Clock clock, LongSupplier nanoTime) {
        this.console = console;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    @Override
    public synchronized void step(String scope, String message) {
        emit(scope, message, "info");
    }

    @Override
    public synchronized void warn(String scope, String message) {
        emit(scope, "warning: " + message, "warning");
    }

    private void emit(String scope, String message, String level) {
        double seconds = (nanoTime.getAsLong() - start) / 1e9;
        console.info(String.format(java.util.Locale.ROOT, "[%6.1fs] %-10s | %s", seconds, scope, message));
        if (console.jsonEvents()) {
            ObjectNode event = JSON.createObjectNode();
            event.put("time", clock.instant().toString());
            event.put("elapsed_s", Math.round(seconds * 100) / 100.0);
            event.put("scope", scope);
            event.put("message", "warning".equals(level) ? message.substring("warning: ".length()) : message);
            event.put("level", level);
            console.event(event.toString());
        }
    }
}

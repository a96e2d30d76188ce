package io.tierlift.render.onprem.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Runs programs for the real-nginx tests and collects their output (stdout and stderr together). */
final class Processes {
    record Result(int exitCode, String output) {
    }

    Result run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Read while waiting so a chatty program cannot block on a full pipe.
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = ("(output unreadable: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
                }
            });
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                reader.join(2000);
                fail("%s did not finish within %s", String.join(" ", command), timeout);
            }
            reader.join(5000);
            return new Result(process.exitValue(), new String(out[0] == null ? new byte[0] : out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed. */
    String check(List<String> command, Duration timeout) {
        Result result = run(command, timeout);
        if (result.exitCode() != 0) {
            fail("%s exited with %d:%n%s", String.join(" ", command), result.exitCode(), result.output());
        }
        return result.output();
    }
}

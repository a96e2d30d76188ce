package io.tierlift.onprem.release;

import io.tierlift.release.CommandRunner;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.release.ReleaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessCommandRunnerTest {
    @Test
    void streamsMergedOutputAndKeepsTheTail(@TempDir Path dir) {
        List<String> lines = new ArrayList<>();
        CommandRunner.CommandResult result = new ProcessCommandRunner(Duration.ofSeconds(30), 2).run(
                List.of("sh", "-c", "pwd; echo \"$GREETING\"; echo err >&2; exit 4"), dir, Map.of("GREETING", "hello"), lines::add);
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(lines).containsExactly(dir.toString(), "hello", "err");
        assertThat(result.lastLines()).containsExactly("hello", "err");
    }

    @Test
    void aProgramThatHangsIsStoppedWithItsChildren(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long start = System.nanoTime();
        assertThatThrownBy(() -> new ProcessCommandRunner(Duration.ofMillis(500), 5).run(
                List.of("sh", "-c", "sleep 60 & echo $! > child.pid; wait"), dir, Map.of(), line -> { }))
                .isInstanceOf(ReleaseException.class).hasMessageContaining("did not finish");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(Files.readString(pidFile).strip());
        // The kill is asynchronous, and the orphaned child is reaped by whoever adopts it: a zombie counts as ended.
        for (int i = 0; i < 100 && running(child); i++) {
            Thread.sleep(20);
        }
        assertThat(running(child)).as("child sleep ended").isFalse();
    }

    private static boolean running(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text = Files.readString(stat);
        return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void aMissingProgramIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> new ProcessCommandRunner().run(List.of("tierlift-no-such-program"), dir, Map.of(), line -> { }))
                .isInstanceOf(ReleaseException.class).hasMessageStartingWith("cannot run 'tierlift-no-such-program'");
    }
}

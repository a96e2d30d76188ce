package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;


import io.tierlift.release.ProcessCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brings a five-host sandbox (the size of the demo: WAF/proxy, two app hosts, primary, standby) up and down and
 * prints how long each took. The durations are printed, not asserted: on a loaded machine they vary several
 * times over, so speed is measured side by side in bench/, never as a pass/fail bound here.
 */
@Tag("sandbox")
class SandboxTimingTest {

    @TempDir
    Path stateDir;

    @Test
    void fiveHostsComeUpAndGoDown() {
        ProcessCommandRunner machine = new ProcessCommandRunner();
        assertThat(machine.run(List.of("id", "-u"), Duration.ofSeconds(10)).stdout().strip()).as("the sandbox needs root (network namespaces, veths, a bridge); CI runs as root").isEqualTo("0");
        SandboxSpec spec = TestSpecs.spec("brp", 233, "web1", "app1", "app2", "db1", "db2");
        Sandbox sandbox = new Sandbox(stateDir, machine);

        long upMillis;
        long downMillis;
        try {
            long t0 = System.nanoTime();
            sandbox.up(spec, ProgressListener.silent());
            upMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(sandbox.status().allUp()).isTrue();
        } finally {
            long t1 = System.nanoTime();
            sandbox.down(ProgressListener.silent());
            downMillis = (System.nanoTime() - t1) / 1_000_000;
        }
        System.out.printf("sandbox timing, 5 hosts: up %d ms, down %d ms%n", upMillis, downMillis);
        assertThat(sandbox.status().anyRunning()).as("no host process is left after down").isFalse();
    }
}

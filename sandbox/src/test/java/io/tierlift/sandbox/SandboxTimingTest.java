package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tierlift.release.ProcessCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures bring-up and tear-down of a five-host sandbox (the size of the demo: WAF/proxy, two app hosts, primary,
 * standby) and prints the durations, so a slowdown that would make every end-to-end test slower is noticed.
 */
@Tag("sandbox")
class SandboxTimingTest {

    @TempDir
    Path stateDir;

    @Test
    void fiveHostsComeUpAndGoDownQuickly() {
        ProcessCommandRunner machine = new ProcessCommandRunner();
        assumeTrue(machine.run(List.of("id", "-u"), Duration.ofSeconds(10)).stdout().strip().equals("0"), "needs root");
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

        // Generous bounds: a loaded CI machine must not fail here, but a hang or a per-host regression should.
        assertThat(upMillis).isLessThan(30_000);
        assertThat(downMillis).isLessThan(15_000);
    }
}

package io.tierlift.render.aws.iaas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Runs a rendered CloudFront Function under Node.js, the way the function tests check its behaviour; a missing node fails the test. */
final class NodeRun {
    private NodeRun() {
    }

    /** What {@code node script args...} printed (output captured in {@code dir}); fails unless it exits 0 within a minute. */
    static String output(Path dir, Path script, List<String> args) throws IOException, InterruptedException {
        Path out = dir.resolve("node.out");
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            return fail("node is needed for this test and was not found (" + e.getMessage() + "); on Debian: apt-get install nodejs");
        }
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return fail("node did not finish within a minute");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("node failed: %s", output).isZero();
        return output;
    }
}

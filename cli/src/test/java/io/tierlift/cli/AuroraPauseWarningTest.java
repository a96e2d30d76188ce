package io.tierlift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * min_acu 0 is laid out so the writer can pause (no RDS Proxy, logical replication off): plan has
 * nothing to warn about until a migration turns logical replication on (AwsServerlessMotoTest).
 */
class AuroraPauseWarningTest {
    private static final Path EXAMPLE = Path.of("../examples/notes/app.yaml");

    @Test
    void aDatabaseLaidOutToPauseGetsNoWarning() throws IOException {
        assertThat(Files.readString(EXAMPLE)).contains("min_acu: 0");

        CliRun run = CliRun.of("plan", "aws-serverless", "-f", EXAMPLE.toString(), "--offline");

        assertThat(run.exitCode()).as(run.err()).isIn(0, 2);
        assertThat(run.err()).doesNotContain("will not pause");
        assertThat(run.out()).doesNotContain("AWS::RDS::DBProxy");
    }

    @Test
    void aDatabaseThatDoesNotAskToPauseHearsNothing(@TempDir Path dir) throws IOException {
        copy(EXAMPLE.getParent().resolve("backend"), dir.resolve("backend"));
        copy(EXAMPLE.getParent().resolve("frontend/dist"), dir.resolve("frontend/dist"));
        Path descriptor = dir.resolve("app.yaml");
        Files.writeString(descriptor, Files.readString(EXAMPLE).replace("min_acu: 0,", "min_acu: 0.5,"));

        CliRun run = CliRun.of("plan", "aws-serverless", "-f", descriptor.toString(), "--offline");

        assertThat(run.exitCode()).as(run.err()).isIn(0, 2);
        assertThat(run.err()).doesNotContain("will not pause");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}

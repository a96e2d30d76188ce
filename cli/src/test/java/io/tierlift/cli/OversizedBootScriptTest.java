package io.tierlift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an app asks of a tier that the tier cannot take is the operator's to fix, not an internal
 * error: a boot script over EC2's 16 KB of user data, a variable Lambda reserves for itself.
 */
class OversizedBootScriptTest {
    @TempDir
    Path dir;

    @Test
    void renderRefusesABootScriptOverEc2sUserDataLimitWithExitOneAndWhatToMove() throws IOException {
        // Random values barely compress: 90 variables of 400 hex digits stay over 16 KB packed.
        Random random = new Random(11);
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < 90; i++) {
            StringBuilder value = new StringBuilder();
            for (int c = 0; c < 400; c++) {
                value.append(Character.forDigit(random.nextInt(16), 16));
            }
            env.append("    NOTES_KEY_").append(i).append(": \"").append(value).append("\"\n");
        }
        Path descriptor = dir.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  env:
                """ + env + """
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-iaas:
                    region: eu-west-1
                    allow_http: true
                """);
        Path out = dir.resolve("out");

        CliRun run = CliRun.of(Map.of("HOME", dir.toString(), "NO_COLOR", "1"),
                "render", "aws-iaas", "-f", descriptor.toString(), "-o", out.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).doesNotContain("internal error")
                .containsPattern("boot script comes to about \\d{5} bytes of user data")
                .contains("EC2 accepts at most 16384").contains("backend.env").contains("secret references");
        assertThat(out).doesNotExist();
    }

    @Test
    void renderRefusesAVariableLambdaReservesWithExitOneAndNoInternalError() throws IOException {
        Path descriptor = dir.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  env: { AWS_FOO: "x" }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                """);
        Path out = dir.resolve("out");

        CliRun run = CliRun.of(Map.of("HOME", dir.toString(), "NO_COLOR", "1"),
                "render", "aws-serverless", "-f", descriptor.toString(), "-o", out.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).doesNotContain("internal error")
                .contains("backend.env.AWS_FOO: Lambda reserves variables starting with AWS_");
        assertThat(out).doesNotExist();
    }
}

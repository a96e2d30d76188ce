package io.tierlift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MigrateOptionsTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownTrafficModeIsABadCommandLine() {
        CliRun run = CliRun.of("migrate", "--from", "onprem", "--to", "aws-iaas", "-f", "../examples/notes/app.yaml",
                "--traffic", "dns", "--yes");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--traffic must be auto or manual, not 'dns'");
    }

    /**
     * With both databases named, traffic manual and no provisioning, no tier is opened: the
     * descriptor need not describe the on-prem tier at all, and the run fails only where the
     * databases are (nothing listens on port 1), with nothing deployed and no tier contacted.
     */
    @Test
    void databasesTheOperatorNamesNeedNoTierFromTheDescriptor() throws Exception {
        Path descriptor = dir.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: bench
                backend: { path: ., wsgi: "app:app" }
                database: { name: bench, user: postgres, password: "${env:PW}" }
                targets:
                  aws-iaas: { region: eu-west-1, allow_http: true }
                """);
        Files.writeString(dir.resolve("app.py"), "app = None\n");
        CliRun run = CliRun.of(Map.of("PW", "not-a-real-secret", "HOME", dir.toString()), "migrate", "--from", "onprem",
                "--to", "aws-iaas", "-f", descriptor.toString(), "--yes", "--traffic", "manual", "--no-provision",
                "--source-db", "postgresql://postgres@127.0.0.1:1/bench?password_ref=${env:PW}",
                "--target-db", "postgresql://postgres@127.0.0.1:1/bench?password_ref=${env:PW}");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("127.0.0.1:1").doesNotContain("targets.onprem").doesNotContain("not-a-real-secret");
        assertThat(run.out()).contains("source database  postgresql://postgres@127.0.0.1:1/bench");
    }
}

package io.tierlift.render.onprem.backup;

import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered pgbackrest.conf files as the real pgBackRest (Debian package pgbackrest) reads them:
 * every option is one it knows, for the commands each host runs. Loads the config only; nothing
 * connects anywhere.
 */
class PgBackRestConfigRealTest {
    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private Run pgbackrest(Path config, String stanza, String... command) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("pgbackrest", "--config=" + config, "--log-path=" + dir,
                "--log-level-file=off"));
        // The server serves every stanza; the other commands work on one.
        if (!List.of(command).contains("server")) {
            argv.add("--stanza=" + stanza);
        }
        argv.addAll(List.of(command));
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("pgbackrest is not installed (Debian package pgbackrest; bin/setup-machine installs it)", e);
        }
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out);
    }

    @Test
    void everyRenderedConfigHoldsOnlyOptionsPgBackRestKnows() throws Exception {
        for (String fixture : List.of("hostcfg-backup.yaml", "backup-no-standby.yaml")) {
            var descriptor = TestDescriptors.load(fixture);
            List<RenderedFile> files = HostcfgCases.render(new BackupRenderer(new FreemarkerEngine()), descriptor, SecretView.masked());
            List<RenderedFile> configs = files.stream().filter(f -> f.location().endsWith("/etc/pgbackrest/pgbackrest.conf")).toList();
            assertThat(configs).hasSizeGreaterThanOrEqualTo(2);
            for (RenderedFile file : configs) {
                Path config = dir.resolve(file.location().replace('/', '_'));
                Files.write(config, file.content());
                for (String command : List.of("backup", "archive-push", "server")) {
                    Run run = pgbackrest(config, descriptor.app(), "help", command);
                    assertThat(run.exit()).as("%s: %s", file.location(), run.output()).isZero();
                    assertThat(run.output()).as("%s for %s", file.location(), command).doesNotContain("invalid option")
                            .doesNotContain("WARN").doesNotContain("ERROR");
                }
            }
        }
    }

    @Test
    void theCheckNoticesAnOptionPgBackRestDoesNotKnow() throws Exception {
        Path config = dir.resolve("bad.conf");
        Files.writeString(config, "[global]\nrepo1-cipher-typ=aes-256-cbc\n");
        assertThat(pgbackrest(config, "notes", "help", "backup").output()).contains("invalid option 'repo1-cipher-typ'");
    }
}

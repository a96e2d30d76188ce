package io.tierlift.render.onprem.backup;

import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.render.onprem.firewall.Programs;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** systemd-analyze verify reads the backup services and timers as systemd would, each timer with its service beside it. */
@Tag("real")
class BackupUnitsVerifyRealTest {
    private static final String SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
    private final Programs programs = new Programs();

    @TempDir
    Path temp;

    @Test
    void systemdAcceptsTheBackupServicesAndTimersWithoutAWord() throws IOException {
        programs.require(SYSTEMD_ANALYZE, "systemd");
        programs.require("/usr/bin/pgbackrest", "pgbackrest");
        List<RenderedFile> units = HostcfgCases.render(new BackupRenderer(new FreemarkerEngine()),
                HostcfgCases.descriptor("hostcfg-backup.yaml"), SecretView.masked()).stream()
                .filter(f -> f.location().endsWith(".service") || f.location().endsWith(".timer")).toList();
        assertThat(units).hasSize(4);
        List<String> paths = new ArrayList<>(List.of(SYSTEMD_ANALYZE, "verify"));
        for (RenderedFile unit : units) {
            Path file = temp.resolve(Path.of(unit.location()).getFileName().toString());
            Files.write(file, unit.content());
            paths.add(file.toString());
        }
        Programs.Result result = programs.run(paths);
        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(result.stderr().lines().filter(l -> l.contains("tierlift-backup"))).as(result.describe()).isEmpty();
    }
}

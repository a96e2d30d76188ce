package io.tierlift.render.onprem.backup;

import io.tierlift.render.GoldenFiles;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupRendererGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"hostcfg-backup.yaml", "backup-no-standby.yaml", "hostcfg-backup-s3.yaml"})
    void matchesGolden(String fixture) {
        var files = HostcfgCases.render(new BackupRenderer(new FreemarkerEngine()), HostcfgCases.descriptor(fixture),
                SecretView.masked());
        GoldenFiles.assertMatches("backup-" + HostcfgCases.caseName(fixture), files);
    }
}

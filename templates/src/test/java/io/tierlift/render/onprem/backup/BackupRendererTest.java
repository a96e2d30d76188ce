package io.tierlift.render.onprem.backup;

import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.engine.UnsafeValueException;
import io.tierlift.render.onprem.firewall.CanarySecrets;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupRendererTest {
    private static final String KEY = "canary-backup-key-5f1e0c";
    private final BackupRenderer renderer = new BackupRenderer(new FreemarkerEngine());

    private List<RenderedFile> render(String fixture, String key) {
        CanarySecrets secrets = new CanarySecrets(Map.of("NOTES_BACKUP_KEY", key,
                "NOTES_DB_PASSWORD", "x", "NOTES_REPLICATION_PASSWORD", "y"));
        return HostcfgCases.render(renderer, TestDescriptors.load(fixture), secrets.view());
    }

    @Test
    void theKeyIsOnlyInTheRepositoryHostsConfigWhichIsSensitiveAndReadableByPostgresAlone() {
        List<RenderedFile> files = render("hostcfg-backup.yaml", KEY);
        assertThat(files).filteredOn(f -> f.contentAsText().contains(KEY))
                .extracting(RenderedFile::location).containsExactly("bak1/etc/pgbackrest/pgbackrest.conf");
        RenderedFile repository = files.stream().filter(f -> f.location().equals("bak1/etc/pgbackrest/pgbackrest.conf"))
                .findFirst().orElseThrow();
        assertThat(repository.sensitive()).isTrue();
        assertThat(repository.mode()).isEqualTo(0640);
        assertThat(repository.owner()).isEqualTo("postgres");
        assertThat(repository.contentAsText()).contains("repo1-cipher-pass=" + KEY + "\n");
    }

    @Test
    void aKeyThatWouldAddALineOrLoseItsBlanksIsRefusedNotWritten() {
        assertThatThrownBy(() -> render("hostcfg-backup.yaml", "abc\nrepo1-cipher-type=none"))
                .isInstanceOf(UnsafeValueException.class).hasMessageNotContaining("repo1-cipher-type=none");
        assertThatThrownBy(() -> render("hostcfg-backup.yaml", " padded "))
                .isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void withoutTheSectionNothingIsRendered() {
        assertThat(HostcfgCases.render(renderer, TestDescriptors.load("seed.yaml"),
                io.tierlift.secret.SecretView.masked())).isEmpty();
    }

    @Test
    void theBackupHostsCrontabRunsTheSameSchedulesAsItsTimersAndNamesOnesCronCannotExpress() {
        RenderedFile crontab = render("hostcfg-backup.yaml", KEY).stream()
                .filter(f -> f.location().equals("bak1" + BackupLayout.CRONTAB)).findFirst().orElseThrow();
        assertThat(crontab.contentAsText())
                .contains("\n30 2 * * 6 cd / && /usr/bin/pgbackrest --stanza=notes --type=full --log-level-console=off backup\n")
                .contains("\n# differential backup: *-*-* 00/6:00:00 has no cron form; only systemd runs it\n")
                .doesNotContain("--type=diff");

        BackupCrontab table = BackupRenderer.crontab("notes", List.of(
                new BackupTimer("f", "full", "full backup", "notes", "*-*-01 03:00:00", "/usr/bin/pgbackrest", "postgres"),
                new BackupTimer("d", "diff", "differential backup", "notes", "daily", "/usr/bin/pgbackrest", "postgres")));
        assertThat(table.scheduled()).extracting(BackupCrontab.Line::type).containsExactly("diff");
        assertThat(table.unscheduled()).extracting(BackupCrontab.Unscheduled::onCalendar).containsExactly("*-*-01 03:00:00");
    }
}

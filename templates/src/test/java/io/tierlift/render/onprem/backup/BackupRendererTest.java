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

    private static final String S3_KEY = "AKIACANARY7c1d";
    private static final String S3_SECRET = "canary-s3-secret-9b2e44";
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBcanary\n-----END CERTIFICATE-----";

    private List<RenderedFile> renderBucket() {
        CanarySecrets secrets = new CanarySecrets(Map.of("NOTES_BACKUP_KEY", KEY, "NOTES_DB_PASSWORD", "x",
                "NOTES_REPLICATION_PASSWORD", "y", "NOTES_S3_KEY", S3_KEY, "NOTES_S3_SECRET_KEY", S3_SECRET, "NOTES_S3_CA", CA));
        return HostcfgCases.render(renderer, TestDescriptors.load("hostcfg-backup-s3.yaml"), secrets.view());
    }

    @Test
    void withABucketEachDatabaseHostWritesToItWithTheKeysOnlyInItsConfigReadableByPostgresAlone() {
        List<RenderedFile> files = renderBucket();
        for (String secret : List.of(KEY, S3_KEY, S3_SECRET)) {
            assertThat(files).as(secret).filteredOn(f -> f.contentAsText().contains(secret)).extracting(RenderedFile::location)
                    .containsExactlyInAnyOrder("db1/etc/pgbackrest/pgbackrest.conf", "db2/etc/pgbackrest/pgbackrest.conf");
        }
        RenderedFile config = files.stream().filter(f -> f.location().equals("db1/etc/pgbackrest/pgbackrest.conf")).findFirst().orElseThrow();
        assertThat(config.sensitive()).isTrue();
        assertThat(config.mode()).isEqualTo(0640);
        assertThat(config.owner()).isEqualTo("postgres");
        assertThat(config.contentAsText()).contains("repo1-type=s3\n", "repo1-s3-endpoint=10.0.4.40\n", "repo1-storage-port=9000\n",
                "repo1-s3-bucket=notes-backups\n", "repo1-s3-region=eu-west-1\n", "repo1-s3-uri-style=path\n",
                "repo1-s3-key=" + S3_KEY + "\n", "repo1-s3-key-secret=" + S3_SECRET + "\n",
                "repo1-storage-ca-file=/etc/pgbackrest/s3-ca.crt\n", "repo1-path=/pgbackrest\n", "repo1-retention-full=3\n",
                "repo1-cipher-pass=" + KEY + "\n", "pg1-port=5433\n")
                .doesNotContain("tls-server", "repo1-host");
        RenderedFile ca = files.stream().filter(f -> f.location().equals("db2/etc/pgbackrest/s3-ca.crt")).findFirst().orElseThrow();
        assertThat(ca.contentAsText()).isEqualTo(CA + "\n");
        assertThat(ca.sensitive()).isFalse();
    }

    @Test
    void withABucketTheSchedulesAreOnEveryDatabaseHostAndBackUpOnlyWherePostgresIsThePrimary() {
        List<RenderedFile> files = renderBucket();
        assertThat(files).extracting(RenderedFile::location).noneMatch(l -> l.startsWith("bak1/"))
                .contains("db1/etc/systemd/system/tierlift-backup-full.timer", "db2/etc/systemd/system/tierlift-backup-diff.timer",
                        "db1" + BackupLayout.CRONTAB, "db2" + BackupLayout.CRONTAB);
        RenderedFile service = files.stream().filter(f -> f.location().equals("db2/etc/systemd/system/tierlift-backup-full.service"))
                .findFirst().orElseThrow();
        assertThat(service.contentAsText()).contains("ExecStart=" + BackupLayout.PRIMARY_ONLY_BACKUP + " --stanza=notes --type=full backup");
        RenderedFile crontab = files.stream().filter(f -> f.location().equals("db1" + BackupLayout.CRONTAB)).findFirst().orElseThrow();
        assertThat(crontab.contentAsText()).contains("30 2 * * 6 cd / && " + BackupLayout.PRIMARY_ONLY_BACKUP + " --stanza=notes --type=full");
        RenderedFile script = files.stream().filter(f -> f.location().equals("db2" + BackupLayout.PRIMARY_ONLY_BACKUP))
                .findFirst().orElseThrow();
        assertThat(script.mode()).isEqualTo(0755);
        assertThat(script.contentAsText()).contains("psql -X -A -t -q -p 5433 -d postgres -c 'SELECT pg_is_in_recovery()'")
                .contains("exec /usr/bin/pgbackrest \"$@\"");
    }

    @Test
    void theBucketsKeysAreMaskedWhenReviewed() {
        var files = HostcfgCases.render(renderer, TestDescriptors.load("hostcfg-backup-s3.yaml"), io.tierlift.secret.SecretView.masked());
        String config = files.stream().filter(f -> f.location().equals("db1/etc/pgbackrest/pgbackrest.conf")).findFirst().orElseThrow()
                .contentAsText();
        assertThat(config).contains("repo1-s3-key=tierlift-secret-env-NOTES_S3_KEY\n", "repo1-s3-key-secret=tierlift-secret-env-NOTES_S3_SECRET_KEY\n");
    }
}

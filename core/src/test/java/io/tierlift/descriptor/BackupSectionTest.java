package io.tierlift.descriptor;

import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.BackupSettings;
import io.tierlift.secret.SecretRef;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The optional {@code database.backup} section: defaults, the repository host, formats with positions, no key values. */
class BackupSectionTest {
    private static final String HEAD = """
            app: notes
            backend: { wsgi: "notes.app:app" }
            database:
              name: notes
              user: notes
              password: "${env:NOTES_DB_PASSWORD}"
            """;
    private static final String HOSTS = """
            targets:
              onprem:
                domain: notes.example.com
                hosts:
                  edge1: { address: 10.0.1.10, roles: [waf, proxy, static] }
                  app1:  { address: 10.0.2.11, roles: [app] }
                  app2:  { address: 10.0.2.12, roles: [app] }
                  db1:   { address: 10.0.3.21, roles: [db-primary] }
            """;
    private static final String BACKUP_HOST = "      bak1:  { address: 10.0.3.30, roles: [backup] }\n";
    private static final String SECTION = "  backup: { key: \"${env:NOTES_BACKUP_KEY}\" }\n";

    private AppDescriptor load(String yaml) {
        return new DescriptorLoader().load("app.yaml", yaml, Path.of("/tmp"), Optional.empty()).descriptor();
    }

    private String errorsOf(String yaml) {
        try {
            load(yaml);
        } catch (InvalidDescriptorException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the descriptor to be invalid");
    }

    @Test
    void absentMeansNoBackups() {
        assertThat(load(HEAD + HOSTS).database().backup()).isEmpty();
    }

    @Test
    void onlyTheKeyIsNeededTheScheduleAndRetentionHaveDefaults() {
        AppDescriptor d = load(HEAD + SECTION + HOSTS + BACKUP_HOST);
        assertThat(d.database().backup()).contains(new BackupSettings("Sun *-*-* 01:00:00", "Mon..Sat *-*-* 01:00:00", 2,
                SecretRef.parse("${env:NOTES_BACKUP_KEY}").orElseThrow()));
        assertThat(d.targets().onprem().orElseThrow().hostsWith(io.tierlift.model.Role.BACKUP))
                .extracting(io.tierlift.model.Host::name).containsExactly("bak1");
    }

    @Test
    void schedulesAndRetentionAreTaken() {
        AppDescriptor d = load(HEAD + """
                  backup:
                    key: "${file:/secure/backup.key}"
                    full: daily
                    differential: "*-*-* 00/6:00:00"
                    retention_full: 4
                """ + HOSTS + BACKUP_HOST);
        BackupSettings b = d.database().backup().orElseThrow();
        assertThat(b.fullSchedule()).isEqualTo("daily");
        assertThat(b.differentialSchedule()).isEqualTo("*-*-* 00/6:00:00");
        assertThat(b.retentionFull()).isEqualTo(4);
    }

    @Test
    void theKeyIsRequiredAndMustBeAReferenceNotAValue() {
        assertThat(errorsOf(HEAD + "  backup: { full: daily }\n" + HOSTS + BACKUP_HOST))
                .contains("app.yaml:7:11: database.backup: missing required key 'key'");
        String errors = errorsOf(HEAD + "  backup: { key: correct-horse-battery }\n" + HOSTS + BACKUP_HOST);
        assertThat(errors).contains("app.yaml:7:18: database.backup.key: secrets must be references")
                .doesNotContain("correct-horse-battery");
    }

    @Test
    void aScheduleThatCouldBreakOutOfItsTimerLineIsRefusedWithItsPosition() {
        String errors = errorsOf(HEAD + """
                  backup:
                    key: "${env:NOTES_BACKUP_KEY}"
                    full: "daily\\nExecStart=/bin/sh"
                    differential: "%h"
                    retention_full: 0
                """ + HOSTS + BACKUP_HOST);
        assertThat(errors).contains("app.yaml:9:11: database.backup.full: must be systemd calendar event")
                .contains("app.yaml:10:19: database.backup.differential: must be systemd calendar event")
                .contains("app.yaml:11:21: database.backup.retention_full:");
    }

    @Test
    void theSectionNeedsExactlyOneBackupHost() {
        assertThat(errorsOf(HEAD + SECTION + HOSTS))
                .contains("app.yaml:7:11: database.backup: database.backup needs exactly one host with role backup");
        assertThat(errorsOf(HEAD + SECTION + HOSTS + BACKUP_HOST + "      bak2:  { address: 10.0.3.31, roles: [backup] }\n"))
                .contains("targets.onprem.hosts: database.backup needs exactly one host with role backup (where the repository lives), found 2 (bak1, bak2)");
    }

    @Test
    void aBackupHostWithoutTheSectionIsRefused() {
        assertThat(errorsOf(HEAD + HOSTS + BACKUP_HOST))
                .contains("app.yaml:15:43: targets.onprem.hosts.bak1.roles: host bak1 has role backup but there is no database.backup section");
    }

    @Test
    void theRepositoryMayNotLiveOnADatabaseHost() {
        String hosts = HOSTS.replace("roles: [db-primary]", "roles: [db-primary, backup]");
        assertThat(errorsOf(HEAD + SECTION + hosts))
                .contains("targets.onprem.hosts.db1.roles: the backup repository cannot share a host with the database");
    }

    private static final String S3 = """
              backup:
                key: "${env:NOTES_BACKUP_KEY}"
                repository:
                  s3:
                    endpoint: 10.0.3.40:9000
                    bucket: notes-backups
                    uri_style: path
                    key: "${env:NOTES_S3_KEY}"
                    secret_key: "${file:/secure/s3-secret}"
                    ca: "${file:/secure/s3-ca.crt}"
            """;

    @Test
    void anS3BucketIsTheRepositoryWithoutABackupHostAndItsKeysAreReferences() {
        AppDescriptor d = load(HEAD + S3 + HOSTS);
        var s3 = d.database().backup().orElseThrow().s3().orElseThrow();
        assertThat(s3.endpointHost()).isEqualTo("10.0.3.40");
        assertThat(s3.endpointPort()).isEqualTo(9000);
        assertThat(s3.bucket()).isEqualTo("notes-backups");
        assertThat(s3.region()).isEqualTo("us-east-1");
        assertThat(s3.uriStyle()).isEqualTo("path");
        assertThat(s3.path()).isEqualTo("/pgbackrest");
        assertThat(s3.accessKey()).isEqualTo(SecretRef.parse("${env:NOTES_S3_KEY}").orElseThrow());
        assertThat(s3.secretKey()).isEqualTo(SecretRef.parse("${file:/secure/s3-secret}").orElseThrow());
        assertThat(s3.ca()).contains(SecretRef.parse("${file:/secure/s3-ca.crt}").orElseThrow());
        assertThat(load(HEAD + SECTION + HOSTS + BACKUP_HOST).database().backup().orElseThrow().s3()).isEmpty();
    }

    @Test
    void theBucketsKeysMustBeReferencesNotValuesAndAreNeverEchoed() {
        String errors = errorsOf(HEAD + S3.replace("\"${env:NOTES_S3_KEY}\"", "AKIAEXAMPLEKEY")
                .replace("\"${file:/secure/s3-secret}\"", "wJalrXUtnFEMIsecretvalue") + HOSTS);
        assertThat(errors).contains("app.yaml:14:14: database.backup.repository.s3.key: secrets must be references")
                .contains("app.yaml:15:21: database.backup.repository.s3.secret_key: secrets must be references")
                .doesNotContain("AKIAEXAMPLEKEY").doesNotContain("wJalrXUtnFEMIsecretvalue");
    }

    @Test
    void theBucketNeedsAnEndpointAndABucketNameOfS3sShape() {
        assertThat(errorsOf(HEAD + S3.replace("        endpoint: 10.0.3.40:9000\n", "") + HOSTS))
                .contains("app.yaml:11:9: database.backup.repository.s3: missing required key 'endpoint'");
        assertThat(errorsOf(HEAD + S3.replace("        bucket: notes-backups\n", "") + HOSTS))
                .contains("app.yaml:11:9: database.backup.repository.s3: missing required key 'bucket'");
        String errors = errorsOf(HEAD + S3.replace("notes-backups", "Notes_Backups").replace("10.0.3.40:9000", "https://s3.local:99999") + HOSTS);
        assertThat(errors).contains("app.yaml:11:19: database.backup.repository.s3.endpoint:")
                .contains("app.yaml:12:17: database.backup.repository.s3.bucket: must be S3 bucket name");
        assertThat(errorsOf(HEAD + S3.replace("uri_style: path", "uri_style: virtual") + HOSTS))
                .contains("app.yaml:13:20: database.backup.repository.s3.uri_style:");
    }

    @Test
    void anEndpointGivenAsAnAddressNeedsPathStyleRequests() {
        assertThat(errorsOf(HEAD + S3.replace("        uri_style: path\n", "") + HOSTS))
                .contains("app.yaml:11:19: database.backup.repository.s3.endpoint: endpoint 10.0.3.40:9000 is an IP address")
                .contains("add uri_style: path");
        assertThat(load(HEAD + S3.replace("        uri_style: path\n", "").replace("10.0.3.40:9000", "s3.eu-west-1.amazonaws.com") + HOSTS)
                .database().backup().orElseThrow().s3().orElseThrow().endpointPort()).isEqualTo(443);
    }

    @Test
    void aBucketAndABackupHostAreTwoRepositoriesAndRefused() {
        assertThat(errorsOf(HEAD + S3 + HOSTS + BACKUP_HOST))
                .contains("targets.onprem.hosts.bak1.roles: host bak1 has role backup but database.backup.repository.s3 keeps "
                        + "the repository in bucket notes-backups; drop the role");
    }
}

package io.tierlift.onprem.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What keeps WAL from the repository, named with the host and the fix. */
class ArchiveDiagnosisTest {
    private static final ArchiveDiagnosis.DiskSpace ROOMY = new ArchiveDiagnosis.DiskSpace("/var/lib/pgbackrest", 10L << 30, 5L << 30);

    private static ArchiveDiagnosis.Observations seen(boolean systemd, boolean answers, ArchiveDiagnosis.DiskSpace disk,
                                                      Optional<ArchiveDiagnosis.Archiver> archiver) {
        return new ArchiveDiagnosis.Observations("notes", "bak1", "10.0.4.30", 8432, systemd, Optional.of("db1"), answers,
                Optional.of(disk), archiver);
    }

    @Test
    void aWorkingRepositoryHasNoFindings() {
        assertThat(ArchiveDiagnosis.findings(seen(true, true, ROOMY, Optional.empty()))).isEmpty();
    }

    @Test
    void aServerThatDoesNotAnswerIsAnUnreachableRepositoryWithTheWayToStartItOnThatKindOfHost() {
        List<ArchiveDiagnosis.Finding> onSystemd = ArchiveDiagnosis.findings(seen(true, false, ROOMY, Optional.empty()));
        assertThat(onSystemd).singleElement().satisfies(f -> {
            assertThat(f.host()).isEqualTo("bak1");
            assertThat(f.problem()).isEqualTo("the repository is unreachable: the pgBackRest server on bak1 (10.0.4.30:8432) does not answer to db1");
            assertThat(f.fix()).isEqualTo("start it on bak1: systemctl start pgbackrest");
        });
        assertThat(ArchiveDiagnosis.findings(seen(false, false, ROOMY, Optional.empty()))).singleElement()
                .satisfies(f -> assertThat(f.fix()).isEqualTo("run `tierlift deploy onprem`: it starts the pgBackRest server on bak1"));
    }

    @Test
    void aRepositoryWithLessThanFourSegmentsOfRoomIsFullWithTheWayToFreeSpace() {
        var disk = ArchiveDiagnosis.DiskSpace.parse("/var/lib/pgbackrest", """
                Filesystem     1-blocks    Used Available Capacity Mounted on
                tmpfs          25165824 25165824         0     100% /var/lib/pgbackrest
                """).orElseThrow();
        assertThat(disk).isEqualTo(new ArchiveDiagnosis.DiskSpace("/var/lib/pgbackrest", 25165824, 0));
        assertThat(ArchiveDiagnosis.findings(seen(true, true, disk, Optional.empty()))).singleElement().satisfies(f -> {
            assertThat(f.problem()).isEqualTo("the repository's disk is full: /var/lib/pgbackrest on bak1 has 0 MiB free of 24 MiB");
            assertThat(f.fix()).startsWith("free space in /var/lib/pgbackrest on bak1: grow the filesystem")
                    .contains("`pgbackrest --stanza=notes expire`");
        });
        assertThat(ArchiveDiagnosis.findings(seen(true, true,
                new ArchiveDiagnosis.DiskSpace("/var/lib/pgbackrest", 1L << 30, 64L << 20), Optional.empty()))).isEmpty();
    }

    @Test
    void theArchiverOfThePrimaryTellsTheLagAndWhetherItsNewestPushFailed() {
        var failing = ArchiveDiagnosis.Archiver.parse("db1", "ARCHIVER|7|000000010000000000000009|754|00000001000000000000000A|t\n")
                .orElseThrow();
        assertThat(failing).isEqualTo(new ArchiveDiagnosis.Archiver("db1", 7, Optional.of("000000010000000000000009"),
                Optional.of(Duration.ofSeconds(754)), Optional.of("00000001000000000000000A"), true));
        assertThat(ArchiveDiagnosis.lag(failing)).isEqualTo("last segment archived 12m ago");
        assertThat(ArchiveDiagnosis.findings(seen(true, true, ROOMY, Optional.of(failing)))).singleElement().satisfies(f -> {
            assertThat(f.host()).isEqualTo("db1");
            assertThat(f.problem()).isEqualTo("archive-push FAILS on db1: 7 failed attempt(s), the latest for segment "
                    + "00000001000000000000000A; last segment archived 12m ago");
            assertThat(f.fix()).contains("/var/log/pgbackrest on db1 and bak1");
        });
        var fresh = ArchiveDiagnosis.Archiver.parse("db1", "ARCHIVER|0||||f\n").orElseThrow();
        assertThat(ArchiveDiagnosis.lag(fresh)).isEqualTo("no segment archived yet");
        assertThat(ArchiveDiagnosis.Archiver.parse("db2", "")).isEmpty();
    }

    @Test
    void aFailingPushBehindAKnownRepositoryProblemPointsAtThatFix() {
        var failing = new ArchiveDiagnosis.Archiver("db1", 2, Optional.empty(), Optional.empty(), Optional.of("000000010000000000000003"), true);
        List<ArchiveDiagnosis.Finding> findings = ArchiveDiagnosis.findings(seen(true, false, ROOMY, Optional.of(failing)));
        assertThat(findings).extracting(ArchiveDiagnosis.Finding::host).containsExactly("bak1", "db1");
        assertThat(findings.get(1).fix()).startsWith("fix the repository as above");
    }

    @Test
    void withABucketAFailingPushOnThePrimaryNamesTheBucketTheEndpointAndWhereTheCauseIsLogged() {
        var failing = new ArchiveDiagnosis.Archiver("db1", 3, Optional.of("000000010000000000000004"), Optional.of(Duration.ofSeconds(300)),
                Optional.of("000000010000000000000005"), true);
        assertThat(ArchiveDiagnosis.bucketFindings(Optional.of(failing), "notes-backups", "10.0.4.40:9000")).singleElement().satisfies(f -> {
            assertThat(f.host()).isEqualTo("db1");
            assertThat(f.problem()).isEqualTo("archive-push to bucket notes-backups FAILS on db1: 3 failed attempt(s), the latest for "
                    + "segment 000000010000000000000005; last segment archived 5m ago");
            assertThat(f.fix()).startsWith("read /var/log/pgbackrest on db1: 10.0.4.40:9000 must answer HTTPS from db1")
                    .contains("database.backup.repository.s3.ca");
        });
        var working = new ArchiveDiagnosis.Archiver("db1", 3, Optional.of("000000010000000000000006"), Optional.of(Duration.ofSeconds(5)),
                Optional.of("000000010000000000000005"), false);
        assertThat(ArchiveDiagnosis.bucketFindings(Optional.of(working), "notes-backups", "10.0.4.40:9000")).isEmpty();
        assertThat(ArchiveDiagnosis.bucketFindings(Optional.empty(), "notes-backups", "10.0.4.40:9000")).isEmpty();
    }
}

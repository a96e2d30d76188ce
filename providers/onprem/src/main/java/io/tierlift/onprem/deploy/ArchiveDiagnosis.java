package io.tierlift.onprem.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why WAL might not reach the repository, read without changing anything (plan runs it too): does
 * the pgBackRest server on the backup host answer the primary, is the repository's filesystem
 * full, and does PostgreSQL's archiver on the primary report failed pushes. Each finding names the
 * host it is on and what the operator does about it. None of these stop the app: PostgreSQL keeps
 * the WAL it could not archive in pg_wal and retries.
 */
public final class ArchiveDiagnosis {
    /** Four WAL segments: less than that and the next few pushes fail. */
    static final long FULL_BELOW_BYTES = 64L << 20;
    private static final String ARCHIVER_TAG = "ARCHIVER";

    private ArchiveDiagnosis() {
    }

    /** One problem, on one host, and the fix. */
    public record Finding(String host, String problem, String fix) {
        @Override
        public String toString() {
            return problem + "; fix: " + fix;
        }
    }

    /** {@code df} of the repository path. */
    public record DiskSpace(String path, long sizeBytes, long availableBytes) {
        /** The second line of {@code df -P -B1 PATH}: filesystem, size, used, available, capacity, mount point. */
        static Optional<DiskSpace> parse(String path, String dfOutput) {
            List<String> lines = dfOutput.strip().lines().toList();
            if (lines.size() < 2) {
                return Optional.empty();
            }
            String[] fields = lines.get(lines.size() - 1).trim().split("\\s+");
            if (fields.length < 6) {
                return Optional.empty();
            }
            try {
                return Optional.of(new DiskSpace(path, Long.parseLong(fields[1]), Long.parseLong(fields[3])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        boolean full() {
            return availableBytes < FULL_BELOW_BYTES;
        }
    }

    /**
     * PostgreSQL's {@code pg_stat_archiver} on the primary: how long since a segment was archived
     * (the WAL archive lag) and whether the newest attempt failed.
     */
    public record Archiver(String host, long failedCount, Optional<String> lastArchivedWal, Optional<Duration> sinceLastArchived,
                           Optional<String> lastFailedWal, boolean failing) {
        /** One line on a primary, nothing on a standby (whose archiver does not run). */
        static String query() {
            return "SELECT '" + ARCHIVER_TAG + "', failed_count, coalesce(last_archived_wal, ''),"
                    + " coalesce(floor(extract(epoch FROM now() - last_archived_time))::bigint::text, ''),"
                    + " coalesce(last_failed_wal, ''),"
                    + " last_failed_time IS NOT NULL AND (last_archived_time IS NULL OR last_failed_time > last_archived_time)"
                    + " FROM pg_stat_archiver WHERE NOT pg_is_in_recovery();";
        }

        /** The answer of {@link #query()} as {@code psql -At} prints it. */
        static Optional<Archiver> parse(String host, String psqlOutput) {
            for (String line : psqlOutput.lines().toList()) {
                String[] f = line.split("\\|", -1);
                if (f.length == 6 && f[0].equals(ARCHIVER_TAG)) {
                    return Optional.of(new Archiver(host, Long.parseLong(f[1]), nonEmpty(f[2]),
                            nonEmpty(f[3]).map(s -> Duration.ofSeconds(Long.parseLong(s))), nonEmpty(f[4]), f[5].equals("t")));
                }
            }
            return Optional.empty();
        }

        private static Optional<String> nonEmpty(String s) {
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        }
    }

    /** What was seen; {@code primary} is the host that answered as primary, if any did. */
    public record Observations(String stanza, String repositoryHost, String repositoryAddress, int port, boolean repositorySystemd,
                               Optional<String> primary, boolean serverAnswers, Optional<DiskSpace> repositoryDisk,
                               Optional<Archiver> archiver) {
    }

    public static List<Finding> findings(Observations seen) {
        List<Finding> findings = new ArrayList<>();
        String repo = seen.repositoryHost();
        if (!seen.serverAnswers()) {
            String from = seen.primary().map(p -> " to " + p).orElse("");
            findings.add(new Finding(repo, "the repository is unreachable: the pgBackRest server on " + repo + " ("
                    + seen.repositoryAddress() + ":" + seen.port() + ") does not answer" + from,
                    seen.repositorySystemd() ? "start it on " + repo + ": systemctl start pgbackrest"
                            : "run `tierlift deploy onprem`: it starts the pgBackRest server on " + repo));
        }
        seen.repositoryDisk().filter(DiskSpace::full).ifPresent(disk -> findings.add(new Finding(repo,
                "the repository's disk is full: " + disk.path() + " on " + repo + " has " + mebibytes(disk.availableBytes())
                        + " free of " + mebibytes(disk.sizeBytes()),
                "free space in " + disk.path() + " on " + repo + ": grow the filesystem, or keep fewer backups (lower "
                        + "database.backup.retention_full, deploy, then run `pgbackrest --stanza=" + seen.stanza()
                        + " expire` as postgres on " + repo + ")")));
        seen.archiver().filter(Archiver::failing).ifPresent(a -> findings.add(new Finding(a.host(),
                "archive-push FAILS on " + a.host() + ": " + a.failedCount() + " failed attempt(s), the latest for segment "
                        + a.lastFailedWal().orElse("?") + "; " + lag(a),
                findings.isEmpty() ? "read /var/log/pgbackrest on " + a.host() + " and " + repo
                        + "; PostgreSQL keeps the WAL in pg_wal and retries, so watch " + a.host() + "'s disk"
                        : "fix the repository as above; PostgreSQL keeps the WAL in pg_wal on " + a.host() + " and retries")));
        return List.copyOf(findings);
    }

    /**
     * With the repository in a bucket there is no server or disk of tierlift's to look at: what keeps
     * WAL from the bucket shows as the primary's archiver failing, and the cause is in its pgBackRest log.
     */
    public static List<Finding> bucketFindings(Optional<Archiver> archiver, String bucket, String endpoint) {
        return archiver.filter(Archiver::failing).map(a -> List.of(new Finding(a.host(),
                "archive-push to bucket " + bucket + " FAILS on " + a.host() + ": " + a.failedCount()
                        + " failed attempt(s), the latest for segment " + a.lastFailedWal().orElse("?") + "; " + lag(a),
                "read /var/log/pgbackrest on " + a.host() + ": " + endpoint + " must answer HTTPS from " + a.host()
                        + " with a certificate database.backup.repository.s3.ca signs, and the keys must allow writing to "
                        + bucket + "; PostgreSQL keeps the WAL in pg_wal and retries, so watch " + a.host() + "'s disk")))
                .orElse(List.of());
    }

    /** "last segment archived 3m ago" — the WAL archive lag. */
    public static String lag(Archiver archiver) {
        return archiver.sinceLastArchived().map(d -> "last segment archived " + age(d) + " ago")
                .orElse("no segment archived yet");
    }

    static String age(Duration d) {
        long seconds = d.toSeconds();
        return seconds < 120 ? seconds + "s" : seconds < 120 * 60 ? d.toMinutes() + "m"
                : seconds < 48 * 3600 ? d.toHours() + "h" : d.toDays() + "d";
    }

    private static String mebibytes(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}

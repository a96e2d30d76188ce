package io.tierlift.render.onprem.backup;

/**
 * Where pgBackRest's files live on a host. pgBackRest reads {@code /etc/pgbackrest/pgbackrest.conf}
 * before Debian's {@code /etc/pgbackrest.conf}, so the package's sample stays untouched.
 */
public final class BackupLayout {
    public static final String CONFIG_FILE = "/etc/pgbackrest/pgbackrest.conf";
    /** Debian's package creates it, owned by postgres, mode 0750. */
    public static final String REPOSITORY_PATH = "/var/lib/pgbackrest";
    public static final String TLS_DIR = "/etc/pgbackrest/tls";
    public static final String CA_CERT = TLS_DIR + "/ca.crt";
    public static final String HOST_CERT = TLS_DIR + "/host.crt";
    public static final String HOST_KEY = TLS_DIR + "/host.key";
    /** Only on the backup host: the key of the CA that signs every pgBackRest host's certificate. */
    public static final String CA_KEY = "/etc/pgbackrest/ca/ca.key";
    /** pgBackRest's own default for {@code tls-server-port}. */
    public static final int TLS_PORT = io.tierlift.render.onprem.firewall.TopologyFlows.BACKUP_PORT;
    /** pgBackRest runs as the database's owner on every host, as Debian's pgbackrest.service does. */
    public static final String OWNER = "postgres";
    public static final String FULL_UNIT = "tierlift-backup-full";
    public static final String DIFF_UNIT = "tierlift-backup-diff";
    /** The scheduled backups as a crontab, installed for {@link #OWNER} on a backup host without systemd. */
    public static final String CRONTAB = "/etc/pgbackrest/tierlift-backup.crontab";
    /**
     * With the repository in a bucket: what the schedules run on every database host, pgBackRest
     * only where PostgreSQL is the primary.
     */
    public static final String PRIMARY_ONLY_BACKUP = "/etc/pgbackrest/tierlift-backup-if-primary";
    /** With the repository in a bucket: the CA certificate that signs the endpoint's certificate, when one is given. */
    public static final String BUCKET_CA = "/etc/pgbackrest/s3-ca.crt";

    private BackupLayout() {
    }

    public static String unitPath(String unitFile) {
        return "/etc/systemd/system/" + unitFile;
    }
}

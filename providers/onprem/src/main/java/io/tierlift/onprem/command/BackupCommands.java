package io.tierlift.onprem.command;

import io.tierlift.render.onprem.backup.BackupLayout;

import java.util.List;

/**
 * pgBackRest on the on-prem hosts: the certificates its TLS protocol needs, its server, the
 * stanza and the backups. Builders only; nothing here runs anything.
 */
public final class BackupCommands {
    /** Where the server's process id is kept on hosts without systemd. */
    public static final String SERVER_PID_FILE = "/run/tierlift-pgbackrest.pid";
    private static final String CA_DIR = "/etc/pgbackrest/ca";
    private static final String CA_CERT = CA_DIR + "/ca.crt";
    private static final String PGBACKREST = "/usr/bin/pgbackrest";

    private final boolean systemd;
    private final String stanza;

    public BackupCommands(boolean systemd, String stanza) {
        this.systemd = systemd;
        this.stanza = stanza;
    }

    /**
     * Prints a certificate request for this host's key (made once, readable by postgres only),
     * named after the address its peers connect to; prints nothing when the host has its
     * certificate already.
     */
    public RemoteCommand certificateRequest(String address) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "dir=$1; key=$2; crt=$3; ca=$4; cn=$5",
                "[ -s \"$crt\" ] && [ -s \"$ca\" ] && exit 0",
                "install -d -o postgres -g postgres -m 0750 \"$dir\"",
                "if [ ! -s \"$key\" ]; then",
                "  (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out \"$key.tmp\" 2>/dev/null)",
                "  chown postgres:postgres \"$key.tmp\"; mv \"$key.tmp\" \"$key\"",
                "fi",
                "openssl req -new -key \"$key\" -subj \"/CN=$cn\""),
                BackupLayout.TLS_DIR, BackupLayout.HOST_KEY, BackupLayout.HOST_CERT, BackupLayout.CA_CERT, address);
    }

    /**
     * On the backup host: makes the app's CA once (its key never leaves the host), then signs the
     * request arriving on stdin and prints the certificate.
     */
    public RemoteCommand signCertificate() {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "dir=$1; cakey=$2; cacrt=$3; name=$4",
                "install -d -m 0700 \"$dir\"",
                "if [ ! -s \"$cakey\" ]; then",
                "  (umask 077; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj \"/CN=$name\" \\",
                "    -keyout \"$cakey.tmp\" -out \"$cacrt.tmp\" 2>/dev/null)",
                "  mv \"$cacrt.tmp\" \"$cacrt\"; mv \"$cakey.tmp\" \"$cakey\"",
                "fi",
                "csr=$(mktemp); trap 'rm -f \"$csr\"' EXIT",
                "cat > \"$csr\"",
                "openssl x509 -req -in \"$csr\" -CA \"$cacrt\" -CAkey \"$cakey\" -set_serial \"0x$(openssl rand -hex 16)\" -days 3650 2>/dev/null"),
                CA_DIR, BackupLayout.CA_KEY, CA_CERT, "tierlift " + stanza + " backup CA");
    }

    /** On the backup host: prints the CA's certificate. */
    public RemoteCommand caCertificate() {
        return RemoteCommand.of("cat", CA_CERT);
    }

    /** Writes stdin to a certificate file readable by pgBackRest (replaced whole, never half-written). */
    public RemoteCommand installCertificate(String path) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "f=$1",
                "cat > \"$f.tmp\"",
                "chown postgres:postgres \"$f.tmp\"; chmod 0644 \"$f.tmp\"; mv \"$f.tmp\" \"$f\""), path);
    }

    /**
     * Succeeds when the pgBackRest server on {@code address} answers within 3 s. pgBackRest keeps
     * retrying a refused connection until its io-timeout (60 s by default), so asking a host whose
     * server is not started yet would otherwise cost a minute per host on a first deploy.
     */
    public RemoteCommand serverPing(String address) {
        return RemoteCommand.of("runuser", "-u", "postgres", "--", PGBACKREST, "server-ping", "--io-timeout=3",
                "--tls-server-address=" + address);
    }

    /** On the backup host: size and free space of the repository's filesystem, in bytes. */
    public RemoteCommand repositoryDiskSpace() {
        return RemoteCommand.of("df", "-P", "-B1", BackupLayout.REPOSITORY_PATH);
    }

    /** On the backup host: every file of the stanza's WAL archive (names only; contents stay encrypted). */
    public RemoteCommand archiveFiles() {
        return RemoteCommand.script("cd / && exec runuser -u postgres -- \"$1\" --stanza=\"$2\" --recurse repo-ls \"archive/$2\"",
                PGBACKREST, stanza);
    }

    /**
     * (Re)starts the pgBackRest server so it reads its config and certificates again, and waits
     * until it answers. With systemd, Debian's pgbackrest.service, enabled so a reboot brings it back.
     */
    public RemoteCommand serverRestart(String address) {
        if (systemd) {
            return RemoteCommand.script(String.join("\n",
                    "set -e",
                    "systemctl enable --quiet pgbackrest",
                    "systemctl restart pgbackrest",
                    waitForServer()), PGBACKREST, address);
        }
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "pidfile=$3",
                "if [ -f \"$pidfile\" ]; then",
                "  pid=$(cat \"$pidfile\")",
                "  if kill \"$pid\" 2>/dev/null; then",
                "    i=0; while kill -0 \"$pid\" 2>/dev/null && [ \"$i\" -lt 50 ]; do i=$((i+1)); sleep 0.1; done",
                "  fi",
                "fi",
                "cd /",
                "setsid sh -c 'echo $$ > \"$1\"; exec setpriv --reuid=postgres --regid=postgres --init-groups \"$2\" server' "
                        + "tierlift \"$pidfile\" \"$1\" </dev/null >/dev/null 2>&1 &",
                waitForServer()), PGBACKREST, address, SERVER_PID_FILE);
    }

    private static String waitForServer() {
        return String.join("\n",
                "i=0",
                "until runuser -u postgres -- \"$1\" server-ping --tls-server-address=\"$2\" >/dev/null 2>&1; do",
                "  i=$((i+1)); [ \"$i\" -ge 100 ] && { echo \"the pgBackRest server on $2 does not answer\" >&2; exit 1; }",
                "  sleep 0.1",
                "done");
    }

    /** On the backup host: creates the stanza (a no-op when it matches the database) and checks that WAL arrives. */
    public RemoteCommand stanzaCreateAndCheck() {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "cd /",
                "runuser -u postgres -- \"$1\" --stanza=\"$2\" --log-level-console=warn stanza-create",
                "runuser -u postgres -- \"$1\" --stanza=\"$2\" --log-level-console=warn check"), PGBACKREST, stanza);
    }

    /**
     * On the backup host: checks that the repository is reachable and the primary's WAL arrives,
     * waiting at most 15 s for it (pgBackRest's default, 60 s, would hold status up that long).
     */
    public RemoteCommand check() {
        return RemoteCommand.script("cd / && exec runuser -u postgres -- \"$1\" --stanza=\"$2\" --archive-timeout=15 "
                + "--log-level-console=error check", PGBACKREST, stanza);
    }

    /** On the backup host: a backup of the given type (full, diff or incr), now. */
    public RemoteCommand backup(String type) {
        return RemoteCommand.script("cd / && exec runuser -u postgres -- \"$1\" --stanza=\"$2\" --type=\"$3\" --log-level-console=warn backup",
                PGBACKREST, stanza, type);
    }

    /** On the backup host: the stanza's backups and WAL archive as JSON. */
    public RemoteCommand info() {
        return RemoteCommand.script("cd / && exec runuser -u postgres -- \"$1\" --stanza=\"$2\" --output=json info",
                PGBACKREST, stanza);
    }

    /** The next two times each calendar event elapses, as systemd computes them (it needs no running systemd). */
    public RemoteCommand calendar(String... events) {
        return RemoteCommand.of("systemd-analyze", "calendar", "--iterations=2").args(List.of(events));
    }

    /**
     * Without systemd: the placed crontab becomes the database owner's (replacing tierlift's earlier one)
     * and cron runs, started here when nothing started it (a host without systemd has no unit to enable).
     */
    public RemoteCommand installCrontab() {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "if ! command -v crontab >/dev/null 2>&1 || ! command -v cron >/dev/null 2>&1; then",
                "  echo \"cron is not installed; install it (apt-get install cron) to run the scheduled backups without systemd\" >&2",
                "  exit 1",
                "fi",
                "crontab -u \"$1\" \"$2\"",
                "if ! pgrep -x cron >/dev/null 2>&1; then",
                "  cd /",
                "  service cron start >/dev/null 2>&1 || cron",
                "fi"), BackupLayout.OWNER, BackupLayout.CRONTAB);
    }

    /** The crontab the database owner has now (empty when none). */
    public RemoteCommand crontab() {
        return RemoteCommand.script("crontab -u \"$1\" -l 2>/dev/null || true", BackupLayout.OWNER);
    }

    /** With systemd: the backup timers enabled and started. Without it, {@link #installCrontab()}. */
    public RemoteCommand enableTimers() {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "systemctl daemon-reload",
                "systemctl enable --now --quiet \"$1.timer\" \"$2.timer\""), BackupLayout.FULL_UNIT, BackupLayout.DIFF_UNIT);
    }

    public boolean systemd() {
        return systemd;
    }
}

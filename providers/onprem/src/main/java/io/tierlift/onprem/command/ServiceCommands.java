package io.tierlift.onprem.command;

import io.tierlift.model.AppDescriptor;
import io.tierlift.render.onprem.app.AppLayout;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands that validate, start, reload and stop the managed services, for hosts with and
 * without systemd. Builders only: nothing here runs anything (as Kamal's command classes).
 */
public final class ServiceCommands {
    private final boolean systemd;
    private final String app;
    private final String appRoot;
    private final int postgresVersion;
    private final int postgresPort;

    public ServiceCommands(boolean systemd, String app, String appRoot, int postgresVersion, int postgresPort) {
        this.systemd = systemd;
        this.app = app;
        this.appRoot = appRoot;
        this.postgresVersion = postgresVersion;
        this.postgresPort = postgresPort;
    }

    /** The commands for the descriptor's app and database on a host with or without systemd. */
    public static ServiceCommands forApp(AppDescriptor descriptor, String appRoot, boolean systemd) {
        return new ServiceCommands(systemd, descriptor.app(), appRoot, descriptor.database().version(), descriptor.database().port());
    }

    /** Succeeds on a host that runs systemd; asked before the commands for that host are built. */
    public static RemoteCommand systemdCheck() {
        return RemoteCommand.script("[ -d /run/systemd/system ]");
    }

    // --- nginx
    /**
     * What nginx's config refers to but tierlift does not render: ModSecurity's data folder, the
     * static releases folder, the log folder and, when no certificate is named, a self-signed pair.
     * Made once, left alone after.
     */
    public RemoteCommand nginxFoldersAndCertificate(EdgeTopology edge, String domain) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "modsec=$1; user=$2; releases=$3; selfsigned=$4; crt=$5; key=$6; domain=$7",
                "install -d -o \"$user\" -g \"$user\" -m 0750 \"$modsec\"",
                "install -d -m 0755 \"$releases\" /var/log/nginx",
                "if [ \"$selfsigned\" = yes ] && [ ! -f \"$crt\" ]; then",
                "  install -d -m 0755 \"$(dirname \"$crt\")\"",
                "  umask 077",
                "  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj \"/CN=$domain\" -addext \"subjectAltName=DNS:$domain\" \\",
                "    -keyout \"$key.tmp\" -out \"$crt.tmp\" 2>/dev/null",
                "  chmod 0644 \"$crt.tmp\"; mv \"$key.tmp\" \"$key\"; mv \"$crt.tmp\" \"$crt\"",
                "fi"), EdgeTopology.MODSECURITY_DATA_DIR, EdgeTopology.NGINX_USER, edge.staticReleasesDir(),
                edge.selfSigned() ? "yes" : "no", EdgeTopology.selfSignedCertificate(app), EdgeTopology.selfSignedKey(app), domain);
    }

    public RemoteCommand nginxTest() {
        return RemoteCommand.of("nginx", "-t", "-q", "-c", "/etc/nginx/nginx.conf");
    }

    /** Starts nginx if it is down, reloads it gracefully if it runs. */
    public RemoteCommand nginxReloadOrStart() {
        if (systemd) {
            return RemoteCommand.of("systemctl", "reload-or-restart", "nginx");
        }
        return RemoteCommand.script(
                "if [ -f /run/nginx.pid ] && kill -0 \"$(cat /run/nginx.pid)\" 2>/dev/null; then nginx -s reload; else nginx -c /etc/nginx/nginx.conf; fi");
    }

    /** Graceful reload only where nginx runs; new workers start with fresh upstream health state. */
    public RemoteCommand nginxReloadIfRunning() {
        if (systemd) {
            return RemoteCommand.of("systemctl", "try-reload-or-restart", "nginx");
        }
        // nginx -s reload returns at once; wait until new workers exist so that the old ones have
        // stopped accepting before the caller takes the next app server out.
        return RemoteCommand.script(String.join("\n",
                "[ -f /run/nginx.pid ] || exit 0",
                "master=$(cat /run/nginx.pid)",
                "kill -0 \"$master\" 2>/dev/null || exit 0",
                "old=$(pgrep -P \"$master\" | sort | tr '\\n' ' ')",
                "nginx -s reload",
                "i=0",
                "while [ $i -lt 100 ]; do",
                "  fresh=no",
                "  for p in $(pgrep -P \"$master\"); do case \" $old \" in *\" $p \"*) ;; *) fresh=yes;; esac; done",
                "  [ $fresh = yes ] && break",
                "  i=$((i+1)); sleep 0.05",
                "done",
                "sleep 0.2"));
    }

    // --- PostgreSQL (Debian's cluster tools work with and without systemd)
    /**
     * A new cluster is UTF8 with the C.UTF-8 locale whatever the host's own locale: a host without a
     * UTF-8 locale would otherwise get SQL_ASCII databases, which store bytes of any encoding and
     * differ from RDS and Aurora (always UTF8). C.UTF-8 is built into Debian's C library and sorts
     * by code point, as the C locale does.
     */
    public RemoteCommand postgresCreateCluster() {
        return RemoteCommand.of("pg_createcluster", "--port", Integer.toString(postgresPort), "--encoding=UTF8", "--locale=C.UTF-8",
                Integer.toString(postgresVersion), "main");
    }

    public RemoteCommand postgres(String action) {
        return RemoteCommand.of("pg_ctlcluster", Integer.toString(postgresVersion), "main", action);
    }

    /** psql as the postgres superuser over the local socket; SQL arrives on stdin. */
    public RemoteCommand psql(String database) {
        return RemoteCommand.of("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-p", Integer.toString(postgresPort), "-d", database, "-At", "-f", "-");
    }

    /**
     * Replaces this host's data folder with a fresh base backup of the primary, streamed over a
     * replication slot of its own, and marks it a standby. PostgreSQL must be stopped.
     */
    public RemoteCommand postgresCloneFrom(String primaryAddress, String replicationUser, String slot) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "data=$1; host=$2; port=$3; user=$4; slot=$5",
                "find \"$data\" -mindepth 1 -delete",
                "runuser -u postgres -- env PGPASSFILE=/var/lib/postgresql/.pgpass pg_basebackup -h \"$host\" -p \"$port\" -U \"$user\""
                        + " -D \"$data\" -X stream -C -S \"$slot\" -c fast -w",
                "runuser -u postgres -- touch \"$data/standby.signal\""),
                dataDirectory(), primaryAddress, Integer.toString(postgresPort), replicationUser, slot);
    }

    public String dataDirectory() {
        return "/var/lib/postgresql/" + postgresVersion + "/main";
    }

    // --- the app (gunicorn behind envexec)
    public String pidFile() {
        return new AppLayout(app, appRoot).pidFile();
    }

    public List<String> gunicornArgv(boolean daemon) {
        var command = new AppLayout(app, appRoot).serviceCommand();
        return daemon ? command.daemonArgv() : command.argv();
    }

    /**
     * The app's system user and group, its root and releases folders and its log folder; a no-op
     * for what exists. What it leaves is what {@link LeaseCommands#thenProbe} recognises as bootstrapped.
     */
    public RemoteCommand appUserAndFolders() {
        return RemoteCommand.script(String.join("\n",
                "app=$1; root=$2",
                "getent group \"$app\" >/dev/null || groupadd --system \"$app\"",
                "getent passwd \"$app\" >/dev/null || useradd --system --gid \"$app\" --home-dir \"$root\" --no-create-home --shell /usr/sbin/nologin \"$app\"",
                "install -d -m 0755 \"$root\" \"$root/releases\"",
                "install -d -o \"$app\" -g \"$app\" -m 0750 \"/var/log/$app\""), app, appRoot);
    }

    /**
     * The descriptor's release command (migrations) in a release's backend folder, as the app's
     * user, with the app's environment and that release's virtualenv first on the PATH.
     */
    public RemoteCommand appReleaseCommand(String releaseDir, String command) {
        AppLayout layout = new AppLayout(app, appRoot);
        return RemoteCommand.script(String.join("\n",
                "cd \"$1/backend\"",
                "exec runuser -u \"$2\" -- /usr/bin/python3 \"$3\" \"$4\" -- env PATH=\"$1/venv/bin:/usr/bin:/bin\" sh -c \"$5\""),
                releaseDir, layout.serviceUser(), AppLayout.ENVEXEC, layout.environmentFile(), command);
    }

    /** With systemd the unit is enabled as it starts, so a rebooted host serves again without tierlift. */
    public RemoteCommand appStart() {
        if (systemd) {
            return RemoteCommand.of("systemctl", "enable", "--now", app + "-api");
        }
        return asAppUser(gunicornArgv(true), "install -d -o \"$app\" -g \"$app\" -m 0755 \"/run/$app\"");
    }

    /** Loads the config and the app the way the service will, without serving: catches a bad release before the restart. */
    public RemoteCommand appCheckConfig() {
        List<String> argv = new ArrayList<>(gunicornArgv(false));
        argv.add("--check-config");
        return asAppUser(argv);
    }

    /** Runs {@code argv} as the app's user after the fixed {@code preparation} lines (run as root, with $app set). */
    private RemoteCommand asAppUser(List<String> argv, String... preparation) {
        List<String> lines = new ArrayList<>();
        lines.add("app=$1; shift");
        lines.addAll(List.of(preparation));
        // Start from / as systemd does: the login's cwd (root's home) is not readable by the app user.
        lines.add("cd /");
        lines.add("exec runuser -u \"$app\" -- \"$@\"");
        return RemoteCommand.script(String.join("\n", lines), app).args(argv);
    }

    /** Stops gracefully: gunicorn stops accepting, finishes what it has, then exits (bounded wait). */
    public RemoteCommand appStop(int gracefulSeconds) {
        if (systemd) {
            return RemoteCommand.of("systemctl", "stop", app + "-api");
        }
        return RemoteCommand.script(String.join("\n",
                "pidfile=$1; limit=$2",
                "[ -f \"$pidfile\" ] || exit 0",
                "pid=$(cat \"$pidfile\")",
                "kill -TERM \"$pid\" 2>/dev/null || exit 0",
                "i=0",
                "while kill -0 \"$pid\" 2>/dev/null; do",
                "  i=$((i+1)); [ \"$i\" -gt $((limit*10)) ] && { kill -KILL \"$pid\"; break; }",
                "  sleep 0.1",
                "done",
                "rm -f \"$pidfile\""), pidFile(), Integer.toString(gracefulSeconds + 5));
    }

    public RemoteCommand systemdReload() {
        return RemoteCommand.of("systemctl", "daemon-reload");
    }

    /** Polls the app's health URL on the host itself until it answers 200 or time runs out. */
    public RemoteCommand appHealth(String address, int port, String path, int seconds) {
        return RemoteCommand.script(String.join("\n",
                "url=$1; limit=$2; i=0",
                "until curl -fsS -o /dev/null --max-time 2 \"$url\"; do",
                "  i=$((i+1)); [ \"$i\" -ge $((limit*5)) ] && exit 1",
                "  sleep 0.2",
                "done"), "http://" + address + ":" + port + path, Integer.toString(seconds));
    }
}

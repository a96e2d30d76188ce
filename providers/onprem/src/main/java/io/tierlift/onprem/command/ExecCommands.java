package io.tierlift.onprem.command;

import io.tierlift.render.onprem.app.AppLayout;

import java.util.List;

/**
 * The command behind {@code tierlift exec}: the operator's command in the app's own environment,
 * recorded first. Builder only, as {@link ServiceCommands}.
 */
public final class ExecCommands {
    /** Every exec on a host, one line each; written whether or not the host runs a syslog or journald. */
    public static final String LOG_FILE = "/var/log/tierlift/exec.log";
    /** The syslog tag of the same line where the host has a log socket (journald, rsyslog): journalctl -t tierlift-exec. */
    public static final String SYSLOG_TAG = "tierlift-exec";
    /** The host has no live release to run the command in. */
    public static final int NO_RELEASE_EXIT = 69;
    /** The exec could not be recorded, so it was not run. */
    public static final int NOT_RECORDED_EXIT = 73;

    private final AppLayout layout;

    public ExecCommands(String app, String appRoot) {
        this.layout = new AppLayout(app, appRoot);
    }

    /**
     * Records who ran what on this host (time, host, the operator's local user, the SSH login, the
     * release, the command's words), then runs {@code argv} as the service does: as the app's user,
     * through envexec with the app's environment file (the values never appear on a command line),
     * in the live release's backend folder with its virtualenv first on the PATH. Refuses to run
     * what it could not record.
     */
    public RemoteCommand inApp(String operator, List<String> argv) {
        String record = "operator=" + printable(operator) + " command=" + printable(RemoteCommand.of(argv).toShell());
        return RemoteCommand.script(String.join("\n",
                "root=$1; user=$2; envexec=$3; envfile=$4; log=$5; tag=$6; record=$7; shift 7",
                "release=$(readlink -f \"$root/current\" 2>/dev/null)",
                "if [ -z \"$release\" ] || [ ! -d \"$release/backend\" ]; then",
                "  echo \"tierlift exec: no release is live on $(hostname) ($root/current is missing): deploy first\" >&2",
                "  exit " + NO_RELEASE_EXIT,
                "fi",
                "line=\"host=$(hostname) login=${SUDO_USER:-$(id -un)} release=${release##*/} $record\"",
                "umask 027",
                "if ! { install -d -m 0750 \"${log%/*}\" && printf '%s %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$line\" >> \"$log\"; }; then",
                "  echo \"tierlift exec: cannot record the command in $log on $(hostname), so it was not run\" >&2",
                "  exit " + NOT_RECORDED_EXIT,
                "fi",
                "if [ -S /dev/log ]; then logger -t \"$tag\" -- \"$line\" || true; fi",
                "cd \"$release/backend\" || exit 1",
                "exec runuser -u \"$user\" -- " + AppLayout.SYSTEM_PYTHON + " \"$envexec\" \"$envfile\" -- env PATH=\"$release/venv/bin:/usr/bin:/bin\" \"$@\""),
                layout.appRoot(), layout.serviceUser(), AppLayout.ENVEXEC, layout.environmentFile(), LOG_FILE, SYSLOG_TAG, record)
                .args(argv);
    }

    /** One log line per exec: control characters (a newline in an argument) are written as \xNN. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}

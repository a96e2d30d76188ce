package io.tierlift.render.onprem.app;

import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts the API, as an argument vector: envexec.py reads the environment file
 * and execs Gunicorn with those variables, so the values never pass through a shell, a command
 * line or systemd's EnvironmentFile parser. The systemd unit's ExecStart is built from
 * {@link #serviceArgv()}; hosts without systemd (the local sandbox) run {@link #daemonArgv()} as the
 * service user, after creating what systemd would have: the runtime directory holding the pid
 * file and the log directory, both owned by that user (see {@link AppLayout}).
 */
public record AppServiceCommand(String python, String envexec, String environmentFile, String gunicorn,
                                String gunicornConfig) {
    public static final String DAEMON_FLAG = "--daemon";

    public List<String> argv() {
        return List.of(python, envexec, environmentFile, "--", gunicorn, "-c", gunicornConfig);
    }

    /**
     * The command of the systemd unit: Gunicorn logs to its standard streams instead of the configured
     * files, so its lines land in journald with the unit's name (journalctl -u APP-api), as every other
     * service's do.
     */
    public List<String> serviceArgv() {
        List<String> argv = new ArrayList<>(argv());
        argv.addAll(List.of("--error-logfile", "-", "--access-logfile", "-"));
        return List.copyOf(argv);
    }

    /** The same command, with Gunicorn detaching itself; its pid lands in the configured pidfile. */
    public List<String> daemonArgv() {
        List<String> argv = new ArrayList<>(argv());
        argv.add(DAEMON_FLAG);
        return List.copyOf(argv);
    }
}

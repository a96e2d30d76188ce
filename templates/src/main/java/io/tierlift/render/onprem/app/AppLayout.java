package io.tierlift.render.onprem.app;

/**
 * Where the API's files live on an app host. Releases are unpacked under
 * {@code <appRoot>/releases/<id>/} and {@code <appRoot>/current} is a symlink to the live one;
 * inside a release the Python package sits in {@value #BACKEND_DIR} and its virtualenv in
 * {@value #VENV_DIR} (a virtualenv is not relocatable, so it is built inside its release).
 * Paths below go through {@code current}, so a new release goes live by switching the link and
 * sending Gunicorn a HUP (Gunicorn changes into {@code chdir} again on reload).
 */
public record AppLayout(String app, String appRoot) {
    public static final String CURRENT_LINK = "current";
    public static final String BACKEND_DIR = "backend";
    public static final String VENV_DIR = "venv";
    /** Debian's interpreter: it runs envexec.py, which needs nothing but the standard library. */
    public static final String SYSTEM_PYTHON = "/usr/bin/python3";
    /** Shared by every app on the host; placed by tierlift, not by the app. */
    public static final String ENVEXEC = "/usr/local/lib/tierlift/envexec.py";

    public String configDir() {
        return "/etc/" + app;
    }

    public String gunicornConfig() {
        return configDir() + "/gunicorn.conf.py";
    }

    public String environmentFile() {
        return configDir() + "/app-env.json";
    }

    public String unitName() {
        return app + "-api.service";
    }

    public String unitFile() {
        return "/etc/systemd/system/" + unitName();
    }

    public String logDir() {
        return "/var/log/" + app;
    }

    /** Created by systemd's RuntimeDirectory=; without systemd the deployer creates it. */
    public String runDir() {
        return "/run/" + app;
    }

    public String pidFile() {
        return runDir() + "/gunicorn.pid";
    }

    /** Gunicorn's control socket (gunicornc), in the same folder as the pid file. */
    public String controlSocket() {
        return runDir() + "/gunicorn.ctl";
    }

    public String backendDir() {
        return appRoot + "/" + CURRENT_LINK + "/" + BACKEND_DIR;
    }

    public String gunicorn() {
        return appRoot + "/" + CURRENT_LINK + "/" + VENV_DIR + "/bin/gunicorn";
    }

    /** The user and group the API runs as; the environment file is readable by this group. */
    public String serviceUser() {
        return app;
    }

    public AppServiceCommand serviceCommand() {
        return new AppServiceCommand(SYSTEM_PYTHON, ENVEXEC, environmentFile(), gunicorn(), gunicornConfig());
    }
}

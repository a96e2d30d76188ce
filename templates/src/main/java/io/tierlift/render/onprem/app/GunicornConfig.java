package io.tierlift.render.onprem.app;

/**
 * View model of {@code gunicorn.conf.py}. It holds no secrets: the app gets those from its
 * environment. A record so that other tiers (EC2 user data) can fill it with their own bind
 * address and proxy addresses. {@code fixedWorkers=false} lets Gunicorn size the pool from the
 * host's CPUs at start. {@code controlSocket} sits beside the pid file, in the run folder the
 * service's user owns: Gunicorn 25.1+ otherwise puts it under the user's home, which the app user
 * may not write (older Gunicorn versions ignore the setting).
 */
public record GunicornConfig(String app, String bindAddress, int port, boolean fixedWorkers, int workers,
                             long timeoutSeconds, long gracefulTimeoutSeconds, int keepaliveSeconds,
                             String accessLog, String errorLog, String forwardedAllowIps, String proxyAllowIps,
                             String pidFile, String controlSocket, String wsgiApp, String chdir, String environmentFile) {
    /** The one Gunicorn template, used by on-prem hosts and EC2 user data alike. */
    public static final String TEMPLATE = "onprem/app/gunicorn.conf.py.ftl";
}

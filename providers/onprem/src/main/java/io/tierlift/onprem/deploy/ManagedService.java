package io.tierlift.onprem.deploy;

import io.tierlift.render.onprem.firewall.FirewallRenderer;

/** The services whose config tierlift places; a changed file names the one to reload. */
public enum ManagedService {
    NGINX, POSTGRES, APP, FIREWALL, BACKUP, NONE;

    /** Which service a placed file belongs to, from where it lives on the host. */
    public static ManagedService of(String path, String app, String appRoot) {
        if (path.startsWith("/etc/nginx/") || path.startsWith(appRoot + "/maintenance/")) {
            return NGINX;
        }
        if (path.startsWith("/etc/postgresql/") || path.startsWith("/var/lib/postgresql/")) {
            return POSTGRES;
        }
        if (path.startsWith("/etc/" + app + "/") || path.startsWith("/usr/local/lib/tierlift/")
                || path.startsWith("/etc/systemd/system/" + app)) {
            return APP;
        }
        if (path.startsWith("/etc/tierlift/firewall") || path.equals(FirewallRenderer.UNIT_PATH)) {
            return FIREWALL;
        }
        if (path.startsWith("/etc/pgbackrest/") || path.startsWith("/etc/systemd/system/tierlift-backup-")) {
            return BACKUP;
        }
        return NONE;
    }
}

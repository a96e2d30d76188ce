package io.tierlift.render.onprem.database;

/**
 * Debian's PostgreSQL layout (postgresql-common): settings in {@code /etc/postgresql/<v>/<cluster>/},
 * data in {@code /var/lib/postgresql/<v>/<cluster>/}. Debian's own postgresql.conf includes
 * {@code conf.d/}, where tierlift puts its settings so package upgrades keep their file.
 */
public record PostgresLayout(int version, String cluster) {
    public static final String CLUSTER = "main";
    public static final String OWNER = "postgres";
    /** The postgres user's home; libpq's password file for replication lives there. */
    public static final String HOME = "/var/lib/postgresql";

    public static PostgresLayout debian(int version) {
        return new PostgresLayout(version, CLUSTER);
    }

    public String configDir() {
        return "/etc/postgresql/" + version + "/" + cluster;
    }

    public String settingsFile() {
        return configDir() + "/conf.d/tierlift.conf";
    }

    public String standbySettingsFile() {
        return configDir() + "/conf.d/tierlift-standby.conf";
    }

    public String hbaFile() {
        return configDir() + "/pg_hba.conf";
    }

    public String dataDir() {
        return HOME + "/" + version + "/" + cluster;
    }

    public String passwordFile() {
        return HOME + "/.pgpass";
    }
}

package io.tierlift.render.onprem.database;

/**
 * Lines of a libpq password file ({@code ~/.pgpass}): {@code host:port:database:user:password}.
 * Within a field, ':' and '\' are escaped with a backslash. A line break cannot be written at
 * all, so such a password is refused (without showing it).
 */
public final class PgPass {
    /** The database field that matches physical replication connections. */
    public static final String REPLICATION = "replication";

    public String line(String host, int port, String database, String user, String password) {
        return field(host) + ":" + port + ":" + field(database) + ":" + field(user) + ":" + field(password) + "\n";
    }

    String field(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a .pgpass field cannot contain a line break or NUL");
        }
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }
}

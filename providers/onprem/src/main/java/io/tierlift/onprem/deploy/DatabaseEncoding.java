package io.tierlift.onprem.deploy;

import io.tierlift.database.PgSql;

import java.util.Optional;

/**
 * The app database's encoding: tierlift creates it UTF8 (as RDS and Aurora are), and an existing
 * one that is not is left alone (converting is a dump and a restore) but named, by plan and by
 * deploy, with the way to convert it.
 */
final class DatabaseEncoding {
    static final String UTF8 = "UTF8";
    private static final String TAG = "DB ";

    private DatabaseEncoding() {
    }

    /** SQL printing {@code DB <encoding>} when the database exists, nothing otherwise. */
    static String query(String database) {
        return "SELECT " + PgSql.literal(TAG) + " || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = "
                + PgSql.literal(database) + ";";
    }

    /** The encoding in a line of {@link #query}'s answer. */
    static Optional<String> parse(String line) {
        return line.startsWith(TAG) ? Optional.of(line.substring(TAG.length()).strip()) : Optional.empty();
    }

    /** The warning for a database that is not UTF8; empty for one that is. */
    static Optional<String> warning(String database, String encoding) {
        if (encoding.equals(UTF8)) {
            return Optional.empty();
        }
        return Optional.of("database " + database + " is " + encoding + ", not UTF8: non-ASCII text may be refused or stored "
                + "as bytes of unknown encoding. Convert it: pg_dump it, CREATE DATABASE ... ENCODING 'UTF8' LOCALE 'C.UTF-8' "
                + "TEMPLATE template0, restore the dump into it (tierlift migrate does this between tiers)");
    }
}

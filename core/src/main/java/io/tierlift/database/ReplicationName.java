package io.tierlift.database;

import java.util.Locale;

/**
 * The name of a replication slot, publication or subscription that tierlift derives from one of
 * its own names (an app, a host). Slot names allow only lower-case letters, digits and '_', and
 * PostgreSQL truncates any name past 63 bytes without a word: a derived name that would need
 * either is refused rather than silently changed into one that could clash.
 */
public record ReplicationName(String value) {
    private static final int MAX_BYTES = PgSql.MAX_IDENTIFIER_BYTES;

    public ReplicationName {
        if (!value.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("'" + value + "' cannot name a replication slot: only lower-case letters, "
                    + "digits and '_' are allowed");
        }
        if (value.length() > MAX_BYTES) {
            throw new IllegalArgumentException("the replication name '" + value + "' is longer than " + MAX_BYTES
                    + " bytes; PostgreSQL would truncate it");
        }
    }

    /** {@code prefix_name}, with the name lower-cased and its '-' turned into '_': {@code ("standby", "db-2")} gives {@code standby_db_2}. */
    public static ReplicationName derive(String prefix, String name) {
        return new ReplicationName(prefix + "_" + name.toLowerCase(Locale.ROOT).replace('-', '_'));
    }

    /** This name followed by {@code _suffix}, for a second object of the same owner (the reverse direction of a migration). */
    public ReplicationName suffixed(String suffix) {
        return new ReplicationName(value + "_" + suffix);
    }

    @Override
    public String toString() {
        return value;
    }
}

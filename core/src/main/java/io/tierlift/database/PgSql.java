package io.tierlift.database;

import java.nio.charset.StandardCharsets;

/**
 * The one quoting of SQL text that cannot take bind parameters (DDL, identifiers, statements
 * written to psql's stdin such as {@code CREATE ROLE ... PASSWORD ...}) and of libpq connection
 * strings. Identifiers and literals are quoted always, so a name that happens to be a keyword
 * stays a name. Exception messages never contain the value: literals are usually passwords.
 */
public final class PgSql {
    private PgSql() {
    }

    /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated, so refuse them. */
    static final int MAX_IDENTIFIER_BYTES = 63;

    /** A quoted identifier: {@code "name"}, with embedded double quotes doubled. */
    public static String identifier(String name) {
        refuseNul(name, "an SQL identifier");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier cannot be empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new IllegalArgumentException("an SQL identifier is longer than " + MAX_IDENTIFIER_BYTES
                    + " bytes; PostgreSQL would truncate it");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * A string literal that means the same whatever {@code standard_conforming_strings} is:
     * {@code 'text'} with single quotes doubled, or, when the text has a backslash,
     * {@code E'text'} with backslashes doubled too (as libpq's PQescapeLiteral does).
     */
    public static String literal(String value) {
        refuseNul(value, "an SQL literal");
        String quoted = value.replace("'", "''");
        if (value.indexOf('\\') >= 0) {
            return "E'" + quoted.replace("\\", "\\\\") + "'";
        }
        return "'" + quoted + "'";
    }

    private static void refuseNul(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " cannot be null");
        }
        if (value.indexOf('\0') >= 0) {
            // PostgreSQL text cannot hold NUL; the client would cut the statement short there.
            throw new IllegalArgumentException(what + " contains a NUL character, which PostgreSQL cannot store");
        }
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return identifier(schema) + "." + identifier(name);
    }

    /** A libpq connection-string value ({@code host=... password=...}): single-quoted, backslash and quote escaped. */
    public static String conninfoValue(String value) {
        refuseNul(value, "a connection-string value");
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

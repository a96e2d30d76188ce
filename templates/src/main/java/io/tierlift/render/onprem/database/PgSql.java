package io.tierlift.render.onprem.database;

import java.nio.charset.StandardCharsets;

/**
 * Quotes values for SQL sent to PostgreSQL (e.g. {@code CREATE ROLE ... PASSWORD ...} written to
 * psql's stdin). Both methods quote always, so a name that happens to be a keyword stays a name.
 * Exception messages never contain the value: literals are usually passwords.
 */
public final class PgSql {
    /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated, so refuse them. */
    static final int MAX_IDENTIFIER_BYTES = 63;

    /** A quoted identifier: {@code "name"}, with embedded double quotes doubled. */
    public String identifier(String name) {
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
    public String literal(String value) {
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
}

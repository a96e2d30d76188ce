package io.tierlift.migrate;

/** Quoting for SQL text that cannot take bind parameters (DDL, identifiers). */
public final class SqlText {
    private SqlText() {
    }

    /** A double-quoted identifier; embedded quotes doubled, so any name is safe. */
    public static String ident(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    public static String qualified(String schema, String name) {
        return ident(schema) + "." + ident(name);
    }

    /** A standard-conforming string literal. */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains a NUL character");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** A libpq connection-string value: single-quoted, with backslash and quote escaped. */
    public static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

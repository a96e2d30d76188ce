package io.tierlift.render.onprem.database;

import java.util.regex.Pattern;

/**
 * libpq connection strings ({@code key=value key=value}). A value with a space, quote or
 * backslash is single-quoted with backslash escapes, as libpq's parser expects.
 */
public final class Conninfo {
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9._/:@+-]+");

    public String pair(String key, String value) {
        return key + "=" + value(value);
    }

    String value(String value) {
        if (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a connection setting contains a line break or NUL");
        }
        if (BARE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

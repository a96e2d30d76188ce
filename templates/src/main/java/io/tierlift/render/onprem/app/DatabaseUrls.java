package io.tierlift.render.onprem.app;

import java.nio.charset.StandardCharsets;

/**
 * Builds {@code postgresql://user:password@host:port/database} URLs as libpq, psycopg and
 * SQLAlchemy read them. User and password are percent-encoded byte by byte, keeping only RFC 3986
 * unreserved characters: form encoding ({@code URLEncoder}) would turn a space into '+', which
 * these parsers keep as a literal plus. The result holds a secret: never log it.
 */
public final class DatabaseUrls {
    public String url(String user, String password, String host, int port, String database) {
        return "postgresql://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + encode(database);
    }

    String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}

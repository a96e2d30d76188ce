package io.tierlift.database;

import io.tierlift.secret.SecretRef;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one PostgreSQL database is reached, with its password as a reference only. Safe to print,
 * to journal and to put in plans: the value behind {@code password} is read when a connection opens.
 */
public record DbEndpoint(String host, int port, String database, String user, Optional<SecretRef> password) {
    private static final Pattern URL = Pattern.compile("postgres(?:ql)?://([^@/?]+)@([^:/?]+)(?::(\\d+))?/([^?]+)(?:\\?(.*))?");

    public DbEndpoint {
        if (!host.matches("[A-Za-z0-9.\\-]+")) {
            throw new IllegalArgumentException("not a host name or address: '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code postgresql://USER@HOST[:PORT]/DB[?password_ref=${env:NAME}]}. A literal password
     * ({@code USER:PASS@}) is refused: it would end up in shell history and process listings.
     */
    public static DbEndpoint parse(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PostgreSQL URL of the form postgresql://USER@HOST[:PORT]/DB"
                    + "?password_ref=${env:NAME}");
        }
        if (m.group(1).contains(":")) {
            throw new IllegalArgumentException("the URL holds a literal password; give it as a secret reference instead: "
                    + "postgresql://USER@HOST:PORT/DB?password_ref=${env:NAME}");
        }
        Optional<SecretRef> password = Optional.empty();
        if (m.group(5) != null) {
            for (String pair : m.group(5).split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("password_ref")) {
                    password = Optional.of(SecretRef.parse(value).orElseThrow(() -> new IllegalArgumentException(
                            "password_ref must be a secret reference like ${env:NAME} or ${file:PATH}")));
                } else if (key.equals("password")) {
                    throw new IllegalArgumentException("the URL holds a literal password; use password_ref=${env:NAME}");
                } else {
                    throw new IllegalArgumentException("unknown URL parameter '" + key + "'; only password_ref is understood");
                }
            }
        }
        int port = m.group(3) == null ? 5432 : Integer.parseInt(m.group(3));
        return new DbEndpoint(m.group(2), port, URLDecoder.decode(m.group(4), StandardCharsets.UTF_8),
                URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database
                + password.map(p -> "?password_ref=" + p).orElse("");
    }
}

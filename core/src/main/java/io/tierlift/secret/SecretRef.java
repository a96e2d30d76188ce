package io.tierlift.secret;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a secret lives: {@code ${env:NAME}}, {@code ${file:PATH}} or {@code ${aws-sm:ID}}.
 * A reference is safe to print; the value it points to never is, and is only read by a
 * {@link SecretResolver} at the moment a file is placed or a connection is made.
 */
public record SecretRef(Kind kind, String locator) {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file|aws-sm):([^}]+)}");

    public enum Kind {
        ENV("env"), FILE("file"), AWS_SM("aws-sm");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** Parses a whole-string reference; partial references inside other text are not references. */
    public static Optional<SecretRef> parse(String text) {
        Matcher m = REFERENCE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        Kind kind = switch (m.group(1)) {
            case "env" -> Kind.ENV;
            case "file" -> Kind.FILE;
            default -> Kind.AWS_SM;
        };
        return Optional.of(new SecretRef(kind, m.group(2)));
    }

    /** True when the text looks like it meant to be a reference ("${...}") but isn't a valid one. */
    public static boolean looksLikeReference(String text) {
        return text.contains("${");
    }

    /** The reference as written in a descriptor: never the value. */
    @Override
    public String toString() {
        return "${" + kind.key + ":" + locator + "}";
    }
}

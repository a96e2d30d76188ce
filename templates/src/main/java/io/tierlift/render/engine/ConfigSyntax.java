package io.tierlift.render.engine;

import java.util.regex.Pattern;

/**
 * The config syntaxes tierlift writes, each with how an interpolated value is escaped. Templates
 * pick theirs by file name ({@code *.nginx.ftl}, {@code *.pg.ftl}, ...).
 */
public enum ConfigSyntax {
    /** nginx: values are bare words; anything that could end or open a directive is refused. */
    NGINX("nginx", "nginx", ConfigSyntax::nginxWord),
    /**
     * ModSecurity rules files: the nginx word rules, less the comma, which separates a rule's
     * actions: a value written into an action list must stay one action.
     */
    MODSECURITY("modsec", "ModSecurity", ConfigSyntax::modSecurityWord),
    /** postgresql.conf: templates write '${x}'; quotes and backslashes are doubled/escaped. */
    POSTGRESQL("pg", "postgresql.conf", v -> noControl("postgresql.conf", v).replace("\\", "\\\\").replace("'", "''")),
    /** pg_hba.conf: tokens must be plain words (no quoting games). */
    PG_HBA("hba", "pg_hba.conf", v -> word("pg_hba.conf", v)),
    /** Python source (gunicorn.conf.py): templates write "${x}"; JSON-style escapes are valid Python. */
    PYTHON("py", "Python", ConfigSyntax::pythonString),
    /** systemd units and environment files: templates write "${x}" where quoting is needed. */
    SYSTEMD("unit", "systemd", ConfigSyntax::systemdString),
    /**
     * pgbackrest.conf (ini): a value runs to the end of its line and is trimmed, with no quoting, so
     * line breaks and surrounding blanks are refused rather than escaped.
     */
    PGBACKREST("pgbr", "pgbackrest.conf", ConfigSyntax::iniValue),
    /** nftables: addresses, ports and names only. */
    NFTABLES("nft", "nftables", v -> word("nftables", v)),
    /** Plain text (HTML pages, docs): no escaping beyond refusing control characters. */
    TEXT("txt", "text", v -> noControl("text", v));

    private final String extension;
    private final String displayName;
    private final Escaper escaper;

    ConfigSyntax(String extension, String displayName, Escaper escaper) {
        this.extension = extension;
        this.displayName = displayName;
        this.escaper = escaper;
    }

    public String extension() {
        return extension;
    }

    public String displayName() {
        return displayName;
    }

    public String escape(String value) {
        return escaper.escape(value);
    }

    private static String nginxWord(String value) {
        return word("nginx", value);
    }

    private static String modSecurityWord(String value) {
        if (value.indexOf(',') >= 0) {
            throw new UnsafeValueException("ModSecurity", "'" + visible(value) + "' contains a comma, which would start another action");
        }
        return word("ModSecurity", value);
    }

    private static String word(String syntax, String value) {
        if (!Words.SAFE.matcher(value).matches()) {
            throw new UnsafeValueException(syntax, "'" + visible(value) + "' contains characters that could change the config's structure");
        }
        return value;
    }

    private static String noControl(String syntax, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new UnsafeValueException(syntax, "a value contains a line break or NUL");
            }
        }
        return value;
    }

    private static String iniValue(String value) {
        noControl("pgbackrest.conf", value);
        if (!value.equals(value.strip())) {
            throw new UnsafeValueException("pgbackrest.conf", "a value starts or ends with blanks, which pgBackRest would drop");
        }
        return value;
    }

    private static String pythonString(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** systemd: inside double quotes, backslash, quote, and $ / % (specifiers) must be escaped. */
    private static String systemdString(String value) {
        noControl("systemd", value);
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$").replace("%", "%%");
    }

    private static String visible(String value) {
        return value.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
    }

    /** Holder so the pattern exists before the enum constants use it. */
    private static final class Words {
        static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:/@%+=,~*^\\[\\]-]*");
    }
}

package io.tierlift.onprem.logs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The logs an on-prem host keeps, each with the way its lines say when they were written. A time
 * without an offset (nginx's error log, PostgreSQL's named zones) is the host's local time.
 */
public enum LogSource {
    /** nginx's access log in tierlift's format: {@code [07/Dec/2026:22:40:01 +0000]}. */
    NGINX_ACCESS("nginx-access", Pattern.compile("\\[([0-9]{2}/[A-Za-z]{3}/[0-9]{4}:[0-9:]{8} [+-][0-9]{4})]")),
    /** {@code 2026/12/07 22:40:01 [error] ...}, local time. */
    NGINX_ERROR("nginx-error", Pattern.compile("^([0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8}) ")),
    /** ModSecurity's audit log, one summary line per transaction. */
    MODSECURITY_AUDIT("modsecurity-audit", Pattern.compile("^\\[([0-9]{2}/[A-Za-z]{3}/[0-9]{4}:[0-9:]{8})(?:\\.[0-9]+)? ([+-][0-9]{4})]")),
    /** Gunicorn's access log (Apache's common time): {@code [07/Dec/2026:22:40:01 +0000]}. */
    GUNICORN_ACCESS("gunicorn-access", NGINX_ACCESS.stamp),
    /** {@code [2026-12-07 22:40:01 +0000] [123] [INFO] ...}. */
    GUNICORN_ERROR("gunicorn-error", Pattern.compile("^\\[([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}) ([+-][0-9]{4})]")),
    /** {@code 2026-12-07 22:40:01.123 UTC [42] ...} (log_line_prefix {@code %m}). */
    POSTGRESQL("postgresql", Pattern.compile("^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}(?:\\.[0-9]{1,9})?) ([A-Za-z]+|[+-][0-9]{2}(?::?[0-9]{2})?) ")),
    /** journalctl's short-iso-precise: {@code 2026-12-07T22:40:01.123456+00:00 host unit[pid]: ...}. */
    JOURNAL("journal", Pattern.compile("^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(?:\\.[0-9]{1,9})?[+-][0-9]{2}:?[0-9]{2}) "));

    private static final DateTimeFormatter COMMON = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final DateTimeFormatter NGINX_LOCAL = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter GUNICORN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT);
    private static final Pattern NUMERIC_OFFSET = Pattern.compile("([+-][0-9]{2}):?([0-9]{2})?");

    private final String label;
    private final Pattern stamp;

    LogSource(String label, Pattern stamp) {
        this.label = label;
        this.stamp = stamp;
    }

    /** How the source is named in output and in the remote command's tags. */
    public String label() {
        return label;
    }

    public static Optional<LogSource> fromLabel(String label) {
        for (LogSource source : values()) {
            if (source.label.equals(label)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }

    /** When {@code line} says it was written; empty for a line that does not say (a continuation). */
    public Optional<Instant> time(String line, ZoneOffset hostOffset) {
        Matcher m = stamp.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(switch (this) {
                case NGINX_ACCESS, GUNICORN_ACCESS -> OffsetDateTime.parse(m.group(1), COMMON).toInstant();
                case MODSECURITY_AUDIT -> OffsetDateTime.parse(m.group(1) + " " + m.group(2), COMMON).toInstant();
                case NGINX_ERROR -> LocalDateTime.parse(m.group(1), NGINX_LOCAL).toInstant(hostOffset);
                case GUNICORN_ERROR -> OffsetDateTime.parse(m.group(1) + " " + m.group(2), GUNICORN).toInstant();
                case POSTGRESQL -> LocalDateTime.parse(m.group(1).replace(' ', 'T')).toInstant(zone(m.group(2), hostOffset));
                case JOURNAL -> OffsetDateTime.parse(withColon(m.group(1))).toInstant();
            });
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** PostgreSQL prints its log_timezone by name; UTC and GMT are known, a numeric one is read, others are the host's. */
    private static ZoneOffset zone(String name, ZoneOffset hostOffset) {
        if (name.equals("UTC") || name.equals("GMT")) {
            return ZoneOffset.UTC;
        }
        Matcher numeric = NUMERIC_OFFSET.matcher(name);
        if (numeric.matches()) {
            return ZoneOffset.of(numeric.group(1) + ":" + (numeric.group(2) == null ? "00" : numeric.group(2)));
        }
        return hostOffset;
    }

    /** journald prints +0000 on some versions and +00:00 on others; java.time reads the latter. */
    private static String withColon(String stamp) {
        return stamp.matches(".*[+-][0-9]{4}$") ? stamp.substring(0, stamp.length() - 2) + ":" + stamp.substring(stamp.length() - 2) : stamp;
    }
}

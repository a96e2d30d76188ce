package io.tierlift.onprem.logs;

import io.tierlift.logs.LogLine;
import io.tierlift.logs.LogRole;
import io.tierlift.waf.AuditLogEntry;
import io.tierlift.waf.AuditLogParser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns the raw lines of one log on one host into {@link LogLine}s. A line that carries no time of
 * its own (a traceback's, a statement's second line) is given the time of the line before it; lines
 * before the first dated one (a file read from the middle of a line) are dropped. The ModSecurity
 * audit log spans many lines per transaction: they are gathered and given out as one summary line,
 * which names the rules but holds none of the request's headers or values.
 */
final class SourceReader {
    private static final Pattern AUDIT_END = Pattern.compile("^---[A-Za-z0-9]{8,}---Z--$");

    private final String host;
    private final LogSource source;
    private final LogRole role;
    private final ZoneOffset hostOffset;
    private final StringBuilder audit = new StringBuilder();
    private Instant last;

    SourceReader(String host, LogSource source, LogRole role, ZoneOffset hostOffset) {
        this.host = host;
        this.source = source;
        this.role = role;
        this.hostOffset = hostOffset;
    }

    /** The line {@code raw} makes, if it makes one now. */
    Optional<LogLine> accept(String raw) {
        if (source == LogSource.MODSECURITY_AUDIT) {
            return auditLine(raw);
        }
        Optional<Instant> time = source.time(raw, hostOffset);
        time.ifPresent(t -> last = t);
        if (last == null || raw.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LogLine(last, host, source.label(), role, raw));
    }

    private Optional<LogLine> auditLine(String raw) {
        audit.append(raw).append('\n');
        if (!AUDIT_END.matcher(raw).matches()) {
            return Optional.empty();
        }
        String entry = audit.toString();
        audit.setLength(0);
        List<AuditLogEntry> parsed = new AuditLogParser().parse(host, entry);
        return parsed.stream().findFirst().map(e -> new LogLine(e.time(), host, source.label(), role, summary(e)));
    }

    /** e.g. {@code 403 POST /api/notes rules 932115 "Remote Command Execution: ..." score 5}. */
    static String summary(AuditLogEntry e) {
        String rules = e.detections().stream().map(m -> m.ruleId() + " \"" + m.message() + "\"").collect(Collectors.joining(", "));
        return e.status() + " " + e.method() + " " + e.path() + (rules.isEmpty() ? "" : " rules " + rules)
                + (e.anomalyScore() > 0 ? " score " + e.anomalyScore() : "");
    }
}

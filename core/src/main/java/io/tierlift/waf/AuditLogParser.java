package io.tierlift.waf;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads libmodsecurity's Serial audit log (native format, sections {@code ---ID---X--}). Only what
 * the report needs is kept: section A's time, section B's request line (not its headers, which carry
 * cookies and credentials), section F's status and section H's rule messages.
 */
public final class AuditLogParser {
    private static final Pattern SECTION = Pattern.compile("^---([A-Za-z0-9]{8,})---([A-Z])--$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final Pattern STATUS = Pattern.compile("^HTTP/[0-9.]+ ([0-9]{3})");
    private static final Pattern ID = Pattern.compile("\\[id \"([0-9]+)\"\\]");
    private static final Pattern MSG = Pattern.compile("\\[msg \"((?:[^\"\\\\]|\\\\.)*)\"\\]");
    private static final Pattern SEVERITY = Pattern.compile("\\[severity \"([0-9])\"\\]");
    private static final Pattern VARIABLE = Pattern.compile("against variable `([^']*)' \\(Value: `");
    /** libinjection's rules name no operator: the variable and value are only in their data. */
    private static final Pattern DATA = Pattern.compile("\\[data \"Matched Data: .*? found within ([^ \"]+?): (.*?)\"\\] \\[severity");
    private static final Pattern TOTAL = Pattern.compile("Total Score: ([0-9]+)");

    public List<AuditLogEntry> parse(String host, String log) {
        List<AuditLogEntry> entries = new ArrayList<>();
        Builder current = null;
        char section = 0;
        for (String line : log.split("\n", -1)) {
            Matcher header = SECTION.matcher(line);
            if (header.matches()) {
                section = header.group(2).charAt(0);
                if (section == 'A') {
                    if (current != null) {
                        current.build().ifPresent(entries::add);
                    }
                    current = new Builder(host);
                }
                continue;
            }
            if (current != null) {
                current.read(section, line);
            }
        }
        if (current != null) {
            current.build().ifPresent(entries::add);
        }
        return entries;
    }

    /** One transaction as its sections are read; incomplete ones (a log cut mid-entry) are dropped. */
    private static final class Builder {
        private final String host;
        private Instant time;
        private String method;
        private String path;
        private int status;
        private int score;
        private final List<AuditLogEntry.RuleMatch> matches = new ArrayList<>();

        Builder(String host) {
            this.host = host;
        }

        void read(char section, String line) {
            switch (section) {
                case 'A' -> {
                    if (time == null && line.startsWith("[") && line.indexOf(']') > 0) {
                        try {
                            time = ZonedDateTime.parse(line.substring(1, line.indexOf(']')), TIME).toInstant();
                        } catch (DateTimeParseException e) {
                            // not a transaction header: the entry stays without a time and is dropped
                        }
                    }
                }
                case 'B' -> {
                    if (method == null && !line.isBlank()) {
                        String[] parts = line.split(" ");
                        if (parts.length >= 2) {
                            method = parts[0];
                            int query = parts[1].indexOf('?');
                            path = query < 0 ? parts[1] : parts[1].substring(0, query);
                        }
                    }
                }
                case 'F' -> {
                    Matcher m = STATUS.matcher(line);
                    if (status == 0 && m.find()) {
                        status = Integer.parseInt(m.group(1));
                    }
                }
                case 'H' -> {
                    if (line.startsWith("ModSecurity: ")) {
                        rule(line);
                    }
                }
                default -> {
                    // other sections hold bodies and headers: never read
                }
            }
        }

        private void rule(String line) {
            Matcher id = ID.matcher(line);
            if (!id.find()) {
                return;
            }
            Matcher msg = MSG.matcher(line);
            Matcher severity = SEVERITY.matcher(line);
            Matcher variable = VARIABLE.matcher(line);
            String variableName = "";
            String value = "";
            if (variable.find()) {
                variableName = variable.group(1);
                int start = variable.end();
                int end = line.indexOf("' )", start);
                value = end < 0 ? "" : line.substring(start, end);
            } else {
                Matcher data = DATA.matcher(line);
                if (data.find()) {
                    variableName = data.group(1);
                    value = data.group(2);
                }
            }
            String message = msg.find() ? msg.group(1) : "";
            if (id.group(1).equals("949110")) {
                Matcher total = TOTAL.matcher(message);
                if (total.find()) {
                    score = Integer.parseInt(total.group(1));
                }
            }
            matches.add(new AuditLogEntry.RuleMatch(id.group(1), message, variableName, value,
                    severity.find() ? Integer.parseInt(severity.group(1)) : 0));
        }

        Optional<AuditLogEntry> build() {
            if (time == null || path == null) {
                return Optional.empty();
            }
            return Optional.of(new AuditLogEntry(host, time, method, path, status, matches, score));
        }
    }
}

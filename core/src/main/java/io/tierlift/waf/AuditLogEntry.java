package io.tierlift.waf;

import java.time.Instant;
import java.util.List;

/**
 * One transaction of a ModSecurity audit log: when, the request's method and path (no query string,
 * no headers), the response status, the rules that matched, and the inbound anomaly score the CRS's
 * blocking evaluation reported (0 when it did not run).
 */
public record AuditLogEntry(String host, Instant time, String method, String path, int status, List<RuleMatch> matches,
                            int anomalyScore) {
    public AuditLogEntry {
        matches = List.copyOf(matches);
    }

    /**
     * A rule that matched: its id, message, the variable it matched in (e.g. {@code ARGS:json.body})
     * and the value it saw there, and its severity (2 critical .. 5 notice).
     */
    public record RuleMatch(String ruleId, String message, String variable, String value, int severity) {
        /** Points the CRS adds to the anomaly score for a match of this severity. */
        public int score() {
            return switch (severity) {
                case 2 -> 5;
                case 3 -> 4;
                case 4 -> 3;
                case 5 -> 2;
                default -> 0;
            };
        }

        /** The CRS's blocking evaluation and correlation rules, which report a score rather than detect anything. */
        public boolean evaluation() {
            return ruleId.startsWith("949") || ruleId.startsWith("959") || ruleId.startsWith("980");
        }
    }

    /** The rules that detected something, without the evaluation rules. */
    public List<RuleMatch> detections() {
        return matches.stream().filter(m -> !m.evaluation()).toList();
    }

    /** Refused (403) or, in DetectionOnly, reached the threshold and would have been. */
    public boolean blocked() {
        return status == 403 || matches.stream().anyMatch(m -> m.ruleId().equals("949110"));
    }
}

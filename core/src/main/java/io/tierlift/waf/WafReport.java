package io.tierlift.waf;

import io.tierlift.model.WafExclusion;

import java.time.Instant;
import java.util.List;

/**
 * What the WAF blocked since a moment, grouped by rule, path and parameter, with the exclusions that
 * would let the likely false positives through. {@code requests} counts the audit log entries read,
 * {@code blocked} those the WAF refused (or, detecting only, would have refused).
 */
public record WafReport(Instant since, List<String> hosts, int requests, int blocked, List<Group> groups,
                        List<WafExclusion> proposals) {
    public WafReport {
        hosts = List.copyOf(hosts);
        groups = List.copyOf(groups);
        proposals = List.copyOf(proposals);
    }

    /**
     * Requests one rule blocked on one path in one parameter. {@code score} is the points the rule
     * adds; {@code sample} is one value it matched, shortened, and masked where it may be a credential.
     */
    public record Group(String ruleId, String message, String path, String parameter, int count, int score,
                        boolean likelyFalsePositive, Instant lastSeen, List<String> hosts, String sample) {
        public Group {
            hosts = List.copyOf(hosts);
        }
    }
}

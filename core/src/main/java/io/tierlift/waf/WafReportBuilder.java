package io.tierlift.waf;

import io.tierlift.descriptor.schema.Format;
import io.tierlift.model.WafExclusion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Groups blocked requests by rule, path and parameter, and marks the likely false positives: a
 * request that one CRS rule alone blocked, with no more than the threshold's score, in a parameter
 * of an app path. Scanner detection (913xxx) is never one: a scanner is what it is there to stop.
 */
public final class WafReportBuilder {
    private static final int SAMPLE_LENGTH = 80;
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i)^(REQUEST_COOKIES(_NAMES)?(:.*)?|REQUEST_HEADERS:(authorization|proxy-authorization|cookie|x-api-key|x-auth-token)"
                    + "|ARGS[A-Z_]*:.*(pass|secret|token|auth|key|session|cookie).*)$");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final int threshold;
    private final String appPathPrefix;

    public WafReportBuilder(int threshold, String appPathPrefix) {
        this.threshold = threshold;
        this.appPathPrefix = appPathPrefix;
    }

    public WafReport build(List<AuditLogEntry> entries, Instant since, List<String> hosts) {
        Map<List<String>, GroupBuilder> groups = new LinkedHashMap<>();
        int read = 0;
        int blocked = 0;
        for (AuditLogEntry entry : entries) {
            if (entry.time().isBefore(since)) {
                continue;
            }
            read++;
            if (!entry.blocked()) {
                continue;
            }
            blocked++;
            boolean likelyFalsePositive = likelyFalsePositive(entry);
            for (AuditLogEntry.RuleMatch match : entry.detections()) {
                groups.computeIfAbsent(List.of(match.ruleId(), entry.path(), match.variable()), k -> new GroupBuilder(match, entry.path()))
                        .add(entry, match, likelyFalsePositive);
            }
        }
        List<WafReport.Group> result = groups.values().stream().map(GroupBuilder::build)
                .sorted(Comparator.comparingInt(WafReport.Group::count).reversed()
                        .thenComparing(WafReport.Group::ruleId).thenComparing(WafReport.Group::path))
                .toList();
        Set<WafExclusion> proposals = new LinkedHashSet<>();
        for (WafReport.Group group : result) {
            if (group.likelyFalsePositive()) {
                proposals.add(WafExclusion.byId(Integer.parseInt(group.ruleId()), group.parameter(), Optional.of(pathPrefix(group.path()))));
            }
        }
        return new WafReport(since, hosts, read, blocked, result, List.copyOf(proposals));
    }

    private boolean likelyFalsePositive(AuditLogEntry entry) {
        List<AuditLogEntry.RuleMatch> detections = entry.detections();
        if (detections.size() != 1 || !entry.path().startsWith(appPathPrefix)) {
            return false;
        }
        AuditLogEntry.RuleMatch only = detections.get(0);
        int score = entry.anomalyScore() > 0 ? entry.anomalyScore() : only.score();
        return score <= threshold && isCrsRule(only.ruleId()) && !only.ruleId().startsWith("913")
                && only.variable().contains(":") && Format.WAF_TARGET.check(only.variable()).isEmpty()
                && Format.URL_PATH.check(pathPrefix(entry.path())).isEmpty();
    }

    private static boolean isCrsRule(String id) {
        return id.length() == 6 && id.charAt(0) == '9';
    }

    /** The path up to its first all-digit segment: {@code /api/notes/42} is excluded as {@code /api/notes/}. */
    static String pathPrefix(String path) {
        String[] segments = path.split("/", -1);
        StringBuilder prefix = new StringBuilder();
        for (int i = 1; i < segments.length; i++) {
            prefix.append('/');
            if (DIGITS.matcher(segments[i]).matches()) {
                return prefix.toString();
            }
            prefix.append(segments[i]);
        }
        return prefix.isEmpty() ? "/" : prefix.toString();
    }

    /** The value a rule matched, cut short; where it may be a credential, only its length. */
    static String sample(String variable, String value) {
        if (CREDENTIAL.matcher(variable).matches()) {
            return "(masked, " + value.length() + " characters)";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(SAMPLE_LENGTH).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return value.codePointCount(0, value.length()) > SAMPLE_LENGTH ? out + "..." : out.toString();
    }

    private static final class GroupBuilder {
        private final AuditLogEntry.RuleMatch first;
        private final String path;
        private int count;
        private boolean allLikelyFalsePositives = true;
        private Instant lastSeen = Instant.MIN;
        private final Set<String> hosts = new TreeSet<>();

        GroupBuilder(AuditLogEntry.RuleMatch first, String path) {
            this.first = first;
            this.path = path;
        }

        void add(AuditLogEntry entry, AuditLogEntry.RuleMatch match, boolean likelyFalsePositive) {
            count++;
            allLikelyFalsePositives &= likelyFalsePositive;
            if (entry.time().isAfter(lastSeen)) {
                lastSeen = entry.time();
            }
            hosts.add(entry.host());
        }

        WafReport.Group build() {
            return new WafReport.Group(first.ruleId(), first.message(), path, first.variable(), count, first.score(),
                    allLikelyFalsePositives, lastSeen, new ArrayList<>(hosts), sample(first.variable(), first.value()));
        }
    }
}

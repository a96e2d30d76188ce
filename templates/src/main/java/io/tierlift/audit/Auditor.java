package io.tierlift.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Runs a rule set over one input; results come out ordered by severity, then rule, then place. */
public final class Auditor {
    private final List<AuditRule> rules;

    public Auditor(List<AuditRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<AuditRule> rules() {
        return rules;
    }

    public AuditReport audit(AuditInput input) {
        List<Finding> results = new ArrayList<>();
        for (AuditRule rule : rules) {
            results.addAll(rule.check(input));
        }
        results.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::rule)
                .thenComparing(f -> f.where().toString()));
        return new AuditReport(results);
    }
}

package io.tierlift.audit;

import java.util.List;

/** The outcome of an audit: findings (which fail it) and informational notes (which do not). */
public record AuditReport(List<Finding> results) {
    public AuditReport {
        results = List.copyOf(results);
    }

    public List<Finding> findings() {
        return results.stream().filter(f -> f.severity().isFinding()).toList();
    }

    public List<Finding> notes() {
        return results.stream().filter(f -> !f.severity().isFinding()).toList();
    }

    public boolean passed() {
        return findings().isEmpty();
    }
}

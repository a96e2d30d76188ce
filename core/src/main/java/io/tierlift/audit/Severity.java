package io.tierlift.audit;

/**
 * How much a finding matters. {@link #INFO} is a note, not a finding: it is shown but never fails
 * the audit, so CI gates only on what needs a change.
 */
public enum Severity {
    HIGH, MEDIUM, LOW, INFO;

    public boolean isFinding() {
        return this != INFO;
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package io.tierlift.audit;

/** The identity every rule carries (id, severity, what it wants, the fix); subclasses add the check. */
public abstract class DescribedRule implements AuditRule {
    private final String id;
    private final Severity severity;
    private final String summary;
    private final String fix;

    protected DescribedRule(String id, Severity severity, String summary, String fix) {
        this.id = id;
        this.severity = severity;
        this.summary = summary;
        this.fix = fix;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String fix() {
        return fix;
    }
}

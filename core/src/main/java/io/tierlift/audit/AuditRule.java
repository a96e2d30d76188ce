package io.tierlift.audit;

import java.util.List;

/**
 * One documented check (docs/audit.md lists them by id). A rule looks only at what tierlift would
 * place: the rendered files (secrets masked) and the model; it does no I/O.
 */
public interface AuditRule {
    String id();

    Severity severity();

    /** What the rule wants, in one line. */
    String summary();

    /** How to make a finding of this rule go away. */
    String fix();

    List<Finding> check(AuditInput input);

    default Finding finding(Where where, String what) {
        return new Finding(id(), severity(), where, what, fix());
    }
}

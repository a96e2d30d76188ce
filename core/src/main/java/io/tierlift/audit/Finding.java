package io.tierlift.audit;

/** One thing the audit found: which rule, how bad, where, what is wrong and how to fix it. */
public record Finding(String rule, Severity severity, Where where, String what, String fix) {
}

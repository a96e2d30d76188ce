package io.tierlift.tier;

/** After a failover: the new primary, the old one and whether it was stopped, and what to do next. */
public record FailoverOutcome(String newPrimary, String oldPrimary, boolean oldPrimaryFenced, String nextStep) {
}

package io.tierlift.tier;

import java.util.List;

/**
 * What a deploy did: one recap row per host or stack (and, on AWS, per artifact), whether anything
 * changed, whether a part failed (the command then exits 1), and the closing sentence.
 */
public record DeployOutcome(List<RecapRow> recap, boolean changed, boolean failed, String summary) {
    public DeployOutcome {
        recap = List.copyOf(recap);
    }

    /** {@code subject}: a host, a stack or an artifact; {@code state}: what happened to it. */
    public record RecapRow(String subject, String state) {
    }
}

package io.tierlift.migrate;

import java.util.ArrayList;
import java.util.List;

/** One journaled step as a migration with given settings takes it, in the order it runs. */
public record MigrationStep(Step step, String summary) {
    public String name() {
        return step.journalName();
    }

    public Phase phase() {
        return step.phase();
    }

    public static List<MigrationStep> stepsFor(MigrationSettings s) {
        List<Step> steps = new ArrayList<>(List.of(Step.PREFLIGHT, Step.PROVISION));
        if (s.method() != Method.LOGICAL) {
            steps.addAll(List.of(Step.MAINTENANCE, Step.DUMP, Step.RESTORE, Step.SEQUENCES, Step.VERIFY, Step.STOP_REPLICATION,
                    Step.SWITCH));
        } else {
            steps.addAll(List.of(Step.SCHEMA, Step.PUBLICATION, Step.SUBSCRIPTION, Step.INITIAL_COPY, Step.INDEXES, Step.PRE_VERIFY,
                    Step.MAINTENANCE, Step.DRAIN, Step.SEQUENCES));
            steps.add(s.verifyBeforeSwitch() ? Step.VERIFY : Step.PIN_SNAPSHOT);
            steps.add(Step.STOP_REPLICATION);
            if (s.reverseReplication()) {
                steps.add(Step.REVERSE_REPLICATION);
            }
            steps.add(Step.SWITCH);
            if (!s.verifyBeforeSwitch()) {
                steps.add(Step.FINAL_VERIFY);
            }
        }
        return steps.stream().map(step -> new MigrationStep(step, step.summary(s))).toList();
    }
}

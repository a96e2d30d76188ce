package io.tierlift.migrate;

/** Called before each journaled step; tests use it to crash the migration at a chosen point. */
@FunctionalInterface
public interface StepHook {
    void beforeStep(Step step);

    static StepHook none() {
        return step -> {
        };
    }
}

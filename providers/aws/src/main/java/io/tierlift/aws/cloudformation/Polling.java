package io.tierlift.aws.cloudformation;

import java.time.Duration;

/** The pause between two polls of a stack or change set, and how waits are worded. */
final class Polling {
    private final Sleeper sleeper;
    private final Duration interval;

    Polling(Sleeper sleeper, Duration interval) {
        this.sleeper = sleeper;
        this.interval = interval;
    }

    void pause(String stackName) {
        try {
            sleeper.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackDeployException(stackName, "interrupted while waiting for stack " + stackName
                    + "; any running CloudFormation operation carries on");
        }
    }

    /** "90 min", or "250 ms" for the short waits of tests. */
    static String describe(Duration duration) {
        return duration.toMinutes() >= 1 ? duration.toMinutes() + " min" : duration.toMillis() + " ms";
    }
}

package io.tierlift.aws.cloudformation;

import java.time.Duration;

/** Waits between polls; tests pass one that returns at once or counts. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper system() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}

package io.tierlift.aws.cloudformation;

import java.time.Duration;

/**
 * Polling and patience. {@code changeSetTimeout} bounds the wait for a change set to be computed,
 * {@code stackTimeout} the wait for a stack operation (RDS Multi-AZ creates take ~20 minutes).
 * {@code waitForBusyStack}: when another operation is running on the stack, wait for it to end
 * (true) or refuse at once (false).
 */
public record DeployerSettings(Duration pollInterval, Duration changeSetTimeout, Duration stackTimeout,
                               boolean waitForBusyStack) {
    public static DeployerSettings defaults() {
        return new DeployerSettings(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMinutes(90), true);
    }

    public DeployerSettings withPollInterval(Duration interval) {
        return new DeployerSettings(interval, changeSetTimeout, stackTimeout, waitForBusyStack);
    }

    public DeployerSettings withTimeouts(Duration changeSet, Duration stack) {
        return new DeployerSettings(pollInterval, changeSet, stack, waitForBusyStack);
    }

    public DeployerSettings withWaitForBusyStack(boolean wait) {
        return new DeployerSettings(pollInterval, changeSetTimeout, stackTimeout, wait);
    }
}

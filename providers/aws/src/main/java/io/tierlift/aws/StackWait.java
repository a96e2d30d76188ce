package io.tierlift.aws;

import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackDeployer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Polls a stack CloudFormation is working on until it leaves *_IN_PROGRESS, for at most the stack timeout. */
final class StackWait {
    private final String target;
    private final StackDeployer stacks;
    private final Duration pollInterval;
    private final Duration stackTimeout;
    private final Clock clock;

    StackWait(String target, StackDeployer stacks, Duration pollInterval, Duration stackTimeout, Clock clock) {
        this.target = target;
        this.stacks = stacks;
        this.pollInterval = pollInterval;
        this.stackTimeout = stackTimeout;
        this.clock = clock;
    }

    /** The stack once it settled, or empty once it is gone. */
    Optional<LiveStack> untilSettled(String stackName, String nameOrId, String region) {
        Instant deadline = clock.instant().plus(stackTimeout);
        while (true) {
            Optional<LiveStack> now = stacks.status(nameOrId, region);
            String status = now.map(LiveStack::status).orElse("DELETE_COMPLETE");
            if (!status.endsWith("_IN_PROGRESS")) {
                return now;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new StackSetException("stack " + stackName + " is still " + status + " after "
                        + stackTimeout.toMinutes() + " min; follow it with 'tierlift status " + target + "'");
            }
            sleep(stackName);
        }
    }

    private void sleep(String stackName) {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackSetException("interrupted while waiting for stack " + stackName);
        }
    }
}

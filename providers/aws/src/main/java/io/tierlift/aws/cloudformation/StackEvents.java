package io.tierlift.aws.cloudformation;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Follows a stack operation through the stack's events until it settles, printing each event once,
 * and names the event that caused a failure.
 */
final class StackEvents {
    private final StackReader reader;
    private final Progress progress;
    private final Polling polling;
    private final Duration stackTimeout;
    private final Clock clock;
    private final AwsCalls aws = new AwsCalls("CloudFormation");
    private final RootCause rootCause = new RootCause();

    StackEvents(StackReader reader, Progress progress, Polling polling, Duration stackTimeout, Clock clock) {
        this.reader = reader;
        this.progress = progress;
        this.polling = polling;
        this.stackTimeout = stackTimeout;
        this.clock = clock;
    }

    /** Where a followed operation ended: the stack's status, the stack (empty once deleted) and the events it produced. */
    record Followed(String status, Optional<LiveStack> stack, List<StackEvent> events) {
    }

    /**
     * Follows a stack until it leaves *_IN_PROGRESS, printing each new event once, oldest first.
     * "New" means after {@code marker}, the newest event seen before the operation started: event
     * ids, unlike local clocks, can't be skewed against AWS's.
     */
    Followed follow(CloudFormationClient cfn, String name, String stackId, Optional<String> marker) {
        Instant deadline = clock.instant().plus(stackTimeout);
        Set<String> seen = new HashSet<>();
        marker.ifPresent(seen::add);
        List<StackEvent> events = new ArrayList<>();
        while (true) {
            Optional<LiveStack> live = reader.describe(cfn, stackId);
            for (StackEvent event : eventsSince(cfn, stackId, seen)) {
                seen.add(event.eventId());
                events.add(event);
                progress.step(name, event.describe());
            }
            // A deleted stack may no longer be found by id, depending on the endpoint.
            String status = live.map(LiveStack::status).orElse("DELETE_COMPLETE");
            if (!status.endsWith("_IN_PROGRESS")) {
                return new Followed(status, live, events);
            }
            if (clock.instant().isAfter(deadline)) {
                throw new StackDeployException(name, Optional.of(status), Optional.empty(), "stack " + name
                        + " is still " + status + " after " + Polling.describe(stackTimeout)
                        + "; CloudFormation carries on: follow it with 'tierlift status' or in the console", null);
            }
            polling.pause(name);
        }
    }

    /** The id of the stack's newest event, the marker for a {@link #follow} of the operation about to start. */
    Optional<String> newestEventId(CloudFormationClient cfn, String stackId) {
        try {
            return aws.call("DescribeStackEvents", () -> cfn.describeStackEvents(b -> b.stackName(stackId))
                    .stackEvents().stream().findFirst().map(e -> e.eventId()));
        } catch (AwsCallException e) {
            if (StackReader.notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The failure of a followed operation, naming the resource whose failure caused it. */
    StackDeployException failure(String name, Followed followed) {
        Optional<StackEvent> cause = rootCause.find(followed.events());
        String why = cause.map(e -> e.logicalId() + " (" + e.resourceType() + ") " + e.status()
                        + e.reason().map(r -> ": " + r).orElse(""))
                .or(() -> followed.stack().flatMap(LiveStack::statusReason))
                .orElse("CloudFormation gave no reason; see the stack's events");
        return new StackDeployException(name, Optional.of(followed.status()), cause,
                "stack " + name + " failed (" + followed.status() + "): " + why, null);
    }

    /** Events newer than any in {@code seen}, oldest first. AWS lists newest first, page by page. */
    private List<StackEvent> eventsSince(CloudFormationClient cfn, String stackId, Set<String> seen) {
        List<StackEvent> fresh = new ArrayList<>();
        try {
            aws.call("DescribeStackEvents", () -> {
                for (var event : cfn.describeStackEventsPaginator(b -> b.stackName(stackId)).stackEvents()) {
                    if (seen.contains(event.eventId())) {
                        break;
                    }
                    fresh.add(new StackEvent(event.eventId(), event.timestamp(), event.logicalResourceId(),
                            event.resourceType(), event.resourceStatusAsString(),
                            Optional.ofNullable(event.resourceStatusReason()).filter(r -> !r.isBlank())));
                }
                return null;
            });
        } catch (AwsCallException e) {
            if (!StackReader.notFound(e)) {
                throw e;
            }
        }
        Collections.reverse(fresh);
        return fresh;
    }
}

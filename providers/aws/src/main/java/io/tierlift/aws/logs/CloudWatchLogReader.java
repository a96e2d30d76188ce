package io.tierlift.aws.logs;

import io.tierlift.logs.Interleaver;
import io.tierlift.logs.LogLine;
import io.tierlift.logs.LogRole;
import io.tierlift.tier.LogSink;
import io.tierlift.tier.LogsRequest;
import io.tierlift.tier.TierFailure;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code logs} on the AWS tiers: the events of the stacks' CloudWatch Logs groups since a time,
 * read with FilterLogEvents (every page), merged by time. Following polls each group again from the
 * newest event's time on; events of that same millisecond already shown are recognised by their id.
 * The {@code --grep} expression is applied here, not as a CloudWatch filter pattern, so it means the
 * same on every tier.
 */
public final class CloudWatchLogReader {
    /**
     * One log group. {@code streamIsHostAndSource}: its stream names are {@code <instance>/<source>}
     * (the CloudWatch agent on aws-iaas); otherwise the whole stream name is the host and {@code source}
     * names the group's lines. {@code region}: where it lives when not in the tier's region (the WAF's
     * logs of a CloudFront web ACL are in us-east-1). {@code madeByService}: the service creates it with
     * its first log (RDS), so while it is missing a read of every role leaves it out.
     */
    public record Group(String name, String source, LogRole role, boolean streamIsHostAndSource, Optional<String> region,
                        boolean madeByService) {
        public Group(String name, String source, LogRole role, boolean streamIsHostAndSource) {
            this(name, source, role, streamIsHostAndSource, Optional.empty(), false);
        }
    }

    private final Function<String, CloudWatchLogsClient> clients;
    private final String region;
    private final Clock clock;
    private final Duration pollInterval;

    public CloudWatchLogReader(Supplier<CloudWatchLogsClient> client, Clock clock, Duration pollInterval) {
        this(r -> client.get(), "", clock, pollInterval);
    }

    /** {@code clients} by region; {@code region}: the tier's, for groups that name none. */
    public CloudWatchLogReader(Function<String, CloudWatchLogsClient> clients, String region, Clock clock, Duration pollInterval) {
        this.clients = clients;
        this.region = region;
        this.clock = clock;
        this.pollInterval = pollInterval;
    }

    public void read(List<Group> all, LogsRequest request, LogSink sink) {
        List<Group> groups = all.stream().filter(g -> request.role().map(r -> r == g.role()).orElse(true)).toList();
        if (groups.isEmpty()) {
            throw new TierFailure("no log group of role " + request.role().map(LogRole::label).orElse("") + " on this tier; roles with "
                    + "logs: " + String.join(", ", all.stream().map(g -> g.role().label()).distinct().toList()));
        }
        Map<Group, Long> from = new HashMap<>();
        Map<Group, Set<String>> seenAtFrom = new HashMap<>();
        long since = clock.instant().minus(request.since()).toEpochMilli();
        groups.forEach(g -> from.put(g, since));
        do {
            List<LogLine> lines = new ArrayList<>();
            for (Group group : groups) {
                lines.addAll(poll(group, request, from, seenAtFrom));
            }
            Interleaver.sorted(lines).forEach(sink::accept);
        } while (request.follow() && !stopped(request));
    }

    private boolean stopped(LogsRequest request) {
        try {
            return request.control().awaitStop(pollInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private List<LogLine> poll(Group group, LogsRequest request, Map<Group, Long> from, Map<Group, Set<String>> seenAtFrom) {
        long start = from.get(group);
        Set<String> seen = seenAtFrom.computeIfAbsent(group, g -> new HashSet<>());
        List<LogLine> lines = new ArrayList<>();
        String token = null;
        long newest = start;
        Set<String> atNewest = new HashSet<>(seen);
        try {
            do {
                FilterLogEventsRequest.Builder ask = FilterLogEventsRequest.builder().logGroupName(group.name()).startTime(start)
                        .nextToken(token);
                request.host().ifPresent(ask::logStreamNamePrefix);
                FilterLogEventsResponse page = clients.apply(group.region().orElse(region)).filterLogEvents(ask.build());
                for (FilteredLogEvent event : page.events()) {
                    // the prefix is checked here too: not every implementation of the API applies it
                    boolean otherStream = request.host().map(h -> event.logStreamName() == null
                            || !event.logStreamName().startsWith(h)).orElse(false);
                    if (otherStream || event.timestamp() == start && seen.contains(event.eventId())) {
                        continue;
                    }
                    if (event.timestamp() > newest) {
                        newest = event.timestamp();
                        atNewest.clear();
                    }
                    if (event.timestamp() == newest) {
                        atNewest.add(event.eventId());
                    }
                    line(group, event).filter(l -> request.wants(l.line())).ifPresent(lines::add);
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
        } catch (ResourceNotFoundException e) {
            if (group.madeByService()) {
                if (request.role().isEmpty()) {
                    return lines;
                }
                throw new TierFailure("log group " + group.name() + " does not exist yet: the service creates it when it "
                        + "writes its first log", e);
            }
            throw new TierFailure("log group " + group.name() + " does not exist: the tier is not deployed (or its stack "
                    + "was deleted)", e);
        }
        from.put(group, newest);
        seenAtFrom.put(group, atNewest);
        return lines;
    }

    static Optional<LogLine> line(Group group, FilteredLogEvent event) {
        String message = event.message() == null ? "" : event.message().stripTrailing();
        if (message.isEmpty()) {
            return Optional.empty();
        }
        String stream = event.logStreamName() == null ? "" : event.logStreamName();
        String host = stream;
        String source = group.source();
        int slash = stream.indexOf('/');
        if (group.streamIsHostAndSource() && slash > 0) {
            host = stream.substring(0, slash);
            source = stream.substring(slash + 1);
        }
        return Optional.of(new LogLine(Instant.ofEpochMilli(event.timestamp()), host, source, group.role(), message));
    }
}

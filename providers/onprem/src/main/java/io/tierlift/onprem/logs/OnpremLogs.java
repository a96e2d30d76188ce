package io.tierlift.onprem.logs;

import io.tierlift.logs.Interleaver;
import io.tierlift.logs.LogLine;
import io.tierlift.model.AppDescriptor;
import io.tierlift.onprem.deploy.HostSession;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.RunningCommand;
import io.tierlift.tier.LogSink;
import io.tierlift.tier.LogsRequest;
import io.tierlift.tier.TierFailure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code logs} on the on-prem tier: one command per host over the run's SSH connections, its lines
 * merged by time with every other host's. Following, lines are held {@link #HOLD} after they arrive so
 * that those of several hosts come out in the order they were written. Reads only.
 */
public final class OnpremLogs {
    /** How long a followed line waits for lines of other hosts written before it. */
    static final Duration HOLD = Duration.ofMillis(300);
    private static final Duration TICK = Duration.ofMillis(100);

    private final Connector connector;
    private final Clock clock;

    public OnpremLogs(Connector connector, Clock clock) {
        this.connector = connector;
        this.clock = clock;
    }

    public void read(AppDescriptor descriptor, LogsRequest request, LogSink sink) {
        List<LogTails.HostTails> hosts = LogTails.select(descriptor, request.role(), request.host());
        Instant since = clock.instant().minus(request.since());
        try (connector) {
            if (request.follow()) {
                follow(hosts, request, since, sink);
            } else {
                List<LogLine> lines = new ArrayList<>();
                for (LogTails.HostTails host : hosts) {
                    HostSession session = new HostSession(host.host(), connector.connect(host.host()));
                    String out = session.run("reading the logs", LogCommand.of(host.tails(), since, false)).out();
                    HostLogReader reader = new HostLogReader(host, keep(request, since, lines::add));
                    out.lines().forEach(reader::accept);
                }
                Interleaver.sorted(lines).forEach(sink::accept);
            }
        }
    }

    private void follow(List<LogTails.HostTails> hosts, LogsRequest request, Instant since, LogSink sink) {
        Interleaver interleaver = new Interleaver(HOLD.toNanos());
        Map<String, RunningCommand> running = new LinkedHashMap<>();
        try {
            for (LogTails.HostTails host : hosts) {
                Connection connection = connector.connect(host.host());
                HostLogReader reader = new HostLogReader(host, keep(request, since, line -> interleaver.add(line, System.nanoTime())));
                running.put(host.host().name(), connection.start(LogCommand.of(host.tails(), since, true), reader::accept));
            }
            while (!request.control().awaitStop(TICK)) {
                interleaver.ready(System.nanoTime()).forEach(sink::accept);
                if (running.values().stream().allMatch(RunningCommand::ended)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.values().forEach(RunningCommand::close);
        }
        interleaver.rest().forEach(sink::accept);
        if (!request.control().stopped()) {
            List<String> ended = new ArrayList<>();
            running.forEach((host, command) -> ended.add(host + " (exit " + command.exitStatus()
                    + (command.stderr().isBlank() ? "" : ": " + command.stderr().strip()) + ")"));
            throw new TierFailure("following the logs ended on every host before it was stopped: " + String.join(", ", ended));
        }
    }

    /** Lines written since {@code since} that the request's pattern finds. */
    private static Consumer<LogLine> keep(LogsRequest request, Instant since, Consumer<LogLine> out) {
        return line -> {
            if (!line.time().isBefore(since) && request.wants(line.line())) {
                out.accept(line);
            }
        };
    }
}

package io.tierlift.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.logs.LogLine;
import io.tierlift.logs.LogRole;
import io.tierlift.tier.LogFollow;
import io.tierlift.tier.LogsRequest;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

@Command(name = "logs", description = {"Show the deployment's log lines, merged by time, each tagged with its host and source.",
        "onprem: over SSH, the nginx access and error logs, the ModSecurity audit log (one line per transaction: status, "
                + "request, rules), Gunicorn's logs, PostgreSQL's log and, on hosts with systemd, the units' journal. "
                + "aws-iaas, aws-serverless: the stacks' CloudWatch Logs groups.",
        "Every request carries one id from the edge on (X-Request-ID: the client's when well-formed, else the edge's "
                + "own): --grep ID finds its lines in every tier.",
        "--follow keeps printing new lines until Ctrl-C, which ends it, and whatever it started on the hosts, with "
                + "exit status 130."})
public final class LogsCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the remote reads to stop before the process ends anyway. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    enum Format { text, json }

    private final Application app;
    @Mixin
    TargetArguments on;
    @Option(names = "--role", paramLabel = "ROLE", description = "Only this role's logs: app, waf, proxy or db.")
    String role;
    @Option(names = "--host", paramLabel = "HOST", description = "Only this host's logs (on AWS: log streams whose name starts with it).")
    String host;
    @Option(names = "--follow", description = "Keep printing new lines until Ctrl-C.")
    boolean follow;
    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "10m",
            description = "Lines written within this time before now: 90s, 10m (default), 2h, 1d.")
    String since;
    @Option(names = "--grep", paramLabel = "REGEX", description = "Only lines this regular expression finds (e.g. a request id).")
    String grep;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: one object per line with time, host, source, role and line.")
    Format output;

    LogsCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Optional<LogRole> wantedRole = Optional.ofNullable(role).map(LogsCommand::role);
        Optional<Pattern> pattern = Optional.ofNullable(grep).map(LogsCommand::pattern);
        Duration window = WafCommand.Report.duration(since);
        if (host != null && !host.matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}")) {
            throw new UserException("--host '" + host + "' is not a host name", ExitCode.USAGE);
        }
        Operation[] asked = follow ? new Operation[]{Operation.LOGS, Operation.LOGS_FOLLOW} : new Operation[]{Operation.LOGS};
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        LogFollow control = new LogFollow();
        LogsRequest request = new LogsRequest(wantedRole, Optional.ofNullable(host), window, pattern, follow, control);
        PrintWriter out = app.console().out();
        ObjectMapper json = new ObjectMapper();
        // Ctrl-C: stop following, let the tier end what it started on the hosts, then let the JVM end (status 130).
        Thread onInterrupt = new Thread(() -> {
            control.stop();
            try {
                control.awaitFinished(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "logs-stop");
        if (follow) {
            Runtime.getRuntime().addShutdownHook(onInterrupt);
        }
        try {
            on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> {
                tier.logs(request, line -> {
                    out.println(output == Format.json ? json(json, line) : text(line));
                    out.flush();
                });
                return null;
            });
        } finally {
            out.flush();
            control.finished();
            if (follow) {
                removeHook(onInterrupt);
            }
        }
        return ExitCode.OK;
    }

    static String text(LogLine line) {
        return line.host() + " " + line.source() + " | " + line.line();
    }

    static String json(ObjectMapper mapper, LogLine line) {
        ObjectNode node = mapper.createObjectNode();
        node.put("time", line.time().toString());
        node.put("host", line.host());
        node.put("source", line.source());
        node.put("role", line.role().label());
        node.put("line", line.line());
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LogRole role(String text) {
        for (LogRole r : LogRole.values()) {
            if (r.label().equals(text.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new UserException("--role '" + text + "' is not one of app, waf, proxy, db", ExitCode.USAGE);
    }

    private static Pattern pattern(String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new UserException("--grep '" + text + "' is not a regular expression: " + e.getDescription(), ExitCode.USAGE);
        }
    }

    /** After a normal end; while the JVM is already shutting down (Ctrl-C) the hook is running and stays. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what ends this run
        }
    }
}

package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.console.Terminal;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.ExecOutcome;
import io.tierlift.tier.ExecRequest;
import io.tierlift.tier.LocalStreams;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "exec", description = {"Run a command in the app's own environment: the service's secrets and DATABASE_URL, "
        + "its user, its live release folder.",
        "Interactive (a terminal on the host) when standard input is a terminal, piped otherwise; the command's exit code is "
                + "tierlift's. Put -- before the command.",
        "onprem: over SSH on the first app host (or --host), through the same envexec wrapper as the Gunicorn service; every "
                + "exec is recorded on that host in /var/log/tierlift/exec.log (and the journal or syslog, tag tierlift-exec).",
        "aws-serverless: a one-off invocation of the function's live alias, as the release command runs (piped only, no "
                + "terminal); the output is printed when it ends, and the function's log records who ran what.",
        "aws-iaas: SSM Run Command on an InService instance of the app's Auto Scaling group (or --host INSTANCE_ID), through "
                + "the service's start script as its user (piped only, no terminal); the output is printed when it ends, and "
                + "the app's log group records who ran what with the output."})
public final class ExecCommand implements Callable<Integer> {
    private final Application app;
    @Mixin
    TargetArguments on;
    @Option(names = "--host", paramLabel = "HOST", description = "The app host to run on (default: the first app host); "
            + "on aws-iaas an instance id of the app's Auto Scaling group.")
    String host;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments, after --.")
    List<String> command;

    public ExecCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Terminal terminal = app.terminal();
        // A terminal on stdin asks for an interactive exec, which not every tier can give.
        Operation[] asked = terminal.inputIsTerminal() ? new Operation[] {Operation.EXEC, Operation.EXEC_INTERACTIVE}
                : new Operation[] {Operation.EXEC};
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        LocalStreams streams = terminal.streams(app.environment().getOrDefault("TERM", "xterm"));
        ExecRequest request = new ExecRequest(Optional.ofNullable(host), command, operator(app), streams);
        ExecOutcome outcome = on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> {
            try (Terminal.RawMode raw = streams.interactive() ? terminal.raw() : Terminal.RawMode.none()) {
                return tier.exec(request);
            }
        });
        return outcome.exitCode();
    }

    /** Who runs the command, as this machine names the user: recorded on the host with the command. */
    static String operator(Application app) {
        String user = app.environment().get("USER");
        return user == null || user.isBlank() ? System.getProperty("user.name") : user;
    }
}

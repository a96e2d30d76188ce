package io.tierlift.cli;

import io.tierlift.cli.console.Console;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.cli.console.Terminal;
import io.tierlift.render.engine.UnsafeValueException;
import io.tierlift.secret.SecretUnavailableException;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierRegistry;
import io.tierlift.tier.UnsupportedOperationForTier;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Entry point: wires the application, runs picocli, and maps failures to the contract's exit codes. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        boolean terminal = System.console() != null;
        int code = run(args, System.getenv(), out, err, terminal, Tiers::standard, Terminal.system());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The command tree, as the docs generator and completion see it. */
    public static CommandLine commandLine(Application application) {
        return new CommandLine(new TierliftCommand(), new CommandFactory(application));
    }

    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
        return run(args, env, out, err, terminal, Tiers::standard);
    }

    /** As {@link #run(String[], Map, PrintWriter, PrintWriter, boolean)}, with the tiers {@code tiers} builds (tests). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal,
                          Function<TierContext, TierRegistry> tiers) {
        return run(args, env, out, err, terminal, tiers, Terminal.detached(new byte[0], out, err));
    }

    /** As above, with the process's byte streams: exec and db shell hand them to the program they run. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal,
                          Function<TierContext, TierRegistry> tiers, Terminal streams) {
        Console console = new Console(out, err, Console.colorWanted(env, terminal), false);
        Application application = new Application(console, new DescriptorLoader(), tiers.apply(context(env, console)), env, streams);
        CommandLine commandLine = commandLine(application);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(console.color() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            err.println("tierlift: " + ex.getMessage());
            CommandLine failed = ex.getCommandLine();
            err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return ExitCode.USAGE;
        });
        commandLine.setExecutionStrategy(parseResult -> {
            console.setQuiet(matched(parseResult, "--quiet"));
            console.setJsonEvents(eventsFormat(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
                handleFailure(ex, console, matched(parseResult, "--verbose")));
        Optional<String> unknown = unknownCommand(commandLine, args);
        if (unknown.isPresent()) {
            // Refused before picocli sees --help, which would print the root help and exit 0.
            err.println("tierlift: unknown command '" + unknown.get() + "'");
            err.println("Run 'tierlift --help' for usage.");
            err.flush();
            return ExitCode.USAGE;
        }
        return commandLine.execute(args);
    }

    /** The first word that is not a root option, when it names no command. */
    private static Optional<String> unknownCommand(CommandLine root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--output-events")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return root.getSubcommands().containsKey(arg) ? Optional.empty() : Optional.of(arg);
            }
        }
        return Optional.empty();
    }

    /** What every provider builds its tiers from: this run's environment, progress on stderr, the clock, the version. */
    public static TierContext context(Map<String, String> env, Console console) {
        return new TierContext(env, new StderrProgress(console), Clock.systemUTC(), Version.current());
    }

    /** --output-events takes one format today; anything else is a usage error, as a bad option is. */
    private static boolean eventsFormat(ParseResult parseResult) {
        for (CommandLine cl : parseResult.asCommandLineList()) {
            ParseResult result = cl.getParseResult();
            if (result != null && result.hasMatchedOption("--output-events")) {
                String format = result.matchedOptionValue("--output-events", "");
                if (!format.equals("json")) {
                    throw new CommandLine.ParameterException(cl, "--output-events: unknown format '" + format + "'; expected json");
                }
                return true;
            }
        }
        return false;
    }

    private static boolean matched(ParseResult parseResult, String option) {
        return parseResult.asCommandLineList().stream()
                .anyMatch(cl -> cl.getParseResult() != null && cl.getParseResult().hasMatchedOption(option));
    }

    private static int handleFailure(Exception ex, Console console, boolean verbose) {
        if (ex instanceof InvalidDescriptorException invalid) {
            for (Diagnostic d : invalid.diagnostics()) {
                console.err().println(d.format());
            }
            int count = invalid.diagnostics().size();
            console.err().println(count + (count == 1 ? " error" : " errors") + "; nothing was changed.");
            console.err().flush();
            return ExitCode.INVALID_DESCRIPTOR;
        }
        if (ex instanceof UserException user) {
            console.error(user.getMessage());
            return user.exitCode();
        }
        if (ex instanceof UnsafeValueException unsafe) {
            console.error(unsafe.getMessage());
            return ExitCode.INVALID_DESCRIPTOR;
        }
        if (ex instanceof UnsupportedOperationForTier unsupported) {
            console.error(unsupported.getMessage());
            return ExitCode.USAGE;
        }
        if (ex instanceof TierFailure failure) {
            console.error(failure.getMessage());
            return ExitCode.FAILED;
        }
        if (ex instanceof SecretUnavailableException secret) {
            console.error(secret.getMessage());
            return ExitCode.FAILED;
        }
        console.error("internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                + (verbose ? "" : " (run with --verbose for details)"));
        if (verbose) {
            ex.printStackTrace(console.err());
            console.err().flush();
        }
        return ExitCode.FAILED;
    }
}

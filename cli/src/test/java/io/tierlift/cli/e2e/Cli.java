package io.tierlift.cli.e2e;

import io.tierlift.cli.Main;
import io.tierlift.cli.Tiers;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierRegistry;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.Function;

/** Runs the CLI in-process, as a non-terminal, capturing both streams. */
record Cli(int exitCode, String out, String err) {
    static Cli run(Map<String, String> env, String... args) {
        return run(Tiers::standard, env, args);
    }

    /** With the tiers {@code tiers} builds, e.g. with a release invoker of the test's own. */
    static Cli run(Function<TierContext, TierRegistry> tiers, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false, tiers);
        return new Cli(code, out.toString(), err.toString());
    }

    /** With {@code stdin} as the process's standard input (not a terminal), for exec and db shell. */
    static Cli withInput(Map<String, String> env, byte[] stdin, String... args) {
        return withInput(Tiers::standard, env, stdin, args);
    }

    /** With the tiers {@code tiers} builds and {@code stdin} as standard input. */
    static Cli withInput(Function<TierContext, TierRegistry> tiers, Map<String, String> env, byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        int code = Main.run(args, env, outWriter, errWriter, false, tiers,
                io.tierlift.cli.console.Terminal.detached(stdin, outWriter, errWriter));
        return new Cli(code, out.toString(), err.toString());
    }

    String all() {
        return out + err;
    }
}

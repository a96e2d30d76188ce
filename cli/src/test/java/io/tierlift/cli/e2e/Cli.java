package io.tierlift.cli.e2e;

import io.tierlift.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the CLI in-process, as a non-terminal, capturing both streams. */
record Cli(int exitCode, String out, String err) {
    static Cli run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Cli(code, out.toString(), err.toString());
    }

    String all() {
        return out + err;
    }
}

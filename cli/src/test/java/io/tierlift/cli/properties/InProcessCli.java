package io.tierlift.cli.properties;

import io.tierlift.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the CLI in-process, capturing stdout and stderr, as a non-terminal. */
record InProcessCli(int exitCode, String out, String err) {
    static InProcessCli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new InProcessCli(code, out.toString(), err.toString());
    }

    /** A failure that escaped the CLI's error handling shows as a stack trace or "internal error". */
    boolean leakedInternals() {
        return err.contains("Exception") || err.contains("\tat ") || err.contains("internal error")
                || out.contains("Exception") || out.contains("\tat ");
    }

    String describe() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}

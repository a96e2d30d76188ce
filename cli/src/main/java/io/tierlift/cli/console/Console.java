package io.tierlift.cli.console;

import java.io.PrintWriter;

/**
 * Where the CLI writes: data (plans, JSON, schema) to stdout, everything for people (progress,
 * diagnostics, warnings) to stderr. Colour only on a terminal and never with NO_COLOR.
 */
public final class Console {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean color;
    private volatile boolean quiet;
    private volatile boolean jsonEvents;

    public Console(PrintWriter out, PrintWriter err, boolean color, boolean quiet) {
        this.out = out;
        this.err = err;
        this.color = color;
        this.quiet = quiet;
    }

    public static boolean colorWanted(java.util.Map<String, String> env, boolean terminal) {
        String noColor = env.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public boolean color() {
        return color;
    }

    /** Set once from the command line (--quiet) after parsing. */
    public void setQuiet(boolean quiet) {
        this.quiet = quiet;
    }

    /** Set once from the command line (--output-events json) after parsing. */
    public void setJsonEvents(boolean jsonEvents) {
        this.jsonEvents = jsonEvents;
    }

    /** Whether progress is also written as one JSON object per line on stderr, for machines. */
    public boolean jsonEvents() {
        return jsonEvents;
    }

    public boolean quiet() {
        return quiet;
    }

    /** A line for machines on stderr: written even with --quiet, which only silences lines for people. */
    public void event(String jsonLine) {
        err.println(jsonLine);
        err.flush();
    }

    /** A progress or status line for people; silent with --quiet. */
    public void info(String line) {
        if (!quiet) {
            err.println(line);
            err.flush();
        }
    }

    public void warning(String line) {
        err.println(paint("33", "warning: ") + line);
        err.flush();
    }

    public void error(String line) {
        err.println(paint("31", "error: ") + line);
        err.flush();
    }

    public String paint(String code, String text) {
        return color ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}

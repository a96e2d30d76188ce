package io.tierlift.onprem.command;

import io.tierlift.shell.ShellWords;

import java.util.ArrayList;
import java.util.List;

/**
 * A command for a remote POSIX shell, built from separate arguments and quoted here, never by
 * concatenating strings. Secrets are never arguments: they travel on stdin or in uploaded files.
 */
public final class RemoteCommand {
    private final List<String> argv;
    private final boolean sudo;

    private RemoteCommand(List<String> argv, boolean sudo) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command arguments cannot contain NUL");
            }
        }
        this.argv = List.copyOf(argv);
        this.sudo = sudo;
    }

    public static RemoteCommand of(String program, String... args) {
        List<String> all = new ArrayList<>();
        all.add(program);
        all.addAll(List.of(args));
        return new RemoteCommand(all, false);
    }

    public static RemoteCommand of(List<String> argv) {
        return new RemoteCommand(argv, false);
    }

    /** Runs a fixed script with {@code sh -c}; values go in as positional parameters, quoted. */
    public static RemoteCommand script(String fixedScript, String... parameters) {
        List<String> all = new ArrayList<>(List.of("sh", "-c", fixedScript, "tierlift"));
        all.addAll(List.of(parameters));
        return new RemoteCommand(all, false);
    }

    public RemoteCommand arg(String value) {
        List<String> all = new ArrayList<>(argv);
        all.add(value);
        return new RemoteCommand(all, sudo);
    }

    public RemoteCommand args(List<String> values) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(values);
        return new RemoteCommand(all, sudo);
    }

    /** Runs through {@code sudo -n} (never prompting) when the login user is not root. */
    public RemoteCommand withSudo(boolean needed) {
        return new RemoteCommand(argv, needed);
    }

    public List<String> argv() {
        return argv;
    }

    /** The command line for the remote shell. */
    public String toShell() {
        StringBuilder out = new StringBuilder();
        if (sudo) {
            out.append("sudo -n -- ");
        }
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(quote(argv.get(i)));
        }
        return out.toString();
    }

    /** POSIX single-quote quoting: everything literal, a ' written as '\''; the rule of {@link ShellWords}. */
    public static String quote(String value) {
        return ShellWords.quote(value);
    }

    @Override
    public String toString() {
        return toShell();
    }
}

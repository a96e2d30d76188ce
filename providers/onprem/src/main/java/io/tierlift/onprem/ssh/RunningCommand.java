package io.tierlift.onprem.ssh;

import java.time.Duration;

/**
 * A command on a host whose output is read line by line while it runs. Closing it closes the
 * command's standard input, which is how a long-running command is told to stop (see {@code logs -f}),
 * waits a little for it to end, and then closes its channel.
 */
public interface RunningCommand extends AutoCloseable {
    /** Waits up to {@code timeout} for the command to end and its output to be read; true when it has. */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    boolean ended();

    /** The exit status once ended; -1 before, or when the host gave none. */
    int exitStatus();

    /** What the command wrote to standard error so far. */
    String stderr();

    @Override
    void close();

    /** A command that already ran to its end. */
    static RunningCommand ended(ExecResult result) {
        return new RunningCommand() {
            @Override
            public boolean awaitEnd(Duration timeout) {
                return true;
            }

            @Override
            public boolean ended() {
                return true;
            }

            @Override
            public int exitStatus() {
                return result.exitCode();
            }

            @Override
            public String stderr() {
                return result.stderr();
            }

            @Override
            public void close() {
            }
        };
    }
}

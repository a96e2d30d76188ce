package io.tierlift.onprem.ssh;

import io.tierlift.onprem.command.RemoteCommand;

/**
 * One open session to one host, reused for the whole run. Implementations run commands over a
 * single authenticated connection (a channel per command), which is what keeps a no-op deploy
 * close to the cost of one SSH handshake per host.
 */
public interface Connection extends AutoCloseable {
    String host();

    /** Runs a command; {@code stdin} (may be empty) is how secrets and file contents travel. */
    ExecResult run(RemoteCommand command, byte[] stdin);

    default ExecResult run(RemoteCommand command) {
        return run(command, new byte[0]);
    }

    /**
     * Starts a command and gives each line of its output to {@code lines} (on another thread) while it
     * runs. A connection that cannot stream runs it to its end first.
     */
    default RunningCommand start(RemoteCommand command, java.util.function.Consumer<String> lines) {
        ExecResult result = run(command);
        result.out().lines().forEach(lines);
        return RunningCommand.ended(result);
    }

    @Override
    void close();
}

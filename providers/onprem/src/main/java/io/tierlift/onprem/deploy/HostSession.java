package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.ExecResult;

/** A host with its open connection; failures become {@link HostFailure}s naming the host. */
public final class HostSession {
    private final Host host;
    private final Connection connection;
    private final boolean sudo;

    public HostSession(Host host, Connection connection, boolean sudo) {
        this.host = host;
        this.connection = connection;
        this.sudo = sudo;
    }

    public Host host() {
        return host;
    }

    public boolean sudo() {
        return sudo;
    }

    public String name() {
        return host.name();
    }

    /** Runs and returns whatever happened. */
    public ExecResult attempt(RemoteCommand command, byte[] stdin) {
        return connection.run(command.withSudo(sudo), stdin);
    }

    public ExecResult attempt(RemoteCommand command) {
        return attempt(command, new byte[0]);
    }

    /** Runs and fails the host unless the command succeeds. */
    public ExecResult run(String what, RemoteCommand command, byte[] stdin) {
        ExecResult result = attempt(command, stdin);
        if (!result.ok()) {
            throw new HostFailure(host.name(), what + " failed (exit " + result.exitCode() + ")"
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
        }
        return result;
    }

    public ExecResult run(String what, RemoteCommand command) {
        return run(what, command, new byte[0]);
    }
}

package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.ExecResult;

/** A host with its open connection; failures become {@link HostFailure}s naming the host. */
public final class HostSession {
    private final Host host;
    private final Connection connection;

    /** The connection decides about sudo (it knows the login user); commands are passed as built. */
    public HostSession(Host host, Connection connection) {
        this.host = host;
        this.connection = connection;
    }

    public Host host() {
        return host;
    }

    public String name() {
        return host.name();
    }

    /** Runs and returns whatever happened. */
    public ExecResult attempt(RemoteCommand command, byte[] stdin) {
        return connection.run(command, stdin);
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

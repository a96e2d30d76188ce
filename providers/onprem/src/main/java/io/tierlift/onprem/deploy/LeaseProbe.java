package io.tierlift.onprem.deploy;

import io.tierlift.onprem.command.LeaseCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.ExecResult;

/**
 * The first thing a deploy does on a host, in one round trip instead of three: take the deploy
 * lease, and only when that worked read the host's state and whether the app's user and folders
 * are already in place. The command is {@link LeaseCommands#thenProbe}; this reads its answer.
 */
final class LeaseProbe {
    private final LeaseCommands leases = new LeaseCommands();

    /** What the host answered. */
    record Answer(boolean leased, boolean bootstrapped, ExecResult result) {
    }

    RemoteCommand command(RemoteCommand lease, RemoteCommand probe, String app, String appRoot) {
        return leases.thenProbe(lease, probe, app, appRoot);
    }

    Answer read(ExecResult result) {
        boolean leased = false;
        boolean bootstrapped = false;
        for (String line : result.out().split("\n")) {
            leased |= line.equals(LeaseCommands.LEASED);
            bootstrapped |= line.equals(LeaseCommands.BOOTSTRAPPED);
        }
        return new Answer(leased, bootstrapped, result);
    }
}

package io.tierlift.onprem.ssh;

import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.tier.LocalStreams;

/**
 * A connection that can run a command attached to the operator's own streams, as {@code ssh HOST CMD}
 * (or {@code ssh -t} when the streams are a terminal) does: input and output flow while the command
 * runs, and the command's exit code is returned.
 */
public interface AttachedExec {
    int attach(RemoteCommand command, LocalStreams streams);
}

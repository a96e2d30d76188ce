package io.tierlift.tier;

import java.util.List;
import java.util.Optional;

/**
 * {@code exec}: {@code command} (argv, never a shell line) on {@code host} (empty: the tier's first
 * app host), with the operator's streams. {@code operator} is who asked, as this machine names the
 * user: the tier records it with the command where the command runs.
 */
public record ExecRequest(Optional<String> host, List<String> command, String operator, LocalStreams streams) {
    public ExecRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
    }
}

package io.tierlift.tier;

/** Where an {@code exec} ran and the command's own exit code. */
public record ExecOutcome(String host, int exitCode) {
}

package io.tierlift.tier;

/**
 * {@code db shell}: psql on this machine with the operator's streams. {@code searchPath} is this
 * run's {@code PATH}, where psql is looked for.
 */
public record DbShellRequest(LocalStreams streams, String searchPath) {
}

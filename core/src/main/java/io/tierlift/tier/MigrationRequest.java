package io.tierlift.tier;

/**
 * A tier taking part in a migration. {@code digest} is the descriptor's, for the deploy of the
 * provision step; {@code tunnelPort} is the local port an open journal recorded for an SSH tunnel
 * (0: any free port), so a resumed migration reaches a database at the address it used before.
 */
public record MigrationRequest(String digest, int tunnelPort) {
}

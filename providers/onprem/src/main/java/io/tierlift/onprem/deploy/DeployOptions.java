package io.tierlift.onprem.deploy;

import java.time.Duration;

/**
 * Choices of one deploy run. {@code releaseCommand} false: the app's release command (its schema
 * migrations) does not run, for a deploy whose database is about to receive a copy of another one.
 */
public record DeployOptions(String owner, Duration leaseTtl, boolean breakStaleLease, boolean releaseCommand) {
    public DeployOptions(String owner, Duration leaseTtl, boolean breakStaleLease) {
        this(owner, leaseTtl, breakStaleLease, true);
    }

    public static DeployOptions defaults() {
        String user = System.getProperty("user.name", "unknown");
        String machine = System.getenv().getOrDefault("HOSTNAME", "localhost");
        // A run id as well as the PID: two runs of one process (tests, a long-lived wrapper) are still two owners.
        String run = Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffL);
        return new DeployOptions(user + "@" + machine + " pid " + ProcessHandle.current().pid() + " run " + run,
                Duration.ofMinutes(30), false);
    }

    /** The same run without the release command: the database stays empty for a migration's copy. */
    public DeployOptions withoutReleaseCommand() {
        return new DeployOptions(owner, leaseTtl, breakStaleLease, false);
    }
}

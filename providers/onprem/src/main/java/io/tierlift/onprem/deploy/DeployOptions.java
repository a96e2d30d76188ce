package io.tierlift.onprem.deploy;

import java.time.Duration;

/** Choices of one deploy run. */
public record DeployOptions(String owner, Duration leaseTtl, boolean breakStaleLease) {
    public static DeployOptions defaults() {
        String user = System.getProperty("user.name", "unknown");
        String machine = System.getenv().getOrDefault("HOSTNAME", "localhost");
        // A run id as well as the PID: two runs of one process (tests, a long-lived wrapper) are still two owners.
        String run = Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffL);
        return new DeployOptions(user + "@" + machine + " pid " + ProcessHandle.current().pid() + " run " + run,
                Duration.ofMinutes(30), false);
    }
}

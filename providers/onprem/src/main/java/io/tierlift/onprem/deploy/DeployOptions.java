package io.tierlift.onprem.deploy;

import java.time.Duration;

/** Choices of one deploy run. */
public record DeployOptions(String owner, Duration leaseTtl, boolean breakStaleLease) {
    public static DeployOptions defaults() {
        String user = System.getProperty("user.name", "unknown");
        String machine = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return new DeployOptions(user + "@" + machine + " pid " + ProcessHandle.current().pid(), Duration.ofMinutes(30), false);
    }
}

package io.tierlift.onprem.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to open one SSH session, after the descriptor, the OpenSSH config and the
 * defaults were combined. {@code via} is the jump host the session is tunnelled through.
 */
public record SshTarget(String alias, String hostName, int port, String user, List<KeyFile> identityFiles,
                        boolean identitiesOnly, Optional<Path> agentSocket, List<Path> knownHostsFiles,
                        boolean acceptNewHostKeys, Duration connectTimeout, Duration serverAliveInterval,
                        int serverAliveCountMax, Optional<SshTarget> via) {
    public SshTarget {
        identityFiles = List.copyOf(identityFiles);
        knownHostsFiles = List.copyOf(knownHostsFiles);
    }

    /** A private key file; {@code required} ones (named in the descriptor) must exist. */
    public record KeyFile(Path path, boolean required) {
    }

    /** {@code host:port}, with brackets around IPv6 addresses. */
    public String endpoint() {
        return (hostName.contains(":") ? "[" + hostName + "]" : hostName) + ":" + port;
    }

    /** Identifies a session for reuse: same user, endpoint and path there. */
    public String sessionKey() {
        return user + "@" + endpoint() + via.map(v -> " via " + v.sessionKey()).orElse("");
    }

    /** {@code user@host:port via user@jump:port}, for messages. */
    public String describe() {
        return user + "@" + endpoint() + via.map(v -> " via " + v.describe()).orElse("");
    }
}

package io.tierlift.onprem.ssh;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the SSH client takes from the local machine: who runs it, their home (for ~/.ssh) and the
 * ssh-agent socket. Tests pass their own so they never read the real ~/.ssh.
 */
public record SshEnvironment(String localUser, Path home, Optional<Path> agentSocket) {
    public static SshEnvironment current() {
        String sock = System.getenv("SSH_AUTH_SOCK");
        return new SshEnvironment(System.getProperty("user.name"), Path.of(System.getProperty("user.home")),
                sock == null || sock.isBlank() ? Optional.empty() : Optional.of(Path.of(sock)));
    }

    public Path sshDir() {
        return home.resolve(".ssh");
    }
}

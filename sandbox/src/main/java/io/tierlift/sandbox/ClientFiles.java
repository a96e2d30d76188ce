package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What an SSH client on the machine needs to reach the hosts: the client key pair that root on every host accepts,
 * the hosts' keys (known_hosts) and an OpenSSH config with one block per host.
 */
final class ClientFiles {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Path stateDir;
    private final MachineCommandRunner runner;
    private final HostFilesystem hostFilesystem;

    ClientFiles(Path stateDir, MachineCommandRunner runner, HostFilesystem hostFilesystem) {
        this.stateDir = stateDir;
        this.runner = runner;
        this.hostFilesystem = hostFilesystem;
    }

    Path sshConfig() {
        return stateDir.resolve("ssh_config");
    }

    Path knownHosts() {
        return stateDir.resolve("known_hosts");
    }

    Path identityFile() {
        return stateDir.resolve("id_ed25519");
    }

    /**
     * Creates the client key pair unless it exists, and returns its public key. The pair is kept across up/down so ssh
     * configurations pointing at it keep working.
     */
    String ensureClientKey() {
        Path key = identityFile();
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        try {
            Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
            if (!Files.exists(key) || !Files.exists(pub)) {
                Files.deleteIfExists(key);
                Files.deleteIfExists(pub);
                ExecResult r = runner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                        "-C", "tierlift-sandbox", "-f", key.toString()), COMMAND_TIMEOUT);
                if (!r.ok()) {
                    throw new SandboxException("cannot create the sandbox client key " + key + ": " + r.describe());
                }
            }
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            return Files.readString(pub, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SandboxException("cannot set up the sandbox client key " + key + ": " + e.getMessage(), e);
        }
    }

    /** known_hosts and ssh_config for namespace hosts, reached as root. */
    void write(SandboxSpec spec, Path hostsDir) {
        write(spec, "root", h -> {
            try {
                return hostFilesystem.hostPublicKey(hostsDir.resolve(h.name()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * known_hosts and ssh_config, so plain OpenSSH (and anything reading them) reaches hosts by name as
     * {@code user}.
     */
    void write(SandboxSpec spec, String user, Function<SandboxHost, String> hostKeys) {
        StringBuilder known = new StringBuilder();
        StringBuilder config = new StringBuilder()
                .append("# tierlift sandbox in ").append(stateDir).append("; rewritten by every `sandbox up`.\n")
                .append("# Usage: ssh -F ").append(sshConfig()).append(" HOST\n");
        try {
            for (SandboxHost h : spec.hosts()) {
                String key = hostKeys.apply(h);
                known.append(h.address()).append(' ').append(key).append('\n');
                known.append(h.name()).append(' ').append(key).append('\n');
                config.append('\n')
                        .append("Host ").append(h.name()).append(' ').append(h.address()).append('\n')
                        .append("    HostName ").append(h.address()).append('\n')
                        .append("    User ").append(user).append('\n')
                        .append("    IdentityFile ").append(quote(identityFile())).append('\n')
                        .append("    IdentitiesOnly yes\n")
                        .append("    UserKnownHostsFile ").append(quote(knownHosts())).append('\n')
                        .append("    GlobalKnownHostsFile /dev/null\n")
                        .append("    StrictHostKeyChecking yes\n")
                        .append("    BatchMode yes\n")
                        .append("    ConnectTimeout 10\n");
            }
            Files.writeString(knownHosts(), known.toString(), StandardCharsets.UTF_8);
            Files.writeString(sshConfig(), config.toString(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(sshConfig(), PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxException("cannot write ssh client files in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** Removes known_hosts and ssh_config; the key pair stays. */
    void delete() throws IOException {
        Files.deleteIfExists(sshConfig());
        Files.deleteIfExists(knownHosts());
    }

    private static String quote(Path p) {
        return "\"" + p + "\"";
    }
}

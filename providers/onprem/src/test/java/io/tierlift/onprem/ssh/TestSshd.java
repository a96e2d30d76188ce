package io.tierlift.onprem.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on 127.0.0.1 for tests: its own host key, authorized_keys and log in a
 * directory of its own. It runs in a private mount namespace where /root is an empty directory,
 * so sessions skip this machine's heavy /root/.bashrc (pyenv) and measure SSH, not bash.
 * Stopped by its PID.
 */
final class TestSshd implements AutoCloseable {
    static final String SSHD = "/usr/sbin/sshd";

    final Path dir;
    final int port;
    final Path hostKey;
    final Path log;
    private final Process process;

    private TestSshd(Path dir, int port, Path hostKey, Path log, Process process) {
        this.dir = dir;
        this.port = port;
        this.hostKey = hostKey;
        this.log = log;
        this.process = process;
    }

    /** Starts sshd accepting the given public keys for root; {@code debugLog} logs forwarding requests. */
    static TestSshd start(Path dir, List<Path> authorizedPublicKeys, boolean debugLog) throws IOException, InterruptedException {
        requireTool(SSHD, "openssh-server");
        requireTool("/usr/bin/ssh-keygen", "openssh-client");
        requireTool("/usr/bin/unshare", "util-linux");
        Files.createDirectories(dir);
        Path hostKey = dir.resolve("host_ed25519");
        if (!Files.exists(hostKey)) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f", hostKey.toString()));
        }
        StringBuilder keys = new StringBuilder();
        for (Path pub : authorizedPublicKeys) {
            keys.append(Files.readString(pub).strip()).append('\n');
        }
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, keys.toString());
        Path emptyRoot = Files.createDirectories(dir.resolve("root-home"));
        Files.setPosixFilePermissions(emptyRoot, PosixFilePermissions.fromString("rwx------"));
        // sshd refuses to start without its privilege separation directory (normally made by its init script)
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) {
            Files.createDirectories(privsep);
        }
        int port = freePort();
        Path config = dir.resolve("sshd_config");
        Path log = dir.resolve("sshd.log");
        Files.writeString(config, String.join("\n",
                "ListenAddress 127.0.0.1:" + port,
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + authorized,
                "PidFile none",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                // the test directory sits under world-writable /tmp
                "StrictModes no",
                "AllowTcpForwarding yes",
                "MaxStartups 200",
                "MaxSessions 100",
                "LogLevel " + (debugLog ? "DEBUG1" : "VERBOSE"),
                ""));
        Files.writeString(log, "");
        ProcessBuilder builder = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", "mount --bind \"$0\" /root && exec " + SSHD + " -D -e -f \"$1\" -E \"$2\"",
                emptyRoot.toString(), config.toString(), log.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(dir.resolve("sshd.out").toFile());
        Process process = builder.start();
        TestSshd sshd = new TestSshd(dir, port, hostKey, log, process);
        sshd.awaitListening();
        return sshd;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("sshd.out")) + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        close();
        throw new IllegalStateException("sshd did not listen on port " + port + " within 10s: " + Files.readString(log));
    }

    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    long countInLog(String text) throws IOException {
        return logText().lines().filter(line -> line.contains(text)).count();
    }

    /** The public host key line, as ssh-keyscan would print it for this server. */
    String hostKeyLine() throws IOException {
        String[] pub = Files.readString(Path.of(hostKey + ".pub")).strip().split(" ");
        return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1];
    }

    byte[] hostKeyBlob() throws IOException {
        String[] pub = Files.readString(Path.of(hostKey + ".pub")).strip().split(" ");
        return java.util.Base64.getDecoder().decode(pub[1]);
    }

    @Override
    public void close() {
        // the process is sshd itself: unshare and sh exec into it
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** Makes a key pair with ssh-keygen; returns the private key path. */
    static Path keyPair(Path dir, String type, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name,
                "-f", key.toString()));
        if (type.equals("rsa")) {
            command.addAll(List.of("-b", "3072"));
        }
        run(command);
        return key;
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    static void requireTool(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: install the Debian package " + debianPackage);
        }
    }
}

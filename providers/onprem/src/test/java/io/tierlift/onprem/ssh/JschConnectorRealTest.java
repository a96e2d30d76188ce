package io.tierlift.onprem.ssh;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.model.SshSettings;
import io.tierlift.onprem.command.RemoteCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connector against real OpenSSH servers on loopback: a target and a jump host. */
@Tag("real")
class JschConnectorRealTest {
    static Path dir;
    static Path userKey;
    static Path ecdsaKey;
    static Path rsaKey;
    static Path strangerKey;
    static TestSshd target;
    static TestSshd jump;
    static SshEnvironment env;

    @BeforeAll
    static void startServers() throws Exception {
        dir = Files.createTempDirectory("tierlift-ssh-test");
        Path keys = Files.createDirectories(dir.resolve("keys"));
        userKey = TestSshd.keyPair(keys, "ed25519", "user_ed25519");
        ecdsaKey = TestSshd.keyPair(keys, "ecdsa", "user_ecdsa");
        rsaKey = TestSshd.keyPair(keys, "rsa", "user_rsa");
        strangerKey = TestSshd.keyPair(keys, "ed25519", "stranger");
        List<Path> authorized = List.of(pub(userKey), pub(ecdsaKey), pub(rsaKey));
        target = TestSshd.start(dir.resolve("target"), authorized, false);
        jump = TestSshd.start(dir.resolve("jump"), authorized, true);
        // an empty home: nothing from the real ~/.ssh may leak into these tests
        env = new SshEnvironment("root", Files.createDirectories(dir.resolve("home")), Optional.empty());
    }

    @AfterAll
    static void stopServers() throws IOException {
        if (target != null) {
            target.close();
        }
        if (jump != null) {
            jump.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Path pub(Path key) {
        return Path.of(key + ".pub");
    }

    static Host host(String name, String sshHost, Integer port) {
        return new Host(name, "10.99.0.1", "trusted", Set.of(Role.APP), Optional.of(sshHost),
                Optional.ofNullable(port), Optional.empty());
    }

    static Host direct(String name) {
        return host(name, "127.0.0.1", target.port);
    }

    static SshSettings settings(Path identity, Path knownHosts, Path config) {
        return new SshSettings(Optional.of("root"), Optional.ofNullable(identity).map(Path::toString),
                Optional.of(knownHosts.toString()), Optional.ofNullable(config).map(Path::toString),
                Optional.empty(), Duration.ofSeconds(5), 32, true);
    }

    /** A known_hosts file that already trusts both servers, as ssh-keyscan would have written it. */
    static Path trustingKnownHosts(String name) throws IOException {
        return Files.writeString(dir.resolve(name), target.hostKeyLine() + "\n" + jump.hostKeyLine() + "\n");
    }

    static JschConnector connector(SshSettings settings, boolean acceptNew) {
        return new JschConnector(settings, JschConnector.Options.defaults().withAcceptNewHostKeys(acceptNew)
                .withEnvironment(env));
    }

    @Test
    void runsCommandsWithStdinBinaryOutputExitCodesAndStderr() throws Exception {
        try (JschConnector connector = connector(settings(userKey, trustingKnownHosts("kh-basic"), null), false)) {
            Connection connection = connector.connect(direct("app1"));
            assertThat(connection.host()).isEqualTo("app1");

            String localHostname = TestSshd.run(List.of("hostname")).strip();
            assertThat(connection.run(RemoteCommand.of("hostname")).out().strip()).isEqualTo(localHostname);

            // several MB each way: more than one SSH window, so flow control is exercised too
            byte[] input = new byte[3 * 1024 * 1024 + 17];
            new Random(42).nextBytes(input);
            ExecResult cat = connection.run(RemoteCommand.of("cat"), input);
            assertThat(cat.exitCode()).isZero();
            assertThat(cat.stdout()).isEqualTo(input);

            ExecResult binary = connection.run(RemoteCommand.of("printf", "\\000\\001\\377"));
            assertThat(binary.stdout()).containsExactly(0, 1, 0xff);

            ExecResult failing = connection.run(RemoteCommand.script("echo \"to stdout\"; echo \"$1\" >&2; exit 7", "it's bad"));
            assertThat(failing.exitCode()).isEqualTo(7);
            assertThat(failing.out()).isEqualTo("to stdout\n");
            assertThat(failing.stderr()).isEqualTo("it's bad\n");
            assertThat(failing.ok()).isFalse();

            // a command that ignores its stdin still finishes and reports its status
            ExecResult ignoring = connection.run(RemoteCommand.of("true"), input);
            assertThat(ignoring.exitCode()).isZero();

            ExecResult noisy = connection.run(RemoteCommand.script("head -c 300000 /dev/zero | tr '\\000' e >&2; echo end >&2"));
            assertThat(noisy.stderr()).endsWith("end\n").contains("bytes of stderr left out");
            assertThat(noisy.stderr().length()).isLessThan(JschConnection.STDERR_CAP + 200);
        }
    }

    @Test
    void oneSessionPerHostIsReusedForEveryCommand() throws Exception {
        long before = target.countInLog("Accepted publickey");
        try (JschConnector connector = connector(settings(userKey, trustingKnownHosts("kh-reuse"), null), false)) {
            Connection first = connector.connect(direct("app1"));
            first.run(RemoteCommand.of("true"));
            Connection second = connector.connect(direct("app1"));
            assertThat(second).isSameAs(first);
            second.run(RemoteCommand.of("true"));
            second.run(RemoteCommand.of("echo", "third"));
        }
        assertThat(target.countInLog("Accepted publickey") - before).isEqualTo(1);
    }

    @Test
    void everyKeyTypeLogsIn() throws Exception {
        for (Path key : List.of(userKey, ecdsaKey, rsaKey)) {
            try (JschConnector connector = connector(settings(key, trustingKnownHosts("kh-types"), null), false)) {
                assertThat(connector.connect(direct("app1")).run(RemoteCommand.of("true")).ok()).as(key.toString()).isTrue();
            }
        }
        // OpenSSH 8.8+ refuses SHA-1 RSA signatures, so the RSA login above used rsa-sha2-*
        assertThat(target.logText()).contains("Accepted publickey for root from 127.0.0.1")
                .containsPattern("Accepted publickey for root .* RSA SHA256:")
                .containsPattern("Accepted publickey for root .* ECDSA SHA256:");
    }

    @Test
    void unknownHostIsRefusedWithItsFingerprintAndAcceptNewAddsIt() throws Exception {
        Path knownHosts = dir.resolve("kh-new");
        Files.deleteIfExists(knownHosts);
        String fingerprint = TestSshd.run(List.of("ssh-keygen", "-lf", target.hostKey + ".pub")).split(" ")[1];

        try (JschConnector strict = connector(settings(userKey, knownHosts, null), false)) {
            assertThatThrownBy(() -> strict.connect(direct("app1")))
                    .isInstanceOf(SshException.class)
                    .hasMessageStartingWith("host app1 (127.0.0.1:" + target.port + "): host key not known")
                    .hasMessageContaining(fingerprint)
                    .hasMessageContaining("--accept-new-host-keys")
                    .hasMessageContaining("ssh-keyscan -p " + target.port);
        }
        assertThat(knownHosts).doesNotExist();

        try (JschConnector accepting = connector(settings(userKey, knownHosts, null), true)) {
            assertThat(accepting.connect(direct("app1")).run(RemoteCommand.of("true")).ok()).isTrue();
            assertThat(accepting.acceptedHostKeys()).singleElement().asString().contains(fingerprint);
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactly(target.hostKeyLine());

        // and from now on without accept-new, as OpenSSH would
        try (JschConnector strict = connector(settings(userKey, knownHosts, null), false)) {
            assertThat(strict.connect(direct("app1")).run(RemoteCommand.of("true")).ok()).isTrue();
        }
    }

    @Test
    void hashedEntriesWrittenByOpenSshAreHonoured() throws Exception {
        Path knownHosts = Files.writeString(dir.resolve("kh-hashed"), target.hostKeyLine() + "\n");
        TestSshd.run(List.of("ssh-keygen", "-H", "-f", knownHosts.toString()));
        assertThat(Files.readString(knownHosts)).startsWith("|1|").doesNotContain("127.0.0.1");
        try (JschConnector strict = connector(settings(userKey, knownHosts, null), false)) {
            assertThat(strict.connect(direct("app1")).run(RemoteCommand.of("true")).ok()).isTrue();
        }
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        Path otherHostKey = TestSshd.keyPair(Files.createDirectories(dir.resolve("other")), "ed25519", "impostor");
        String oldKey = Files.readString(pub(otherHostKey)).split(" ")[1];
        Path knownHosts = Files.writeString(dir.resolve("kh-changed"),
                "# first line\n\n[127.0.0.1]:" + target.port + " ssh-ed25519 " + oldKey + "\n");
        String oldFingerprint = TestSshd.run(List.of("ssh-keygen", "-lf", pub(otherHostKey).toString())).split(" ")[1];
        String newFingerprint = TestSshd.run(List.of("ssh-keygen", "-lf", target.hostKey + ".pub")).split(" ")[1];
        String before = Files.readString(knownHosts);

        for (boolean acceptNew : new boolean[] {false, true}) {
            try (JschConnector connector = connector(settings(userKey, knownHosts, null), acceptNew)) {
                assertThatThrownBy(() -> connector.connect(direct("app1")))
                        .isInstanceOf(SshException.class)
                        .hasMessageStartingWith("host app1 (127.0.0.1:" + target.port + "): ")
                        .hasMessageContaining("REMOTE HOST IDENTIFICATION HAS CHANGED")
                        .hasMessageContaining(oldFingerprint)
                        .hasMessageContaining(newFingerprint)
                        .hasMessageContaining(knownHosts + " line 3");
            }
        }
        assertThat(Files.readString(knownHosts)).isEqualTo(before);
    }

    @Test
    void proxyJumpGoesThroughTheJumpHostAndOneJumpSessionServesSeveralHosts() throws Exception {
        Path config = Files.writeString(dir.resolve("ssh_config_jump"), """
                Host app-*
                  HostName 127.0.0.1
                  Port %d
                  ProxyJump jumpbox
                Host jumpbox
                  HostName 127.0.0.1
                  Port %d
                  User root
                  IdentityFile %s
                """.formatted(target.port, jump.port, userKey));
        long jumpLogins = jump.countInLog("Accepted publickey");
        long forwards = jump.countInLog("server_request_direct_tcpip");
        try (JschConnector connector = connector(settings(userKey, trustingKnownHosts("kh-jump"), config), false)) {
            Host app1 = new Host("app1", "10.99.0.1", "trusted", Set.of(Role.APP), Optional.of("app-1"),
                    Optional.empty(), Optional.empty());
            Host app2 = new Host("app2", "10.99.0.2", "trusted", Set.of(Role.APP), Optional.of("app-2"),
                    Optional.empty(), Optional.empty());
            assertThat(connector.connect(app1).run(RemoteCommand.of("echo", "one")).out()).isEqualTo("one\n");
            assertThat(connector.connect(app2).run(RemoteCommand.of("echo", "two")).out()).isEqualTo("two\n");
            assertThat(connector.connect(app1).target().describe())
                    .isEqualTo("root@127.0.0.1:" + target.port + " via root@127.0.0.1:" + jump.port);
        }
        String jumpLog = jump.logText();
        assertThat(jumpLog).contains("server_request_direct_tcpip: originator 127.0.0.1 port 0, target 127.0.0.1 port " + target.port);
        assertThat(jump.countInLog("server_request_direct_tcpip") - forwards).isEqualTo(2);
        assertThat(jump.countInLog("Accepted publickey") - jumpLogins).isEqualTo(1);
    }

    @Test
    void aJumpHostThatWillNotForwardIsNamedInTheError() throws Exception {
        int closedPort = TestSshd.freePort();
        Path config = Files.writeString(dir.resolve("ssh_config_badjump"), """
                Host behind
                  HostName 127.0.0.1
                  Port %d
                  ProxyJump root@127.0.0.1:%d
                """.formatted(closedPort, jump.port));
        try (JschConnector connector = connector(settings(userKey, trustingKnownHosts("kh-badjump"), config), false)) {
            assertThatThrownBy(() -> connector.connect(host("app9", "behind", null)))
                    .isInstanceOf(SshException.class)
                    .hasMessageStartingWith("host app9 (127.0.0.1:" + closedPort + " via root@127.0.0.1:" + jump.port + "): ")
                    .hasMessageContaining("would not forward");
        }
    }

    @Test
    void aCommandThatOverrunsItsTimeoutIsStoppedAndTheConnectionStaysUsable() throws Exception {
        try (JschConnector connector = connector(settings(userKey, trustingKnownHosts("kh-timeout"), null), false)) {
            JschConnection connection = connector.connect(direct("app1"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> connection.run(RemoteCommand.of("sleep", "31.5"), new byte[0], Duration.ofSeconds(1)))
                    .isInstanceOf(SshException.class)
                    .hasMessageContaining("did not finish within 1s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(connection.run(RemoteCommand.of("echo", "still here")).out()).isEqualTo("still here\n");
            // the SIGTERM reached the command
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            String processes;
            do {
                processes = connection.run(RemoteCommand.of("ps", "-eo", "args")).out();
            } while (processes.lines().anyMatch("sleep 31.5"::equals) && System.nanoTime() < deadline);
            assertThat(processes.lines()).doesNotContain("sleep 31.5");
        }
    }

    @Test
    void sshAgentKeysAreUsed() throws Exception {
        TestSshd.requireTool("/usr/bin/ssh-agent", "openssh-client");
        Path socket = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", ecdsaKey.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process adding = add.start();
            assertThat(adding.waitFor(10, TimeUnit.SECONDS) && adding.exitValue() == 0)
                    .as(new String(adding.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isTrue();
            String fingerprint = TestSshd.run(List.of("ssh-keygen", "-lf", pub(ecdsaKey).toString())).split(" ")[1];

            SshEnvironment withAgent = new SshEnvironment("root", env.home(), Optional.of(socket));
            // no identity file anywhere: only the agent can log in
            try (JschConnector connector = new JschConnector(settings(null, trustingKnownHosts("kh-agent"), null),
                    JschConnector.Options.defaults().withEnvironment(withAgent))) {
                assertThat(connector.connect(direct("app1")).run(RemoteCommand.of("true")).ok()).isTrue();
            }
            assertThat(target.logText()).contains("ECDSA " + fingerprint);
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void connectionFailuresNameTheHostAndSayWhy() throws Exception {
        Path knownHosts = trustingKnownHosts("kh-fail");
        int closedPort = TestSshd.freePort();
        try (JschConnector connector = connector(settings(userKey, knownHosts, null), false)) {
            assertThatThrownBy(() -> connector.connect(host("app7", "127.0.0.1", closedPort)))
                    .isInstanceOf(SshException.class)
                    .hasMessage("host app7 (127.0.0.1:" + closedPort + "): connection refused (is sshd running and"
                            + " listening on port " + closedPort + "?)");
        }
        try (JschConnector connector = connector(settings(strangerKey, knownHosts, null), false)) {
            assertThatThrownBy(() -> connector.connect(direct("app8")))
                    .isInstanceOf(SshException.class)
                    .hasMessageStartingWith("host app8 (127.0.0.1:" + target.port + "): the server accepted none of the keys for user root")
                    .hasMessageContaining(strangerKey.toString());
        }
        try (JschConnector connector = connector(settings(dir.resolve("no-such-key"), knownHosts, null), false)) {
            assertThatThrownBy(() -> connector.connect(direct("app8")))
                    .hasMessageContaining("no-such-key").hasMessageContaining("does not exist");
        }
    }

    @Test
    void aPassphraseProtectedKeyIsOnlyUsableThroughTheAgent() throws Exception {
        Path locked = dir.resolve("keys/locked_ed25519");
        TestSshd.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-C", "locked", "-f", locked.toString()));
        try (JschConnector connector = connector(settings(locked, trustingKnownHosts("kh-locked"), null), false)) {
            assertThatThrownBy(() -> connector.connect(direct("app5")))
                    .isInstanceOf(SshException.class)
                    .hasMessageStartingWith("host app5 (127.0.0.1:" + target.port + "): no private key to log in as root")
                    .hasMessageContaining("passphrase-protected and not in ssh-agent");
        }
    }

    @Test
    void hostsConnectInParallelEachWithItsOwnSession() throws Exception {
        long before = target.countInLog("Accepted publickey");
        try (JschConnector connector = connector(settings(userKey, trustingKnownHosts("kh-parallel"), null), false)) {
            List<Host> hosts = java.util.stream.IntStream.range(0, 12).mapToObj(i -> direct("h" + i)).toList();
            List<String> outputs = hosts.parallelStream()
                    .map(h -> connector.connect(h).run(RemoteCommand.of("echo", h.name())).out().strip())
                    .toList();
            assertThat(outputs).containsExactlyElementsOf(hosts.stream().map(Host::name).toList());
        }
        assertThat(target.countInLog("Accepted publickey") - before).isEqualTo(12);
    }
}

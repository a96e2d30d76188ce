package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.release.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brings a real three-host sandbox up (needs root) and checks it behaves like three separate servers. Uses its own
 * bridge and subnet (see {@link TestSpecs}), so a sandbox a developer has up on the defaults is never touched.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxTest {

    private static final SandboxSpec SPEC = TestSpecs.spec("brt", 232, "a", "b", "c");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path stateDir;

    private static final MachineCommandRunner runner = new ProcessCommandRunner();
    private static Sandbox sandbox;
    private static SandboxState state;

    @BeforeAll
    static void bringUp() {
        assertThat(runner.run(List.of("id", "-u"), TIMEOUT).stdout().strip()).as("the sandbox needs root (network namespaces, veths, a bridge); CI runs as root").isEqualTo("0");
        sandbox = new Sandbox(stateDir, runner);
        state = sandbox.up(SPEC, line -> System.err.println("[sandbox] " + line));
    }

    @AfterAll
    static void tearDown() {
        if (sandbox != null) {
            sandbox.down(line -> System.err.println("[sandbox] " + line));
        }
    }

    private static String address(String host) {
        return SPEC.host(host).address();
    }

    private static ExecResult ssh(String host, String... command) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", state.sshConfig().toString(), host));
        argv.addAll(List.of(command));
        return runner.run(argv, TIMEOUT);
    }

    @Test
    @Order(1)
    void everyHostAnswersOpenSshWithItsOwnName() {
        for (SandboxHost host : SPEC.hosts()) {
            ExecResult byName = ssh(host.name(), "hostname");
            assertThat(byName.ok()).as(byName.describe()).isTrue();
            assertThat(byName.stdout().strip()).isEqualTo(host.name());

            ExecResult byAddress = ssh(host.address(), "hostname");
            assertThat(byAddress.ok()).as(byAddress.describe()).isTrue();
            assertThat(byAddress.stdout().strip()).isEqualTo(host.name());
        }
    }

    @Test
    @Order(2)
    void aHostHasItsOwnEtc() throws Exception {
        ExecResult etcHostname = ssh("b", "cat", "/etc/hostname");
        assertThat(etcHostname.stdout().strip()).isEqualTo("b")
                .isNotEqualTo(Files.readString(Path.of("/etc/hostname")).strip());
        // Hosts find each other by name, as deploy configuration (e.g. a standby's primary_conninfo) expects.
        ExecResult hosts = ssh("b", "getent", "hosts", "c");
        assertThat(hosts.stdout()).contains(address("c"));
    }

    @Test
    @Order(3)
    void filesWrittenOnOneHostAreNotVisibleOnAnother() {
        String marker = "/srv/marker-" + ProcessHandle.current().pid();
        assertThat(ssh("a", "touch", marker).ok()).isTrue();

        assertThat(ssh("a", "test", "-e", marker).ok()).isTrue();
        assertThat(ssh("b", "test", "-e", marker).exitCode()).isEqualTo(1);
        assertThat(Path.of(marker)).doesNotExist();
    }

    @Test
    @Order(4)
    void hostsReachEachOther() {
        ExecResult tcp = ssh("a", "bash", "-c", "'echo > /dev/tcp/" + address("b") + "/22'");
        assertThat(tcp.ok()).as(tcp.describe()).isTrue();

        ExecResult fromMachineSide = sandbox.execInHost("c", List.of("bash", "-c", "echo > /dev/tcp/" + address("a") + "/22"));
        assertThat(fromMachineSide.ok()).as(fromMachineSide.describe()).isTrue();
    }

    @Test
    @Order(5)
    void aWrongHostKeyIsRefused() throws Exception {
        Path other = stateDir.resolve("other_key");
        assertThat(runner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()),
                TIMEOUT).ok()).isTrue();
        String[] wrongKey = Files.readString(other.resolveSibling("other_key.pub")).split(" ");
        Path wrongKnownHosts = stateDir.resolve("wrong_known_hosts");
        Files.writeString(wrongKnownHosts, "a " + wrongKey[0] + " " + wrongKey[1] + "\n"
                + address("a") + " " + wrongKey[0] + " " + wrongKey[1] + "\n");

        ExecResult refused = runner.run(List.of("ssh", "-F", state.sshConfig().toString(),
                "-o", "UserKnownHostsFile=" + wrongKnownHosts, "a", "hostname"), TIMEOUT);

        assertThat(refused.exitCode()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Host key verification failed");
        assertThat(refused.stdout()).isEmpty();
    }

    @Test
    @Order(6)
    void execInHostRunsInsideTheHost() {
        ExecResult hostname = sandbox.execInHost("b", List.of("hostname"));
        assertThat(hostname.stdout().strip()).isEqualTo("b");
        // The host has its own PID namespace whose init is its sshd.
        ExecResult init = sandbox.execInHost("b", List.of("cat", "/proc/1/comm"));
        assertThat(init.stdout().strip()).isEqualTo("sshd");
        assertThatThrownBy(() -> sandbox.execInHost("nope", List.of("true")))
                .isInstanceOf(SandboxException.class).hasMessageContaining("nope");
    }

    @Test
    @Order(7)
    void statusReportsEveryHostUp() {
        SandboxStatus status = sandbox.status();

        assertThat(status.allUp()).isTrue();
        assertThat(status.hosts()).extracting(SandboxStatus.Host::name).containsExactly("a", "b", "c");
        assertThat(status.sshConfig()).isEqualTo(stateDir.resolve("ssh_config"));
        assertThat(status.identityFile()).exists();
        assertThat(stateDir.resolve("state.json")).exists();
    }

    @Test
    @Order(8)
    void upAgainWithTheSameSpecChangesNothing() {
        SandboxState again = sandbox.up(SPEC, ProgressListener.silent());

        assertThat(again).isEqualTo(state);
    }

    @Test
    @Order(9)
    void upWithAnotherSpecIsRefused() {
        List<SandboxHost> more = new ArrayList<>(SPEC.hosts());
        String c = address("c");
        more.add(new SandboxHost("d", c.substring(0, c.lastIndexOf('.')) + ".14"));
        SandboxSpec other = new SandboxSpec(SPEC.bridge(), SPEC.cidr(), SPEC.gateway(), more);

        assertThatThrownBy(() -> sandbox.up(other, ProgressListener.silent()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("different spec")
                .hasMessageContaining("down");
        assertThat(sandbox.status().allUp()).isTrue();
    }

    @Test
    @Order(10)
    void aSecondSandboxOnTheSameBridgeIsRefusedWithoutHarmingTheFirst() {
        Sandbox second = new Sandbox(stateDir.resolve("second"), runner);

        assertThatThrownBy(() -> second.up(SPEC, ProgressListener.silent()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("bridge " + SPEC.bridge() + ", ")
                .hasMessageContaining("already exist");
        second.down(ProgressListener.silent());
        assertThat(sandbox.status().allUp()).isTrue();
    }

    @Test
    @Order(11)
    void servicesOfTheThreeTiersRunInsideAHost() {
        // nginx, as the web tier would run it, answering from the host's own address.
        ExecResult nginx = ssh("c", "service", "nginx", "start");
        assertThat(nginx.ok()).as(nginx.describe()).isTrue();
        ExecResult page = runner.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "http://" + address("c") + "/"), TIMEOUT);
        assertThat(page.stdout()).as(page.describe()).isEqualTo("200");

        // A PostgreSQL cluster, as the data tier would create it.
        ExecResult create = ssh("c", "pg_createcluster", "15", "main", "--start");
        assertThat(create.ok()).as(create.describe()).isTrue();
        ExecResult query = ssh("c", "su", "postgres", "-c", "'psql -tAc \"select 41+1\"'");
        assertThat(query.stdout().strip()).as(query.describe()).isEqualTo("42");
        // Tear-down (the last test) has to stop both cleanly.
    }

    @Test
    @Order(12)
    void downRemovesEverything() {
        List<Long> pids = new ArrayList<>();
        state.hosts().forEach(h -> {
            pids.add(h.pid1());
            pids.add(h.unsharePid());
        });

        sandbox.down(ProgressListener.silent());

        assertThat(runner.run(List.of("ip", "netns", "list"), TIMEOUT).stdout()).doesNotContain(SPEC.bridge() + "-");
        assertThat(runner.run(List.of("ip", "link", "show", "dev", SPEC.bridge()), TIMEOUT).ok()).isFalse();
        for (SandboxState.Host h : state.hosts()) {
            assertThat(runner.run(List.of("ip", "link", "show", "dev", h.veth()), TIMEOUT).ok()).isFalse();
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        assertThat(stateDir.resolve("hosts")).doesNotExist();
        assertThat(stateDir.resolve("state.json")).doesNotExist();
        assertThat(sandbox.status().recorded()).isFalse();

        sandbox.down(ProgressListener.silent()); // twice is fine
    }
}

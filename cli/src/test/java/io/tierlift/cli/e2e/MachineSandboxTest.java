package io.tierlift.cli.e2e;

import io.tierlift.release.ExecResult;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.sandbox.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * `tierlift sandbox up --machines`: two Debian 12 machines booted with systemd from a small descriptor, as fresh
 * servers are (login deploy with sudo, root refused, packages only through the cache on the bridge), and gone
 * without a trace after `sandbox down`. The Debian base root is built on the first run (about a minute and a half)
 * and reused from /var/cache/tierlift afterwards.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MachineSandboxTest {
    private static final String BRIDGE = "tl-bremach";
    private static final String PREFIX = "10.240.47.";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> HOSTS = List.of("web1", "db1");

    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private Path root;
    private Path stateDir;
    private Sandbox sandbox;

    @BeforeAll
    void up() throws IOException {
        // A machine that cannot run this test says what it lacks: never a silent skip.
        assertThat(runner.run(List.of("id", "-u"), TIMEOUT).stdout().strip())
                .as("the machine sandbox needs root (network namespaces, nspawn)").isEqualTo("0");
        for (String tool : List.of("debootstrap", "systemd-nspawn", "apt-cacher-ng", "ssh")) {
            if (runner.findExecutable(tool).isEmpty()) {
                fail(tool + " is not installed; bin/setup-machine installs it");
            }
        }
        root = Files.createTempDirectory("tierlift-machines-");
        stateDir = root.resolve("sandbox");
        Path descriptor = root.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app", health: /api/health }
                database: { name: notes, user: notes, password: "${file:%s/secrets/db-password}" }
                targets:
                  onprem:
                    ssh: { config: %s/ssh_config }
                    domain: notes.sandbox.test
                    waf: { crs: false }
                    hosts:
                      web1: { address: %s11, roles: [proxy, static, app] }
                      db1:  { address: %s21, roles: [db-primary] }
                """.formatted(stateDir, stateDir, PREFIX, PREFIX));
        sandbox = new Sandbox(stateDir, runner);
        Cli up = Cli.run(env(), "sandbox", "up", "--machines", "--os", "debian12", "-f", descriptor.toString(),
                "--state-dir", stateDir.toString(), "--bridge", BRIDGE);
        System.err.println(up.all());
        assertThat(up.exitCode()).as(up.all()).isZero();
    }

    @AfterAll
    void down() throws IOException {
        if (sandbox != null) {
            sandbox.down(line -> { });
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, String> env() {
        return Map.of("HOME", System.getProperty("user.home"));
    }

    private ExecResult ssh(String target, String... command) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", stateDir.resolve("ssh_config").toString(), target));
        argv.addAll(List.of(command));
        return runner.run(argv, TIMEOUT);
    }

    private ExecResult inMachine(String host, String... argv) {
        return sandbox.execInHost(host, List.of(argv), TIMEOUT);
    }

    @Test
    @Order(1)
    void eachMachineRunsSystemdAsPid1UnderItsOwnName() {
        for (String host : HOSTS) {
            assertThat(inMachine(host, "cat", "/proc/1/comm").stdout().strip()).isEqualTo("systemd");
            ExecResult state = inMachine(host, "systemctl", "is-system-running", "--wait");
            assertThat(state.stdout().strip()).as(state.describe()).isEqualTo("running");
            assertThat(ssh(host, "hostname").stdout().strip()).isEqualTo(host);
        }
        Cli status = Cli.run(env(), "sandbox", "status", "--state-dir", stateDir.toString());
        assertThat(status.out()).contains("machines (debian12)").contains("systemd: running");
    }

    @Test
    @Order(2)
    void deployLogsInWithPasswordlessSudoAndRootIsRefused() {
        for (String host : HOSTS) {
            ExecResult sudo = ssh(host, "sudo", "-n", "true");
            assertThat(sudo.ok()).as(sudo.describe()).isTrue();
            assertThat(ssh(host, "id", "-un").stdout().strip()).isEqualTo("deploy");

            ExecResult asRoot = ssh("root@" + host, "true");
            assertThat(asRoot.ok()).isFalse();
            assertThat(asRoot.stderr()).contains("Permission denied");
        }
    }

    @Test
    @Order(3)
    void packagesComeThroughTheCacheAndNothingBeyondTheBridgeIsReachable() {
        ExecResult update = ssh("web1", "sudo", "-n", "apt-get", "update");
        assertThat(update.ok()).as(update.describe()).isTrue();
        assertThat(update.stdout()).contains("http://" + PREFIX + "1:3142/");

        String sources = ssh("web1", "cat", "/etc/apt/sources.list.d/debian.sources").stdout();
        assertThat(sources.lines().filter(l -> l.startsWith("URIs:")))
                .isNotEmpty().allMatch(l -> l.startsWith("URIs: http://" + PREFIX + "1:3142/"));
        assertThat(ssh("web1", "test", "-e", "/etc/apt/sources.list").ok()).isFalse();

        // Only the bridge's subnet is routed: no default route, so the mirror itself is out of reach.
        String routes = ssh("web1", "ip", "-4", "route").stdout().strip();
        assertThat(routes.lines()).allMatch(l -> l.startsWith(PREFIX + "0/24"));
        ExecResult outside = ssh("web1", "ip", "route", "get", "151.101.2.132");
        assertThat(outside.ok()).as("a route beyond the bridge: " + outside.stdout()).isFalse();
    }

    @Test
    @Order(4)
    void everyMachineHasItsOwnHostKeys() {
        String web1 = ssh("web1", "cat", "/etc/ssh/ssh_host_ed25519_key.pub").stdout().split("\\s+")[1];
        String db1 = ssh("db1", "cat", "/etc/ssh/ssh_host_ed25519_key.pub").stdout().split("\\s+")[1];
        assertThat(web1).isNotEqualTo(db1);
        String rsa1 = ssh("web1", "cat", "/etc/ssh/ssh_host_rsa_key.pub").stdout().split("\\s+")[1];
        String rsa2 = ssh("db1", "cat", "/etc/ssh/ssh_host_rsa_key.pub").stdout().split("\\s+")[1];
        assertThat(rsa1).isNotEqualTo(rsa2);
    }

    @Test
    @Order(5)
    void downLeavesNoMachineNamespaceBridgeOrCacheBehind() throws IOException {
        Cli down = Cli.run(env(), "sandbox", "down", "--state-dir", stateDir.toString());
        assertThat(down.exitCode()).as(down.all()).isZero();

        assertThat(processesMentioning(stateDir.toString())).as("nspawn or apt-cacher-ng processes left").isEmpty();
        assertThat(runner.run(List.of("ip", "netns", "list"), TIMEOUT).stdout()).doesNotContain(BRIDGE + "-");
        assertThat(runner.run(List.of("ip", "link", "show", BRIDGE), TIMEOUT).ok()).isFalse();
        assertThat(stateDir.resolve("hosts")).doesNotExist();
        assertThat(stateDir.resolve("apt-cacher-ng")).doesNotExist();
        assertThat(Files.isDirectory(Sandbox.defaultCacheDir().resolve("machines/debian12/base")))
                .as("the base root stays cached for the next run").isTrue();
    }

    /** Command lines of live processes that name this test's state directory (nspawn's root, the cache's config). */
    private static List<String> processesMentioning(String text) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
                    if (cmdline.contains(text)) {
                        found.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }
}

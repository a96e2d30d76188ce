package io.tierlift.onprem.deploy;

import io.tierlift.onprem.command.LeaseCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.facts.HostProbe;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.release.LocalShell;
import io.tierlift.onprem.ssh.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease and probe in one round trip, run by a real shell in a mount namespace of its own
 * (tmpfs over /var/lib and /var/log), so the machine's own folders are never touched.
 */
@Tag("real")
class LeaseProbeTest {
    // "daemon" exists as a user and a group on Debian: it stands in for an app whose user is created.
    private static final String APP = "daemon";
    private final LeaseCommands leases = new LeaseCommands();
    private final HostProbe probe = new HostProbe();
    private final LeaseProbe leaseProbe = new LeaseProbe();
    private final LocalShell shell = new LocalShell();

    /** Runs setup and then the command inside one fresh mount namespace. */
    private ExecResult inNamespace(String setup, RemoteCommand command) {
        RemoteCommand isolated = RemoteCommand.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                String.join("\n",
                        "set -e",
                        "mount -t tmpfs tierlift-test /var/lib",
                        "mount -t tmpfs tierlift-test /var/log",
                        "sh -c \"$1\"",
                        "set +e",
                        "sh -c \"$2\"; rc=$?",
                        "echo '--- lease'; cat /var/lib/tierlift/" + APP + "/lease 2>/dev/null",
                        "exit $rc"),
                "tierlift", setup, command.toShell());
        return shell.run(isolated);
    }

    private RemoteCommand command(String owner, boolean force, String root, List<String> paths) {
        return leaseProbe.command(leases.acquire(APP, owner, 600, force), probe.command(APP, root, 15, List.of(), paths), APP, root);
    }

    @Test
    void aFreeHostIsLeasedAndReadInTheSameCommand(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("app"));
        Path config = Files.writeString(dir.resolve("app.conf"), "x = 1\n");
        Files.createDirectories(root.resolve("releases/r-000000000001"));
        Files.createSymbolicLink(root.resolve("current"), root.resolve("releases/r-000000000001"));

        ExecResult result = inNamespace("true", command("alice@laptop", false, root.toString(), List.of(config.toString())));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        LeaseProbe.Answer answer = leaseProbe.read(result);
        assertThat(answer.leased()).isTrue();
        HostState state = probe.parse("h1", List.of(config.toString()), result);
        assertThat(HostState.releaseId(state.currentRelease())).contains("r-000000000001");
        assertThat(state.file(config.toString()).sha256()).isPresent();
        assertThat(state.lease()).as("the probe ran after the lease was taken").hasValueSatisfying(l -> assertThat(l).contains("owner=alice@laptop"));
        assertThat(result.out()).contains("--- lease\nowner=alice@laptop\n");
    }

    @Test
    void aLiveLeaseOfAnotherRunIsNotTakenAndTheHostIsNotRead(@TempDir Path dir) {
        String held = "mkdir -p /var/lib/tierlift/" + APP + " && printf 'owner=bob@ci\\nsince=1\\nexpires=99999999999\\n' > /var/lib/tierlift/" + APP + "/lease";
        ExecResult result = inNamespace(held, command("alice@laptop", false, dir.toString(), List.of()));

        assertThat(result.exitCode()).isEqualTo(LeaseCommands.HELD);
        assertThat(result.stderr()).contains("owner=bob@ci");
        LeaseProbe.Answer answer = leaseProbe.read(result);
        assertThat(answer.leased()).isFalse();
        assertThat(answer.bootstrapped()).isFalse();
        assertThat(result.out()).doesNotContain("SYSTEMD").contains("--- lease\nowner=bob@ci\n");
    }

    @Test
    void anExpiredLeaseIsBrokenOnlyWhenAsked(@TempDir Path dir) {
        String expired = "mkdir -p /var/lib/tierlift/" + APP + " && printf 'owner=bob@ci\\nsince=1\\nexpires=2\\n' > /var/lib/tierlift/" + APP + "/lease";

        ExecResult refused = inNamespace(expired, command("alice@laptop", false, dir.toString(), List.of()));
        assertThat(refused.exitCode()).isEqualTo(LeaseCommands.STALE);
        assertThat(leaseProbe.read(refused).leased()).isFalse();

        ExecResult broken = inNamespace(expired, command("alice@laptop", true, dir.toString(), List.of()));
        assertThat(broken.exitCode()).as(broken.stderr()).isZero();
        assertThat(leaseProbe.read(broken).leased()).isTrue();
        assertThat(broken.stderr()).contains("broke the lease of bob@ci");
        assertThat(broken.out()).contains("SYSTEMD ").contains("owner=alice@laptop");
    }

    @Test
    void bootstrappedOnlyWhenUserFoldersAndModesAreAsBootstrapLeavesThem(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("app"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path releases = Files.createDirectories(root.resolve("releases"));
        Files.setPosixFilePermissions(releases, PosixFilePermissions.fromString("rwxr-xr-x"));
        String logs = "install -d -o " + APP + " -g " + APP + " -m 0750 /var/log/" + APP;

        ExecResult ready = inNamespace(logs, command("alice@laptop", false, root.toString(), List.of()));
        assertThat(leaseProbe.read(ready).bootstrapped()).as(ready.out() + ready.stderr()).isTrue();

        ExecResult noLogs = inNamespace("true", command("alice@laptop", false, root.toString(), List.of()));
        assertThat(leaseProbe.read(noLogs).bootstrapped()).isFalse();

        ExecResult wrongOwner = inNamespace("install -d -m 0750 /var/log/" + APP, command("alice@laptop", false, root.toString(), List.of()));
        assertThat(leaseProbe.read(wrongOwner).bootstrapped()).isFalse();

        Files.setPosixFilePermissions(releases, PosixFilePermissions.fromString("rwxrwxrwx"));
        ExecResult wrongMode = inNamespace(logs, command("alice@laptop", false, root.toString(), List.of()));
        assertThat(leaseProbe.read(wrongMode).bootstrapped()).isFalse();

        ExecResult noRoot = inNamespace(logs, command("alice@laptop", false, dir.resolve("missing").toString(), List.of()));
        assertThat(leaseProbe.read(noRoot).bootstrapped()).isFalse();
        assertThat(leaseProbe.read(noRoot).leased()).isTrue();
    }
}

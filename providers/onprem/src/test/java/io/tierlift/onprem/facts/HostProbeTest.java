package io.tierlift.onprem.facts;

import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.release.LocalShell;
import io.tierlift.onprem.ssh.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe run by a real shell against a host laid out in a mount namespace of its own (tmpfs
 * over /run, /var/lib and /etc/postgresql), so what it reports is what was put there.
 */
@Tag("real")
class HostProbeTest {
    private final HostProbe probe = new HostProbe();
    private final LocalShell shell = new LocalShell();

    private static final String LAYOUT = String.join("\n",
            "set -e",
            "root=$1; live=$2",
            "mount -t tmpfs t /run; mount -t tmpfs t /var/lib; mount -t tmpfs t /etc/postgresql",
            "mkdir -p \"$root/releases/r-000000000001\" \"$root/releases/r-000000000002\" \"$root/static/releases/s-000000000001\"",
            "mkdir -p \"$root/venvs/w-000000000001\" \"$root/venvs/w-000000000002.tree\"",
            "ln -s releases/r-000000000002 \"$root/current\"; ln -s releases/r-000000000001 \"$root/previous\"",
            "ln -s releases/s-000000000001 \"$root/static/current\"",
            "echo \"$live\" > /run/nginx.pid",
            "mkdir -p /run/notes; echo 999999 > /run/notes/gunicorn.pid",
            "mkdir -p /var/lib/postgresql/15/main /etc/postgresql/15/main",
            "printf '%s\\n/var/lib/postgresql/15/main\\n' \"$live\" > /var/lib/postgresql/15/main/postmaster.pid",
            "touch /etc/postgresql/15/main/postgresql.conf",
            "mkdir -p /var/lib/tierlift/notes; printf 'owner=alice@laptop\\nsince=1\\nexpires=2' > /var/lib/tierlift/notes/lease");

    private ExecResult probeIn(Path root, RemoteCommand command) {
        // the shell's own PID stands for a live service
        RemoteCommand isolated = RemoteCommand.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "sh -c \"$1\" tierlift \"$2\" $$ && exec sh -c \"$3\"", "tierlift", LAYOUT, root.toString(), command.toShell());
        return shell.run(isolated);
    }

    @Test
    void readsReleasesServicesLeaseAndManagedFiles(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("srv/notes");
        Path plain = Files.createDirectories(dir.resolve("etc")).resolve("plain.conf");
        Files.writeString(plain, "a = 1\n");
        Path spaced = dir.resolve("etc/with space.conf");
        Files.writeString(spaced, "b = 2\n");
        Files.setPosixFilePermissions(spaced, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Path missing = dir.resolve("etc/missing.conf");
        Files.writeString(dir.resolve("etc/plain.conf.tierlift-new"), "half\n");
        List<String> paths = List.of(plain.toString(), spaced.toString(), missing.toString());

        ExecResult result = probeIn(root, probe.command("notes", root.toString(), 15,
                List.of("nftables", "nginx", "tierlift-no-such-package"), paths));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        HostState state = probe.parse("h1", paths, result);
        assertThat(HostState.releaseId(state.currentRelease())).contains("r-000000000002");
        assertThat(HostState.releaseId(state.previousRelease())).contains("r-000000000001");
        assertThat(HostState.releaseId(state.currentStatic())).contains("s-000000000001");
        assertThat(state.previousStatic()).isEmpty();
        assertThat(state.releases()).containsExactly("r-000000000001", "r-000000000002");
        assertThat(state.staticReleases()).containsExactly("s-000000000001");
        assertThat(state.venvs()).containsExactly("w-000000000001");
        assertThat(state.nginxPid()).isPresent();
        assertThat(state.postgresPid()).isEqualTo(state.nginxPid());
        assertThat(state.appPid()).as("a pid file whose process is gone").isEmpty();
        assertThat(state.postgresClusterExists()).isTrue();
        assertThat(state.postgresStandby()).isFalse();
        assertThat(state.lease()).contains("owner=alice@laptop since=1 expires=2");
        assertThat(state.leftovers()).containsExactly(plain + ".tierlift-new");
        assertThat(state.packages().missing(List.of("nginx"))).as("the host's /var/lib is empty: no dpkg database").containsExactly("nginx");

        FileFact first = state.file(plain.toString());
        assertThat(first.sha256()).contains(sha256("a = 1\n"));
        assertThat(first.mode()).isEqualTo(0644);
        assertThat(first.owner()).isEqualTo("root");
        FileFact second = state.file(spaced.toString());
        assertThat(second.sha256()).contains(sha256("b = 2\n"));
        assertThat(second.mode()).isEqualTo(0640);
        assertThat(state.file(missing.toString()).sha256()).isEmpty();
    }

    @Test
    void packagesAreReadFromTheHostsDpkgDatabase() {
        // This machine's own dpkg database, read only: the CI machine has nginx and nftables installed.
        List<String> packages = List.of("nftables", "nginx", "tierlift-no-such-package");
        ExecResult result = shell.run(probe.command("tierlift-probe-test", "/nonexistent/tierlift-probe-test", 15, packages, List.of()));

        HostState state = probe.parse("h1", List.of(), result);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(state.packages().installed()).containsExactlyInAnyOrder("nftables", "nginx");
        assertThat(state.packages().missing(packages)).containsExactly("tierlift-no-such-package");
    }

    @Test
    void thePythonOfTheHostIsTheVersionUsrBinPython3LinksTo() throws Exception {
        ExecResult result = shell.run(probe.command("tierlift-probe-test", "/nonexistent/tierlift-probe-test", 15, List.of(), List.of()));
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").start();
        String version = new String(python.getInputStream().readAllBytes()).strip();
        assertThat(python.waitFor()).isZero();

        assertThat(probe.parse("h1", List.of(), result).python()).contains(version);
        ExecResult odd = new ExecResult(0, "PYTHON python3.13\n".getBytes(), "");
        assertThat(probe.parse("h1", List.of(), odd).python()).contains("3.13");
        ExecResult none = new ExecResult(0, "PYTHON python3.13; rm\n".getBytes(), "");
        assertThat(probe.parse("h1", List.of(), none).python()).as("only a plain version is taken").isEmpty();
    }

    @Test
    void aPackageNameThatCouldBeShellIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> probe.command("notes", "/srv/notes", 15, List.of("nginx;reboot"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nginx;reboot");
    }

    @Test
    void anEmptyHostHasNothing(@TempDir Path dir) {
        Path root = dir.resolve("nothing");
        RemoteCommand bare = RemoteCommand.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -t tmpfs t /run && mount -t tmpfs t /var/lib && mount -t tmpfs t /etc/postgresql && exec sh -c \"$1\"",
                "tierlift", probe.command("notes", root.toString(), 15, List.of("nginx"), List.of(dir.resolve("x.conf").toString())).toShell());
        ExecResult result = shell.run(bare);

        HostState state = probe.parse("h1", List.of(dir.resolve("x.conf").toString()), result);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(state.currentRelease()).isEmpty();
        assertThat(state.releases()).isEmpty();
        assertThat(state.venvs()).isEmpty();
        assertThat(state.nginxPid()).isEmpty();
        assertThat(state.postgresClusterExists()).isFalse();
        assertThat(state.lease()).isEmpty();
        assertThat(state.file(dir.resolve("x.conf").toString()).sha256()).isEmpty();
        assertThat(state.packages().missing(List.of("nginx"))).as("no dpkg database: nothing installed").containsExactly("nginx");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

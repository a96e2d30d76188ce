package io.tierlift.onprem.release;

import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.onprem.ssh.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The on-host commands run for real with {@code sh -c} (as sshd would) against a temporary app root. */
@Tag("real")
class ReleaseCommandsShellTest {
    private static final String R1 = "r-111111111111";
    private static final String R2 = "r-222222222222";
    private final ReleaseCommands commands = new ReleaseCommands();
    private final LocalShell shell = new LocalShell();
    private final TarGzWriter tar = new TarGzWriter();

    @TempDir
    Path tmp;

    private String root() throws IOException {
        return Files.createDirectories(tmp.resolve("srv/notes")).toString();
    }

    private byte[] release(String text) {
        return tar.toBytes(List.of(ArchiveEntry.file("backend/app.py", text.getBytes(StandardCharsets.UTF_8), false),
                ArchiveEntry.file("backend/run.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), true)));
    }

    @Test
    void unpackIsAtomicAndASecondUnpackChangesNothing() throws IOException {
        String root = root();
        assertThat(shell.ok(commands.unpack(root, R1), release("v1"))).isEqualTo("unpacked\n");
        Path dir = Path.of(root, "releases", R1);
        assertThat(Files.readString(dir.resolve("backend/app.py"))).isEqualTo("v1");
        assertThat(Files.isExecutable(dir.resolve("backend/run.sh"))).isTrue();
        assertThat(Files.exists(Path.of(root, "releases", R1 + ".partial"))).isFalse();

        // Same id again (even with other bytes on stdin): already there, left as it is.
        assertThat(shell.ok(commands.unpack(root, R1), release("other"))).isEqualTo("present\n");
        assertThat(Files.readString(dir.resolve("backend/app.py"))).isEqualTo("v1");
    }

    @Test
    void anInterruptedUnpackIsRedoneAndABrokenArchiveLeavesNoRelease() throws IOException {
        String root = root();
        Path partial = Files.createDirectories(Path.of(root, "releases", R1 + ".partial", "backend"));
        Files.writeString(partial.resolve("half-written.py"), "x");
        shell.ok(commands.unpack(root, R1), release("v1"));
        assertThat(Path.of(root, "releases", R1, "backend/half-written.py")).doesNotExist();

        byte[] truncated = java.util.Arrays.copyOf(release("v2"), 40);
        ExecResult broken = shell.run(commands.unpack(root, R2), truncated);
        assertThat(broken.exitCode()).isNotZero();
        assertThat(broken.stderr()).contains("tar");
        assertThat(Path.of(root, "releases", R2)).doesNotExist();
    }

    @Test
    void staticAndWheelhouseUnpackIntoTheirOwnFolders() throws IOException {
        String root = root();
        byte[] site = tar.toBytes(List.of(ArchiveEntry.file("index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8), false)));
        shell.ok(commands.unpackStatic(root, "s-333333333333"), site);
        shell.ok(commands.unpackWheelhouse(root, "w-444444444444"), site);
        assertThat(Path.of(root, "static/releases/s-333333333333/index.html")).hasContent("<h1>hi</h1>");
        assertThat(Path.of(root, "wheelhouses/w-444444444444/index.html")).exists();
    }

    @Test
    void switchCurrentReplacesTheLinkAndRefusesAMissingTarget() throws IOException {
        String root = root();
        shell.ok(commands.unpack(root, R1), release("v1"));
        shell.ok(commands.unpack(root, R2), release("v2"));
        Path current = Path.of(root, "current");
        shell.ok(commands.switchCurrent(root, "current", "releases/" + R1));
        assertThat(Files.readSymbolicLink(current)).hasToString("releases/" + R1);
        shell.ok(commands.switchCurrent(root, "current", "releases/" + R2));
        assertThat(Files.readSymbolicLink(current)).hasToString("releases/" + R2);
        assertThat(current.resolve("backend/app.py")).hasContent("v2");
        assertThat(Path.of(root, "current.tmp")).doesNotExist();

        ExecResult missing = shell.run(commands.switchCurrent(root, "current", "releases/r-999999999999"));
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("releases/r-999999999999 does not exist in " + root);
        assertThat(Files.readSymbolicLink(current)).hasToString("releases/" + R2);
    }

    @Test
    void activateKeepsThePreviousReleaseForRollback() throws IOException {
        String root = root();
        shell.ok(commands.unpack(root, R1), release("v1"));
        shell.ok(commands.unpack(root, R2), release("v2"));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, R1));
        assertThat(Path.of(root, "current")).isSymbolicLink();
        assertThat(Files.exists(Path.of(root, "previous"), LinkOption.NOFOLLOW_LINKS)).isFalse();

        shell.ok(commands.activate(root, ReleaseSet.BACKEND, R2));
        assertThat(Files.readSymbolicLink(Path.of(root, "current"))).hasToString("releases/" + R2);
        assertThat(Files.readSymbolicLink(Path.of(root, "previous"))).hasToString("releases/" + R1);

        // Activating the current one again keeps previous as it is.
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, R2));
        assertThat(Files.readSymbolicLink(Path.of(root, "previous"))).hasToString("releases/" + R1);

        // Rollback: previous becomes current and the other way round.
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, R1));
        assertThat(Path.of(root, "current/backend/app.py")).hasContent("v1");
        assertThat(Files.readSymbolicLink(Path.of(root, "previous"))).hasToString("releases/" + R2);

        byte[] site = tar.toBytes(List.of(ArchiveEntry.file("index.html", new byte[] {'x'}, false)));
        shell.ok(commands.unpackStatic(root, "s-333333333333"), site);
        shell.ok(commands.activate(root, ReleaseSet.STATIC, "s-333333333333"));
        assertThat(Files.readSymbolicLink(Path.of(root, "static/current"))).hasToString("releases/s-333333333333");
        assertThat(Path.of(root, "static/current/index.html")).hasContent("x");
    }

    @Test
    void pruneKeepsTheNewestAndNeverCurrentOrPrevious() throws IOException {
        String root = root();
        List<String> ids = List.of("r-000000000001", "r-000000000002", "r-000000000003", "r-000000000004",
                "r-000000000005", "r-000000000006");
        for (String id : ids) {
            shell.ok(commands.unpack(root, id), release(id));
        }
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, "r-000000000003"));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, "r-000000000002")); // a rollback: current is old
        // mtimes decide the order, whatever the names and the order of unpacking: 1 is the newest.
        for (int i = 0; i < ids.size(); i++) {
            Files.setLastModifiedTime(Path.of(root, "releases", ids.get(i)), FileTime.fromMillis(2_000_000_000_000L - i * 60_000L));
        }
        Files.createDirectories(Path.of(root, "releases", "r-000000000009.partial"));
        Files.createDirectories(Path.of(root, "releases", "not-a-release"));

        String out = shell.ok(commands.prune(root, ReleaseSet.BACKEND, 1));
        assertThat(out.lines().toList()).containsExactlyInAnyOrder("removed r-000000000004", "removed r-000000000005",
                "removed r-000000000006");
        assertThat(names(Path.of(root, "releases"))).containsExactly("not-a-release", "r-000000000001",
                "r-000000000002", "r-000000000003", "r-000000000009.partial");
        assertThat(Path.of(root, "current/backend/app.py")).hasContent("r-000000000002");

        assertThat(shell.ok(commands.prune(root, ReleaseSet.BACKEND, 1))).as("nothing more to remove").isEmpty();
        assertThat(shell.ok(commands.prune(root, ReleaseSet.STATIC, 1))).as("no static releases yet").isEmpty();
    }

    @Test
    void unusedVenvsAndWheelhousesArePruned() throws IOException {
        String root = root();
        String used = "w-aaaaaaaaaaaa";
        String unused = "w-bbbbbbbbbbbb";
        for (String id : List.of(used, unused)) {
            Files.createDirectories(Path.of(root, "venvs", id + ".tree/bin"));
            Files.createSymbolicLink(Path.of(root, "venvs", id), Path.of(id + ".tree"));
            Files.createDirectories(Path.of(root, "wheelhouses", id, "wheels"));
        }
        shell.ok(commands.unpack(root, R1), release("v1"));
        shell.ok(commands.linkVenv(root, R1, used));
        assertThat(Files.readSymbolicLink(Path.of(root, "releases", R1, "venv"))).hasToString("../../venvs/" + used);

        String out = shell.ok(commands.pruneUnusedVenvs(root));
        assertThat(out.lines().toList()).containsExactlyInAnyOrder("removed venvs/" + unused, "removed venvs/" + unused + ".tree",
                "removed wheelhouses/" + unused);
        assertThat(names(Path.of(root, "venvs"))).containsExactly(used, used + ".tree");
        assertThat(names(Path.of(root, "wheelhouses"))).containsExactly(used);
    }

    @Test
    void linkVenvNeedsTheReleaseAndTheVenv() throws IOException {
        String root = root();
        ExecResult noRelease = shell.run(commands.linkVenv(root, R1, "w-aaaaaaaaaaaa"));
        assertThat(noRelease.stderr()).contains("release " + R1 + " is not unpacked");
        shell.ok(commands.unpack(root, R1), release("v1"));
        ExecResult noVenv = shell.run(commands.linkVenv(root, R1, "w-aaaaaaaaaaaa"));
        assertThat(noVenv.exitCode()).isNotZero();
        assertThat(noVenv.stderr()).contains("virtualenv w-aaaaaaaaaaaa is not built");
    }

    @Test
    void buildVenvRefusesAPythonTheWheelsWereNotFetchedFor() throws IOException {
        String root = root();
        String id = "w-cccccccccccc";
        byte[] house = tar.toBytes(List.of(ArchiveEntry.file("python-version", "3.9\n".getBytes(StandardCharsets.US_ASCII), false),
                ArchiveEntry.file("requirements.txt", new byte[0], false), ArchiveEntry.directory("wheels")));
        shell.ok(commands.unpackWheelhouse(root, id), house);
        ExecResult result = shell.run(commands.buildVenv(root, id, "/usr/bin/python3"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("wheelhouse " + id + " holds wheels for Python 3.9 but /usr/bin/python3 is Python 3.");
        assertThat(Path.of(root, "venvs", id)).doesNotExist();

        ExecResult notUnpacked = shell.run(commands.buildVenv(root, "w-dddddddddddd", "/usr/bin/python3"));
        assertThat(notUnpacked.stderr()).contains("wheelhouse w-dddddddddddd is not unpacked");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

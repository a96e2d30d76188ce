package io.tierlift.onprem.command;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory switch and the removal of the kept cluster, run by a real shell over temporary
 * directories, with a stand-in {@code pg_ctlcluster} that records what it was asked.
 */
class RestoreCommandsShellTest {
    @TempDir
    Path dir;
    private Path data;
    private Path restored;
    private Path kept;
    private Path calls;
    private RestoreCommands commands;

    @BeforeEach
    void cluster() throws IOException {
        data = dir.resolve("15/main");
        restored = dir.resolve("15/main.restored-20261207-180000");
        kept = dir.resolve("15/main.before-restore-20261207-180000");
        Files.createDirectories(data);
        Files.writeString(data.resolve("PG_VERSION"), "old\n");
        Files.createDirectories(restored);
        Files.writeString(restored.resolve("PG_VERSION"), "restored\n");
        calls = dir.resolve("calls");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = bin.resolve("pg_ctlcluster");
        // Running while the file "running" exists; stop removes it.
        Files.writeString(fake, String.join("\n", "#!/bin/sh",
                "echo \"$*\" >> " + calls,
                "case \"$3\" in status) [ -e " + dir.resolve("running") + " ];; stop) rm -f " + dir.resolve("running") + ";; esac", ""));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("running"), "");
        commands = new RestoreCommands("notes", 15, data.toString());
    }

    private int run(RemoteCommand command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", "-c", command.toShell())).redirectErrorStream(true);
        builder.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    @Test
    void theSwitchStopsTheClusterKeepsTheOldDirectoryAndMovesTheRestoredOneInPlaceOnceOnly() throws Exception {
        assertThat(run(commands.switchDirectory(restored.toString(), kept.toString()))).isZero();
        assertThat(Files.readString(data.resolve("PG_VERSION"))).isEqualTo("restored\n");
        assertThat(Files.readString(kept.resolve("PG_VERSION"))).isEqualTo("old\n");
        assertThat(restored).doesNotExist();
        assertThat(Files.readAllLines(calls, StandardCharsets.UTF_8)).containsExactly("15 main status", "15 main stop");

        // Run again (a resumed switch): nothing moves, nothing stops.
        assertThat(run(commands.switchDirectory(restored.toString(), kept.toString()))).isZero();
        assertThat(Files.readString(data.resolve("PG_VERSION"))).isEqualTo("restored\n");
        assertThat(Files.readString(kept.resolve("PG_VERSION"))).isEqualTo("old\n");
        assertThat(Files.readAllLines(calls, StandardCharsets.UTF_8)).hasSize(2);
    }

    @Test
    void aSwitchInterruptedBetweenItsTwoRenamesFinishesWhenRunAgain() throws Exception {
        Files.move(data, kept);
        assertThat(run(commands.switchDirectory(restored.toString(), kept.toString()))).isZero();
        assertThat(Files.readString(data.resolve("PG_VERSION"))).isEqualTo("restored\n");
        assertThat(Files.readString(kept.resolve("PG_VERSION"))).isEqualTo("old\n");
    }

    @Test
    void theSwitchRefusesToOverwriteSomethingInTheWayOfTheKeptDirectory() throws Exception {
        Files.createDirectories(kept);
        assertThat(run(commands.switchDirectory(restored.toString(), kept.toString()))).isNotZero();
        assertThat(Files.readString(data.resolve("PG_VERSION"))).isEqualTo("old\n");
        assertThat(restored).exists();
        assertThat(calls).as("the cluster was not stopped").doesNotExist();
    }

    @Test
    void onlyAKeptSiblingOfTheDataDirectoryIsRemoved() throws Exception {
        Files.createDirectories(kept);
        assertThat(run(commands.removeKept(data.toString()))).isNotZero();
        assertThat(run(commands.removeKept(dir.resolve("15").toString()))).isNotZero();
        assertThat(run(commands.removeKept(kept + "/../main"))).isNotZero();
        assertThat(data).exists();
        assertThat(run(commands.removeKept(kept.toString()))).isZero();
        assertThat(kept).doesNotExist();
        assertThat(data).exists();
    }

    @Test
    void stoppingAClusterThatIsDownSucceedsWithoutAskingItToStop() throws Exception {
        Files.delete(dir.resolve("running"));
        assertThat(run(commands.stopIfRunning())).isZero();
        assertThat(Files.readAllLines(calls, StandardCharsets.UTF_8)).containsExactly("15 main status");
    }
}

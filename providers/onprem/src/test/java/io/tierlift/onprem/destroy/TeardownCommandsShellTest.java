package io.tierlift.onprem.destroy;

import io.tierlift.onprem.command.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The removal script run by a real shell on temporary folders. */
class TeardownCommandsShellTest {
    private final TeardownCommands commands = new TeardownCommands("notes", "/srv/notes");

    private static int run(RemoteCommand command) throws Exception {
        Process process = new ProcessBuilder(command.argv()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    @Test
    void removesFilesAndFoldersThenOnlyTheFoldersLeftEmpty(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("srv/notes/releases/r1"));
        Files.writeString(dir.resolve("srv/notes/releases/r1/app.py"), "x");
        Files.writeString(dir.resolve("firewall.nft"), "x");
        Files.createDirectories(dir.resolve("tls-empty"));
        Files.createDirectories(dir.resolve("tls-used"));
        Files.writeString(dir.resolve("tls-used/operator.crt"), "x");

        int exit = run(commands.remove(List.of(dir.resolve("srv/notes").toString(), dir.resolve("firewall.nft").toString(),
                dir.resolve("never-there").toString()), List.of(dir.resolve("tls-empty").toString(), dir.resolve("tls-used").toString())));

        assertThat(exit).isZero();
        assertThat(dir.resolve("srv/notes")).doesNotExist();
        assertThat(dir.resolve("srv")).exists();
        assertThat(dir.resolve("firewall.nft")).doesNotExist();
        assertThat(dir.resolve("tls-empty")).doesNotExist();
        assertThat(dir.resolve("tls-used/operator.crt")).exists();
    }

    @Test
    void refusesAPathThatIsNotAbsoluteBeforeRemovingAnything(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kept"), "x");
        assertThat(run(commands.remove(List.of(dir.resolve("kept").toString(), "relative/path"), List.of()))).isEqualTo(2);
        assertThat(run(commands.remove(List.of("/"), List.of()))).isEqualTo(2);
        assertThat(dir.resolve("kept")).exists();
    }
}

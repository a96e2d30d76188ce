package io.tierlift.onprem.release;

import io.tierlift.onprem.command.RemoteCommand;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the builders accept and how they pass values; running them is {@link ReleaseCommandsShellTest}. */
class ReleaseCommandsTest {
    private final ReleaseCommands commands = new ReleaseCommands();

    @Test
    void valuesTravelAsPositionalParametersNotInsideTheScript() {
        RemoteCommand unpack = commands.unpack("/srv/notes", "r-0123456789ab");
        assertThat(unpack.argv()).startsWith("sh", "-c").endsWith("tierlift", "/srv/notes", "releases", "r-0123456789ab");
        assertThat(unpack.argv().get(2)).doesNotContain("/srv/notes").doesNotContain("r-0123456789ab");
    }

    @Test
    void idsMustBeOfTheirKind() {
        assertThatThrownBy(() -> commands.unpack("/srv/notes", "w-0123456789ab")).hasMessageContaining("'r-' release id");
        assertThatThrownBy(() -> commands.unpackStatic("/srv/notes", "r-0123456789ab")).hasMessageContaining("'s-'");
        assertThatThrownBy(() -> commands.unpackWheelhouse("/srv/notes", "w-0123")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> commands.unpack("/srv/notes", "r-0123456789ab; rm -rf /")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> commands.activate("/srv/notes", ReleaseSet.STATIC, "r-0123456789ab")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appRootMustBeAnAbsoluteFolderOtherThanTheRoot() {
        for (String bad : new String[] {"/", "srv/notes", "/srv/../etc", "/srv/notes/", "/srv/no tes", "/srv/$(reboot)"}) {
            assertThatThrownBy(() -> commands.prune(bad, ReleaseSet.BACKEND, 3)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void linksHoldPathsRelativeToTheirFolder() {
        assertThat(ReleaseSet.BACKEND.linkText("r-0123456789ab")).isEqualTo("releases/r-0123456789ab");
        assertThat(ReleaseSet.STATIC.linkText("s-0123456789ab")).isEqualTo("releases/s-0123456789ab");
        RemoteCommand link = commands.switchCurrent("/srv/notes", "static/current", "static/releases/s-0123456789ab");
        assertThat(link.argv()).endsWith("static/current", "releases/s-0123456789ab", "static/releases/s-0123456789ab");
        assertThatThrownBy(() -> commands.switchCurrent("/srv/notes", "../current", "releases/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pruneKeepsAtLeastOne() {
        assertThatThrownBy(() -> commands.prune("/srv/notes", ReleaseSet.BACKEND, 0)).hasMessageContaining("keep at least one");
    }

    @Test
    void pythonBinaryIsAProgramPath() {
        assertThat(commands.buildVenv("/srv/notes", "w-0123456789ab", "/usr/bin/python3.11").argv()).endsWith("/usr/bin/python3.11");
        assertThatThrownBy(() -> commands.buildVenv("/srv/notes", "w-0123456789ab", "python3; reboot")).isInstanceOf(IllegalArgumentException.class);
    }
}

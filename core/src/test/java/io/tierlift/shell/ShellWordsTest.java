package io.tierlift.shell;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one quoting rule, checked against a real POSIX shell reading the line back. */
class ShellWordsTest {
    @Test
    void aRealShellReadsEveryWordBackUnchangedWhateverItContains() throws Exception {
        List<String> argv = List.of("python", "-c", "import os; print(os.environ[\"DATABASE_URL\"] != \"\")", "it's", "$HOME",
                "`id`", "a b\tc\nd", "", "*", "--flag=value", "\\", "!x", ";", "|");
        assertThat(readBack(ShellWords.join(argv))).isEqualTo(argv);
    }

    @Test
    void plainWordsStayPlainAndOthersAreSingleQuoted() {
        assertThat(ShellWords.join(List.of("flask", "routes", "/srv/notes/current", "a=b,c:d"))).isEqualTo("flask routes /srv/notes/current a=b,c:d");
        assertThat(ShellWords.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.quote("")).isEqualTo("''");
    }

    @Test
    void aNulOrAnEmptyCommandIsRefused() {
        assertThatThrownBy(() -> ShellWords.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShellWords.join(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> readBack(String line) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "sh", line).start();
        byte[] out = sh.getInputStream().readAllBytes();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).isZero();
        String text = new String(out, StandardCharsets.UTF_8);
        return Arrays.asList(text.substring(0, text.length() - 1).split("\0", -1));
    }
}

package io.tierlift.cli.console;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalTest {
    @Test
    void aCharacterSplitAcrossWritesReachesTheWriterWhole() {
        StringWriter text = new StringWriter();
        Terminal.WriterStream stream = new Terminal.WriterStream(new PrintWriter(text));
        byte[] bytes = "Grüße €\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            stream.write(new byte[] {b}, 0, 1);
        }
        assertThat(text.toString()).isEqualTo("Grüße €\n");
    }

    @Test
    void aDetachedTerminalIsNeverInteractive() {
        Terminal detached = Terminal.detached(new byte[0], new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertThat(detached.inputIsTerminal()).isFalse();
        assertThat(detached.streams("xterm").interactive()).isFalse();
    }
}

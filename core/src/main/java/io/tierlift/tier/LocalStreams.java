package io.tierlift.tier;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The operator's own input and output, for verbs that hand them to a remote or local program
 * ({@code exec}, {@code db shell}). {@code terminal} is present when the input is a terminal: the
 * program then gets a terminal of that size and type, and the caller has put its own one in raw mode.
 */
public record LocalStreams(InputStream in, OutputStream out, OutputStream err, Optional<TerminalSize> terminal) {
    public boolean interactive() {
        return terminal.isPresent();
    }

    /** The size and type ({@code TERM}) of the operator's terminal. */
    public record TerminalSize(int columns, int rows, String type) {
        public TerminalSize {
            if (columns < 1 || rows < 1) {
                throw new IllegalArgumentException("terminal size " + columns + "x" + rows);
            }
            if (!type.matches("[A-Za-z0-9._+-]{1,64}")) {
                type = "xterm";
            }
        }
    }
}

package io.tierlift.cli.console;

import io.tierlift.tier.LocalStreams;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The process's own input and output as bytes, for the verbs that hand them to another program
 * ({@code exec}, {@code db shell}), and what the operator's terminal is when the input is one. The
 * terminal is asked with stty, which reads the terminal on its standard input: this process's own.
 */
public final class Terminal {
    private final InputStream in;
    private final OutputStream out;
    private final OutputStream err;
    private final boolean system;
    private Boolean inputIsTerminal;

    private Terminal(InputStream in, OutputStream out, OutputStream err, boolean system) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.system = system;
    }

    /** This process's standard streams. */
    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err, true);
    }

    /** Never a terminal: {@code input} as standard input, output into the console's writers (tests, embedding). */
    public static Terminal detached(byte[] input, PrintWriter out, PrintWriter err) {
        return new Terminal(new ByteArrayInputStream(input), new WriterStream(out), new WriterStream(err), false);
    }

    /** Whether standard input is a terminal (then the program run for the operator gets one too). */
    public synchronized boolean inputIsTerminal() {
        if (inputIsTerminal == null) {
            inputIsTerminal = system && exitsZero("test", "-t", "0");
        }
        return inputIsTerminal;
    }

    /** The streams, with the terminal's size and {@code TERM} when the input is a terminal. */
    public LocalStreams streams(String termType) {
        Optional<LocalStreams.TerminalSize> size = Optional.empty();
        if (inputIsTerminal()) {
            size = Optional.of(stty("size").map(s -> s.strip().split("\\s+"))
                    .filter(parts -> parts.length == 2 && parts[0].matches("[1-9][0-9]*") && parts[1].matches("[1-9][0-9]*"))
                    .map(parts -> new LocalStreams.TerminalSize(Integer.parseInt(parts[1]), Integer.parseInt(parts[0]), termType))
                    .orElse(new LocalStreams.TerminalSize(80, 24, termType)));
        }
        return new LocalStreams(in, out, err, size);
    }

    /**
     * Puts the terminal in raw mode (keys go to the remote program as typed, Ctrl-C included, no local
     * echo) until closed, which restores the settings it had.
     */
    public RawMode raw() {
        String saved = stty("-g").map(String::strip).orElseThrow(() -> new IllegalStateException("cannot read the terminal's settings (stty -g)"));
        stty("raw", "-echo");
        return () -> stty(saved);
    }

    /** Restores the terminal when closed. */
    public interface RawMode extends AutoCloseable {
        @Override
        void close();

        static RawMode none() {
            return () -> { };
        }
    }

    private static Optional<String> stty(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "stty";
        System.arraycopy(args, 0, argv, 1, args.length);
        try {
            Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static boolean exitsZero(String... argv) {
        try {
            return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.INHERIT).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Bytes into a writer as UTF-8 text; a character split across writes is joined, not mangled. */
    static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            ByteBuffer input = ByteBuffer.allocate(pending.remaining() + len);
            input.put(pending).put(b, off, len).flip();
            CharBuffer chars = CharBuffer.allocate(input.remaining() + 1);
            decoder.decode(input, chars, false);
            pending = input.slice();
            chars.flip();
            writer.write(chars.toString());
            writer.flush();
        }

        @Override
        public void flush() {
            writer.flush();
        }
    }
}

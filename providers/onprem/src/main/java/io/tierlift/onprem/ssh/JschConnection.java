package io.tierlift.onprem.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.tierlift.onprem.command.RemoteCommand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One authenticated SSH session to a host; every command gets its own exec channel on it.
 * Commands may run from several threads at once. Logs name the command, never its stdin.
 */
public final class JschConnection implements Connection {
    private static final System.Logger LOG = System.getLogger(JschConnection.class.getName());
    static final int STDERR_CAP = 64 * 1024;

    private final String host;
    private final String label;
    private final SshTarget target;
    private final Session session;
    private final boolean sudo;
    private final Duration defaultTimeout;
    private final ScheduledExecutorService timer;

    JschConnection(String host, String label, SshTarget target, Session session, boolean sudo,
                   Duration defaultTimeout, ScheduledExecutorService timer) {
        this.host = host;
        this.label = label;
        this.target = target;
        this.session = session;
        this.sudo = sudo;
        this.defaultTimeout = defaultTimeout;
        this.timer = timer;
    }

    @Override
    public String host() {
        return host;
    }

    /** The user the session is logged in as. */
    public String loginUser() {
        return target.user();
    }

    /** Whether commands run through {@code sudo -n}: sudo is on and the login user is not root. */
    public boolean usesSudo() {
        return sudo;
    }

    public SshTarget target() {
        return target;
    }

    public boolean isOpen() {
        return session.isConnected();
    }

    @Override
    public ExecResult run(RemoteCommand command, byte[] stdin) {
        return run(command, stdin, defaultTimeout);
    }

    /** Runs a command, giving up (and signalling it) after {@code timeout}. */
    public ExecResult run(RemoteCommand command, byte[] stdin, Duration timeout) {
        String line = prepare(command, sudo).toShell();
        LOG.log(Level.DEBUG, "{0}: {1} (stdin {2} bytes)", host, line, stdin.length);
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw new SshException(label + ": connection lost (" + e.getMessage() + ")", e);
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StderrBuffer stderr = new StderrBuffer(STDERR_CAP);
        channel.setCommand(line.getBytes(StandardCharsets.UTF_8));
        channel.setOutputStream(stdout, true);
        // JSch closes the stderr stream only when the channel closes, after the exit status came
        channel.setErrStream(stderr, false);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> watchdog = timer.schedule(() -> stop(channel, timedOut), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            // no connect timeout on purpose: with one, JSch asks for a reply to "exec" and polls for it
            // every 10 ms; the watchdog bounds the whole command instead
            channel.connect();
            sendStdin(channel, stdin);
            awaitClose(channel, stderr);
        } catch (JSchException e) {
            if (!timedOut.get()) {
                throw new SshException(label + ": cannot start " + summary(line) + ": " + e.getMessage(), e);
            }
        } finally {
            watchdog.cancel(false);
            channel.disconnect();
        }
        if (timedOut.get()) {
            throw new SshException(label + ": " + summary(line) + " did not finish within " + human(timeout)
                    + "; it was sent SIGTERM and its channel closed");
        }
        int exit = channel.getExitStatus();
        String errors = stderr.text();
        if (exit < 0) {
            if (!session.isConnected()) {
                throw new SshException(label + ": connection lost while running " + summary(line));
            }
            String signal = channel.getExitSignal();
            errors = errors + (signal == null ? "[no exit status from the server]" : "[killed by signal " + signal + "]");
        }
        ExecResult result = new ExecResult(exit, stdout.toByteArray(), errors);
        if (sudo) {
            sudoProblem(result, target.user()).ifPresent(problem -> {
                throw new SshException(label + ": " + problem);
            });
        }
        return result;
    }

    /** sudo is applied here, per connection, when the login user is not root. */
    static RemoteCommand prepare(RemoteCommand command, boolean sudo) {
        return sudo ? command.withSudo(true) : command;
    }

    /** Recognises sudo refusing to run (it never prompts: {@code sudo -n}). */
    static Optional<String> sudoProblem(ExecResult result, String user) {
        String err = result.stderr();
        if (result.exitCode() == 1 && (err.contains("sudo: a password is required")
                || err.contains("sudo: a terminal is required"))) {
            return Optional.of("sudo needs a password for user " + user + "; tierlift runs sudo -n and never types"
                    + " passwords: allow " + user + " passwordless sudo (NOPASSWD in /etc/sudoers.d) or log in as root");
        }
        if (result.exitCode() == 127 && err.matches("(?s).*\\bsudo: (command )?not found.*")) {
            return Optional.of("sudo is not installed, and user " + user + " is not root: install sudo or set"
                    + " ssh.user to root");
        }
        if (result.exitCode() == 1 && (err.contains("is not in the sudoers file")
                || err.contains("is not allowed to execute"))) {
            return Optional.of("user " + user + " may not use sudo here: " + err.strip());
        }
        return Optional.empty();
    }

    private static void sendStdin(ChannelExec channel, byte[] stdin) throws JSchException {
        try (OutputStream in = channel.getOutputStream()) {
            if (stdin.length > 0) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the command ended without reading all of its input; its exit status tells how it went
            LOG.log(Level.DEBUG, "stdin not fully read: {0}", e.toString());
        }
    }

    private void awaitClose(ChannelExec channel, StderrBuffer stderr) {
        try {
            while (!stderr.awaitClosed(200)) {
                // belt and braces: never wait on a channel or session that is gone
                if (channel.isClosed() || !session.isConnected()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(label + ": interrupted");
        }
    }

    private static void stop(ChannelExec channel, AtomicBoolean timedOut) {
        timedOut.set(true);
        try {
            // TERM rather than KILL: sudo passes TERM on to the command, KILL would leave it running
            channel.sendSignal("TERM");
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "could not signal the timed-out command: {0}", e.toString());
        }
        channel.disconnect();
    }

    private static String summary(String line) {
        return "'" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'";
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        session.disconnect();
    }

    /**
     * Collects stderr up to a cap, keeping its start and its end (where errors usually are), and
     * reports when JSch closes it, which happens when the channel closes.
     */
    static final class StderrBuffer extends OutputStream {
        private final int cap;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final byte[] tail;
        private int tailLength;
        private int tailStart;
        private long dropped;
        private final CountDownLatch closed = new CountDownLatch(1);

        StderrBuffer(int cap) {
            this.cap = cap;
            this.tail = new byte[cap / 4];
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int headRoom = cap - tail.length - head.size();
            int toHead = Math.max(0, Math.min(headRoom, len));
            head.write(b, off, toHead);
            for (int i = off + toHead; i < off + len; i++) {
                if (tailLength == tail.length) {
                    tailStart = (tailStart + 1) % tail.length;
                    tailLength--;
                    dropped++;
                }
                tail[(tailStart + tailLength) % tail.length] = b[i];
                tailLength++;
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }

        boolean awaitClosed(long millis) throws InterruptedException {
            return closed.await(millis, TimeUnit.MILLISECONDS);
        }

        synchronized String text() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(head.toByteArray());
            if (dropped > 0) {
                all.writeBytes(("\n[... " + dropped + " bytes of stderr left out ...]\n").getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < tailLength; i++) {
                all.write(tail[(tailStart + i) % tail.length]);
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}

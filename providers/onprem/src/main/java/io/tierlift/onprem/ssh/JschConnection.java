package io.tierlift.onprem.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.tier.LocalStreams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
public final class JschConnection implements Connection, PortForwarding, AttachedExec {
    private static final System.Logger LOG = System.getLogger(JschConnection.class.getName());
    static final int STDERR_CAP = 64 * 1024;
    static final int KILL_AFTER_SECONDS = 10;
    /** Exit statuses of coreutils timeout: the limit passed; the command had to be killed. */
    static final int TIMEOUT_EXIT = 124;
    static final int TIMEOUT_KILLED_EXIT = 137;
    /** How long past the limit this side waits for the host's own timeout before closing the channel. */
    static final Duration LOCAL_GRACE = Duration.ofSeconds(KILL_AFTER_SECONDS + 5);

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

    /** Runs a command; the host stops it after {@code timeout}, and this call then fails. */
    public ExecResult run(RemoteCommand command, byte[] stdin, Duration timeout) {
        String line = prepare(command, sudo).toShell();
        LOG.log(Level.DEBUG, "{0}: {1} (stdin {2} bytes)", host, line, stdin.length);
        long start = System.nanoTime();
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw new SshException(label + ": connection lost (" + e.getMessage() + ")", e);
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StderrBuffer stderr = new StderrBuffer(STDERR_CAP);
        channel.setCommand(withRemoteLimit(line, timeout).getBytes(StandardCharsets.UTF_8));
        channel.setOutputStream(stdout, true);
        // JSch closes the stderr stream only when the channel closes, after the exit status came
        channel.setErrStream(stderr, false);
        AtomicBoolean timedOut = new AtomicBoolean();
        // the host enforces the limit itself; this is the backstop for a host or network that stops answering
        ScheduledFuture<?> watchdog = timer.schedule(() -> stop(channel, timedOut),
                timeout.plus(LOCAL_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        try {
            // no connect timeout on purpose: with one, JSch asks for a reply to "exec" and polls for it
            // every 10 ms; the watchdog bounds the whole command instead
            channel.connect();
            sendStdin(channel, stdin);
            awaitClose(channel, stderr);
        } catch (JSchException e) {
            if (!session.isConnected()) {
                throw new SshException(label + ": connection lost (" + e.getMessage() + ")", e);
            }
            if (!timedOut.get()) {
                throw new SshException(label + ": cannot start " + summary(line) + ": " + e.getMessage(), e);
            }
        } finally {
            watchdog.cancel(false);
            channel.disconnect();
        }
        int exit = channel.getExitStatus();
        boolean overran = Duration.ofNanos(System.nanoTime() - start).compareTo(timeout) >= 0;
        if (timedOut.get() || overran && (exit == TIMEOUT_EXIT || exit == TIMEOUT_KILLED_EXIT)) {
            throw new SshException(label + ": " + summary(line) + " did not finish within " + human(timeout)
                    + " and was stopped");
        }
        String errors = stderr.text();
        if (exit < 0) {
            if (!session.isConnected()) {
                throw new SshException(label + ": connection lost while running " + summary(line));
            }
            String signal = channel.getExitSignal();
            errors = errors + (signal == null ? "[no exit status from the server]" : "[killed by signal " + signal + "]");
        }
        ExecResult result = new ExecResult(exit, stdout.toByteArray(), errors);
        hostProblem(result, target.user(), sudo).ifPresent(problem -> {
            throw new SshException(label + ": " + problem);
        });
        return result;
    }

    /**
     * Starts a command without a time limit and reads its output line by line on a thread of its own.
     * The command is expected to end when its standard input closes (this side's way to stop it:
     * OpenSSH 9.2 refuses "signal" requests on root sessions); {@link RunningCommand#close()} closes
     * the input, gives the command {@link #STOP_GRACE} to end, then closes the channel.
     */
    @Override
    public RunningCommand start(RemoteCommand command, java.util.function.Consumer<String> lines) {
        String line = prepare(command, sudo).toShell();
        LOG.log(Level.DEBUG, "{0}: {1} (streaming)", host, line);
        ChannelExec channel;
        java.io.InputStream out;
        OutputStream in;
        StderrBuffer stderr = new StderrBuffer(STDERR_CAP);
        try {
            channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(line.getBytes(StandardCharsets.UTF_8));
            channel.setErrStream(stderr, false);
            out = channel.getInputStream();
            in = channel.getOutputStream();
            channel.connect();
        } catch (JSchException | IOException e) {
            throw new SshException(label + ": cannot start " + summary(line) + ": " + e.getMessage(), e);
        }
        CountDownLatch ended = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (var text = new java.io.BufferedReader(new java.io.InputStreamReader(out, StandardCharsets.UTF_8))) {
                for (String l = text.readLine(); l != null; l = text.readLine()) {
                    lines.accept(l);
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: output stream ended: {1}", host, e.toString());
            } finally {
                ended.countDown();
            }
        }, "ssh-stream-" + host);
        reader.setDaemon(true);
        reader.start();
        return new RunningCommand() {
            @Override
            public boolean awaitEnd(Duration timeout) throws InterruptedException {
                return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public boolean ended() {
                return ended.getCount() == 0;
            }

            @Override
            public int exitStatus() {
                return ended() ? channel.getExitStatus() : -1;
            }

            @Override
            public String stderr() {
                return stderr.text();
            }

            @Override
            public void close() {
                try {
                    in.close();
                    if (!ended.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOG.log(Level.WARNING, "{0}: {1} did not end within {2} after its input closed", host, summary(line),
                                human(STOP_GRACE));
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "{0}: closing the input: {1}", host, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    channel.disconnect();
                }
            }
        };
    }

    /** How long a streaming command gets to end after its input closed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /**
     * Runs the command under coreutils {@code timeout}, so the host itself stops it (TERM, then
     * KILL after 10 s) when the limit passes, even if this side is gone. Closing the channel would
     * not: without a terminal nothing tells the command, and OpenSSH 9.2 (Debian 12) refuses
     * "signal" requests on root sessions ("session signalling requires privilege separation").
     * Under sudo, timeout signals sudo, which passes TERM on.
     */
    static String withRemoteLimit(String line, Duration timeout) {
        long millis = Math.max(1, timeout.toMillis());
        String seconds = millis % 1000 == 0 ? Long.toString(millis / 1000)
                : java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        return "timeout -k " + KILL_AFTER_SECONDS + " " + seconds + " " + line;
    }

    /** sudo is applied here, per connection, when the login user is not root. */
    static RemoteCommand prepare(RemoteCommand command, boolean sudo) {
        return sudo ? command.withSudo(true) : command;
    }

    /**
     * Recognises the wrapping itself failing: no coreutils timeout on the host, or sudo refusing
     * to run (it never prompts: {@code sudo -n}). Any other failure is the command's own.
     */
    static Optional<String> hostProblem(ExecResult result, String user, boolean sudo) {
        String err = result.stderr();
        if (result.exitCode() == 127 && err.matches("(?s).*\\btimeout: (command )?not found.*")) {
            return Optional.of("the timeout command (coreutils) is missing on the host; tierlift needs it to"
                    + " limit how long commands run");
        }
        return sudo ? sudoProblem(result, user) : Optional.empty();
    }

    static Optional<String> sudoProblem(ExecResult result, String user) {
        String err = result.stderr();
        if (result.exitCode() == 1 && (err.contains("sudo: a password is required")
                || err.contains("sudo: a terminal is required"))) {
            return Optional.of("sudo needs a password for user " + user + "; tierlift runs sudo -n and never types"
                    + " passwords: allow " + user + " passwordless sudo (NOPASSWD in /etc/sudoers.d) or log in as root");
        }
        if (result.exitCode() == 127 && (err.matches("(?s).*\\bsudo: (command )?not found.*")
                || err.contains("failed to run command 'sudo'"))) {
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
            // honoured by servers that allow it; the remote timeout is what really stops the command
            channel.sendSignal("KILL");
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "could not signal the timed-out command: {0}", e.toString());
        }
        channel.disconnect();
    }

    static String summary(String line) {
        return "'" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'";
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * Runs a command with the operator's streams attached, a terminal on the host when the streams are
     * one ({@link JschAttach}).
     */
    @Override
    public int attach(RemoteCommand command, LocalStreams streams) {
        String line = prepare(command, sudo).toShell();
        LOG.log(Level.DEBUG, "{0}: attached {1}", host, line);
        return new JschAttach(session, host, label).run(line, streams);
    }

    /** Forwards 127.0.0.1 on this machine through this session; closing the forward ends the session too. */
    @Override
    public LocalForward forwardLocal(int preferredLocalPort, String remoteHost, int remotePort) {
        try {
            int port = session.setPortForwardingL(LocalForward.BIND_ADDRESS, preferredLocalPort, remoteHost, remotePort);
            return new LocalForward(host, port, remoteHost, remotePort, () -> {
                try {
                    session.delPortForwardingL(LocalForward.BIND_ADDRESS, port);
                } catch (JSchException e) {
                    // the session is closed next anyway
                }
                session.disconnect();
            });
        } catch (JSchException e) {
            throw new SshException(label + ": cannot forward " + LocalForward.BIND_ADDRESS + ":" + preferredLocalPort + " to "
                    + remoteHost + ":" + remotePort + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        session.disconnect();
    }
}

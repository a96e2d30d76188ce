package io.tierlift.onprem.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.tierlift.tier.LocalStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

import static io.tierlift.onprem.ssh.JschConnection.summary;

/**
 * One command on a session with the operator's streams attached, a terminal on the host when the
 * streams are one. No time limit: an operator's shell or script runs as long as it needs; a dropped
 * session ends a terminal's command with a hangup, and a piped one at its end of input.
 */
final class JschAttach {
    private static final System.Logger LOG = System.getLogger(JschAttach.class.getName());

    private final Session session;
    private final String host;
    private final String label;

    JschAttach(Session session, String host, String label) {
        this.session = session;
        this.host = host;
        this.label = label;
    }

    /** The command's exit status. */
    int run(String line, LocalStreams streams) {
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw new SshException(label + ": connection lost (" + e.getMessage() + ")", e);
        }
        channel.setCommand(line.getBytes(StandardCharsets.UTF_8));
        streams.terminal().ifPresent(size -> {
            channel.setPty(true);
            channel.setPtyType(size.type(), size.columns(), size.rows(), 0, 0);
        });
        channel.setOutputStream(streams.out(), true);
        channel.setExtOutputStream(streams.err(), true);
        try {
            OutputStream remoteInput = channel.getOutputStream();
            channel.connect();
            Thread input = new Thread(() -> copyThenClose(streams.in(), remoteInput), "exec-input-" + host);
            // the operator's terminal never ends by itself: the reader must not keep the process alive
            input.setDaemon(true);
            input.start();
            while (!channel.isClosed()) {
                if (!session.isConnected()) {
                    throw new SshException(label + ": connection lost while running " + summary(line));
                }
                Thread.sleep(20);
            }
        } catch (JSchException | IOException e) {
            throw new SshException(label + ": cannot start " + summary(line) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(label + ": interrupted");
        } finally {
            channel.disconnect();
        }
        int exit = channel.getExitStatus();
        if (exit < 0) {
            String signal = channel.getExitSignal();
            throw new SshException(label + ": " + (signal == null ? "no exit status from the server for " : "killed by signal " + signal + ": ")
                    + summary(line));
        }
        return exit;
    }

    private static void copyThenClose(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try (to) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the command ended before reading all of its input; its exit status tells how it went
            LOG.log(Level.DEBUG, "exec input not fully read: {0}", e.toString());
        }
    }
}

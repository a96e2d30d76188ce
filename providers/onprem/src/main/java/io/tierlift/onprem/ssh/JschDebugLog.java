package io.tierlift.onprem.ssh;

import com.jcraft.jsch.Logger;

import java.lang.System.Logger.Level;

/**
 * Sends JSch's own log to a debug-level {@link System.Logger}, silent unless someone turns it
 * on: tierlift reports connection problems itself, in its own words.
 */
final class JschDebugLog implements Logger {
    private static final System.Logger LOG = System.getLogger("io.tierlift.onprem.ssh.jsch");

    @Override
    public boolean isEnabled(int level) {
        return LOG.isLoggable(map(level));
    }

    @Override
    public void log(int level, String message) {
        LOG.log(map(level), message);
    }

    private static Level map(int level) {
        // JSch logs handshake steps at INFO and trivia at DEBUG: both are debugging detail here
        return level <= Logger.DEBUG ? Level.TRACE : Level.DEBUG;
    }
}

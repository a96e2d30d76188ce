package io.tierlift.onprem.ssh;

import java.nio.charset.StandardCharsets;

/** What a remote command returned. */
public record ExecResult(int exitCode, byte[] stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    public String out() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}

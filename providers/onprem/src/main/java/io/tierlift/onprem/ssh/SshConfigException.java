package io.tierlift.onprem.ssh;

/** The OpenSSH config (or a value in it) cannot be used; the message names the file and line. */
public class SshConfigException extends SshException {
    public SshConfigException(String message) {
        super(message);
    }
}

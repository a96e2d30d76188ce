package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs commands through the OpenSSH client with a given config: a second, independent client for tests. */
final class OpenSshTestConnector implements Connector {
    private final Path sshConfig;

    OpenSshTestConnector(Path sshConfig) {
        this.sshConfig = sshConfig;
    }

    @Override
    public Connection connect(Host host) {
        return new Connection() {
            @Override
            public String host() {
                return host.name();
            }

            @Override
            public ExecResult run(RemoteCommand command, byte[] stdin) {
                try {
                    Process process = new ProcessBuilder(List.of("ssh", "-F", sshConfig.toString(), host.name(), command.toShell())).start();
                    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
                    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
                    try (OutputStream in = process.getOutputStream()) {
                        in.write(stdin);
                    }
                    int code = process.waitFor();
                    return new ExecResult(code, out.join(), new String(err.join(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}

package io.tierlift.onprem.release;

import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.ExecResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link RemoteCommand} the way sshd would, but locally: its shell text is handed to
 * {@code sh -c}, so quoting is exercised exactly as on a host.
 */
public final class LocalShell {
    public ExecResult run(RemoteCommand command, byte[] stdin) {
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", "-c", command.toShell()));
        builder.environment().put("LC_ALL", "C");
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // A command may exit before reading stdin; its exit code and stderr tell why.
            }
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("command did not finish within 300 s: " + command);
            }
            return new ExecResult(process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public ExecResult run(RemoteCommand command) {
        return run(command, new byte[0]);
    }

    /** Runs and fails the test, with stderr, unless the command succeeded. */
    String ok(RemoteCommand command, byte[] stdin) {
        ExecResult result = run(command, stdin);
        if (!result.ok()) {
            throw new AssertionError("exit " + result.exitCode() + " from " + command + "\n" + result.stderr());
        }
        return result.out();
    }

    String ok(RemoteCommand command) {
        return ok(command, new byte[0]);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.tierlift.render.onprem.firewall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real programs rendered files are checked with. Output goes through files, so a
 * program that leaves a child holding its pipes (pg_ctl start) cannot hang the test.
 */
public final class Programs {
    private static final long TIMEOUT_SECONDS = 120;

    public record Result(List<String> argv, int exit, String stdout, String stderr) {
        public String describe() {
            return String.join(" ", argv) + " exited " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Fails (never skips) when a program the test needs is missing, naming the Debian package. */
    public void require(String path, String debianPackage) {
        assertThat(Files.isExecutable(Path.of(path)))
                .as("%s is missing: install the Debian package %s (apt-get install -y %s)", path, debianPackage, debianPackage)
                .isTrue();
    }

    public Result run(List<String> argv) {
        return run(argv, null);
    }

    public Result run(List<String> argv, String stdin) {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile("tl-out-", ".txt");
            err = Files.createTempFile("tl-err-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile("tl-in-", ".txt");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                builder.redirectInput(in.toFile());
            } else {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(argv), process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            for (Path p : new Path[]{out, err, in}) {
                if (p != null) {
                    p.toFile().delete();
                }
            }
        }
    }

    /** Runs and asserts success, showing the program's output when it fails. */
    public Result ok(List<String> argv, String stdin) {
        Result result = run(argv, stdin);
        assertThat(result.exit()).as(result.describe()).isZero();
        return result;
    }

    public Result ok(List<String> argv) {
        return ok(argv, null);
    }
}

package io.tierlift.cli.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * moto_server with the aws-iaas CloudFormation patches (moto_iaas_shim.py), started on a free
 * port (of loopback unless told otherwise) with the Python that has moto, and stopped by its
 * process id. No such Python fails the test with what to install: it never skips.
 */
final class MotoShim implements AutoCloseable {
    private final Process process;
    private final String address;
    private final int port;
    private final Path dir;

    private MotoShim(Process process, String address, int port, Path dir) {
        this.process = process;
        this.address = address;
        this.port = port;
        this.dir = dir;
    }

    static MotoShim start() throws IOException, InterruptedException {
        return start(InetAddress.getLoopbackAddress());
    }

    /**
     * Listening on {@code address} only: loopback, or the address a test's own bridge gives this machine, so
     * that its sandbox machines reach moto and nothing else does.
     */
    static MotoShim start(InetAddress address) throws IOException, InterruptedException {
        String python = pythonWithMoto();
        Path dir = Files.createTempDirectory("tierlift-moto-shim-");
        Path script = dir.resolve("moto_iaas_shim.py");
        try (InputStream in = MotoShim.class.getResourceAsStream("moto_iaas_shim.py")) {
            if (in == null) {
                throw new AssertionError("moto_iaas_shim.py is missing from the test resources");
            }
            Files.copy(in, script);
        }
        int port = freePort(address);
        String host = address.getHostAddress();
        Process process = new ProcessBuilder(python, script.toString(), "-H", host, "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("moto.log").toFile())
                .start();
        MotoShim shim = new MotoShim(process, host, port, dir);
        try {
            shim.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException | Error e) {
            shim.close();
            throw e;
        }
        return shim;
    }

    URI endpoint() {
        return URI.create("http://" + address + ":" + port);
    }

    String log() {
        try {
            return Files.readString(dir.resolve("moto.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * The interpreter of moto_server (its shebang, through pyenv when moto_server is a pyenv shim),
     * then python3 on PATH: the first that can import moto.server.
     */
    private static String pythonWithMoto() throws IOException, InterruptedException {
        Set<String> candidates = new LinkedHashSet<>();
        Optional<Path> motoServer = onPath("moto_server");
        if (motoServer.isPresent()) {
            shebang(motoServer.get()).ifPresent(candidates::add);
            if (onPath("pyenv").isPresent()) {
                Optional<String> real = run(List.of("pyenv", "which", "moto_server"));
                real.map(Path::of).flatMap(MotoShim::shebang).ifPresent(candidates::add);
            }
        }
        onPath("python3").map(Path::toString).ifPresent(candidates::add);
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            if (run(List.of(candidate, "-c", "import moto.server")).isPresent()) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new AssertionError("no Python with moto's server found (tried " + tried + "); install moto 5 with its "
                + "server extras (pip install 'moto[server]') for the Python that runs moto_server");
    }

    private static Optional<String> shebang(Path script) {
        try (InputStream in = Files.newInputStream(script)) {
            String first = new String(in.readNBytes(200)).lines().findFirst().orElse("");
            if (first.startsWith("#!") && first.contains("python")) {
                return Optional.of(first.substring(2).strip().split("\\s+")[0]);
            }
        } catch (IOException e) {
            // not readable: not a candidate
        }
        return Optional.empty();
    }

    /** The command's first line of stdout when it exits 0. */
    private static Optional<String> run(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out.lines().findFirst().orElse("")) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the moto shim exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the moto shim did not answer on port " + port + " within " + timeout.toSeconds() + " s: " + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }

    private static Optional<Path> onPath(String name) {
        for (String d : Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                Path candidate = Path.of(d, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }
}

package io.tierlift.cli.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Wheels for a machine that reaches no package index: fetched on this machine with its own pip
 * configuration (binary wheels for the machine's CPython on manylinux x86_64), then served over the
 * test's bridge as a plain page of links, which pip takes as {@code PIP_FIND_LINKS} with
 * {@code PIP_NO_INDEX}.
 */
final class WheelhouseServer implements AutoCloseable {
    private final Path dir;
    private final HttpServer server;
    private final String host;

    WheelhouseServer(InetAddress address, String pythonVersion, List<String> requirements) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("tierlift-wheelhouse-");
        List<String> argv = new ArrayList<>(List.of("python3", "-m", "pip", "download", "--only-binary=:all:",
                "--implementation", "cp", "--python-version", pythonVersion,
                "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_17_x86_64",
                // An index this machine cannot reach is given up at once rather than retried for a minute.
                "--retries", "0", "--progress-bar", "off", "--disable-pip-version-check", "-d", dir.toString()));
        argv.addAll(requirements);
        Process pip;
        try {
            pip = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("python3 with pip is needed to fetch the wheels: " + e.getMessage());
        }
        String out = new String(pip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!pip.waitFor(5, TimeUnit.MINUTES) || pip.exitValue() != 0) {
            throw new AssertionError("pip download failed:\n" + out);
        }
        server = HttpServer.create(new InetSocketAddress(address, 0), 16);
        server.createContext("/", this::answer);
        server.start();
        host = address.getHostAddress();
    }

    /** The find-links URL of the wheels. */
    String url() {
        return "http://" + host + ":" + server.getAddress().getPort() + "/";
    }

    String host() {
        return host;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        if (path.equals("/")) {
            StringBuilder page = new StringBuilder("<!DOCTYPE html><html><body>\n");
            try (Stream<Path> wheels = Files.list(dir)) {
                for (Path wheel : wheels.sorted().toList()) {
                    String name = wheel.getFileName().toString();
                    page.append("<a href=\"").append(name).append("\">").append(name).append("</a><br>\n");
                }
            }
            body = page.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
            // pip reads a find-links page only when it says it is HTML.
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        } else {
            Path wheel = dir.resolve(path.substring(1)).normalize();
            if (!wheel.getParent().equals(dir) || !Files.isRegularFile(wheel)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            body = Files.readAllBytes(wheel);
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

package io.tierlift.render.onprem.edge;

import io.tierlift.model.Host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.fail;

/**
 * Tiny HTTP servers standing in for the Flask app hosts, one per app address inside the test's
 * network namespace. They answer /api/* with JSON describing what they received.
 */
final class StandInApps {
    private static final String SERVER = """
            import json, sys
            from http.server import HTTPServer, BaseHTTPRequestHandler

            class Handler(BaseHTTPRequestHandler):
                def do_GET(self):
                    body = json.dumps({
                        "server": self.server.server_address[0],
                        "path": self.path,
                        "forwarded_for": self.headers.get("X-Forwarded-For"),
                        "forwarded_proto": self.headers.get("X-Forwarded-Proto"),
                        "forwarded_host": self.headers.get("X-Forwarded-Host"),
                        "request_id": self.headers.get("X-Request-ID"),
                    }).encode()
                    self.send_response(200 if self.path.startswith("/api/") else 404)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

                def do_POST(self):
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    self.do_GET()

                def log_message(self, *args):
                    pass

            server = HTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
            print("ready", flush=True)
            server.serve_forever()
            """;

    private final Map<String, Process> byAddress = new LinkedHashMap<>();

    /** Starts one server per app host and waits until each listens. */
    static StandInApps start(EdgeSandbox sandbox, List<Host> hosts, int port, Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("app_server.py");
        Files.writeString(script, SERVER);
        StandInApps apps = new StandInApps();
        for (Host host : hosts) {
            Path out = dir.resolve(host.name() + ".out");
            apps.byAddress.put(host.address(), sandbox.start(sandbox.inNetns(List.of("/usr/bin/python3", script.toString(),
                    host.address(), Integer.toString(port))), out));
            awaitReady(out);
        }
        return apps;
    }

    List<String> addresses() {
        return List.copyOf(byAddress.keySet());
    }

    Process process(String address) {
        return byAddress.get(address);
    }

    private static void awaitReady(Path out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(out) && Files.readString(out).contains("ready")) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the stand-in app never became ready: %s", Files.exists(out) ? Files.readString(out) : "(no output)");
    }

    /** A React build as a release folder, and the {@code current} symlink pointing at it. */
    static void placeRelease(HostTree tree, EdgeTopology topology, String indexMarker, String assetBody) throws IOException {
        Path release = tree.path(topology.staticReleasesDir()).resolve("r1");
        Files.createDirectories(release.resolve("assets"));
        Files.writeString(release.resolve("index.html"), "<!doctype html><title>app</title><div id=root>" + indexMarker + "</div>\n");
        Files.writeString(release.resolve("assets/x.js"), assetBody);
        Path current = tree.path(topology.staticRoot());
        // Relative, as the deploy step makes it, so it also resolves inside the mount namespace.
        Files.createSymbolicLink(current, current.getParent().relativize(release));
    }
}

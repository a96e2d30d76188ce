package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code logs} on namespace hosts (no systemd: every service writes its own files): following the app
 * role while requests arrive shows both app hosts' lines, Ctrl-C ends it and every tail it started on
 * the hosts, and one request's client-sent id finds its lines at the edge, on an app host and in
 * PostgreSQL (database.slow_query 0s logs every statement with the request's id as application_name).
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremLogsSandboxTest {
    private static final String DOMAIN = "notes.sandbox.test";
    private static SandboxWorld world;

    @BeforeAll
    static void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 65, "tl-brelog");
        String text = Files.readString(world.descriptor);
        String slow = text.replaceFirst("(?m)^database:\\n", "database:\n  slow_query: 0s\n");
        assertThat(slow).isNotEqualTo(text);
        Files.writeString(world.descriptor, slow);
        Cli deploy = Cli.run(world.env(), "deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
    }

    @AfterAll
    static void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    @Test
    @Order(1)
    void followingTheAppRoleShowsBothAppHostsUntilCtrlCWhichLeavesNothingRunningOnTheHosts() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.tierlift.cli.Main",
                "logs", "onprem", "-f", file(), "--follow", "--role", "app", "--since", "1s");
        Process follow = new ProcessBuilder(command).redirectError(world.root.resolve("follow.err").toFile()).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            Set<String> hosts = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            for (int n = 0; hosts.size() < 2 && System.nanoTime() < deadline; n++) {
                String id = "e2e-follow-" + n + "-" + Long.toHexString(System.nanoTime());
                assertThat(get(id)).isEqualTo(200);
                Thread.sleep(300);
                synchronized (lines) {
                    for (String line : lines) {
                        if (line.contains("request_id=e2e-follow-") && line.matches("app[12] gunicorn-access \\| .*")) {
                            hosts.add(line.substring(0, 4));
                        }
                    }
                }
            }
            assertThat(hosts).as("hosts seen following; output so far:%n%s%nstderr:%n%s", String.join("\n", lines),
                    Files.readString(world.root.resolve("follow.err"))).containsExactlyInAnyOrder("app1", "app2");
            assertThat(lines).as("only the app role's logs").allMatch(l -> l.matches("app[12] gunicorn-(access|error) \\| .*"));
            assertThat(tails("app1")).as("the follow runs on app1").isNotEmpty();
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(follow.pid())).start().waitFor();
        }
        assertThat(follow.waitFor(20, TimeUnit.SECONDS)).as("logs --follow ends on SIGINT").isTrue();
        assertThat(follow.exitValue()).as("Ctrl-C's exit status").isEqualTo(130);
        reader.join(5000);
        for (String host : List.of("app1", "app2")) {
            assertThat(tails(host)).as("log readers left running on %s", host).isEmpty();
        }
    }

    @Test
    @Order(2)
    void oneGrepForAClientsRequestIdFindsTheEdgesTheAppsAndPostgresqlsLinesAsJson() throws Exception {
        String id = "e2e-req-" + Long.toHexString(System.nanoTime());
        assertThat(get(id)).isEqualTo(200);
        Set<String> sources = new HashSet<>();
        List<JsonNode> found = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Cli logs = null;
        while (sources.size() < 3 && System.nanoTime() < deadline) {
            logs = Cli.run(world.env(), "logs", "onprem", "-f", file(), "--grep", id, "--since", "5m", "--output", "json");
            assertThat(logs.exitCode()).as(logs.all()).isZero();
            found.clear();
            for (String line : logs.out().lines().toList()) {
                JsonNode node = new ObjectMapper().readTree(line);
                found.add(node);
                sources.add(node.get("role").asText() + "/" + node.get("source").asText());
            }
            Thread.sleep(500);
        }
        assertThat(sources).as(logs == null ? "" : logs.all()).contains("waf/nginx-access", "app/gunicorn-access", "db/postgresql");
        for (JsonNode node : found) {
            assertThat(node.get("line").asText()).contains(id);
            assertThat(node.get("time").asText()).matches("2[0-9]{3}-.*Z");
            assertThat(node.get("host").asText()).isIn("edge1", "app1", "app2", "db1", "db2");
        }
        List<JsonNode> postgresql = found.stream().filter(n -> n.get("source").asText().equals("postgresql")).toList();
        assertThat(postgresql).as("on the primary").allMatch(n -> n.get("host").asText().equals("db1"));
        assertThat(postgresql).as("the request's statement, logged with its duration under the request's id")
                .anyMatch(n -> n.get("line").asText().contains("app=" + id) && n.get("line").asText().contains("duration:"));
    }

    @Test
    @Order(3)
    void anUnknownHostIsRefusedNamingTheHostsAndABadRoleIsAUsageError() {
        Cli host = Cli.run(world.env(), "logs", "onprem", "-f", file(), "--role", "db", "--host", "app1");
        assertThat(host.exitCode()).as(host.all()).isEqualTo(1);
        assertThat(host.err()).contains("no host app1 with role db", "db1, db2");
        Cli role = Cli.run(world.env(), "logs", "onprem", "-f", file(), "--role", "cache");
        assertThat(role.exitCode()).as(role.all()).isEqualTo(64);
    }

    /** GET /api/notes through the WAF with the client's own request id. */
    private static int get(String requestId) {
        return world.curl("--resolve", DOMAIN + ":443:" + world.address("edge1"), "-H", "X-Request-ID: " + requestId,
                "https://" + DOMAIN + "/api/notes?limit=1").status();
    }

    /** The log readers (tail, journalctl) running on {@code host}. */
    private static List<String> tails(String host) {
        String out = world.exec(host, "for p in /proc/[0-9]*; do [ -r \"$p/cmdline\" ] && tr '\\0' ' ' < \"$p/cmdline\" && echo; done")
                .stdout();
        return out.lines().filter(l -> l.startsWith("tail -c") || l.startsWith("journalctl ")).toList();
    }

    private static String file() {
        return world.descriptor.toString();
    }
}

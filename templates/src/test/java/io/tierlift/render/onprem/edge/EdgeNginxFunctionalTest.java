package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nginx really started from the compact variation's rendered tree, in a network namespace of
 * its own with the edge and app addresses on loopback, in front of two tiny HTTP servers standing
 * in for the app hosts, and asked real HTTP(S) questions with curl.
 */
@Tag("real")
class EdgeNginxFunctionalTest {
    private static final String DOMAIN = "notes.example.com";
    private static final String EDGE = "10.0.1.10";
    private static final String INDEX_MARKER = "notes-index-r1";
    private static final String ASSET_BODY = "console.log('r1');\n";

    private final Processes processes = new Processes();
    private EdgeSandbox sandbox;
    private HostTree tree;
    private Path tmp;
    private StandInApps apps;
    private EdgeClient client;

    @BeforeAll
    static void tools() {
        RealEdgeTools.require();
    }

    @BeforeEach
    void startEdge(@TempDir Path tmp) throws IOException, InterruptedException {
        this.tmp = tmp;
        AppDescriptor descriptor = EdgeVariations.named("compact").descriptor();
        EdgeTopology topology = EdgeTopology.of(descriptor);
        List<RenderedFile> files = EdgeVariations.renderEdge(descriptor, SecretView.masked());
        tree = HostTree.write(files, "edge1", tmp.resolve("root"));
        EdgeNginxValidationTest.placeTls(tree, topology, descriptor.app(), files);
        StandInApps.placeRelease(tree, topology, INDEX_MARKER, ASSET_BODY);

        List<String> addresses = new ArrayList<>(List.of(EDGE));
        topology.appHosts().forEach(h -> addresses.add(h.address()));
        sandbox = new EdgeSandbox(processes, addresses);
        apps = StandInApps.start(sandbox, topology.appHosts(), descriptor.backend().port(), tmp);

        Path logs = Files.createDirectories(tmp.resolve("log"));
        sandbox.start(sandbox.withHostMounts(tree, logs, List.of("nginx", "-g", "daemon off;", "-c", "/etc/nginx/nginx.conf")),
                tmp.resolve("nginx.out"));
        client = new EdgeClient(sandbox, DOMAIN, EDGE, 80, 443, null, this::nginxLog);
        client.await("https://" + DOMAIN + "/");
    }

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void servesTheAppThroughTlsTheWafAndTheLoadBalancer() throws IOException {
        EdgeClient.Reply redirect = client.get("http://" + DOMAIN + "/notes/7?tab=all");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("location")).isEqualTo("https://" + DOMAIN + "/notes/7?tab=all");

        EdgeClient.Reply index = client.get("https://" + DOMAIN + "/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains(INDEX_MARKER);
        assertThat(index.header("cache-control")).isEqualTo("no-cache");
        assertThat(index.header("strict-transport-security")).startsWith("max-age=");
        assertThat(index.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(index.header("x-frame-options")).isEqualTo("DENY");
        assertThat(index.header("content-security-policy")).contains("default-src 'self'", "frame-ancestors 'none'");
        assertThat(index.header("server")).isEqualTo("nginx");

        EdgeClient.Reply clientRoute = client.get("https://" + DOMAIN + "/notes/7");
        assertThat(clientRoute.status()).as("SPA fallback").isEqualTo(200);
        assertThat(clientRoute.body()).contains(INDEX_MARKER);

        EdgeClient.Reply asset = client.get("https://" + DOMAIN + "/assets/x.js");
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.body()).isEqualTo(ASSET_BODY);
        assertThat(asset.header("cache-control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(client.get("https://" + DOMAIN + "/assets/missing.js").status()).isEqualTo(404);

        EdgeClient.Reply api = client.get("https://" + DOMAIN + "/api/notes");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.body()).contains("\"path\": \"/api/notes\"", "\"forwarded_proto\": \"https\"",
                "\"forwarded_host\": \"" + DOMAIN + "\"").containsPattern("\"request_id\": \"[0-9a-f]{32}\"");
        assertThat(api.header("x-frame-options")).isEqualTo("DENY");

        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            EdgeClient.Reply reply = client.get("https://" + DOMAIN + "/api/notes?page=" + i);
            assertThat(reply.status()).isEqualTo(200);
            servedBy.add(reply.appServer());
        }
        assertThat(servedBy).as("requests are balanced over every app host").containsExactlyInAnyOrderElementsOf(apps.addresses());
    }

    @Test
    void modSecurityBlocksSqlInjectionAndCrossSiteScripting() {
        assertThat(client.get("https://" + DOMAIN + "/api/notes?id=1").status()).isEqualTo(200);
        assertThat(client.get("https://" + DOMAIN + "/api/notes?id=1'%20OR%20'1'='1").status()).as("SQL injection").isEqualTo(403);
        assertThat(client.get("https://" + DOMAIN + "/api/notes?q=<script>alert(1)</script>").status()).as("XSS").isEqualTo(403);
        assertThat(tree.read("/etc/nginx/modsecurity/modsecurity.conf")).contains("SecRuleEngine On");
    }

    @Test
    void aFailedAppHostIsPassedOverAndTheRateLimitAnswers429() {
        String stopped = apps.addresses().get(0);
        sandbox.stop(apps.process(stopped));
        for (int i = 0; i < 6; i++) {
            EdgeClient.Reply reply = client.get("https://" + DOMAIN + "/api/notes?after-stop=" + i);
            assertThat(reply.status()).as("request %d after stopping %s", i, stopped).isEqualTo(200);
            assertThat(reply.appServer()).isNotEqualTo(stopped);
        }

        // 20 requests per second with a burst of 40: a hundred at once cannot all pass.
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            urls.add("https://" + DOMAIN + "/api/notes?burst=" + i);
        }
        List<String> codes = client.getAtOnce(urls);
        assertThat(codes).as("rate limited").contains("429");
        // How many pass depends on timing (the bucket drains at rate_limit per second); some must.
        assertThat(codes).as("codes: %s", codes).contains("200");
    }

    @Test
    void theMaintenanceSwitchAnswersEverythingWith503AndThePage() throws IOException {
        Path flag = tree.path(EdgeTopology.MAINTENANCE_FLAG);
        Files.writeString(flag, "");
        EdgeClient.Reply page = client.get("https://" + DOMAIN + "/");
        assertThat(page.status()).isEqualTo(503);
        assertThat(page.body()).contains(DOMAIN + " is down for maintenance");
        assertThat(page.header("cache-control")).isEqualTo("no-store");
        assertThat(client.get("https://" + DOMAIN + "/api/notes").status()).isEqualTo(503);
        assertThat(client.get("https://" + DOMAIN + "/assets/x.js").status()).isEqualTo(503);

        Files.delete(flag);
        assertThat(client.get("https://" + DOMAIN + "/api/notes").status()).isEqualTo(200);
    }

    private String nginxLog() {
        try {
            String out = Files.readString(tmp.resolve("nginx.out"));
            Path error = tmp.resolve("log/error.log");
            return out + (Files.exists(error) ? Files.readString(error) : "");
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

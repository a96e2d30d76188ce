package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed topology for real: three nginx instances (WAF, proxy, static) on their own addresses
 * in one test network namespace, each seeing only its own rendered tree, in front of two stand-in
 * app hosts. Checks the internal plain-HTTP hops and that the client's address survives them.
 */
@Tag("real")
class EdgeNginxChainTest {
    private static final String DOMAIN = "notes.example.com";
    /** A client address of its own, so the proxy's view of the client can be told from the WAF's. */
    private static final String CLIENT = "10.0.9.9";
    private static final String INDEX_MARKER = "seed-index-r1";
    private static final String ASSET_BODY = "console.log('seed');\n";

    private final Processes processes = new Processes();
    private EdgeSandbox sandbox;
    private EdgeClient client;
    private Path tmp;
    private EdgeTopology topology;

    @BeforeAll
    static void tools() {
        RealEdgeTools.require();
    }

    @BeforeEach
    void startChain(@TempDir Path tmp) throws IOException, InterruptedException {
        this.tmp = tmp;
        AppDescriptor descriptor = EdgeVariations.named("seed").descriptor();
        topology = EdgeTopology.of(descriptor);
        List<RenderedFile> files = EdgeVariations.renderEdge(descriptor, SecretView.masked());
        List<String> edgeHosts = HostTree.hostsOf(files);
        assertThat(edgeHosts).containsExactlyInAnyOrder("waf", "proxy", "static");

        List<String> addresses = new ArrayList<>(List.of(CLIENT));
        topology.target().hosts().stream().filter(h -> edgeHosts.contains(h.name()) || h.has(io.tierlift.model.Role.APP))
                .forEach(h -> addresses.add(h.address()));
        sandbox = new EdgeSandbox(processes, addresses);
        StandInApps.start(sandbox, topology.appHosts(), descriptor.backend().port(), tmp);

        for (String name : edgeHosts) {
            HostTree tree = HostTree.write(files, name, tmp.resolve(name).resolve("root"));
            Host host = topology.target().host(name).orElseThrow();
            if (topology.isClientFacing(host)) {
                EdgeNginxValidationTest.placeTls(tree, topology, descriptor.app(), files);
            }
            if (topology.servesStaticPort(host)) {
                StandInApps.placeRelease(tree, topology, INDEX_MARKER, ASSET_BODY);
            }
            Path logs = Files.createDirectories(tmp.resolve(name).resolve("log"));
            sandbox.start(sandbox.withHostMounts(tree, logs, List.of("nginx", "-g", "daemon off;", "-c", "/etc/nginx/nginx.conf")),
                    tmp.resolve(name).resolve("nginx.out"));
        }
        Host waf = topology.clientFacingHosts().get(0);
        var ports = topology.ports();
        client = new EdgeClient(sandbox, DOMAIN, waf.address(), ports.httpPort(), ports.httpsPort(), CLIENT, this::logs);
        client.await(site("/"));
    }

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void requestsPassWafProxyAndStaticHostsWithTheClientAddressKept() {
        EdgeClient.Reply redirect = client.get("http://" + DOMAIN + ":" + topology.ports().httpPort() + "/notes?x=1");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("location")).isEqualTo(site("/notes?x=1"));

        EdgeClient.Reply index = client.get(site("/"));
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains(INDEX_MARKER);
        assertThat(index.header("cache-control")).as("set by the static host, passed through").isEqualTo("no-cache");
        for (String header : List.of("strict-transport-security", "x-frame-options", "content-security-policy", "cache-control")) {
            assertThat(index.headerCount(header)).as("%s added once along the chain", header).isEqualTo(1);
        }

        EdgeClient.Reply asset = client.get(site("/assets/x.js"));
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.body()).isEqualTo(ASSET_BODY);
        assertThat(asset.header("cache-control")).isEqualTo("public, max-age=31536000, immutable");

        EdgeClient.Reply api = client.get(site("/api/notes"));
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.body()).contains("\"forwarded_for\": \"" + CLIENT + "\"", "\"forwarded_proto\": \"https\"",
                "\"forwarded_host\": \"" + DOMAIN + "\"").containsPattern("\"request_id\": \"[0-9a-f]{32}\"");
        assertThat(api.headerCount("x-frame-options")).isEqualTo(1);
        assertThat(log("proxy", "proxy.access.log")).as("the proxy logs (and rate-limits) the client, not the WAF")
                .startsWith(CLIENT + " ");
        assertThat(log("waf", "public.access.log")).startsWith(CLIENT + " ");

        assertThat(client.get(site("/api/notes?id=1'%20OR%20'1'='1")).status()).as("SQL injection stopped at the WAF").isEqualTo(403);
        assertThat(log("proxy", "proxy.access.log")).doesNotContain("OR");
    }

    private String site(String path) {
        return "https://" + DOMAIN + ":" + topology.ports().httpsPort() + path;
    }

    private String log(String host, String file) {
        try {
            return Files.readString(tmp.resolve(host).resolve("log").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String host : List.of("waf", "proxy", "static")) {
            for (String file : List.of("nginx.out", "log/error.log")) {
                Path path = tmp.resolve(host).resolve(file);
                try {
                    if (Files.exists(path)) {
                        out.append("== ").append(host).append('/').append(file).append('\n').append(Files.readString(path));
                    }
                } catch (IOException e) {
                    out.append("(unreadable ").append(path).append(")\n");
                }
            }
        }
        return out.toString();
    }
}

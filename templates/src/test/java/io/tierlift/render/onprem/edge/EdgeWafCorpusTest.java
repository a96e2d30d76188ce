package io.tierlift.render.onprem.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAF of each example descriptor, really running (nginx, ModSecurity, the host's OWASP CRS at
 * paranoia 1, the example's waf.exclusions) in front of stand-in app hosts: the ordinary notes of
 * {@code examples/notes/waf/} pass, its attacks and scanners are still refused, and without the
 * exclusions some ordinary notes are refused (so the exclusions are what lets them through).
 */
@Tag("real")
class EdgeWafCorpusTest {
    private static final Path CORPUS = Path.of("../examples/notes/waf");
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    private final Processes processes = new Processes();
    private EdgeSandbox sandbox;
    private Path tmp;

    @BeforeAll
    static void tools() {
        RealEdgeTools.require();
    }

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sandbox.yaml", "seed-topology.yaml"})
    void ordinaryNotesPassAndAttacksAreStillRefused(String example, @TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        AppDescriptor descriptor = example(example);
        assertThat(descriptor.targets().onprem().orElseThrow().waf().exclusions()).isNotEmpty();
        EdgeClient client = start(descriptor);
        String url = "https://" + descriptor.targets().onprem().orElseThrow().domain() + "/api/notes";

        List<String> ordinary = lines("ordinary-notes.txt");
        assertThat(ordinary).hasSizeGreaterThanOrEqualTo(30);
        List<String> refused = new ArrayList<>();
        for (String note : ordinary) {
            if (post(client, url, note, BROWSER) != 200) {
                refused.add(note);
            }
        }
        assertThat(refused).as("ordinary notes refused by the WAF:%n%s", auditLog()).isEmpty();

        for (String attack : lines("attack-notes.txt")) {
            assertThat(post(client, url, attack, BROWSER)).as("attack %s", attack).isEqualTo(403);
        }
        for (String scanner : lines("scanner-user-agents.txt")) {
            assertThat(post(client, url, "A plain note.", scanner)).as("scanner %s", scanner).isEqualTo(403);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sandbox.yaml"})
    void withoutTheExclusionsOrdinaryNotesAreRefused(String example, @TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        String text = Files.readString(CORPUS.resolve("..").resolve(example));
        String stripped = text.replaceAll("(?m)^\\s+- \\{ rule: [0-9]+, target: \"ARGS:json.body\".*\\n", "")
                .replace("      exclusions:\n", "      exclusions: []\n");
        assertThat(stripped).isNotEqualTo(text);
        AppDescriptor descriptor = new DescriptorLoader().load(example, stripped, CORPUS.resolve(".."), Optional.empty()).descriptor();
        assertThat(descriptor.targets().onprem().orElseThrow().waf().exclusions()).isEmpty();
        EdgeClient client = start(descriptor);
        String url = "https://" + descriptor.targets().onprem().orElseThrow().domain() + "/api/notes";
        assertThat(post(client, url, "Read the docs at https://example.com/docs?page=2&sort=asc before Friday.", BROWSER))
                .isEqualTo(403);
        // ModSecurity writes the audit record in its logging phase, after the 403 has gone out.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!auditLog().contains("[id \"932115\"]") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(auditLog()).contains("[id \"932115\"]", "ARGS:json.body");
    }

    private EdgeClient start(AppDescriptor descriptor) throws IOException, InterruptedException {
        EdgeTopology topology = EdgeTopology.of(descriptor);
        String edgeHost = topology.clientFacingHosts().get(0).name();
        List<RenderedFile> files = EdgeVariations.renderEdge(descriptor, SecretView.masked());
        List<String> addresses = new ArrayList<>();
        Path logs = Files.createDirectories(tmp.resolve("log"));
        List<String> edgeHosts = HostTree.hostsOf(files);
        topology.target().hosts().stream().filter(h -> edgeHosts.contains(h.name())).forEach(h -> addresses.add(h.address()));
        topology.appHosts().forEach(h -> addresses.add(h.address()));
        sandbox = new EdgeSandbox(processes, addresses);
        StandInApps.start(sandbox, topology.appHosts(), descriptor.backend().port(), tmp);
        for (String host : edgeHosts) {
            HostTree tree = HostTree.write(files, host, tmp.resolve("root-" + host));
            if (host.equals(edgeHost)) {
                EdgeNginxValidationTest.placeTls(tree, topology, descriptor.app(), files);
            }
            StandInApps.placeRelease(tree, topology, "index", "asset");
            Path hostLogs = host.equals(edgeHost) ? logs : Files.createDirectories(tmp.resolve("log-" + host));
            sandbox.start(sandbox.withHostMounts(tree, hostLogs, List.of("nginx", "-g", "daemon off;", "-c", "/etc/nginx/nginx.conf")),
                    tmp.resolve(host + ".out"));
        }
        String domain = topology.target().domain();
        EdgeClient client = new EdgeClient(sandbox, domain, topology.clientFacingHosts().get(0).address(),
                topology.target().edge().httpPort(), topology.target().edge().httpsPort(), null, this::auditLog);
        client.await("https://" + domain + "/api/health");
        return client;
    }

    private int post(EdgeClient client, String url, String note, String userAgent) throws IOException {
        Path body = tmp.resolve("body.json");
        Files.writeString(body, new ObjectMapper().writeValueAsString(Map.of("body", note)), StandardCharsets.UTF_8);
        return client.postJson(url, body, userAgent).status();
    }

    static List<String> lines(String file) throws IOException {
        return Files.readAllLines(CORPUS.resolve(file), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private static AppDescriptor example(String name) {
        return new DescriptorLoader().load(CORPUS.resolve("..").resolve(name), Optional.empty()).descriptor();
    }

    private String auditLog() {
        try {
            Path log = tmp.resolve("log/modsec_audit.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "(no audit log)";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

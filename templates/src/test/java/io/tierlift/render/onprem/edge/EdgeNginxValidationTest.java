package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.provider.RenderedFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code nginx -t} over every edge host's complete rendered tree, with ModSecurity and
 * the OWASP CRS really loaded where the host runs the WAF.
 */
@Tag("real")
class EdgeNginxValidationTest {
    private static final Duration NGINX_TIMEOUT = Duration.ofSeconds(120);
    /** The notice the ModSecurity connector logs once it has parsed all rules. */
    private static final Pattern RULES_LOADED = Pattern.compile("rules loaded inline/local/remote: (\\d+)/(\\d+)/(\\d+)");
    /** Debian 12's CRS 3.3.4 has several hundred rules; our own files add a handful. */
    private static final int FEWEST_CRS_RULES = 500;

    private final Processes processes = new Processes();

    @BeforeAll
    static void tools() {
        RealEdgeTools.require();
    }

    static Stream<Arguments> hosts() {
        return EdgeVariations.all().flatMap(v -> HostTree.hostsOf(v.render()).stream().map(h -> Arguments.of(v, h)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hosts")
    void nginxAcceptsTheHostTree(EdgeVariations.Variation variation, String hostName, @TempDir Path tmp) throws IOException {
        AppDescriptor descriptor = variation.descriptor();
        EdgeTopology topology = EdgeTopology.of(descriptor);
        Host host = topology.target().host(hostName).orElseThrow();
        List<RenderedFile> files = variation.render();
        HostTree tree = HostTree.write(files, hostName, tmp.resolve("root"));
        Path logs = Files.createDirectories(tmp.resolve("log"));
        if (topology.isClientFacing(host)) {
            placeTls(tree, topology, descriptor.app(), files);
        }

        try (EdgeSandbox sandbox = new EdgeSandbox(processes, List.of(host.address()))) {
            Processes.Result result = sandbox.run(sandbox.withHostMounts(tree, logs,
                    List.of("nginx", "-t", "-c", "/etc/nginx/nginx.conf")), NGINX_TIMEOUT);
            assertThat(result.exitCode()).as("nginx -t on %s/%s:%n%s", variation, hostName, result.output()).isZero();
            assertThat(result.output()).contains("syntax is ok").contains("test is successful");

            if (topology.runsModSecurity(host)) {
                assertModSecurityLoaded(result.output(), variation, hostName);
                assertBrokenRuleIsRefused(sandbox, tree, logs);
            } else {
                assertThat(result.output()).as("no WAF on this host").doesNotContain("ModSecurity");
                assertThat(tree.read("/etc/nginx/nginx.conf")).doesNotContain("load_module");
            }
        }
    }

    private void assertModSecurityLoaded(String output, EdgeVariations.Variation variation, String hostName) {
        Matcher loaded = RULES_LOADED.matcher(output);
        assertThat(loaded.find()).as("ModSecurity's rules-loaded notice in:%n%s", output).isTrue();
        int local = Integer.parseInt(loaded.group(2));
        assertThat(local).as("rules loaded from files on %s/%s", variation, hostName).isGreaterThan(FEWEST_CRS_RULES);
    }

    /** Proof the module parses our files: one bad directive makes nginx -t fail. */
    private void assertBrokenRuleIsRefused(EdgeSandbox sandbox, HostTree tree, Path logs) throws IOException {
        Path engine = tree.path("/etc/nginx/modsecurity/modsecurity.conf");
        String original = Files.readString(engine);
        Files.writeString(engine, "SecRuleEngine Sometimes\n", StandardOpenOption.APPEND);
        try {
            Processes.Result broken = sandbox.run(sandbox.withHostMounts(tree, logs,
                    List.of("nginx", "-t", "-c", "/etc/nginx/nginx.conf")), NGINX_TIMEOUT);
            assertThat(broken.exitCode()).as("nginx -t with a bad ModSecurity directive:%n%s", broken.output()).isNotZero();
            assertThat(broken.output()).contains("Rules error").contains("modsecurity.conf");
        } finally {
            Files.writeString(engine, original);
        }
    }

    /** The certificate and key the config names: a named one with the real test key in place of the mask, or the self-signed pair. */
    static void placeTls(HostTree tree, EdgeTopology topology, String app, List<RenderedFile> files) {
        Processes processes = new Processes();
        if (topology.selfSigned()) {
            tree.placeCertificate(processes, EdgeTopology.selfSignedCertificate(app), EdgeTopology.selfSignedKey(app));
            return;
        }
        String keyPath = EdgeTopology.placedKey(app);
        RenderedFile key = files.stream().filter(f -> f.location().equals(tree.host() + keyPath)).findFirst().orElseThrow();
        assertThat(key.sensitive()).isTrue();
        assertThat(key.mode()).isEqualTo(0600);
        assertThat(key.contentAsText()).as("masked rendering holds no key").startsWith("tierlift-secret-");
        tree.placeCertificate(processes, topology.certificate(), keyPath);
    }
}

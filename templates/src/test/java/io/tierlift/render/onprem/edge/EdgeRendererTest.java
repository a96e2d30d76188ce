package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.secret.SecretValue;
import io.tierlift.secret.SecretView;
import io.tierlift.diag.InvalidDescriptorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who serves what, which files exist, and how the key is placed; the golden copies show the rest. */
class EdgeRendererTest {
    private static final Pattern NGINX_INCLUDE = Pattern.compile("^\\s*(?:include|modsecurity_rules_file)\\s+(\\S+);", Pattern.MULTILINE);
    private static final Pattern MODSEC_INCLUDE = Pattern.compile("^Include\\s+(\\S+)$", Pattern.MULTILINE);

    @Test
    void compactEdgeHostDoesEverythingInOneServer() {
        AppDescriptor compact = TestDescriptors.load("compact.yaml");
        EdgeTopology topology = EdgeTopology.of(compact);
        Host edge = topology.target().host("edge1").orElseThrow();

        assertThat(topology.wafOn()).isTrue();
        assertThat(topology.clientFacingHosts()).extracting(Host::name).containsExactly("edge1");
        assertThat(topology.runsModSecurity(edge)).isTrue();
        assertThat(topology.forwardsToProxies(edge)).isFalse();
        assertThat(topology.servesStaticLocally(edge)).isTrue();
        assertThat(topology.servesStaticPort(edge)).as("no other proxy needs the static port").isFalse();
        assertThat(topology.staticRoot()).isEqualTo("/srv/notes/static/current");
        assertThat(topology.staticReleasesDir()).isEqualTo("/srv/notes/static/releases");
        assertThat(topology.certificate()).isEqualTo("/etc/nginx/tls/notes-selfsigned.crt");
        assertThat(topology.certificateKey()).isEqualTo("/etc/nginx/tls/notes-selfsigned.key");

        List<RenderedFile> files = EdgeVariations.renderEdge(compact, SecretView.masked());
        assertThat(HostTree.hostsOf(files)).containsExactly("edge1");
        String server = text(files, "edge1/etc/nginx/tierlift/servers/public.conf");
        assertThat(server).contains("listen 10.0.1.10:443 ssl http2;", "listen 10.0.1.10:80;", "modsecurity on;",
                "include /etc/nginx/tierlift/snippets/api.conf;", "include /etc/nginx/tierlift/snippets/static-files.conf;");
        assertThat(text(files, "edge1/etc/nginx/tierlift/upstreams.conf"))
                .contains("server 10.0.2.11:8000 max_fails=3 fail_timeout=3s;", "server 10.0.2.12:8000 max_fails=3 fail_timeout=3s;")
                .doesNotContain("tierlift_static");
    }

    @Test
    void seedTopologyChainsWafProxyAndStaticHosts() {
        EdgeTopology topology = EdgeTopology.of(TestDescriptors.load("seed.yaml"));
        Host waf = topology.target().host("waf").orElseThrow();
        Host proxy = topology.target().host("proxy").orElseThrow();
        Host stat = topology.target().host("static").orElseThrow();

        assertThat(topology.clientFacingHosts()).containsExactly(waf);
        assertThat(topology.forwardsToProxies(waf)).isTrue();
        assertThat(topology.proxiesBehindWaf()).containsExactly(proxy);
        assertThat(topology.isProxyBehindWaf(proxy)).isTrue();
        assertThat(topology.wafHostsInFront()).containsExactly(waf);
        assertThat(topology.runsModSecurity(proxy)).isFalse();
        assertThat(topology.servesStaticPort(stat)).isTrue();
        assertThat(topology.isClientFacing(stat)).isFalse();
        assertThat(topology.listeningPorts(waf)).containsExactly(8081, 8443);
        assertThat(topology.listeningPorts(proxy)).containsExactly(8081);
        assertThat(topology.listeningPorts(stat)).containsExactly(8090);
        assertThat(topology.listeningPorts(topology.target().host("app1").orElseThrow())).isEmpty();

        List<RenderedFile> files = EdgeVariations.named("seed").render();
        assertThat(text(files, "waf/etc/nginx/tierlift/upstreams.conf")).contains("server 10.0.1.10:8081 ");
        assertThat(text(files, "proxy/etc/nginx/tierlift/servers/proxy.conf"))
                .contains("listen 10.0.1.10:8081;", "set_real_ip_from 10.0.1.5;").doesNotContain("ssl");
        assertThat(text(files, "proxy/etc/nginx/tierlift/upstreams.conf")).contains("server 10.0.1.20:8090 ");
        assertThat(text(files, "static/etc/nginx/tierlift/servers/static.conf")).contains("listen 10.0.1.20:8090;");
        assertThat(paths(files, "proxy")).noneMatch(p -> p.contains("modsecurity") || p.contains("tls"));
    }

    @Test
    void wafOffLeavesTheWafHostAloneAndTheProxyFacesClients() {
        EdgeTopology topology = EdgeTopology.of(EdgeVariations.named("waf-off").descriptor());
        assertThat(topology.wafOn()).isFalse();
        assertThat(topology.clientFacingHosts()).extracting(Host::name).containsExactly("proxy1");

        List<RenderedFile> files = EdgeVariations.named("waf-off").render();
        assertThat(HostTree.hostsOf(files)).containsExactly("proxy1", "static1");
        assertThat(text(files, "proxy1/etc/nginx/nginx.conf")).doesNotContain("load_module").doesNotContain("modsecurity");
        assertThat(text(files, "proxy1/etc/nginx/tierlift/servers/public.conf"))
                .contains("listen 10.0.1.10:8081;", "listen 10.0.1.10:8443 ssl http2;", "return 301 https://notes.example.com:8443$request_uri;");
        assertThat(text(files, "proxy1/etc/nginx/tierlift/snippets/api.conf"))
                .as("rate_burst 0 has no burst parameter, which nginx would refuse")
                .contains("limit_req zone=tierlift_api;").doesNotContain("burst=");
    }

    @Test
    void mixedRolesOpenTheStaticPortWhereAnotherProxyNeedsIt() {
        EdgeTopology topology = EdgeTopology.of(EdgeVariations.named("mixed").descriptor());
        Host waf = topology.target().host("waf1").orElseThrow();
        Host proxy1 = topology.target().host("proxy1").orElseThrow();
        Host proxy2 = topology.target().host("proxy2").orElseThrow();
        assertThat(topology.servesStaticPort(proxy2)).isTrue();
        assertThat(topology.servesStaticLocally(proxy2)).isTrue();
        assertThat(topology.servesStaticPort(waf)).isTrue();
        assertThat(topology.servesStaticLocally(proxy1)).isFalse();
        assertThat(topology.listeningPorts(waf)).containsExactly(80, 443, 8080);
        assertThat(topology.listeningPorts(proxy2)).containsExactly(80, 8080);
        assertThat(topology.proxiesBehindWaf()).containsExactly(proxy1, proxy2);
    }

    @Test
    void aNamedCertificateKeyIsPlacedAsSensitiveRootOnlyFile() {
        String pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n";
        SecretView secrets = SecretView.resolving(ref -> new SecretValue(ref, pem));
        List<RenderedFile> files = EdgeVariations.renderEdge(TestDescriptors.load("seed.yaml"), secrets);

        RenderedFile key = file(files, "waf/etc/nginx/tls/notes.key");
        assertThat(key.sensitive()).isTrue();
        assertThat(key.mode()).isEqualTo(0600);
        assertThat(key.owner()).isEqualTo("root");
        assertThat(key.contentAsText()).isEqualTo(pem);
        assertThat(text(files, "waf/etc/nginx/tierlift/snippets/tls.conf"))
                .contains("ssl_certificate /etc/ssl/notes.crt;", "ssl_certificate_key /etc/nginx/tls/notes.key;",
                        "ssl_protocols TLSv1.2 TLSv1.3;");
        assertThat(files.stream().filter(f -> !f.location().endsWith(".key"))).noneMatch(f -> f.sensitive() || f.contentAsText().contains("MIIEvQIBADANBg"));
    }

    @Test
    void wafSettingsReachTheCrsSettingsAndTheCrsReleaseIsTheHostsOwn() {
        List<RenderedFile> paranoid = EdgeVariations.named("apps-6").render();
        assertThat(text(paranoid, "waf1/etc/nginx/modsecurity/crs-settings.conf"))
                .contains("setvar:tx.paranoia_level=4,setvar:tx.blocking_paranoia_level=4",
                        "setvar:tx.inbound_anomaly_score_threshold=10")
                .as("no CRS release is assumed: the version marker is the package's").doesNotContain("setvar:tx.crs_setup_version");
        assertThat(text(paranoid, "waf1/etc/nginx/modsecurity/main.conf").lines().filter(l -> l.startsWith("Include ")))
                .containsExactly("Include /etc/nginx/modsecurity/modsecurity.conf", "Include /etc/modsecurity/crs/crs-setup.conf",
                        "Include /etc/nginx/modsecurity/crs-settings.conf", "Include /etc/nginx/modsecurity/exclusions.conf",
                        "Include /usr/share/modsecurity-crs/rules/*.conf");
        assertThat(text(paranoid, "waf1/etc/nginx/modsecurity/modsecurity.conf"))
                .contains("SecRuleEngine On", "SecRequestBodyLimit 10485760");
        List<RenderedFile> detecting = EdgeVariations.named("detection-only").render();
        assertThat(text(detecting, "edge1/etc/nginx/modsecurity/modsecurity.conf"))
                .contains("SecRuleEngine DetectionOnly").doesNotContain("SecRuleEngine On");
    }

    @Test
    void aWafHostWithNoSeparateProxyIsRefused() {
        assertThatThrownBy(() -> TestDescriptors.fromText("""
                app: notes
                backend: { wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:P}" }
                targets:
                  onprem:
                    domain: notes.example.com
                    hosts:
                      waf1:  { address: 10.0.1.5, roles: [waf] }
                      edge1: { address: 10.0.1.10, roles: [waf, proxy, static] }
                      app1:  { address: 10.0.2.11, roles: [app] }
                      db1:   { address: 10.0.3.21, roles: [db-primary] }
                """)).isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("a waf host without role proxy forwards to a proxy host");
    }

    @Test
    void timesAndSizesAreWrittenTheWayNginxAndModSecurityReadThem() {
        assertThat(EdgeRenderer.nginxTime(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(EdgeRenderer.nginxTime(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(EdgeRenderer.bodyLimitBytes("512k")).isEqualTo(524288);
        assertThat(EdgeRenderer.bodyLimitBytes("1m")).isEqualTo(1048576);
        assertThat(EdgeRenderer.bodyLimitBytes("2g")).isEqualTo(2147483648L);
        assertThat(EdgeRenderer.bodyLimitBytes("1000")).isEqualTo(1000);
        assertThat(EdgeRenderer.bodyLimitBytes("0")).as("nginx's 'no limit'").isEqualTo(1073741824);
    }

    private static Set<String> paths(List<RenderedFile> files, String host) {
        return files.stream().map(RenderedFile::location).filter(l -> l.startsWith(host + "/"))
                .map(l -> l.substring(host.length())).collect(Collectors.toSet());
    }

    private static RenderedFile file(List<RenderedFile> files, String location) {
        return files.stream().filter(f -> f.location().equals(location)).findFirst()
                .orElseThrow(() -> new AssertionError("not rendered: " + location));
    }

    private static String text(List<RenderedFile> files, String location) {
        return file(files, location).contentAsText();
    }
}

package io.tierlift.render.onprem.firewall;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.secret.SecretView;
import io.tierlift.diag.InvalidDescriptorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirewallRendererTest {
    private final FirewallRenderer renderer = new FirewallRenderer(new FreemarkerEngine());

    private Map<String, String> byHost(AppDescriptor d) {
        return rulesets(d).stream()
                .collect(Collectors.toMap(f -> f.location().substring(0, f.location().indexOf('/')),
                        RenderedFile::contentAsText));
    }

    /** The rules files, without the boot units that load them. */
    private List<RenderedFile> rulesets(AppDescriptor d) {
        return HostcfgCases.render(renderer, d, SecretView.masked()).stream()
                .filter(f -> f.location().endsWith(FirewallRenderer.PATH)).toList();
    }

    static Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyHostGetsOneRulesetThatDropsByDefault(String fixture) {
        AppDescriptor d = HostcfgCases.descriptor(fixture);
        List<RenderedFile> all = HostcfgCases.render(renderer, d, SecretView.masked());
        int hosts = d.targets().onprem().orElseThrow().hosts().size();
        assertThat(all).as("a ruleset and its boot unit per host").hasSize(2 * hosts);
        assertThat(all.stream().filter(f -> f.location().endsWith(FirewallRenderer.UNIT_PATH))).hasSize(hosts);
        List<RenderedFile> files = rulesets(d);
        assertThat(files).hasSize(hosts);
        for (RenderedFile file : files) {
            assertThat(file.mode()).isEqualTo(0644);
            assertThat(file.sensitive()).isFalse();
            String text = file.contentAsText();
            assertThat(text).contains("policy drop;").contains("table inet tierlift\ndelete table inet tierlift\n");
            assertThat(text).doesNotContainPattern("(^|[^0-9.])0\\.0\\.0\\.0").doesNotContain("ip saddr  ");
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFlowIntoAHostIsOneAcceptRuleAndThereAreNoOthers(String fixture) {
        AppDescriptor d = HostcfgCases.descriptor(fixture);
        var target = d.targets().onprem().orElseThrow();
        Map<String, String> files = byHost(d);
        List<Flow> flows = new TopologyFlows().flows(d, target);
        Map<String, String> addresses = target.hosts().stream()
                .collect(Collectors.toMap(h -> h.name(), h -> h.address()));
        for (var host : target.hosts()) {
            String text = files.get(host.name());
            long acceptRules = text.lines().filter(l -> l.contains(" dport ") && l.contains(" accept")).count();
            List<Flow> incoming = flows.stream().filter(f -> f.toHost().equals(host.name())).toList();
            long distinct = incoming.stream().map(f -> f.fromHost().orElse("*") + ":" + f.port()).distinct().count();
            assertThat(acceptRules).as("accept rules on %s (SSH + flows)", host.name()).isEqualTo(1 + distinct);
            for (Flow flow : incoming) {
                String expected = flow.fromHost()
                        .map(from -> "ip saddr " + addresses.get(from) + "/32 tcp dport " + flow.port() + " accept")
                        .orElse("tcp dport " + flow.port() + " accept");
                assertThat(text).as("%s on %s", flow, host.name()).contains(expected);
            }
        }
    }

    @Test
    void sshIsLimitedToAdminNetworksOnTheHostsSshPort() {
        Map<String, String> files = byHost(TestDescriptors.load("seed.yaml"));
        assertThat(files.get("app1")).contains(
                "ip saddr { 10.0.0.0/24, 192.168.50.0/24 } tcp dport 22 accept comment \"ssh from admin networks\"");
        assertThat(files.get("app1")).doesNotContain("ssh from anywhere");
    }

    @Test
    void withoutAdminNetworksSshIsOpenAndTheFileSaysSo() {
        Map<String, String> files = byHost(TestDescriptors.load("hostcfg-six-apps.yaml"));
        // ssh.port 2222 for every host, ssh_port 22022 for files-1.
        assertThat(files.get("api-1")).contains("No admin_networks in the descriptor")
                .contains("tcp dport 2222 accept comment \"ssh from anywhere\"");
        assertThat(files.get("files-1")).contains("tcp dport 22022 accept comment \"ssh from anywhere\"");
    }

    @Test
    void flowsSharingSourceAndPortBecomeOneRule() {
        Map<String, String> files = byHost(TestDescriptors.load("hostcfg-shared-hosts.yaml"));
        assertThat(files.get("box1"))
                .contains("ip saddr 192.168.20.6/32 tcp dport 5432 accept comment \"app-to-primary,replication from box2\"");
    }

    @Test
    void refusesHostNamesBecauseRulesMatchSourceAddresses() {
        assertThatThrownBy(() -> TestDescriptors.fromText(TestDescriptors.text("compact.yaml")
                .replace("address: 10.0.2.11", "address: app1.internal")))
                .isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("targets.onprem.hosts.app1.address")
                .hasMessageContaining("firewall rules");
    }
}

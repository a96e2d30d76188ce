package io.tierlift.render.onprem.firewall;

import io.tierlift.model.AppDescriptor;
import io.tierlift.render.TestDescriptors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tierlift.render.onprem.firewall.FlowPurpose.APP_TO_PRIMARY;
import static io.tierlift.render.onprem.firewall.FlowPurpose.APP_TO_STANDBY;
import static io.tierlift.render.onprem.firewall.FlowPurpose.CLIENT_HTTP;
import static io.tierlift.render.onprem.firewall.FlowPurpose.CLIENT_HTTPS;
import static io.tierlift.render.onprem.firewall.FlowPurpose.PROXY_TO_APP;
import static io.tierlift.render.onprem.firewall.FlowPurpose.PROXY_TO_STATIC;
import static io.tierlift.render.onprem.firewall.FlowPurpose.REPLICATION;
import static io.tierlift.render.onprem.firewall.FlowPurpose.REVERSE_REPLICATION;
import static io.tierlift.render.onprem.firewall.FlowPurpose.WAF_TO_PROXY;
import static org.assertj.core.api.Assertions.assertThat;

class TopologyFlowsTest {
    private final TopologyFlows topology = new TopologyFlows();

    private List<Flow> flowsOf(AppDescriptor d) {
        return topology.flows(d, d.targets().onprem().orElseThrow());
    }

    @Test
    void compactTopologyNeedsExactlyTheseFlows() {
        // edge1 = waf + proxy + static: the WAF → proxy and proxy → static hops stay on the host.
        assertThat(flowsOf(TestDescriptors.load("compact.yaml"))).containsExactly(
                Flow.fromAnywhere("edge1", 80, CLIENT_HTTP),
                Flow.fromAnywhere("edge1", 443, CLIENT_HTTPS),
                Flow.between("edge1", "app1", 8000, PROXY_TO_APP),
                Flow.between("edge1", "app2", 8000, PROXY_TO_APP),
                Flow.between("app1", "db1", 5432, APP_TO_PRIMARY),
                Flow.between("app2", "db1", 5432, APP_TO_PRIMARY),
                Flow.between("app1", "db2", 5432, APP_TO_STANDBY),
                Flow.between("app2", "db2", 5432, APP_TO_STANDBY),
                Flow.between("db2", "db1", 5432, REPLICATION),
                Flow.between("db1", "db2", 5432, REVERSE_REPLICATION));
    }

    @Test
    void backupsOpenPgBackRestsTlsPortBothWaysBetweenTheDatabaseHostsAndTheRepositoryOnly() {
        List<Flow> flows = flowsOf(TestDescriptors.load("hostcfg-backup.yaml"));
        assertThat(flows.stream().filter(f -> f.purpose() == FlowPurpose.WAL_ARCHIVE || f.purpose() == FlowPurpose.BACKUP))
                .containsExactly(
                        Flow.between("db1", "bak1", 8432, FlowPurpose.WAL_ARCHIVE),
                        Flow.between("db2", "bak1", 8432, FlowPurpose.WAL_ARCHIVE),
                        Flow.between("bak1", "db1", 8432, FlowPurpose.BACKUP),
                        Flow.between("bak1", "db2", 8432, FlowPurpose.BACKUP));
    }

    @Test
    void separateWafFacesClientsAndReachesTheProxyOnThePlainHttpPort() {
        List<Flow> flows = flowsOf(TestDescriptors.load("seed.yaml"));
        assertThat(flows).filteredOn(f -> f.fromHost().isEmpty()).containsExactly(
                Flow.fromAnywhere("waf", 8081, CLIENT_HTTP),
                Flow.fromAnywhere("waf", 8443, CLIENT_HTTPS));
        assertThat(flows).contains(
                Flow.between("waf", "proxy", 8081, WAF_TO_PROXY),
                Flow.between("proxy", "static", 8090, PROXY_TO_STATIC),
                Flow.between("proxy", "app1", 8100, PROXY_TO_APP),
                Flow.between("app2", "db1", 5433, APP_TO_PRIMARY));
        assertThat(flows).noneMatch(f -> f.toHost().equals("proxy") && f.fromHost().isEmpty());
    }

    @Test
    void withTheWafOffTheProxyFacesClientsEvenOnAHostWithTheWafRole() {
        List<Flow> flows = flowsOf(TestDescriptors.load("hostcfg-shared-hosts.yaml"));
        assertThat(flows).filteredOn(f -> f.fromHost().isEmpty())
                .extracting(Flow::toHost).containsOnly("front");
        assertThat(flows).noneMatch(f -> f.purpose() == WAF_TO_PROXY);
        // box1 is app + primary, box2 app + standby: only the cross-host hops remain.
        assertThat(flows).filteredOn(f -> f.port() == 5432).containsExactly(
                Flow.between("box2", "box1", 5432, APP_TO_PRIMARY),
                Flow.between("box1", "box2", 5432, APP_TO_STANDBY),
                Flow.between("box2", "box1", 5432, REPLICATION),
                Flow.between("box1", "box2", 5432, REVERSE_REPLICATION));
    }

    @Test
    void withoutStandbyThereIsNoReplicationOrReadFlow() {
        List<Flow> flows = flowsOf(TestDescriptors.load("hostcfg-three-apps-no-standby.yaml"));
        assertThat(flows).extracting(Flow::purpose).doesNotContain(APP_TO_STANDBY, REPLICATION, REVERSE_REPLICATION);
        // Both proxies reach all three app hosts; the WAF reaches both proxies.
        assertThat(flows).filteredOn(f -> f.purpose() == PROXY_TO_APP).hasSize(6);
        assertThat(flows).filteredOn(f -> f.purpose() == WAF_TO_PROXY).containsExactly(
                Flow.between("waf1", "proxy1", 80, WAF_TO_PROXY),
                Flow.between("waf1", "proxy2", 80, WAF_TO_PROXY));
        // proxy2 is also the static host: proxy1 fetches from it, proxy2 serves itself.
        assertThat(flows).filteredOn(f -> f.purpose() == PROXY_TO_STATIC).containsExactly(
                Flow.between("proxy1", "proxy2", 8080, PROXY_TO_STATIC));
    }
}

package io.tierlift.diagram;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.onprem.firewall.TopologyFlows;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OnpremDiagramTest {
    private final OnpremDiagram diagram = new OnpremDiagram(new TopologyFlows());

    @ParameterizedTest
    @ValueSource(strings = {"seed.yaml", "compact.yaml", "single-app-no-waf.yaml", "hostcfg-six-apps.yaml"})
    void namesEveryHostWithItsAddressInItsZone(String fixture) {
        AppDescriptor app = TestDescriptors.load(fixture);
        String text = diagram.mermaid(app);
        assertThat(text).startsWith("flowchart LR\n");
        for (Host host : app.targets().onprem().orElseThrow().hosts()) {
            assertThat(text).contains(OnpremDiagram.hostId(host.name()) + "[")
                    .contains(host.name() + "<br/>" + host.address() + "<br/>");
            assertThat(text).contains("subgraph " + Flowchart.id("zone", host.zone()) + "[\"zone " + host.zone() + "\"]");
        }
        // Every firewall flow has an arrow.
        new TopologyFlows().flows(app, app.targets().onprem().orElseThrow()).forEach(flow ->
                assertThat(text).contains(flow.port() + " " + flow.purpose().key()));
    }

    @Test
    void seedTopologyHasTheTrafficPathWithPorts() {
        String text = diagram.mermaid(TestDescriptors.load("seed.yaml"));
        assertThat(text).containsPattern("clients -->\\|\"\\d+ client-http<br/>\\d+ client-https\"\\| host_waf");
        assertThat(text).contains("waf-to-proxy").contains("proxy-to-static").contains("proxy-to-app")
                .contains("app-to-primary");
        assertThat(text).containsPattern("host_db2 -\\.->\\|\"\\d+ replication\"\\| host_db1");
    }
}

package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {

    private static final List<SandboxHost> HOSTS =
            List.of(new SandboxHost("web1", "10.231.0.11"), new SandboxHost("app1", "10.231.0.12"));

    @Test
    void defaults() {
        SandboxSpec spec = SandboxSpec.forHosts(HOSTS);

        assertThat(spec.bridge()).isEqualTo("tl-br0");
        assertThat(spec.cidr()).isEqualTo("10.231.0.0/24");
        assertThat(spec.gateway()).isEqualTo("10.231.0.1");
        assertThat(spec.prefixLength()).isEqualTo(24);
    }

    @Test
    void kernelObjectNamesAreDerivedFromTheBridgeAndFitLinuxLimits() {
        SandboxSpec spec = SandboxSpec.forHosts(List.of(new SandboxHost("a-very-long-host-name-of-31-chr", "10.231.0.9")));
        SandboxSpec other = new SandboxSpec("tl-brt", "10.232.0.0/24", "10.232.0.1",
                List.of(new SandboxHost("a-very-long-host-name-of-31-chr", "10.232.0.9")));

        String veth = spec.vethName("a-very-long-host-name-of-31-chr");
        assertThat(veth).startsWith("tlv-").hasSizeLessThanOrEqualTo(15);
        assertThat(spec.netnsName("a-very-long-host-name-of-31-chr")).isEqualTo("tl-br0-a-very-long-host-name-of-31-chr");
        assertThat(other.vethName("a-very-long-host-name-of-31-chr")).isNotEqualTo(veth);
        assertThat(other.netnsName("a-very-long-host-name-of-31-chr")).startsWith("tl-brt-");
    }

    @Test
    void rejectsBadHostNamesAndAddresses() {
        assertThatThrownBy(() -> new SandboxHost("Web1", "10.231.0.11")).hasMessageContaining("host name");
        assertThatThrownBy(() -> new SandboxHost("1web", "10.231.0.11")).hasMessageContaining("host name");
        assertThatThrownBy(() -> new SandboxHost("web-", "10.231.0.11")).hasMessageContaining("host name");
        assertThatThrownBy(() -> new SandboxHost("a".repeat(32), "10.231.0.11")).hasMessageContaining("host name");
        assertThatThrownBy(() -> new SandboxHost("web", "10.231.0.256")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> new SandboxHost("web", "10.231.0")).hasMessageContaining("IPv4");
    }

    @Test
    void rejectsInconsistentSpecs() {
        assertThatThrownBy(() -> SandboxSpec.forHosts(List.of(new SandboxHost("a", "10.232.0.11"))))
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> SandboxSpec.forHosts(List.of(new SandboxHost("a", "10.231.0.1"))))
                .hasMessageContaining("gateway");
        assertThatThrownBy(() -> SandboxSpec.forHosts(List.of(new SandboxHost("a", "10.231.0.255"))))
                .hasMessageContaining("broadcast");
        assertThatThrownBy(() -> SandboxSpec.forHosts(
                List.of(new SandboxHost("a", "10.231.0.11"), new SandboxHost("a", "10.231.0.12"))))
                .hasMessageContaining("used twice");
        assertThatThrownBy(() -> SandboxSpec.forHosts(
                List.of(new SandboxHost("a", "10.231.0.11"), new SandboxHost("b", "10.231.0.11"))))
                .hasMessageContaining("used twice");
        assertThatThrownBy(() -> SandboxSpec.forHosts(List.of())).hasMessageContaining("at least one host");
        assertThatThrownBy(() -> new SandboxSpec("eth0", "10.231.0.0/24", "10.231.0.1", HOSTS))
                .hasMessageContaining("bridge");
        assertThatThrownBy(() -> new SandboxSpec("tl-br0", "10.231.0.5/24", "10.231.0.1", HOSTS))
                .hasMessageContaining("host bits");
        assertThatThrownBy(() -> new SandboxSpec("tl-br0", "8.8.8.0/24", "8.8.8.1",
                List.of(new SandboxHost("a", "8.8.8.8")))).hasMessageContaining("private");
    }

    @Test
    void survivesTheStateFileRoundTrip() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        StateFile state = new StateFile(StateFile.VERSION, SandboxSpec.forHosts(HOSTS), List.of(
                new StateFile.HostRuntime("web1", "10.231.0.11", "tl-br0-web1", "tlv-12345678", 10, 20, 11, 21)));

        String json = mapper.writeValueAsString(state);

        assertThat(mapper.readValue(json, StateFile.class)).isEqualTo(state);
        assertThat(json).doesNotContain("prefixLength");
    }
}

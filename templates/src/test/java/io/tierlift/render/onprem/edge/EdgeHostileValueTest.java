package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.EdgeSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Targets;
import io.tierlift.model.TlsSettings;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.UnsafeValueException;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Values that validation would refuse, planted straight into the model: the escaper still keeps
 * each of them from ending a directive or opening a block in a rendered file.
 */
class EdgeHostileValueTest {
    private static final List<String> HOSTILE = List.of(
            "x; return 200 owned", "x { }", "x\nreturn 200;", "$host", "\"x\"", "'x'", "x #comment");

    private record Plant(String field, BiFunction<OnpremTarget, String, OnpremTarget> into) {
        @Override
        public String toString() {
            return field;
        }
    }

    private static final List<Plant> PLANTS = List.of(
            new Plant("domain", (t, v) -> target(t, v, t.tls(), t.edge(), t.hosts(), t.appRoot())),
            new Plant("app_root", (t, v) -> target(t, t.domain(), t.tls(), t.edge(), t.hosts(), "/srv/" + v)),
            new Plant("tls.certificate", (t, v) -> target(t, t.domain(),
                    Optional.of(new TlsSettings("/etc/ssl/" + v, new SecretRef(SecretRef.Kind.ENV, "K"))), t.edge(), t.hosts(), t.appRoot())),
            new Plant("edge.max_body_size", (t, v) -> target(t, t.domain(), t.tls(), new EdgeSettings(t.edge().httpPort(),
                    t.edge().httpsPort(), t.edge().staticPort(), v, t.edge().rateLimitPerSecond(), t.edge().rateLimitBurst()),
                    t.hosts(), t.appRoot())),
            new Plant("edge host address", (t, v) -> target(t, t.domain(), t.tls(), t.edge(), replaceAddress(t.hosts(), "edge1", v), t.appRoot())),
            new Plant("app host address", (t, v) -> target(t, t.domain(), t.tls(), t.edge(), replaceAddress(t.hosts(), "app2", v), t.appRoot())));

    static Stream<Object[]> cases() {
        return PLANTS.stream().flatMap(p -> HOSTILE.stream().map(v -> new Object[] {p, v}));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("cases")
    void hostileValueIsRefusedByTheEscaper(Plant plant, String value) {
        AppDescriptor compact = TestDescriptors.load("compact.yaml");
        OnpremTarget planted = plant.into().apply(compact.targets().onprem().orElseThrow(), value);
        AppDescriptor hostile = new AppDescriptor(compact.app(), compact.environment(), compact.baseDir(), compact.frontend(),
                compact.backend(), compact.database(), new Targets(Optional.of(planted), Optional.empty(), Optional.empty()));

        assertThatThrownBy(() -> EdgeVariations.renderEdge(hostile, SecretView.masked()))
                .isInstanceOf(UnsafeValueException.class)
                .hasMessageContaining("refusing to place a value");
    }

    private static OnpremTarget target(OnpremTarget t, String domain, Optional<TlsSettings> tls, EdgeSettings edge,
                                       List<Host> hosts, String appRoot) {
        return new OnpremTarget(t.ssh(), domain, tls, t.waf(), edge, t.adminNetworks(), hosts, appRoot, t.releasesKept());
    }

    private static List<Host> replaceAddress(List<Host> hosts, String name, String address) {
        List<Host> out = new ArrayList<>();
        for (Host h : hosts) {
            out.add(h.name().equals(name)
                    ? new Host(h.name(), address, h.zone(), h.roles(), h.sshHost(), h.sshPort(), h.workers())
                    : h);
        }
        return out;
    }
}

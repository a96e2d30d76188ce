package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Targets;
import io.tierlift.model.WafExclusion;
import io.tierlift.model.WafSettings;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.UnsafeValueException;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** waf.exclusions become numbered runtime rules loaded between tierlift's CRS settings and the CRS rules. */
class WafExclusionRenderingTest {
    private static final String EXCLUSIONS = "edge1/etc/nginx/modsecurity/exclusions.conf";

    @Test
    void eachExclusionIsOneRuntimeRuleInOrderWithItsOwnId() {
        String text = text(render(TestDescriptors.load("edge-waf-tuned.yaml")), EXCLUSIONS);
        assertThat(text).contains("SecRule REQUEST_FILENAME \"@beginsWith /api/notes\" \\\n"
                        + "    \"id:10000,phase:1,pass,nolog,t:none,ctl:ruleRemoveTargetById=932115;ARGS:json.body\"",
                "SecAction \\\n    \"id:10001,phase:1,pass,nolog,t:none,ctl:ruleRemoveTargetByTag=attack-rce;REQUEST_COOKIES:session\"",
                "SecAction \\\n    \"id:10002,phase:1,pass,nolog,t:none,ctl:ruleRemoveTargetById=920350;REQUEST_HEADERS:Host\"");
        assertThat(text).doesNotContain("id:10003");
    }

    @Test
    void exclusionsLoadAfterTheSettingsAndBeforeTheCrsRules() {
        String main = text(render(TestDescriptors.load("edge-waf-tuned.yaml")), "edge1/etc/nginx/modsecurity/main.conf");
        List<String> includes = main.lines().filter(l -> l.startsWith("Include ")).toList();
        assertThat(includes).containsExactly("Include /etc/nginx/modsecurity/modsecurity.conf",
                "Include " + EdgeTopology.CRS_PACKAGE_SETUP, "Include /etc/nginx/modsecurity/crs-settings.conf",
                "Include /etc/nginx/modsecurity/exclusions.conf", "Include " + EdgeTopology.CRS_RULES);
    }

    @Test
    void withoutExclusionsTheFileSaysSoAndHoldsNoRule() {
        String text = text(render(TestDescriptors.load("compact.yaml")), EXCLUSIONS);
        assertThat(text).contains("# None").doesNotContain("SecRule").doesNotContain("SecAction");
    }

    @Test
    void detectModeRendersDetectionOnly() {
        String engine = text(render(TestDescriptors.load("edge-detection-only.yaml")), "edge1/etc/nginx/modsecurity/modsecurity.conf");
        assertThat(engine).contains("SecRuleEngine DetectionOnly", "waf.mode: detect").doesNotContain("SecRuleEngine On");
    }

    /** Values validation refuses, planted straight into the model: the ModSecurity escaper refuses them too. */
    static Stream<Object[]> hostile() {
        List<String> values = List.of("x,ctl:ruleEngine=Off", "x\" \"id:1,phase:1,ctl:ruleEngine=Off", "x\nSecRuleEngine Off",
                "x;ARGS", "x y", "x'", "x{}");
        List<Function<String, WafExclusion>> plants = List.of(
                v -> WafExclusion.byId(932115, "ARGS:" + v, Optional.empty()),
                v -> WafExclusion.byTag("attack-" + v, "ARGS", Optional.empty()),
                v -> WafExclusion.byId(932115, "ARGS", Optional.of("/api/" + v)));
        List<Object[]> cases = new ArrayList<>();
        for (int p = 0; p < plants.size(); p++) {
            for (String v : values) {
                cases.add(new Object[] {List.of("target", "tag", "path").get(p), v, plants.get(p).apply(v)});
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("hostile")
    void aHostileExclusionValueIsRefusedByTheEscaper(String field, String value, WafExclusion exclusion) {
        AppDescriptor planted = withExclusions(TestDescriptors.load("compact.yaml"), List.of(exclusion));
        assertThatThrownBy(() -> render(planted)).isInstanceOf(UnsafeValueException.class)
                .hasMessageContaining("refusing to place a value");
    }

    private static AppDescriptor withExclusions(AppDescriptor d, List<WafExclusion> exclusions) {
        OnpremTarget t = d.targets().onprem().orElseThrow();
        WafSettings w = t.waf();
        OnpremTarget changed = new OnpremTarget(t.ssh(), t.domain(), t.tls(),
                new WafSettings(w.crs(), w.paranoia(), w.mode(), w.anomalyThreshold(), exclusions),
                t.edge(), t.adminNetworks(), t.hosts(), t.appRoot(), t.releasesKept());
        return new AppDescriptor(d.app(), d.environment(), d.baseDir(), d.frontend(), d.backend(), d.database(),
                new Targets(Optional.of(changed), Optional.empty(), Optional.empty()));
    }

    private static List<RenderedFile> render(AppDescriptor descriptor) {
        return EdgeVariations.renderEdge(descriptor, SecretView.masked());
    }

    private static String text(List<RenderedFile> files, String location) {
        return files.stream().filter(f -> f.location().equals(location)).findFirst().orElseThrow().contentAsText();
    }
}

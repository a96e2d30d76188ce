package io.tierlift.render.onprem.firewall;

import io.tierlift.render.GoldenFiles;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FirewallRendererGoldenTest {
    static java.util.stream.Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void matchesGolden(String fixture) {
        var files = HostcfgCases.render(new FirewallRenderer(new FreemarkerEngine()), HostcfgCases.descriptor(fixture),
                SecretView.masked());
        GoldenFiles.assertMatches("fw-" + HostcfgCases.caseName(fixture), files);
    }
}

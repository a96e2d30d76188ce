package io.tierlift.render.onprem.app;

import io.tierlift.render.GoldenFiles;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

class AppServerRendererGoldenTest {
    static Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void matchesGolden(String fixture) {
        var files = HostcfgCases.render(new AppServerRenderer(new FreemarkerEngine()), HostcfgCases.descriptor(fixture),
                SecretView.masked());
        GoldenFiles.assertMatches("app-" + HostcfgCases.caseName(fixture), files);
    }
}

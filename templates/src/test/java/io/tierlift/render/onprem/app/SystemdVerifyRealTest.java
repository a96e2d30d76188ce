package io.tierlift.render.onprem.app;

import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.render.onprem.firewall.Programs;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * systemd-analyze verify reads every rendered unit as systemd would. It also needs ExecStart's
 * program to exist: that is /usr/bin/python3 (envexec.py and Gunicorn are its arguments). Unknown
 * or misspelt keys only produce warnings, so the test also requires verify to say nothing about
 * the unit.
 */
@Tag("real")
class SystemdVerifyRealTest {
    private static final String SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
    private final Programs programs = new Programs();
    private final AppServerRenderer renderer = new AppServerRenderer(new FreemarkerEngine());

    @TempDir
    Path temp;

    static Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    private Programs.Result verify(String host, String name, String content) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(host));
        Path unit = dir.resolve(name);
        Files.writeString(unit, content);
        return programs.run(List.of(SYSTEMD_ANALYZE, "verify", unit.toString()));
    }

    private static List<RenderedFile> units(String fixture) {
        return HostcfgCases.render(new AppServerRenderer(new FreemarkerEngine()), HostcfgCases.descriptor(fixture),
                SecretView.masked()).stream().filter(f -> f.location().endsWith(".service")).toList();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void systemdAcceptsTheUnitOfEveryAppHost(String fixture) throws IOException {
        programs.require(SYSTEMD_ANALYZE, "systemd");
        List<RenderedFile> units = units(fixture);
        assertThat(units).isNotEmpty();
        for (RenderedFile unit : units) {
            String host = unit.location().substring(0, unit.location().indexOf('/'));
            String name = Path.of(unit.location()).getFileName().toString();
            Programs.Result result = verify(host, name, unit.contentAsText());
            assertThat(result.exit()).as(result.describe()).isZero();
            assertThat(result.stderr().lines().filter(l -> l.contains(name))).as(result.describe()).isEmpty();
        }
    }

    @Test
    void verifyReportsMistakes() throws IOException {
        programs.require(SYSTEMD_ANALYZE, "systemd");
        RenderedFile unit = units("compact.yaml").get(0);
        Programs.Result typo = verify("typo", "notes-api.service", unit.contentAsText().replace("KillMode=", "KilMode="));
        assertThat(typo.stderr()).contains("notes-api.service").contains("Unknown key");
        Programs.Result missing = verify("missing", "notes-api.service",
                unit.contentAsText().replace("\"/usr/bin/python3\"", "\"/usr/bin/no-such-python\""));
        assertThat(missing.exit()).as(missing.describe()).isNotZero();
    }

    @Test
    void renderedUnitNameMatchesTheLayout() {
        var d = TestDescriptors.load("compact.yaml");
        var layout = renderer.layout(d, d.targets().onprem().orElseThrow());
        assertThat(units("compact.yaml")).extracting(RenderedFile::location)
                .containsExactly("app1" + layout.unitFile(), "app2" + layout.unitFile());
    }

    @Test
    void systemdAcceptsTheFirewallBootUnitOfEveryHost() throws IOException {
        programs.require(SYSTEMD_ANALYZE, "systemd");
        List<RenderedFile> units = HostcfgCases.render(new FirewallRenderer(new FreemarkerEngine()),
                HostcfgCases.descriptor("seed.yaml"), SecretView.masked()).stream()
                .filter(f -> f.location().endsWith(FirewallRenderer.UNIT_PATH)).toList();
        assertThat(units).as("one per host").hasSize(7);
        for (RenderedFile unit : units) {
            Programs.Result result = verify(unit.location().substring(0, unit.location().indexOf('/')),
                    FirewallRenderer.UNIT, unit.contentAsText());
            assertThat(result.exit()).as(result.describe()).isZero();
            assertThat(result.stderr().lines().filter(l -> l.contains(FirewallRenderer.UNIT))).as(result.describe()).isEmpty();
            assertThat(unit.contentAsText()).contains("ExecStart=/usr/sbin/nft -f " + FirewallRenderer.PATH)
                    .contains("WantedBy=sysinit.target");
        }
    }
}

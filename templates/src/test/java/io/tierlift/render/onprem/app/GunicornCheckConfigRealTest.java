package io.tierlift.render.onprem.app;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremScope;
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
 * Debian's Gunicorn loads every rendered gunicorn.conf.py and the WSGI app it names. The chdir
 * of the view model points at a temporary folder holding a tiny Flask app under each fixture's
 * module name, since the release folder does not exist here. Gunicorn's check does not bind,
 * so the hosts' addresses (not on this machine) are kept as rendered.
 */
@Tag("real")
class GunicornCheckConfigRealTest {
    private static final String GUNICORN = "/usr/bin/gunicorn";
    private final Programs programs = new Programs();
    private final FreemarkerEngine engine = new FreemarkerEngine();
    private final AppServerRenderer renderer = new AppServerRenderer(engine);

    @TempDir
    Path temp;

    static Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    /** Writes {@code module/path.py} for "module.path:attr" with a Flask app called attr. */
    private Path backendFor(String wsgi) throws IOException {
        Path backend = temp.resolve("backend");
        String module = wsgi.substring(0, wsgi.indexOf(':'));
        String attribute = wsgi.substring(wsgi.indexOf(':') + 1);
        String[] parts = module.split("\\.");
        Path dir = backend;
        for (int i = 0; i < parts.length - 1; i++) {
            dir = dir.resolve(parts[i]);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("__init__.py"), "");
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(parts[parts.length - 1] + ".py"),
                "from flask import Flask\n" + attribute + " = Flask(__name__)\n");
        return backend;
    }

    private GunicornConfig withChdir(GunicornConfig c, String chdir, String wsgi) {
        return new GunicornConfig(c.app(), c.bindAddress(), c.port(), c.fixedWorkers(), c.workers(), c.timeoutSeconds(),
                c.gracefulTimeoutSeconds(), c.keepaliveSeconds(), c.accessLog(), c.errorLog(), c.forwardedAllowIps(),
                c.proxyAllowIps(), c.pidFile(), c.controlSocket(), wsgi, chdir, c.environmentFile());
    }

    private Programs.Result check(GunicornConfig config) throws IOException {
        Path file = Files.createTempFile(temp, "gunicorn-", ".conf.py");
        Files.writeString(file, engine.render(AppServerRenderer.GUNICORN_TEMPLATE, config));
        return programs.run(List.of(GUNICORN, "--check-config", "-c", file.toString()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void gunicornAcceptsTheConfigOfEveryAppHost(String fixture) throws IOException {
        programs.require(GUNICORN, "gunicorn");
        AppDescriptor d = HostcfgCases.descriptor(fixture);
        var target = d.targets().onprem().orElseThrow();
        Path backend = backendFor(d.backend().wsgi());
        List<Host> apps = target.hostsWith(Role.APP);
        assertThat(apps).isNotEmpty();
        for (Host host : apps) {
            OnpremScope scope = new OnpremScope(d, target, host, SecretView.masked());
            GunicornConfig rendered = renderer.gunicorn(scope, renderer.layout(d, target));
            Programs.Result result = check(withChdir(rendered, backend.toString(), rendered.wsgiApp()));
            assertThat(result.exit()).as(result.describe()).isZero();
        }
    }

    @Test
    void theCheckFailsWhenTheAppCannotBeLoaded() throws IOException {
        programs.require(GUNICORN, "gunicorn");
        AppDescriptor d = TestDescriptors.load("compact.yaml");
        var target = d.targets().onprem().orElseThrow();
        Path backend = backendFor(d.backend().wsgi());
        GunicornConfig rendered = renderer.gunicorn(new OnpremScope(d, target, target.host("app1").orElseThrow(),
                SecretView.masked()), renderer.layout(d, target));
        Programs.Result result = check(withChdir(rendered, backend.toString(), "notes.missing:app"));
        assertThat(result.exit()).as(result.describe()).isNotZero();
        assertThat(result.stderr()).contains("notes.missing");
    }
}

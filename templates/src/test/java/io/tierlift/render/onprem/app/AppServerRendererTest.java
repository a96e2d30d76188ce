package io.tierlift.render.onprem.app;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.engine.UnsafeValueException;
import io.tierlift.render.onprem.firewall.CanarySecrets;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.render.onprem.firewall.UnsupportedTopologyException;
import io.tierlift.secret.SecretView;
import io.tierlift.diag.InvalidDescriptorException;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppServerRendererTest {
    private static final String DB_CANARY = "CANARY-db'pw\"@:/ %+ü";
    private static final String TOKEN_CANARY = "CANARY-token$(rm -rf /)`x`";
    private final AppServerRenderer renderer = new AppServerRenderer(new FreemarkerEngine());
    private final CanarySecrets canaries = new CanarySecrets(Map.of(
            "NOTES_DB_PASSWORD", DB_CANARY,
            "NOTES_REPLICATION_PASSWORD", "CANARY-repl",
            "NOTES_API_TOKEN", TOKEN_CANARY));

    private List<RenderedFile> render(AppDescriptor d, SecretView secrets) {
        return HostcfgCases.render(renderer, d, secrets);
    }

    private static RenderedFile file(List<RenderedFile> files, String location) {
        return files.stream().filter(f -> f.location().equals(location)).findFirst()
                .orElseThrow(() -> new AssertionError("no file " + location + " in " + files.stream().map(RenderedFile::location).toList()));
    }

    private static Map<String, String> json(RenderedFile file) throws Exception {
        return new ObjectMapper().readValue(file.content(), new TypeReference<>() {
        });
    }

    @Test
    void onlyAppHostsGetFilesWithTheirOwnersAndModes() {
        List<RenderedFile> files = render(TestDescriptors.load("compact.yaml"), SecretView.masked());
        assertThat(files).extracting(RenderedFile::location).allMatch(l -> l.startsWith("app1/") || l.startsWith("app2/"));
        RenderedFile env = file(files, "app1/etc/notes/app-env.json");
        assertThat(env.sensitive()).isTrue();
        assertThat(env.mode()).isEqualTo(0640);
        assertThat(env.owner()).isEqualTo("root");
        assertThat(env.group()).isEqualTo("notes");
        RenderedFile envexec = file(files, "app1/usr/local/lib/tierlift/envexec.py");
        assertThat(envexec.mode()).isEqualTo(0755);
        assertThat(envexec.contentAsText()).startsWith("#!/usr/bin/python3\n").contains("os.execvpe");
        for (String path : List.of("app1/etc/notes/gunicorn.conf.py", "app1/etc/systemd/system/notes-api.service")) {
            assertThat(file(files, path).sensitive()).isFalse();
            assertThat(file(files, path).mode()).isEqualTo(0644);
        }
    }

    @Test
    void environmentCarriesBothDatabaseUrlsAndTheAppsVariables() throws Exception {
        List<RenderedFile> files = render(TestDescriptors.load("compact.yaml"), canaries.view());
        Map<String, String> env = json(file(files, "app2/etc/notes/app-env.json"));
        assertThat(env).containsOnlyKeys("DATABASE_URL", "DATABASE_READ_URL", "NOTES_PAGE_SIZE", "NOTES_API_TOKEN");
        String encoded = new DatabaseUrls().encode(DB_CANARY);
        assertThat(env.get("DATABASE_URL")).isEqualTo("postgresql://notes:" + encoded + "@10.0.3.21:5432/notes");
        assertThat(env.get("DATABASE_READ_URL")).isEqualTo("postgresql://notes:" + encoded + "@10.0.3.22:5432/notes");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(DB_CANARY);
        assertThat(env.get("NOTES_API_TOKEN")).isEqualTo(TOKEN_CANARY);
        assertThat(env.get("NOTES_PAGE_SIZE")).isEqualTo("50");
    }

    @Test
    void secretsAppearOnlyInTheSensitiveFile() {
        List<RenderedFile> files = render(TestDescriptors.load("compact.yaml"), canaries.view());
        for (RenderedFile f : files) {
            boolean hasCanary = f.contentAsText().contains("CANARY");
            assertThat(hasCanary).as("canary in %s", f.location()).isEqualTo(f.sensitive());
        }
        List<RenderedFile> masked = render(TestDescriptors.load("compact.yaml"), SecretView.masked());
        assertThat(masked).noneMatch(f -> f.contentAsText().contains("CANARY"));
    }

    @Test
    void withoutStandbyThereIsNoReadUrl() throws Exception {
        List<RenderedFile> files = render(TestDescriptors.load("single-app-no-waf.yaml"), SecretView.masked());
        assertThat(json(file(files, "app1/etc/shop/app-env.json"))).containsOnlyKeys("DATABASE_URL");
    }

    @Test
    void unitRunsExactlyTheServiceCommandLoggingToJournald() {
        AppDescriptor d = TestDescriptors.load("hostcfg-six-apps.yaml");
        List<RenderedFile> files = render(d, SecretView.masked());
        String unit = file(files, "api-3/etc/systemd/system/ledger-api.service").contentAsText();
        String execStart = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        List<String> words = Arrays.stream(execStart.substring("ExecStart=".length()).split(" "))
                .map(w -> w.substring(1, w.length() - 1))
                .toList();
        AppServiceCommand command = renderer.serviceCommand(d, d.targets().onprem().orElseThrow());
        assertThat(words).isEqualTo(command.serviceArgv());
        assertThat(command.serviceArgv()).as("under systemd the logs go to journald").endsWith(
                "-c", "/etc/ledger/gunicorn.conf.py", "--error-logfile", "-", "--access-logfile", "-");
        assertThat(command.argv()).containsExactly("/usr/bin/python3", "/usr/local/lib/tierlift/envexec.py",
                "/etc/ledger/app-env.json", "--", "/opt/ledger/current/venv/bin/gunicorn", "-c", "/etc/ledger/gunicorn.conf.py");
        assertThat(command.daemonArgv()).endsWith("-c", "/etc/ledger/gunicorn.conf.py", "--daemon");
        // Graceful timeout 1m plus the margin.
        assertThat(unit).contains("TimeoutStopSec=65\n").contains("User=ledger\n").contains("ReadWritePaths=/var/log/ledger\n");
    }

    @Test
    void workersComeFromTheHostThenTheBackendThenTheCpuCount() {
        List<RenderedFile> six = render(TestDescriptors.load("hostcfg-six-apps.yaml"), SecretView.masked());
        assertThat(file(six, "api-6/etc/ledger/gunicorn.conf.py").contentAsText()).contains("\nworkers = 12\n");
        assertThat(file(six, "api-4/etc/ledger/gunicorn.conf.py").contentAsText())
                .contains("\nworkers = multiprocessing.cpu_count() * 2 + 1\n");
        List<RenderedFile> seed = render(TestDescriptors.load("seed.yaml"), SecretView.masked());
        assertThat(file(seed, "app1/etc/notes/gunicorn.conf.py").contentAsText())
                .contains("\nworkers = 4\n").contains("bind = \"10.0.2.11:8100\"\n");
    }

    @Test
    void onlyTheProxiesMayForwardClientAddresses() {
        List<RenderedFile> files = render(TestDescriptors.load("hostcfg-three-apps-no-standby.yaml"), SecretView.masked());
        assertThat(file(files, "app3/etc/notes/gunicorn.conf.py").contentAsText())
                .contains("forwarded_allow_ips = \"10.0.1.10,10.0.1.11\"\n")
                .contains("proxy_allow_ips = \"10.0.1.10,10.0.1.11\"\n")
                // 1500ms rounds up to whole seconds.
                .contains("\ntimeout = 2\n");
    }

    @Test
    void gunicornConfigIsAReusableViewModel() {
        GunicornConfig config = new GunicornConfig("notes", "0.0.0.0", 8000, false, 0, 30, 20, 5,
                "-", "-", "*", "*", "/run/notes/gunicorn.pid", "/run/notes/gunicorn.ctl", "notes.app:app", "/opt/app", "/etc/notes/env.json");
        String text = new FreemarkerEngine().render(AppServerRenderer.GUNICORN_TEMPLATE, config);
        assertThat(text).contains("bind = \"0.0.0.0:8000\"\n").contains("forwarded_allow_ips = \"*\"\n");
    }

    @Test
    void pythonStringsAreEscaped() {
        GunicornConfig config = new GunicornConfig("notes", "10.0.0.1", 8000, true, 2, 30, 20, 5,
                "/var/log/a\"b\\c.log", "-", "10.0.0.2", "10.0.0.2", "/run/p", "/run/c", "m:a", "/opt\nimport os", "/e");
        String text = new FreemarkerEngine().render(AppServerRenderer.GUNICORN_TEMPLATE, config);
        assertThat(text).contains("accesslog = \"/var/log/a\\\"b\\\\c.log\"\n").contains("chdir = \"/opt\\nimport os\"\n");
    }

    @Test
    void systemdRefusesLineBreaksInUnitValues() {
        ApiUnit unit = new ApiUnit("notes", "notes", "notes", List.of("/usr/bin/python3", "a\nExecStartPre=/bin/sh"),
                "notes", "notes", "/var/log/notes", 25);
        assertThatThrownBy(() -> new FreemarkerEngine().render(AppServerRenderer.UNIT_TEMPLATE, unit))
                .isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void proxyAddressesMustBeIpAddresses() {
        // The descriptor rules refuse it first, naming why; the renderer's own check stays as a second wall.
        assertThatThrownBy(() -> TestDescriptors.fromText(TestDescriptors.text("compact.yaml")
                .replace("address: 10.0.1.10", "address: edge1.internal")))
                .isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("targets.onprem.hosts.edge1.address")
                .hasMessageContaining("trusted proxies");
    }
}

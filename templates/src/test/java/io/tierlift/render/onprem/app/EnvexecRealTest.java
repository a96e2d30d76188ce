package io.tierlift.render.onprem.app;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.CanarySecrets;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.render.onprem.firewall.Programs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The rendered envexec.py, run by Debian's Python with a rendered environment file. */
@Tag("real")
class EnvexecRealTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String DB_CANARY = "CANARY db'pw\"$HOME`id`;\\ ü:@/%";
    private static final String TOKEN_CANARY = "CANARY-token $(touch /tmp/pwned) %s {}";
    private final Programs programs = new Programs();

    @TempDir
    Path temp;
    private Path envexec;
    private Path envFile;
    private Map<String, String> expected;

    @BeforeEach
    void render() throws IOException {
        programs.require(PYTHON, "python3");
        CanarySecrets canaries = new CanarySecrets(Map.of(
                "NOTES_DB_PASSWORD", DB_CANARY,
                "NOTES_REPLICATION_PASSWORD", "CANARY-repl",
                "NOTES_API_TOKEN", TOKEN_CANARY));
        List<RenderedFile> files = HostcfgCases.render(new AppServerRenderer(new FreemarkerEngine()),
                TestDescriptors.load("compact.yaml"), canaries.view());
        envexec = temp.resolve("envexec.py");
        envFile = temp.resolve("app-env.json");
        for (RenderedFile f : files) {
            if (f.location().equals("app1/usr/local/lib/tierlift/envexec.py")) {
                Files.write(envexec, f.content());
            } else if (f.location().equals("app1/etc/notes/app-env.json")) {
                Files.write(envFile, f.content());
            }
        }
        expected = new ObjectMapper().readValue(envFile.toFile(), new TypeReference<>() {
        });
    }

    private List<String> envexec(String... command) {
        List<String> argv = new ArrayList<>(List.of(PYTHON, envexec.toString(), envFile.toString(), "--"));
        argv.addAll(List.of(command));
        return argv;
    }

    @Test
    void commandSeesEveryVariableExactly() throws IOException {
        Programs.Result result = programs.ok(envexec(PYTHON, "-c",
                "import json, os, sys; json.dump({k: os.environ[k] for k in sys.argv[1:]}, sys.stdout)",
                "DATABASE_URL", "DATABASE_READ_URL", "NOTES_API_TOKEN", "NOTES_PAGE_SIZE"));
        Map<String, String> seen = new ObjectMapper().readValue(result.stdout(), new TypeReference<>() {
        });
        assertThat(seen).isEqualTo(expected);
        assertThat(seen.get("NOTES_API_TOKEN")).isEqualTo(TOKEN_CANARY);
        assertThat(Files.exists(Path.of("/tmp/pwned"))).isFalse();
    }

    @Test
    void commandReplacesEnvexecAndKeepsItsProcessId() throws Exception {
        Process process = new ProcessBuilder(envexec("/bin/sh", "-c", "echo $$"))
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(printed).isEqualTo(String.valueOf(process.pid()));
    }

    @Test
    void errorsNameTheProblemButNeverAValue() throws IOException {
        Programs.Result usage = programs.run(List.of(PYTHON, envexec.toString(), envFile.toString(), "/bin/true"));
        assertThat(usage.exit()).isEqualTo(64);

        Programs.Result missing = programs.run(List.of(PYTHON, envexec.toString(), temp.resolve("nope.json").toString(), "--", "/bin/true"));
        assertThat(missing.exit()).isEqualTo(66);
        assertThat(missing.stderr()).contains("nope.json");

        Path notString = temp.resolve("bad.json");
        Files.writeString(notString, "{\"SECRET_LIST\": [\"CANARY-in-a-list\"]}");
        Programs.Result bad = programs.run(List.of(PYTHON, envexec.toString(), notString.toString(), "--", "/bin/true"));
        assertThat(bad.exit()).isEqualTo(65);
        assertThat(bad.stderr()).contains("SECRET_LIST").doesNotContain("CANARY");

        Path broken = temp.resolve("broken.json");
        Files.writeString(broken, "{\"A\": \"CANARY-unterminated");
        Programs.Result invalid = programs.run(List.of(PYTHON, envexec.toString(), broken.toString(), "--", "/bin/true"));
        assertThat(invalid.exit()).isEqualTo(65);
        assertThat(invalid.stderr()).contains("not valid JSON").doesNotContain("CANARY");

        Programs.Result notFound = programs.run(envexec("/no/such/program"));
        assertThat(notFound.exit()).isEqualTo(127);
        assertThat(notFound.stderr()).doesNotContain("CANARY");
    }
}

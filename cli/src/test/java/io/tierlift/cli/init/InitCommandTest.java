package io.tierlift.cli.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class InitCommandTest {
    private static final Path EXAMPLE = Path.of("../examples/notes");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Run(code, out.toString(), err.toString());
    }

    /** The example app's sources without its descriptor, builds or dependencies. */
    private Path exampleWithoutDescriptor() throws IOException {
        Path copy = tmp.resolve("notes");
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path source : files.toList()) {
                Path rel = EXAMPLE.relativize(source);
                String s = rel.toString();
                if (s.contains("node_modules") || s.contains("dist") || s.contains("__pycache__")
                        || (rel.getNameCount() == 1 && s.endsWith(".yaml"))) {
                    continue;
                }
                Path dest = copy.resolve(s);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
        }
        return copy;
    }

    @Test
    void regeneratesTheExampleDescriptorThatRendersTheSameOnpremFiles() throws IOException {
        Path repo = exampleWithoutDescriptor();
        assertThat(repo.resolve("app.yaml")).doesNotExist();

        Run init = run("init", repo.toString(), "--yes");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.err()).contains("backend.wsgi = notes.app:app (backend/notes/app.py:")
                .contains("backend.path = backend (backend/notes/app.py:")
                .contains("backend.release_command = python -m notes.migrate (backend/notes/migrate.py:1)")
                .contains("backend.health = /api/health (backend/notes/app.py:").contains("frontend.path = frontend (frontend/package.json:");
        String yaml = Files.readString(repo.resolve("app.yaml"));
        assertThat(yaml).contains("wsgi: \"notes.app:app\"").contains("\"${env:NOTES_DB_PASSWORD}\"")
                .contains("PLACEHOLDERS").contains("dist: \"frontend/dist\"");

        Run validate = run("validate", "-f", repo.resolve("app.yaml").toString());
        assertThat(validate.code()).as(validate.err()).isZero();

        Path fromInit = tmp.resolve("render-init");
        Path fromExample = tmp.resolve("render-example");
        assertThat(run("render", "onprem", "-f", repo.resolve("app.yaml").toString(), "-o", fromInit.toString()).code()).isZero();
        assertThat(run("render", "onprem", "-f", EXAMPLE.resolve("app.yaml").toString(), "-o", fromExample.toString()).code()).isZero();
        Map<String, String> initTree = tree(fromInit);
        assertThat(initTree).hasSizeGreaterThan(20);
        // The WAF exclusions are tuned from the traffic an app gets (waf report), so a draft has none;
        // the example's are its own. Everything else is the same.
        String exclusions = "onprem/edge1/etc/nginx/modsecurity/exclusions.conf";
        Map<String, String> exampleTree = new java.util.TreeMap<>(tree(fromExample));
        assertThat(initTree.get(exclusions)).as("comments only").isBlank();
        assertThat(exampleTree.get(exclusions)).contains("ruleRemoveTargetById=932115;ARGS:json.body");
        initTree = new java.util.TreeMap<>(initTree);
        initTree.remove(exclusions);
        exampleTree.remove(exclusions);
        assertThat(initTree).isEqualTo(exampleTree);
    }

    @Test
    void refusesToOverwriteWithoutForce() throws IOException {
        Path repo = exampleWithoutDescriptor();
        Files.writeString(repo.resolve("app.yaml"), "mine\n");
        Run refused = run("init", repo.toString(), "--yes");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("already exists").contains("--force");
        assertThat(Files.readString(repo.resolve("app.yaml"))).isEqualTo("mine\n");

        Run forced = run("init", repo.toString(), "--yes", "--force", "--app", "memo", "--domain", "memo.test", "--region", "us-east-1");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(Files.readString(repo.resolve("app.yaml"))).contains("app: \"memo\"").contains("domain: \"memo.test\"")
                .contains("region: \"us-east-1\"").contains("${env:MEMO_DB_PASSWORD}");
    }

    @Test
    void aFactoryWithoutAnAppIsServedByCallingItAndOtherVersionsAreRead() throws IOException {
        Path repo = tmp.resolve("shop");
        Files.createDirectories(repo.resolve("api/shop"));
        Files.createDirectories(repo.resolve("web"));
        Files.writeString(repo.resolve("api/shop/__init__.py"), "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n"
                + "    @app.route('/healthz/health')\n    def h():\n        return 'ok'\n    return app\n");
        Files.writeString(repo.resolve("api/requirements.txt"), "flask\n");
        Files.writeString(repo.resolve("api/.python-version"), "3.12.4\n");
        Files.writeString(repo.resolve("web/package.json"), "{\"scripts\": {\"build\": \"vite build\"}}");
        Files.writeString(repo.resolve("web/vite.config.ts"), "export default { build: { outDir: 'public-build' } }\n");

        DetectedApp found = new AppDetector().detect(repo);
        assertThat(found.wsgi()).contains("shop:create_app()");
        assertThat(found.backendPath()).contains("api");
        assertThat(found.python()).isEqualTo("3.12");
        assertThat(found.pythonSource()).contains("api/.python-version:1");
        assertThat(found.frontendBuild()).contains("npm install && npm run build");
        assertThat(found.frontendDist()).contains("web/public-build");
        assertThat(found.health()).contains("/healthz/health");
        assertThat(found.releaseCommand()).isEmpty();

        Run init = run("init", repo.toString(), "--yes");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(Files.readString(repo.resolve("app.yaml"))).contains("wsgi: \"shop:create_app()\"   # from api/shop/__init__.py:3");
        assertThat(run("validate", "-f", repo.resolve("app.yaml").toString()).code()).isZero();
    }

    @Test
    void progressAsJsonEvents() throws Exception {
        Path repo = exampleWithoutDescriptor();
        Run init = run("--quiet", "--output-events", "json", "init", repo.toString(), "--yes");
        assertThat(init.code()).as(init.err()).isZero();
        String[] lines = init.err().strip().split("\\R");
        assertThat(lines.length).isGreaterThanOrEqualTo(5);
        for (String line : lines) {
            JsonNode event = new ObjectMapper().readTree(line);
            assertThat(event.get("scope").asText()).isEqualTo("init");
            assertThat(event.get("level").asText()).isIn("info", "warning");
            assertThat(java.time.Instant.parse(event.get("time").asText())).isNotNull();
            assertThat(event.get("elapsed_s").isNumber()).isTrue();
        }
        assertThat(run("--output-events", "xml", "init", repo.toString(), "--yes", "--force").code()).isEqualTo(64);
    }

    /** Every rendered file by relative path, comment lines dropped (they may name the descriptor). */
    private static Map<String, String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            Map<String, String> tree = new TreeMap<>();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file).lines().filter(l -> !l.stripLeading().startsWith("#"))
                        .collect(Collectors.joining("\n"));
                tree.put(root.relativize(file).toString(), content);
            }
            return tree;
        }
    }
}

package io.tierlift.cli.init;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the tierlift commands of the CI templates in examples/ci, exactly as written, in-process
 * against the example descriptor: a template whose commands break fails here, not in a user's CI.
 */
class CiTemplatesTest {
    private static final Path CI = Path.of("../examples/ci");
    private static final Path EXAMPLE = Path.of("../examples/notes");

    @TempDir
    Path tmp;
    private Path descriptor;

    /** A copy of the example with a stand-in React build, as the templates' build step would leave it. */
    @org.junit.jupiter.api.BeforeEach
    void example() throws IOException {
        Path copy = tmp.resolve("notes");
        try (var files = Files.walk(EXAMPLE)) {
            for (Path source : files.toList()) {
                String rel = EXAMPLE.relativize(source).toString();
                if (rel.contains("node_modules") || rel.contains("dist") || rel.contains("__pycache__")) {
                    continue;
                }
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy.resolve(rel));
                } else {
                    Files.copy(source, copy.resolve(rel));
                }
            }
        }
        Files.createDirectories(copy.resolve("frontend/dist/assets"));
        Files.writeString(copy.resolve("frontend/dist/index.html"), "<!doctype html><div id=root></div>\n");
        Files.writeString(copy.resolve("frontend/dist/assets/app-1234.js"), "console.log('notes')\n");
        descriptor = copy.resolve("app.yaml");
    }

    @Test
    @SuppressWarnings("unchecked")
    void githubActionsCommandsRun() throws IOException {
        Map<String, Object> workflow = new Yaml().load(Files.readString(CI.resolve("github-actions.yml")));
        assertThat(workflow).containsKey("on");
        assertThat(((Map<String, Object>) workflow.get("on"))).containsKey("pull_request");
        List<String> lines = new ArrayList<>();
        Map<String, Object> jobs = (Map<String, Object>) workflow.get("jobs");
        for (Object job : jobs.values()) {
            for (Map<String, Object> step : (List<Map<String, Object>>) ((Map<String, Object>) job).get("steps")) {
                if (step.get("run") instanceof String run) {
                    lines.addAll(run.lines().toList());
                }
                if ("actions/upload-artifact@v4".equals(step.get("uses"))) {
                    assertThat(((Map<String, Object>) step.get("with")).get("path").toString()).contains("plan.json");
                }
            }
        }
        assertThat(String.join("\n", lines)).contains("$GITHUB_STEP_SUMMARY");
        runAll(lines);
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitlabCommandsRun() throws IOException {
        Map<String, Object> config = new Yaml().load(Files.readString(CI.resolve("gitlab-ci.yml")));
        Map<String, Object> job = (Map<String, Object>) config.get("tierlift-plan");
        assertThat(((Map<String, Object>) job.get("artifacts")).get("paths").toString()).contains("plan.json", "plan.md");
        runAll((List<String>) job.get("script"));
    }

    private void runAll(List<String> lines) throws IOException {
        List<String> tierlift = lines.stream().map(String::strip).filter(l -> l.startsWith("tierlift ")).toList();
        assertThat(tierlift).hasSize(3);
        boolean sawJson = false;
        boolean sawMarkdown = false;
        for (String line : tierlift) {
            List<String> args = words(line);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args.toArray(String[]::new), Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), false);
            if (args.contains("--detailed-exitcode")) {
                // The example has never been deployed, so an offline plan has changes: exit 2, which the templates accept.
                assertThat(code).as(line + "\n" + err).isEqualTo(2);
                assertThat(line).matches(".*(\\|\\| test \\$\\? -eq 2|).*");
                Path saved = tmp.resolve("plan.json");
                assertThat(new ObjectMapper().readTree(saved.toFile()).path("changes").isArray()).isTrue();
                assertThat(new ObjectMapper().readTree(out.toString()).path("target").asText()).isEqualTo("aws-iaas");
                sawJson = true;
            } else {
                assertThat(code).as(line + "\n" + err).isZero();
            }
            if (args.contains("markdown")) {
                String md = out.toString();
                assertThat(md).startsWith("## tierlift plan: notes on aws-iaas");
                assertThat(md).containsPattern("\\*\\*Plan:\\*\\* \\d+ to create, \\d+ to update, \\d+ to replace, \\d+ to delete, \\d+ unchanged\\.");
                assertThat(md).contains("| action | address | kind | summary |\n|---|---|---|---|\n");
                assertThat(md.lines().filter(l -> l.startsWith("| `+` create |")).count()).isGreaterThan(10);
                sawMarkdown = true;
            }
        }
        assertThat(sawJson).isTrue();
        assertThat(sawMarkdown).isTrue();
    }

    /** The command's words up to the first shell operator, with the files pointed at the example and the temp folder. */
    private List<String> words(String line) {
        List<String> args = new ArrayList<>();
        for (String word : line.split("\\s+")) {
            if (word.equals(">") || word.equals("&&") || word.equals("||") || word.equals("|") || word.startsWith(">")) {
                break;
            }
            args.add(switch (word) {
                case "app.yaml" -> descriptor.toString();
                case "plan.json" -> tmp.resolve("plan.json").toString();
                default -> word;
            });
        }
        assertThat(args.get(0)).isEqualTo("tierlift");
        return args.subList(1, args.size());
    }
}

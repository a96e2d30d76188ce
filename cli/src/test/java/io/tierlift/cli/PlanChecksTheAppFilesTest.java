package io.tierlift.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * plan and deploy read the app the descriptor names as validate does: a missing WSGI module or
 * requirements file stops them with 65 at the descriptor's position, before any host or AWS is
 * asked and before a plan file is written.
 */
class PlanChecksTheAppFilesTest {
    @TempDir
    Path app;

    @BeforeEach
    void aCopyOfTheExample() throws IOException {
        Path example = Path.of("../examples/notes");
        try (Stream<Path> walk = Files.walk(example)) {
            for (Path source : walk.filter(p -> !p.toString().contains("node_modules") && !p.toString().contains("__pycache__")).toList()) {
                Path target = app.resolve(example.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onprem", "aws-iaas", "aws-serverless"})
    void anOfflinePlanRefusesAMissingWsgiModuleAtItsPositionAndWritesNoPlanFile(String target) throws IOException {
        Files.delete(app.resolve("backend/notes/app.py"));
        Path planFile = app.resolve("plan.json");
        CliRun run = CliRun.of(env(), "plan", target, "-f", descriptor(), "--offline", "--out", planFile.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(65);
        assertThat(run.err()).contains(descriptor() + ":14:9: backend.wsgi: no module notes.app in ");
        assertThat(planFile).doesNotExist();
    }

    @Test
    void aPlanAgainstTheHostsRefusesAMissingRequirementsFileBeforeContactingAny() throws IOException {
        Files.delete(app.resolve("backend/requirements.txt"));
        CliRun run = CliRun.of(env(), "plan", "onprem", "-f", descriptor());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(65);
        assertThat(run.err()).contains(descriptor() + ":16:17: backend.requirements: ").doesNotContain("ssh").doesNotContain("connect");
    }

    @Test
    void aDeployRefusesAPyprojectWithoutDependenciesBeforeAskingAws() throws IOException {
        Files.writeString(app.resolve("backend/pyproject.toml"), "[tool.poetry.dependencies]\nflask = \"^3\"\n");
        Files.writeString(app.resolve("app.yaml"), Files.readString(app.resolve("app.yaml"))
                .replace("requirements: requirements.txt", "requirements: pyproject.toml"));
        CliRun run = CliRun.of(env(), "deploy", "aws-iaas", "-f", descriptor(), "--yes");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(65);
        assertThat(run.err()).contains(descriptor() + ":16:17: backend.requirements: ")
                .contains("pyproject.toml has no [project].dependencies array").doesNotContain("credentials");
    }

    @Test
    void aPlanOfAnAppWhoseFilesAreThereGoesOn() {
        CliRun run = CliRun.of(env(), "plan", "onprem", "-f", descriptor(), "--offline", "--no-build", "--detailed-exitcode");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    }

    private String descriptor() {
        return app.resolve("app.yaml").toString();
    }

    private Map<String, String> env() {
        return Map.of("HOME", app.resolve("home").toString());
    }
}

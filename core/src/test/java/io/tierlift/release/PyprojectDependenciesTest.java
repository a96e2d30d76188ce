package io.tierlift.release;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** [project].dependencies of a pyproject.toml as the lines of a requirements file; anything else in the array is refused with its line. */
class PyprojectDependenciesTest {
    @TempDir
    Path dir;

    @Test
    void readsTheProjectTablesDependenciesWithCommentsQuotesAndATrailingComma() {
        PyprojectDependencies.Found found = PyprojectDependencies.read("""
                [build-system]
                requires = ["setuptools"]
                dependencies = ["not-this-one"]

                [project]
                name = "survey"
                dependencies = [
                    "flask>=3.0",  # the web framework
                    'psycopg2-binary>=2.9',
                    "requests[socks] ; python_version >= \\"3.8\\"",
                ]

                [project.optional-dependencies]
                dev = ["pytest"]
                """);
        assertThat(found.requirements()).containsExactly("flask>=3.0", "psycopg2-binary>=2.9",
                "requests[socks] ; python_version >= \"3.8\"");
        assertThat(found.line()).isEqualTo(7);
    }

    @Test
    void aPyprojectWithoutProjectDependenciesIsRefused() {
        assertThatThrownBy(() -> PyprojectDependencies.read("[project]\nname = \"x\"\n[tool.poetry.dependencies]\nflask = \"^3\"\n"))
                .isInstanceOf(PyprojectDependencies.Problem.class).hasMessageContaining("has no [project].dependencies array");
    }

    @Test
    void dynamicDependenciesAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> PyprojectDependencies.read("[project]\nname = \"x\"\ndynamic = [\"version\", \"dependencies\"]\n"))
                .isInstanceOfSatisfying(PyprojectDependencies.Problem.class, p -> assertThat(p.line()).isEqualTo(3))
                .hasMessageContaining("dynamic");
    }

    @Test
    void somethingOtherThanAStringInTheArrayIsRefusedWithItsLine() {
        assertThatThrownBy(() -> PyprojectDependencies.read("[project]\ndependencies = [\n  \"flask\",\n  { name = \"x\" },\n]\n"))
                .isInstanceOfSatisfying(PyprojectDependencies.Problem.class, p -> assertThat(p.line()).isEqualTo(4));
        assertThatThrownBy(() -> PyprojectDependencies.read("[project]\ndependencies = [\"flask\"\n"))
                .isInstanceOf(PyprojectDependencies.Problem.class);
        assertThatThrownBy(() -> PyprojectDependencies.read("[project]\ndependencies = \"\"\"flask\"\"\"\n"))
                .isInstanceOf(PyprojectDependencies.Problem.class);
    }

    @Test
    void aRequirementsFileIsReadAsItIsAndAPyprojectAsItsDependencyLines() throws IOException {
        Path txt = Files.writeString(dir.resolve("requirements.txt"), "flask==3.1.3\n");
        assertThat(new String(RequirementsFile.read(txt), StandardCharsets.UTF_8)).isEqualTo("flask==3.1.3\n");
        Path toml = Files.writeString(dir.resolve("pyproject.toml"), "[project]\ndependencies = [\"flask>=3.0\", \"gunicorn\"]\n");
        assertThat(new String(RequirementsFile.read(toml), StandardCharsets.UTF_8))
                .isEqualTo("# [project].dependencies of pyproject.toml\nflask>=3.0\ngunicorn\n");
        assertThat(ServerRequirement.toAdd(RequirementsFile.read(toml), java.util.Set.of())).isEmpty();
        Path empty = Files.writeString(dir.resolve("sub-pyproject.toml"), "x");
        assertThat(RequirementsFile.isPyproject(empty.toString())).isFalse();
    }
}

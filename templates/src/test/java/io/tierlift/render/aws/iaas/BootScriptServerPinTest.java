package io.tierlift.render.aws.iaas;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.release.ServerRequirement;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The instances install gunicorn as the on-prem wheelhouse does: the same pin, only when the app's requirements lack it. */
class BootScriptServerPinTest {
    @TempDir
    Path app;

    @Test
    void requirementsWithoutGunicornGetTheSamePinTheOnPremWheelhouseAdds() throws IOException {
        String script = bootScript("requirements.txt", "flask==3.1.3\n");
        assertThat(ServerRequirement.PIN).isEqualTo("gunicorn==26.2.0");
        assertThat(script).contains("install --no-cache-dir '--requirement' '/srv/notes/current/requirements.txt' '"
                + ServerRequirement.PIN + "'\n");
    }

    @Test
    void requirementsThatNameGunicornAreInstalledAsTheyAre() throws IOException {
        String script = bootScript("requirements.txt", "flask==3.1.3\nGunicorn>=22 ; python_version >= '3.8'\n");
        assertThat(script).contains("install --no-cache-dir '--requirement' '/srv/notes/current/requirements.txt'\n")
                .doesNotContain("gunicorn==");
    }

    @Test
    void aPyprojectsDependenciesAreInstalledByNameBecausePipCannotReadItWithRequirement() throws IOException {
        String script = bootScript("pyproject.toml", "[project]\nname = \"notes\"\ndependencies = [\n  \"flask>=3.0\",\n"
                + "  'psycopg2-binary>=2.9', # the driver\n]\n");
        assertThat(script).contains("install --no-cache-dir 'flask>=3.0' 'psycopg2-binary>=2.9' '" + ServerRequirement.PIN + "'\n")
                .doesNotContain("--requirement");
    }

    @Test
    void aPyprojectWithoutDependenciesStillRendersTheRefusalIsValidates() throws IOException {
        String script = bootScript("pyproject.toml", "[tool.poetry.dependencies]\nflask = \"^3\"\n");
        assertThat(script).contains("install --no-cache-dir '--requirement' '/srv/notes/current/pyproject.toml' '"
                + ServerRequirement.PIN + "'\n");
    }

    private String bootScript(String requirementsName, String requirements) throws IOException {
        Path descriptor = app.resolve("app.yaml");
        String yaml = Files.readString(Path.of("src/test/resources/descriptors/iaas-example.yaml"))
                .replace("  wsgi: \"notes.app:app\"", "  wsgi: \"notes.app:app\"\n  requirements: " + requirementsName);
        Files.writeString(descriptor, yaml);
        Files.createDirectories(app.resolve("backend"));
        Files.writeString(app.resolve("backend").resolve(requirementsName), requirements);
        AppDescriptor loaded = new DescriptorLoader().load(descriptor, Optional.empty()).descriptor();
        assertThat(loaded.backend().requirements()).isEqualTo(requirementsName);
        return new RenderedStacks(new AwsIaasRenderer().render(loaded, SecretView.masked())).text("user-data.sh");
    }
}

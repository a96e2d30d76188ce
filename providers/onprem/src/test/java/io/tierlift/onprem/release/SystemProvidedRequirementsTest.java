package io.tierlift.onprem.release;

import io.tierlift.release.ReleaseException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SystemProvidedRequirementsTest {

    private static String without(String requirements, String... provided) {
        return new String(SystemProvidedRequirements.without(requirements.getBytes(StandardCharsets.UTF_8), Set.of(provided)),
                StandardCharsets.UTF_8);
    }

    @Test
    void linesNamingAProvidedProjectAreLeftOutWhateverTheSpellingAndOthersStayAsWritten() {
        String file = "# runtime\nflask==3.1.3\nPsycopg2_Binary==2.9.13 ; python_version >= '3.8'\nMarkupSafe[extra]>=2.1\n"
                + "gunicorn==26.2.0  # server\n";
        assertThat(without(file, "psycopg2-binary", "markupsafe")).isEqualTo("# runtime\nflask==3.1.3\n"
                + "# provided by a Debian package (backend.system_packages): Psycopg2_Binary==2.9.13 ; python_version >= '3.8'\n"
                + "# provided by a Debian package (backend.system_packages): MarkupSafe[extra]>=2.1\n"
                + "gunicorn==26.2.0  # server\n");
    }

    @Test
    void aProjectWhoseNameOnlyStartsLikeAProvidedOneStays() {
        assertThat(without("psycopg2-binary-extras==1.0\npsycopg2==2.9\n", "psycopg2")).isEqualTo(
                "psycopg2-binary-extras==1.0\n# provided by a Debian package (backend.system_packages): psycopg2==2.9\n");
    }

    @Test
    void nothingProvidedLeavesTheFileUntouched() {
        assertThat(without("flask==3.1.3\npsycopg2-binary==2.9.13")).isEqualTo("flask==3.1.3\npsycopg2-binary==2.9.13");
    }

    @Test
    void pinsAreWhatPipWouldInstallBesidesTheProvidedProjects() {
        String report = """
                {"version": "1", "install": [
                  {"metadata": {"name": "Werkzeug", "version": "3.1.3"}},
                  {"metadata": {"name": "MarkupSafe", "version": "3.0.3"}},
                  {"metadata": {"name": "flask", "version": "3.1.3"}},
                  {"metadata": {"name": "psycopg2-binary", "version": "2.9.13"}}
                ]}""";
        assertThat(SystemProvidedRequirements.pinsFromReport(report, Set.of("markupsafe", "psycopg2-binary")))
                .containsExactly("flask==3.1.3", "Werkzeug==3.1.3");
    }

    @Test
    void aReportEntryWithoutAVersionIsAnError() {
        assertThatThrownBy(() -> SystemProvidedRequirements.pinsFromReport("{\"install\": [{\"metadata\": {\"name\": \"x\"}}]}", Set.of()))
                .isInstanceOf(ReleaseException.class).hasMessageContaining("without name or version");
    }
}

package io.tierlift.cli.complete;

import io.tierlift.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CompleteCommandTest {
    static final String DESCRIPTOR = """
            app: notes
            backend: { wsgi: "notes.app:app" }
            database: { name: notes, user: notes, password: "${env:P}" }
            targets:
              onprem:
                domain: notes.example.test
                hosts:
                  edge1: { address: 10.0.1.10, roles: [waf, proxy, static] }
                  app1: { address: 10.0.2.11, roles: [app] }
                  db1: { address: 10.0.3.21, roles: [db-primary] }
            environments:
              staging:
                targets:
                  onprem:
                    hosts:
                      app9: { address: 10.0.2.19, roles: [app] }
              prod-eu: {}
              "two words": {}
            """;

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void environmentsComeFromTheDescriptorInFileOrder() throws Exception {
        Path file = tmp.resolve("app.yaml");
        Files.writeString(file, DESCRIPTOR);
        Result result = run("__complete", "envs", "-f", file.toString());
        assertThat(result.code()).isZero();
        // A key a shell word cannot hold is not offered.
        assertThat(result.out()).isEqualTo("staging\nprod-eu\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void hostsOfTheBaseAndOfEveryOverlay() throws Exception {
        Path file = tmp.resolve("app.yaml");
        Files.writeString(file, DESCRIPTOR);
        assertThat(run("__complete", "hosts", "--file", file.toString()).out()).isEqualTo("edge1\napp1\ndb1\napp9\n");
    }

    @Test
    void targetsNeedNoDescriptor() {
        Result result = run("__complete", "targets", "-f", tmp.resolve("absent.yaml").toString());
        assertThat(result.out()).isEqualTo("onprem\naws-iaas\naws-serverless\n");
    }

    @Test
    void theExampleDescriptorOffersItsStagingEnvironment() {
        assertThat(run("__complete", "envs", "-f", "../examples/notes/app.yaml").out()).isEqualTo("staging\n");
        assertThat(run("__complete", "hosts", "-f", "../examples/notes/app.yaml").out()).contains("edge1\n", "app1\n", "app2\n");
    }

    @Test
    void aMissingOrBrokenFileYieldsNothingAndNoNoise() throws Exception {
        Result missing = run("__complete", "envs", "-f", tmp.resolve("absent.yaml").toString());
        assertThat(missing.code()).isZero();
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEmpty();

        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "environments:\n  staging: {\n  prod: [\n");
        Result result = run("__complete", "envs", "-f", broken.toString());
        assertThat(result.code()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEmpty();

        // Valid YAML that is not a valid descriptor still completes: the file may be half-edited.
        Path partial = tmp.resolve("partial.yaml");
        Files.writeString(partial, "environments:\n  staging: {}\n  qa: {}\n");
        assertThat(run("__complete", "envs", "-f", partial.toString()).out()).isEqualTo("staging\nqa\n");
    }

    @Test
    void anUnknownKindIsAUsageError() {
        assertThat(run("__complete", "users").code()).isEqualTo(64);
    }

    @Test
    void hiddenFromHelp() {
        assertThat(run("--help").out()).doesNotContain("__complete").contains("completion");
    }
}

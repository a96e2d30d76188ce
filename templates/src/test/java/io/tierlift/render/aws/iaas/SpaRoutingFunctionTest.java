package io.tierlift.render.aws.iaas;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CloudFront Function from the static stack, run by Node.js on sample paths: app routes
 * become /index.html, files and the root keep their own path.
 */
@Tag("real")
class SpaRoutingFunctionTest {
    @TempDir
    Path dir;

    @Test
    void rewritesAppRoutesAndLeavesFilesAlone() throws Exception {
        String code = new RenderedStacks(IaasCases.EXAMPLE.render()).resource("static", "SpaRoutingFunction")
                .path("Properties").path("FunctionCode").asText();
        Path script = dir.resolve("check.js");
        Files.writeString(script, code + """

                for (const uri of process.argv.slice(2)) {
                    console.log(uri + " -> " + handler({ request: { uri: uri, headers: {} } }).uri);
                }
                """);
        List<String> uris = List.of("/", "/notes/42", "/settings/", "/index.html", "/assets/app.3f2a1c.js", "/favicon.ico");
        String output = node(script, uris);
        assertThat(output.lines().toList()).containsExactly(
                "/ -> /index.html",
                "/notes/42 -> /index.html",
                "/settings/ -> /index.html",
                "/index.html -> /index.html",
                "/assets/app.3f2a1c.js -> /assets/app.3f2a1c.js",
                "/favicon.ico -> /favicon.ico");
    }

    private String node(Path script, List<String> args) throws IOException, InterruptedException {
        return NodeRun.output(dir, script, args);
    }
}

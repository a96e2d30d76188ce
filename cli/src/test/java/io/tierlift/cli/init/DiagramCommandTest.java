package io.tierlift.cli.init;

import io.tierlift.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DiagramCommandTest {
    private static final String EXAMPLE = Path.of("../examples/notes/app.yaml").toString();

    @TempDir
    Path tmp;

    private static String[] run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void printsMermaidForOnpremAndAwsIaas() {
        String[] onprem = run(Map.of(), "diagram", "onprem", "-f", EXAMPLE);
        assertThat(onprem[0]).as(onprem[2]).isEqualTo("0");
        assertThat(onprem[1]).startsWith("flowchart LR\n").contains("edge1<br/>10.0.1.10<br/>waf, proxy, static")
                .contains("db2<br/>10.0.3.22<br/>db-standby").contains("subgraph zone_dmz");
        String[] aws = run(Map.of(), "diagram", "aws-iaas", "-f", EXAMPLE);
        assertThat(aws[0]).as(aws[2]).isEqualTo("0");
        assertThat(aws[1]).contains("compute_LoadBalancer").contains("data_Database").contains("static_Distribution");
    }

    @Test
    void printsMermaidForAwsServerless() {
        String[] result = run(Map.of(), "diagram", "aws-serverless", "-f", EXAMPLE);
        assertThat(result[0]).as(result[2]).isEqualTo("0");
        assertThat(result[1]).startsWith("flowchart LR\n").contains("api_HttpApi").contains("api_Function")
                // The example's database pauses (min_acu 0): the function reaches the cluster without a proxy.
                .doesNotContain("data_DbProxy").contains("api_Function -->|\"5432\"| data_DbCluster")
                .contains("network_SecretsManagerEndpoint")
                .contains("subgraph function_subnets");
    }

    @Test
    void aDescriptorWithoutTheTargetSectionIsRefused() throws Exception {
        Path onpremOnly = tmp.resolve("onprem-only.yaml");
        java.nio.file.Files.writeString(onpremOnly, """
                app: notes
                backend: { wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:P}" }
                targets:
                  onprem:
                    domain: notes.example.test
                    hosts:
                      h1: { address: 10.0.0.1, roles: [waf, proxy, static, app, db-primary] }
                """);
        String[] result = run(Map.of(), "diagram", "aws-serverless", "-f", onpremOnly.toString());
        assertThat(result[0]).as(result[2]).isNotEqualTo("0");
        assertThat(result[1]).isEmpty();
    }

    @Test
    void missingMermaidCliExitsOneWithTheInstallCommands() {
        // An empty PATH and a chromium path that does not exist: nothing can be found.
        String[] result = run(Map.of("PATH", "", "TIERLIFT_MMDC", tmp.resolve("no-mmdc").toString(),
                        "TIERLIFT_CHROMIUM", tmp.resolve("no-chromium").toString()),
                "diagram", "onprem", "-f", EXAMPLE, "--output", "svg", "-o", tmp.resolve("d.svg").toString());
        assertThat(result[0]).isEqualTo("1");
        assertThat(result[2]).contains("apt-get install -y chromium")
                .contains("PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools/mermaid");
    }

    @Test
    void unknownFormatIsAUsageError() {
        assertThat(run(Map.of(), "diagram", "onprem", "-f", EXAMPLE, "--output", "gif")[0]).isEqualTo("64");
    }
}

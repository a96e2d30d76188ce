package io.tierlift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineContractTest {
    private static final String EXAMPLE = "../examples/notes/app.yaml";

    @TempDir
    Path tmp;

    @Test
    void validateAcceptsTheExamplesAndSaysWhatItFound() {
        CliRun run = CliRun.of("validate", "-f", EXAMPLE);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("valid: app notes").contains("onprem (6 hosts)").contains("aws-iaas (eu-west-1)");
        for (String other : new String[]{"../examples/notes/sandbox.yaml", "../examples/notes/seed-topology.yaml"}) {
            assertThat(CliRun.of("validate", "-f", other).exitCode()).isZero();
        }
    }

    @Test
    void environmentOverlayIsValidatedAndWarningsGoToStderr() {
        CliRun run = CliRun.of("validate", "-f", EXAMPLE, "--env", "staging");
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("warning: targets.aws-iaas.database.multi_az");
        assertThat(CliRun.of("validate", "-f", EXAMPLE, "--env", "nope").exitCode()).isEqualTo(65);
    }

    @Test
    void badCommandLineExits64() {
        assertThat(CliRun.of("validate", "--no-such-flag").exitCode()).isEqualTo(64);
        assertThat(CliRun.of("render", "mainframe", "-f", EXAMPLE, "-o", tmp.toString()).exitCode()).isEqualTo(64);
        assertThat(CliRun.of("render", "onprem", "-f", EXAMPLE).exitCode()).as("missing -o").isEqualTo(64);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(64);
        CliRun run = CliRun.of("render", "mainframe", "-f", EXAMPLE, "-o", tmp.toString());
        assertThat(run.err()).contains("unknown target 'mainframe'; expected one of: onprem, aws-iaas, aws-serverless");
    }

    @Test
    void helpOnEveryCommand() {
        for (String command : new String[]{"validate", "render", "plan", "deploy", "destroy", "status", "failover",
                "migrate", "sandbox", "schema", "version", "completion"}) {
            CliRun run = CliRun.of(command, "--help");
            assertThat(run.exitCode()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: tierlift " + command);
        }
    }

    @Test
    void schemaIsJsonSchemaCoveringTheDescriptor() throws Exception {
        CliRun run = CliRun.of("schema");
        assertThat(run.exitCode()).isZero();
        JsonNode schema = new ObjectMapper().readTree(run.out());
        assertThat(schema.path("$schema").asText()).contains("2020-12");
        assertThat(schema.at("/required").toString()).contains("app").contains("backend");
        JsonNode host = schema.at("/properties/targets/properties/onprem/properties/hosts/additionalProperties");
        assertThat(host.at("/properties/roles/items/enum").toString()).contains("db-primary");
        assertThat(schema.at("/properties/backend/properties/port/default").asInt()).isEqualTo(8000);
    }

    @Test
    void completionScriptCoversCommandsAndTargets() {
        CliRun run = CliRun.of("completion");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("complete -F").contains("render").contains("aws-serverless");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        CliRun run = CliRun.of("version");
        assertThat(run.out()).startsWith("tierlift ").doesNotContain("unknown");
    }

    @Test
    void renderWithoutTheTargetSectionPointsAtTargets() throws Exception {
        Path descriptor = tmp.resolve("aws-only.yaml");
        Files.writeString(descriptor, """
                app: notes
                backend: { wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:P}" }
                targets:
                  aws-iaas: { region: eu-west-1, allow_http: true }
                """);
        CliRun run = CliRun.of("render", "onprem", "-f", descriptor.toString(), "-o", tmp.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(65);
        assertThat(run.err()).contains(descriptor + ":5:3: targets: no onprem section");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void offlinePlansNeedNoHostsAndNoCredentials() throws Exception {
        CliRun onprem = CliRun.of("plan", "onprem", "-f", EXAMPLE, "--offline", "--detailed-exitcode");
        assertThat(onprem.exitCode()).as(onprem.err()).isEqualTo(2);
        assertThat(onprem.out()).contains("onprem.edge1.file:/etc/nginx/nginx.conf").contains("not compared with the host");
        CliRun json = CliRun.of("plan", "aws-iaas", "-f", EXAMPLE, "--offline", "--output", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(json.out());
        assertThat(plan.path("target").asText()).isEqualTo("aws-iaas");
        assertThat(plan.path("changes").toString()).contains("AWS::RDS::DBInstance");
    }

    @Test
    void destroyOnpremWithoutYesPrintsEveryHostsTeardownAndChangesNothing() {
        // The example's hosts are not reachable from here: the preview must not try to reach them.
        CliRun run = CliRun.of(Map.of("HOME", "/home/operator"), "destroy", "onprem", "-f", EXAMPLE);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("nothing was changed").contains("run with --yes");
        assertThat(run.out()).contains("edge1 (", "app1 (app):", "db1 (db-primary):", "  stop and disable nginx",
                "  delete the nftables table inet tierlift", "data: kept").doesNotContain("DROP");

        CliRun forced = CliRun.of(Map.of("HOME", "/home/operator"), "destroy", "onprem", "-f", EXAMPLE, "--force-data-deletion");
        assertThat(forced.exitCode()).as(forced.err()).isEqualTo(1);
        assertThat(forced.out()).contains("  DROP the PostgreSQL cluster (its data is deleted)")
                .containsPattern("dump database notes \\(pg_dump, custom format\\) to /home/operator/\\.tierlift/dumps/notes-onprem-\\d{8}T\\d{6}Z\\.dump");
    }

    @Test
    void destroyOnAwsWithoutYesStillRefusesWithItsOwnHintAndNoHostPlan() {
        CliRun run = CliRun.of(Map.of("HOME", "/home/operator", "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "none",
                "AWS_SECRET_ACCESS_KEY", "none", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"), "destroy", "aws-iaas", "-f", EXAMPLE);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("destroy deletes every stack").contains("run with --yes to confirm");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownCommandIsRefusedWithOrWithoutHelp() {
        for (String[] args : new String[][]{{"recover"}, {"recover", "--help"}, {"--help", "recover"}, {"-q", "recover", "-h"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(64);
            assertThat(run.err()).as(String.join(" ", args)).contains("tierlift: unknown command 'recover'")
                    .contains("Run 'tierlift --help'");
            assertThat(run.out()).as(String.join(" ", args)).doesNotContain("Usage:");
        }
    }
}

package io.tierlift.cli.properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tierlift audit}: the exit code CI gates on, the JSON shape, and targets without a renderer. */
class AuditCommandTest {
    private static final String EXAMPLE = "../examples/notes/app.yaml";
    private static final String WEAK = "src/test/resources/audit/no-admin-networks.yaml";

    @Test
    void theExamplePassesWithExitZero() {
        InProcessCli onprem = InProcessCli.run("audit", "onprem", "-f", EXAMPLE);
        assertThat(onprem.exitCode()).as(onprem.describe()).isZero();
        assertThat(onprem.out()).contains("0 findings").contains("1 note").contains("onprem.replication-ssl");
        InProcessCli iaas = InProcessCli.run("audit", "aws-iaas", "-f", EXAMPLE);
        assertThat(iaas.exitCode()).as(iaas.describe()).isZero();
        assertThat(iaas.out()).contains("aws-iaas: 14 rules checked, 0 findings");
    }

    @Test
    void findingsExitOneWithRuleWhereWhatAndFix() {
        InProcessCli text = InProcessCli.run("audit", "onprem", "-f", WEAK);
        assertThat(text.exitCode()).as(text.describe()).isEqualTo(1);
        assertThat(text.out()).contains("MEDIUM  onprem.ssh-admin-networks  descriptor: targets.onprem.admin_networks")
                .contains("what: no admin networks").contains("fix:  list where administrators connect from")
                .contains("MEDIUM  onprem.database-backups  descriptor: database.backup").contains("2 findings");
    }

    @Test
    void jsonCarriesTheSameResults() throws Exception {
        InProcessCli json = InProcessCli.run("audit", "onprem", "-f", WEAK, "--output", "json");
        assertThat(json.exitCode()).as(json.describe()).isEqualTo(1);
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.path("passed").asBoolean(true)).isFalse();
        assertThat(root.path("rules_checked").asInt()).isEqualTo(13);
        JsonNode first = java.util.stream.StreamSupport.stream(root.path("results").spliterator(), false)
                .filter(r -> r.path("rule").asText().equals("onprem.ssh-admin-networks")).findFirst().orElseThrow();
        assertThat(first.path("severity").asText()).isEqualTo("medium");
        assertThat(first.path("finding").asBoolean()).isTrue();
        assertThat(first.path("fix").asText()).isNotBlank();
        assertThat(root.path("results")).anyMatch(r -> r.path("severity").asText().equals("info") && !r.path("finding").asBoolean(true));
    }

    @Test
    void theServerlessTemplatesPassTheAwsRules() {
        InProcessCli serverless = InProcessCli.run("audit", "aws-serverless", "-f", EXAMPLE);
        assertThat(serverless.exitCode()).as(serverless.err()).isZero();
        assertThat(serverless.out()).contains("0 findings");
    }

    @Test
    void anUnknownOutputFormatIsAUsageError() {
        assertThat(InProcessCli.run("audit", "onprem", "-f", EXAMPLE, "--output", "yaml").exitCode()).isEqualTo(64);
    }
}

package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseStackPolicyTest {

    private static JsonNode policyOf(StackPlan plan, String stack) throws Exception {
        return new ObjectMapper().readTree(DatabaseStackPolicy.of(plan.stack(stack).template()).orElseThrow());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theRdsInstanceMayBeUpdatedInPlaceButNeverReplacedOrDeleted() throws Exception {
        StackPlan plan = new AwsIaasRenderer().plan(TestDescriptors.load("iaas-example.yaml"));
        JsonNode policy = policyOf(plan, "data");
        JsonNode deny = policy.path("Statement").get(0);
        assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
        assertThat(texts(deny.path("Action"))).containsExactly("Update:Replace", "Update:Delete");
        List<String> databases = plan.stack("data").template().resources().stream()
                .filter(r -> r.type().equals("AWS::RDS::DBInstance")).map(r -> "LogicalResourceId/" + r.logicalId()).toList();
        assertThat(databases).isNotEmpty();
        assertThat(texts(deny.path("Resource"))).containsExactlyElementsOf(databases);
        JsonNode allow = policy.path("Statement").get(1);
        assertThat(allow.path("Effect").asText()).isEqualTo("Allow");
        assertThat(allow.path("Action").asText()).isEqualTo("Update:*");
        assertThat(allow.path("Resource").asText()).isEqualTo("*");
    }

    @Test
    void theAuroraClusterAndItsInstancesAreKeptToo() throws Exception {
        StackPlan plan = new AwsServerlessRenderer().plan(TestDescriptors.load("serverless-example.yaml"));
        JsonNode deny = policyOf(plan, "data").path("Statement").get(0);
        assertThat(texts(deny.path("Resource"))).anyMatch(r -> plan.stack("data").template()
                .resource(r.substring("LogicalResourceId/".length())).orElseThrow().type().equals("AWS::RDS::DBCluster"));
    }

    @Test
    void theResourcesItKeepsAreTheOnesItsDenyStatementNames() throws Exception {
        StackPlan plan = new AwsServerlessRenderer().plan(TestDescriptors.load("serverless-example.yaml"));
        JsonNode deny = policyOf(plan, "data").path("Statement").get(0);
        assertThat(DatabaseStackPolicy.protectedResources(plan.stack("data").template()))
                .isNotEmpty()
                .map(id -> "LogicalResourceId/" + id).containsExactlyElementsOf(texts(deny.path("Resource")));
        assertThat(DatabaseStackPolicy.protectedResources(plan.stack("network").template())).isEmpty();
    }

    @Test
    void aStackWithoutADatabaseHasNoPolicy() {
        StackPlan plan = new AwsIaasRenderer().plan(TestDescriptors.load("iaas-example.yaml"));
        assertThat(DatabaseStackPolicy.of(plan.stack("network").template())).isEmpty();
        assertThat(DatabaseStackPolicy.of(plan.stack("compute").template())).isEmpty();
    }
}

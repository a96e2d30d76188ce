package io.tierlift.diagram;

import io.tierlift.model.AppDescriptor;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AwsDiagramTest {

    private static String mermaid(AppDescriptor app) {
        StackPlan plan = new AwsIaasRenderer().plan(app);
        return new AwsDiagram().mermaid(plan, app.backend().port(), app.database().port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iaas-example.yaml", "iaas-http-only.yaml", "iaas-us-east-1-per-az.yaml"})
    void namesEveryTrafficResourceOfTheRenderedStacks(String fixture) {
        AppDescriptor app = TestDescriptors.load(fixture);
        StackPlan plan = new AwsIaasRenderer().plan(app);
        String text = mermaid(app);
        int drawn = 0;
        for (StackSpec stack : plan.stacks()) {
            for (CfnResource r : stack.template().resources()) {
                if (AwsDiagram.DRAWN_TYPES.contains(r.type())) {
                    assertThat(text).containsPattern("\\n\\s+" + Flowchart.id(stack.key(), r.logicalId()) + "[\\[({]")
                            .contains("\"" + r.logicalId() + "<br/>");
                    drawn++;
                }
            }
        }
        assertThat(drawn).isGreaterThanOrEqualTo(10);
        assertThat(text).contains("subgraph vpc[").contains("subgraph public_subnets[").contains("subgraph app_subnets[")
                .contains("subgraph db_subnets[").contains("subgraph edge[");
    }

    @Test
    void exampleShowsTheTrafficPath() {
        AppDescriptor app = TestDescriptors.load("iaas-example.yaml");
        String text = mermaid(app);
        assertThat(text).contains("clients -->|\"HTTPS 443\"| static_Distribution");
        assertThat(text).contains("waf_WebAcl -.->|\"inspects\"| static_Distribution");
        assertThat(text).contains("static_Distribution -->|\"/* static build\"| static_SiteBucket");
        assertThat(text).containsPattern("static_Distribution -->\\|\"/api/\\* HTTPS? \\d+\"\\| compute_LoadBalancer");
        assertThat(text).contains("compute_LoadBalancer -->|\"" + app.backend().port() + "\"| compute_AppAutoScalingGroup");
        assertThat(text).contains("compute_AppAutoScalingGroup -->|\"" + app.database().port() + "\"| data_Database");
        // The database sits in the database subnets' subgraph.
        int dbSubnets = text.indexOf("subgraph db_subnets[");
        assertThat(text.indexOf("data_Database[(")).isGreaterThan(dbSubnets);
        assertThat(text).doesNotContain("InstanceRole").doesNotContain("RouteTable");
    }
}

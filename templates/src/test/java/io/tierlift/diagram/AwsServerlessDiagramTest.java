package io.tierlift.diagram;

import io.tierlift.model.AppDescriptor;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AwsServerlessDiagramTest {

    static String mermaid(AppDescriptor app) {
        StackPlan plan = new AwsServerlessRenderer().plan(app);
        return new AwsDiagram().mermaid(plan, app.backend().port(), app.database().port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"serverless-example.yaml", "serverless-us-east-1-arm64.yaml", "serverless-warm.yaml"})
    void namesEveryTrafficResourceOfTheRenderedStacks(String fixture) {
        AppDescriptor app = TestDescriptors.load(fixture);
        StackPlan plan = new AwsServerlessRenderer().plan(app);
        String text = mermaid(app);
        List<String> types = new java.util.ArrayList<>();
        for (StackSpec stack : plan.stacks()) {
            for (CfnResource r : stack.template().resources()) {
                if (AwsDiagram.DRAWN_TYPES.contains(r.type())) {
                    assertThat(text).containsPattern("\\n\\s+" + Flowchart.id(stack.key(), r.logicalId()) + "[\\[({]")
                            .contains("\"" + r.logicalId() + "<br/>");
                    types.add(r.type());
                }
            }
        }
        assertThat(types).contains("AWS::CloudFront::Distribution", "AWS::ApiGatewayV2::Api", "AWS::Lambda::Function",
                "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::EC2::VPCEndpoint");
        assertThat(text).contains("subgraph vpc[").contains("subgraph function_subnets[").contains("subgraph db_subnets[")
                .contains("subgraph edge[").contains("subgraph regional[")
                // No public subnets, no ALB, no Auto Scaling Group in this tier.
                .doesNotContain("public_subnets").doesNotContain("LoadBalancer").doesNotContain("AutoScaling");
    }

    @Test
    void aWarmDatabaseIsReachedOnlyThroughTheProxy() {
        AppDescriptor app = TestDescriptors.load("serverless-warm.yaml");
        String text = mermaid(app);
        int db = app.database().port();
        assertThat(text).contains("api_Function -->|\"" + db + "\"| data_DbProxy");
        assertThat(text).contains("data_DbProxy -->|\"" + db + "\"| data_DbCluster");
        assertThat(text).doesNotContain("api_Function -->|\"" + db + "\"| data_DbCluster");
        assertThat(text.indexOf("data_DbProxy[")).isGreaterThan(text.indexOf("subgraph db_subnets["));
    }

    @Test
    void exampleShowsTheTrafficPathStraightToTheClusterThatPauses() {
        AppDescriptor app = TestDescriptors.load("serverless-example.yaml");
        String text = mermaid(app);
        int db = app.database().port();
        assertThat(text).contains("clients -->|\"HTTPS 443\"| static_Distribution");
        assertThat(text).contains("waf_WebAcl -.->|\"inspects\"| static_Distribution");
        assertThat(text).contains("static_Distribution -->|\"/* static build\"| static_SiteBucket");
        assertThat(text).contains("static_Distribution -->|\"/api/* HTTPS 443\"| api_HttpApi");
        assertThat(text).contains("api_HttpApi -->|\"invoke\"| api_Function");
        // min_acu 0: no RDS Proxy (it would keep the writer from pausing); the function reaches the cluster.
        assertThat(text).contains("api_Function -->|\"" + db + "\"| data_DbCluster").doesNotContain("DbProxy");
        assertThat(text).contains("data_DbCluster -.->|\"instance\"| data_DbInstance");
        assertThat(text).contains("api_Function -.->|\"secrets HTTPS 443\"| network_SecretsManagerEndpoint");
        assertThat(text).contains("api_Function -.->|\"release\"| artifacts_");
        // The example has a secret app variable: read through the endpoint.
        assertThat(text).contains("network_SecretsManagerEndpoint -.->|\"secrets\"| data_AppSecret");
        int functionSubnets = text.indexOf("subgraph function_subnets[");
        int dbSubnets = text.indexOf("subgraph db_subnets[");
        assertThat(text.indexOf("api_Function[")).isGreaterThan(functionSubnets).isLessThan(dbSubnets);
        assertThat(text.indexOf("data_DbCluster[(")).isGreaterThan(dbSubnets);
        assertThat(text).doesNotContain("FunctionRole").doesNotContain("RouteTable").doesNotContain("SecurityGroup");
    }

    @Test
    void iaasStillConnectsTheAppToTheDatabaseDirectly() {
        AppDescriptor app = TestDescriptors.load("iaas-example.yaml");
        String text = new AwsDiagram().mermaid(new io.tierlift.render.aws.iaas.AwsIaasRenderer().plan(app),
                app.backend().port(), app.database().port());
        assertThat(text).contains("compute_AppAutoScalingGroup -->|\"" + app.database().port() + "\"| data_Database")
                .doesNotContain("DbProxy").doesNotContain("function_subnets");
    }
}

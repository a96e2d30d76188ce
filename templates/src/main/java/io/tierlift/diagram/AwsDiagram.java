package io.tierlift.diagram;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An AWS tier as a flowchart, read from the CloudFormation stacks the renderer produces (the
 * same {@link StackPlan} the deployer applies): the VPC with its public, private app and private
 * database subnets as subgraphs, the edge (CloudFront, WAF) and regional services outside it,
 * and the resources that carry traffic as nodes named after their logical ids. Supporting
 * resources (IAM, route tables, security groups, log groups, policies) are left out: they would
 * bury the traffic path. Works for any stack plan: aws-iaas draws CloudFront, the ALB, the Auto
 * Scaling Group and RDS; aws-serverless draws CloudFront, API Gateway, Lambda in its function
 * subnets, the Secrets Manager endpoint, RDS Proxy and the Aurora cluster with its instance.
 */
public final class AwsDiagram {
    /** The resource types drawn; everything else in the stacks is supporting detail. */
    public static final List<String> DRAWN_TYPES = List.of(
            "AWS::CloudFront::Distribution", "AWS::WAFv2::WebACL", "AWS::S3::Bucket", "AWS::SecretsManager::Secret",
            "AWS::EC2::Subnet", "AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::VPCEndpoint",
            "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::AutoScaling::AutoScalingGroup",
            "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::DBProxy",
            "AWS::ApiGatewayV2::Api", "AWS::Lambda::Function");

    private record Placed(StackSpec stack, CfnResource resource, String id) {
    }

    /** @param appPort the Flask app's port (the ALB's target port); @param dbPort PostgreSQL's port */
    public String mermaid(StackPlan plan, int appPort, int dbPort) {
        Flowchart chart = new Flowchart("LR");
        chart.root().node(OnpremDiagram.CLIENTS, "clients", Flowchart.Shape.ROUNDED);
        Flowchart.Group edge = chart.root().subgraph("edge", "global edge");
        Flowchart.Group regional = chart.root().subgraph("regional", "regional services");
        Flowchart.Group vpc = null;
        List<Placed> placed = new ArrayList<>();
        for (StackSpec stack : plan.stacks()) {
            for (CfnResource r : stack.template().resources()) {
                if (r.type().equals("AWS::EC2::VPC")) {
                    vpc = chart.root().subgraph("vpc", "VPC " + r.logicalId() + " " + text(r, "CidrBlock").orElse("") + " (" + stack.region() + ")");
                }
            }
        }
        Flowchart.Group inVpc = vpc != null ? vpc : regional;
        for (StackSpec stack : plan.stacks()) {
            for (CfnResource r : stack.template().resources()) {
                if (!DRAWN_TYPES.contains(r.type())) {
                    continue;
                }
                String id = Flowchart.id(stack.key(), r.logicalId());
                String label = r.logicalId() + "\n" + r.type().replace("AWS::", "") + "\nstack " + stack.key();
                Flowchart.Group group = switch (r.type()) {
                    case "AWS::CloudFront::Distribution", "AWS::WAFv2::WebACL" -> edge;
                    case "AWS::S3::Bucket", "AWS::SecretsManager::Secret", "AWS::ApiGatewayV2::Api" -> regional;
                    case "AWS::EC2::Subnet" -> subnets(inVpc, r.logicalId());
                    case "AWS::EC2::NatGateway", "AWS::ElasticLoadBalancingV2::LoadBalancer" -> subnets(inVpc, "Public");
                    case "AWS::AutoScaling::AutoScalingGroup" -> subnets(inVpc, "App");
                    case "AWS::Lambda::Function" -> subnets(inVpc, "Function");
                    case "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::DBProxy" -> subnets(inVpc, "Db");
                    default -> inVpc;
                };
                Flowchart.Shape shape = switch (r.type()) {
                    case "AWS::S3::Bucket", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster" -> Flowchart.Shape.CYLINDER;
                    case "AWS::WAFv2::WebACL" -> Flowchart.Shape.HEXAGON;
                    default -> Flowchart.Shape.BOX;
                };
                group.node(id, label, shape);
                placed.add(new Placed(stack, r, id));
            }
        }
        edges(chart, placed, appPort, dbPort);
        return chart.text();
    }

    /** The subnet tier from the logical id's prefix, as the network stack names them. */
    private static Flowchart.Group subnets(Flowchart.Group vpc, String logicalId) {
        if (logicalId.startsWith("Public")) {
            return vpc.subgraph("public_subnets", "public subnets");
        }
        if (logicalId.startsWith("App")) {
            return vpc.subgraph("app_subnets", "private app subnets");
        }
        if (logicalId.startsWith("Function")) {
            return vpc.subgraph("function_subnets", "private function subnets");
        }
        if (logicalId.startsWith("Db")) {
            return vpc.subgraph("db_subnets", "private database subnets");
        }
        return vpc;
    }

    private static void edges(Flowchart chart, List<Placed> placed, int appPort, int dbPort) {
        List<Placed> distributions = ofType(placed, "AWS::CloudFront::Distribution");
        List<Placed> albs = ofType(placed, "AWS::ElasticLoadBalancingV2::LoadBalancer");
        List<Placed> apis = ofType(placed, "AWS::ApiGatewayV2::Api");
        List<Placed> compute = new ArrayList<>(ofType(placed, "AWS::AutoScaling::AutoScalingGroup"));
        compute.addAll(ofType(placed, "AWS::Lambda::Function"));
        List<Placed> proxies = ofType(placed, "AWS::RDS::DBProxy");
        List<Placed> clusters = ofType(placed, "AWS::RDS::DBCluster");
        // An Aurora instance is the cluster's compute, reached through the cluster; a plain RDS
        // instance (aws-iaas) is the database itself.
        List<Placed> databases = clusters.isEmpty() ? ofType(placed, "AWS::RDS::DBInstance") : clusters;
        // With a proxy the app connects to it, and it pools connections to the database.
        List<Placed> appConnectsTo = proxies.isEmpty() ? databases : proxies;
        List<Placed> secretEndpoints = ofType(placed, "AWS::EC2::VPCEndpoint").stream()
                .filter(e -> e.resource().properties().path("ServiceName").toString().contains("secretsmanager")).toList();
        String originPort = originPort(placed);
        for (Placed d : distributions) {
            chart.edge(OnpremDiagram.CLIENTS, d.id(), Flowchart.Line.SOLID, "HTTPS 443");
            for (Placed waf : ofType(placed, "AWS::WAFv2::WebACL")) {
                chart.edge(waf.id(), d.id(), Flowchart.Line.DOTTED, "inspects");
            }
            for (Placed bucket : ofType(placed, "AWS::S3::Bucket")) {
                if (bucket.stack() == d.stack()) {
                    chart.edge(d.id(), bucket.id(), Flowchart.Line.SOLID, "/* static build");
                }
            }
            albs.forEach(alb -> chart.edge(d.id(), alb.id(), Flowchart.Line.SOLID, "/api/* " + originPort));
            apis.forEach(api -> chart.edge(d.id(), api.id(), Flowchart.Line.SOLID, "/api/* HTTPS 443"));
        }
        for (Placed c : compute) {
            albs.forEach(alb -> chart.edge(alb.id(), c.id(), Flowchart.Line.SOLID, String.valueOf(appPort)));
            apis.forEach(api -> chart.edge(api.id(), c.id(), Flowchart.Line.SOLID, "invoke"));
            appConnectsTo.forEach(db -> chart.edge(c.id(), db.id(), Flowchart.Line.SOLID, String.valueOf(dbPort)));
            secretEndpoints.forEach(e -> chart.edge(c.id(), e.id(), Flowchart.Line.DOTTED, "secrets HTTPS 443"));
            if (secretEndpoints.isEmpty()) {
                for (Placed secret : ofType(placed, "AWS::SecretsManager::Secret")) {
                    chart.edge(c.id(), secret.id(), Flowchart.Line.DOTTED, "secrets");
                }
            }
            for (Placed bucket : ofType(placed, "AWS::S3::Bucket")) {
                if (distributions.stream().noneMatch(d -> d.stack() == bucket.stack())) {
                    chart.edge(c.id(), bucket.id(), Flowchart.Line.DOTTED, "release");
                }
            }
        }
        for (Placed proxy : proxies) {
            databases.forEach(db -> chart.edge(proxy.id(), db.id(), Flowchart.Line.SOLID, String.valueOf(dbPort)));
        }
        // In private subnets without internet access, secrets are read through the endpoint.
        for (Placed endpoint : secretEndpoints) {
            for (Placed secret : ofType(placed, "AWS::SecretsManager::Secret")) {
                chart.edge(endpoint.id(), secret.id(), Flowchart.Line.DOTTED, "secrets");
            }
        }
        for (Placed cluster : clusters) {
            for (Placed instance : ofType(placed, "AWS::RDS::DBInstance")) {
                if (instance.resource().properties().has("DBClusterIdentifier")) {
                    chart.edge(cluster.id(), instance.id(), Flowchart.Line.DOTTED, "instance");
                }
            }
        }
    }

    /** The ALB's listener port (443 with a certificate, else 80), read from the rendered listener. */
    private static String originPort(List<Placed> placed) {
        return placed.stream().flatMap(p -> p.stack().template().resources().stream())
                .filter(r -> r.type().equals("AWS::ElasticLoadBalancingV2::Listener"))
                .map(r -> r.properties().path("Port"))
                .filter(JsonNode::isInt).map(JsonNode::asInt).sorted((a, b) -> b - a)
                .findFirst().map(p -> (p == 443 ? "HTTPS " : "HTTP ") + p).orElse("HTTPS 443");
    }

    private static List<Placed> ofType(List<Placed> placed, String type) {
        return placed.stream().filter(p -> p.resource().type().equals(type)).toList();
    }

    private static Optional<String> text(CfnResource r, String property) {
        JsonNode value = r.properties().path(property);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}

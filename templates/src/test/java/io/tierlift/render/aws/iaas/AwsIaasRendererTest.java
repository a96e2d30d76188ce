package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.EnvValue;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.tierlift.render.aws.iaas.RenderedStacks.asList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsIaasRendererTest {
    private final AwsIaasRenderer renderer = new AwsIaasRenderer();

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void noSecretValueReachesAnyFile(IaasCases variation) {
        AppDescriptor app = variation.descriptor();
        List<SecretRef> refs = secretRefs(app);
        assertThat(refs).as("the fixture has secrets to leak").isNotEmpty();
        List<RenderedFile> resolved = renderer.render(app, IaasCases.canarySecrets());
        for (RenderedFile file : resolved) {
            assertThat(file.contentAsText()).as(file.location()).doesNotContain("CANARY");
            for (SecretRef ref : refs) {
                assertThat(file.contentAsText()).as(file.location()).doesNotContain(IaasCases.canaryFor(ref));
            }
            assertThat(file.sensitive()).as("%s holds no secret", file.location()).isFalse();
        }
        // Rendering never reads a secret: what is reviewed (masked) is byte for byte what is deployed.
        assertThat(contents(resolved)).isEqualTo(contents(renderer.render(app, SecretView.masked())));
    }

    @Test
    void theDatabaseLogsStatementsSlowerThanTheDescriptorsSlowQueryInMilliseconds() {
        assertThat(new RenderedStacks(IaasCases.EXAMPLE.render()).resource("data", "DbParameterGroup").path("Properties")
                .path("Parameters").path("log_min_duration_statement").asText()).as("slow_query's default, 1s").isEqualTo("1000");
        String yaml = TestDescriptors.text("iaas-example.yaml").replace("  version: 15\n", "  version: 15\n  slow_query: 0s\n");
        RenderedStacks stacks = new RenderedStacks(renderer.render(TestDescriptors.fromText(yaml), SecretView.masked()));
        assertThat(stacks.resource("data", "DbParameterGroup").path("Properties").path("Parameters")
                .path("log_min_duration_statement").asText()).as("0s logs every statement").isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void renderingTwiceGivesTheSameBytes(IaasCases variation) {
        List<RenderedFile> first = new AwsIaasRenderer().render(variation.descriptor(), SecretView.masked());
        List<RenderedFile> second = new AwsIaasRenderer().render(variation.descriptor(), SecretView.masked());
        assertThat(first).extracting(RenderedFile::location).isSortedAccordingTo(String::compareTo);
        assertThat(contents(second)).isEqualTo(contents(first));
        assertThat(first).allSatisfy(file -> {
            assertThat(file.contentAsText()).as(file.location()).endsWith("\n").doesNotContain("\r").doesNotContain("\t");
            assertThat(file.mode()).isEqualTo(0644);
        });
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void rendersEveryStackWithItsParametersTheDataStacksPolicyAndTheBootScript(IaasCases variation) {
        List<RenderedFile> files = variation.render();
        // The data stack's policy as the deployer sends it: render shows everything a deploy places.
        Set<String> expected = new TreeSet<>(List.of("stacks.json", "user-data.sh", "data.stack-policy.json"));
        for (String stack : List.of("artifacts", "network", "data", "compute", "waf", "static")) {
            expected.add(stack + ".template.json");
            expected.add(stack + ".parameters.json");
        }
        assertThat(files).extracting(RenderedFile::location).containsExactlyElementsOf(expected);
        StackSpec data = renderer.plan(variation.descriptor()).stack("data");
        assertThat(files).filteredOn(f -> f.location().equals("data.stack-policy.json")).singleElement()
                .satisfies(f -> assertThat(f.contentAsText()).isEqualTo(data.stackPolicy().orElseThrow() + "\n"));
        RenderedStacks stacks = new RenderedStacks(files);
        for (String stack : stacks.templates().keySet()) {
            Set<String> declared = new TreeSet<>();
            stacks.template(stack).path("Parameters").fieldNames().forEachRemaining(declared::add);
            Set<String> given = new TreeSet<>();
            RenderedStacks.parse(stacks.text(stack + ".parameters.json"))
                    .forEach(p -> given.add(p.path("ParameterKey").asText()));
            assertThat(given).as("parameters file of %s names exactly the template's parameters", stack).isEqualTo(declared);
        }
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void theLoadBalancerForwardsOnlyRequestsCarryingCloudFrontsOriginSecretAndAnswersEverythingElse403(IaasCases variation) {
        RenderedStacks stacks = new RenderedStacks(variation.render());
        var listeners = stacks.resourcesOfType("AWS::ElasticLoadBalancingV2::Listener");
        assertThat(listeners).hasSize(1);
        String listenerId = listeners.keySet().iterator().next().replace("compute/", "");
        JsonNode defaults = listeners.values().iterator().next().path("Properties").path("DefaultActions");
        assertThat(defaults).hasSize(1);
        assertThat(defaults.get(0).path("Type").asText()).isEqualTo("fixed-response");
        assertThat(defaults.get(0).path("FixedResponseConfig").path("StatusCode").asText()).isEqualTo("403");

        var rules = stacks.resourcesOfType("AWS::ElasticLoadBalancingV2::ListenerRule");
        assertThat(rules.keySet()).containsExactly("compute/ForwardWithOriginSecret", "compute/ForwardWithPreviousOriginSecret");
        List<String> versions = new ArrayList<>();
        rules.values().forEach(rule -> {
            JsonNode p = rule.path("Properties");
            assertThat(p.path("ListenerArn").path("Ref").asText()).isEqualTo(listenerId);
            // Priority 1 stays free for the maintenance page of a migration.
            assertThat(p.path("Priority").asInt()).isGreaterThan(1);
            assertThat(p.path("Actions").get(0).path("Type").asText()).isEqualTo("forward");
            assertThat(p.path("Actions").get(0).path("TargetGroupArn").path("Ref").asText()).isEqualTo("TargetGroup");
            assertThat(p.path("Conditions")).hasSize(1);
            JsonNode header = p.path("Conditions").get(0);
            assertThat(header.path("Field").asText()).isEqualTo("http-header");
            assertThat(header.path("HttpHeaderConfig").path("HttpHeaderName").asText()).isEqualTo("X-Tierlift-Origin");
            assertThat(header.path("HttpHeaderConfig").path("Values")).hasSize(1);
            versions.add(header.path("HttpHeaderConfig").path("Values").get(0).path("Fn::Sub").asText());
        });
        assertThat(versions).containsExactly(
                "{{resolve:secretsmanager:${OriginSecretArn}:SecretString:::${OriginSecretVersion}}}",
                "{{resolve:secretsmanager:${OriginSecretArn}:SecretString:::${OriginSecretPreviousVersion}}}");

        // CloudFront sends the current value on the API origin, and only there.
        JsonNode origins = stacks.resource("static", "Distribution").path("Properties").path("DistributionConfig").path("Origins");
        JsonNode api = asList(origins).stream().filter(o -> o.path("Id").asText().equals("api")).findFirst().orElseThrow();
        assertThat(api.path("OriginCustomHeaders")).hasSize(1);
        assertThat(api.path("OriginCustomHeaders").get(0).path("HeaderName").asText()).isEqualTo("X-Tierlift-Origin");
        assertThat(api.path("OriginCustomHeaders").get(0).path("HeaderValue").path("Fn::Sub").asText())
                .isEqualTo("{{resolve:secretsmanager:${OriginSecretArn}:SecretString:::${OriginSecretVersion}}}");
        assertThat(asList(origins).stream().filter(o -> o.path("Id").asText().equals("site")).findFirst().orElseThrow()
                .has("OriginCustomHeaders")).isFalse();

        // Generated by Secrets Manager: no wildcard the ALB would expand, within its 128 characters.
        JsonNode generate = stacks.resource("artifacts", "OriginSecret").path("Properties").path("GenerateSecretString");
        assertThat(generate.path("ExcludePunctuation").asBoolean()).isTrue();
        assertThat(generate.path("IncludeSpace").asBoolean(true)).isFalse();
        assertThat(generate.path("PasswordLength").asInt()).isBetween(32, 128);
        StackPlan plan = renderer.plan(variation.descriptor());
        assertThat(plan.stack("compute").parameters()).containsEntry("OriginSecretArn",
                        new ParameterSource.StackOutput("artifacts", "OriginSecretArn"))
                .containsEntry("OriginSecretVersion", new ParameterSource.DeployTime("origin-secret-version",
                        "the id of the origin secret's version labelled AWSCURRENT (AWSCURRENT's when there is none), read by tierlift deploy"));
        assertThat(plan.stack("compute").parameters().get("OriginSecretPreviousVersion"))
                .isInstanceOfSatisfying(ParameterSource.DeployTime.class, d -> assertThat(d.name()).isEqualTo("origin-secret-previous-version"));
        assertThat(plan.stack("static").parameters().get("OriginSecretVersion"))
                .isInstanceOfSatisfying(ParameterSource.DeployTime.class, d -> assertThat(d.name()).isEqualTo("origin-secret-version"));
    }

    @Test
    void plansStacksInDeploymentOrderWithTheWafInUsEast1() {
        StackPlan plan = renderer.plan(IaasCases.EXAMPLE.descriptor());
        assertThat(plan.stacks()).extracting(StackSpec::key)
                .containsExactly("artifacts", "network", "data", "compute", "waf", "static");
        assertThat(plan.stacks()).extracting(StackSpec::name).containsExactly("notes-default-iaas-artifacts",
                "notes-default-iaas-network", "notes-default-iaas-data", "notes-default-iaas-compute", "notes-default-iaas-waf", "notes-default-iaas-static");
        assertThat(plan.stacks()).extracting(StackSpec::region)
                .containsExactly("eu-west-1", "eu-west-1", "eu-west-1", "eu-west-1", "us-east-1", "eu-west-1");
        assertThat(plan.stack("static").parameters().get("WebAclArn"))
                .isEqualTo(new ParameterSource.StackOutput("waf", "WebAclArn"));
        assertThat(plan.stack("static").dependsOn()).containsExactly("artifacts", "waf");
        assertThat(plan.stack("compute").dependsOn()).containsExactly("artifacts", "data", "network");
        assertThat(plan.stack("compute").capabilities()).containsExactly("CAPABILITY_IAM");
        assertThat(plan.tags()).containsEntry("app", "notes").containsEntry("env", "default").containsEntry("managed-by", "tierlift");
    }

    @Test
    void namesStacksAfterTheEnvironment() {
        StackPlan plan = renderer.plan(IaasCases.HTTP_ONLY_STAGING.descriptor());
        assertThat(plan.stacks()).extracting(StackSpec::name).allMatch(name -> name.startsWith("notes-staging-iaas-"));
        assertThat(plan.tags()).containsEntry("env", "staging");
        JsonNode asg = new RenderedStacks(IaasCases.HTTP_ONLY_STAGING.render()).resource("compute", ComputeStack.ASG);
        assertThat(asg.path("Properties").path("MinSize").asText()).isEqualTo("1");
        assertThat(asg.path("Properties").path("MaxSize").asText()).isEqualTo("2");
    }

    @Test
    void parametersFilesMarkWhatTheDeployerFillsIn() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        assertThat(stacks.text("static.parameters.json"))
                .contains("\"ParameterValue\": \"{{tierlift:stack-output:notes-default-iaas-waf:WebAclArn}}\"");
        assertThat(stacks.text("compute.parameters.json"))
                .contains("\"ParameterValue\": \"{{tierlift:deploy-time:release-key}}\"")
                .contains("\"ParameterValue\": \"{{tierlift:deploy-time:image-id}}\"");
        assertThat(stacks.text("network.parameters.json"))
                .contains("\"ParameterValue\": \"{{tierlift:deploy-time:cloudfront-prefix-list-id}}\"");
    }

    @Test
    void theImageIsAPlainImageIdTheDeployerKeepsNotAnSsmParameterCloudFormationResolvesOnEveryUpdate() {
        StackSpec compute = renderer.plan(IaasCases.EXAMPLE.descriptor()).stack("compute");
        JsonNode parameter = new RenderedStacks(IaasCases.EXAMPLE.render()).template("compute").path("Parameters")
                .path(AwsIaasRenderer.IMAGE_ID_PARAMETER);
        assertThat(parameter.path("Type").asText()).isEqualTo("AWS::EC2::Image::Id");
        assertThat(parameter.has("Default")).as("no value but the one the deployer gives").isFalse();
        assertThat(compute.parameters().get(AwsIaasRenderer.IMAGE_ID_PARAMETER))
                .isEqualTo(new ParameterSource.DeployTime(AwsIaasRenderer.IMAGE_ID_VALUE, "the image the compute stack runs; "
                        + "on its first deploy, or with --refresh-image, the one SSM parameter "
                        + AwsIaasRenderer.LATEST_IMAGE_PARAMETER + " names"));
        assertThat(AwsIaasRenderer.LATEST_IMAGE_PARAMETER)
                .isEqualTo("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    }

    @Test
    void aNewReleaseKeyRollsTheInstancesOneAtATimeAfterTheirSignal() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode asg = stacks.resource("compute", ComputeStack.ASG);
        assertThat(asg.path("Properties").path("LaunchTemplate").path("Version").path("Fn::GetAtt").get(1).asText())
                .isEqualTo("LatestVersionNumber");
        JsonNode userData = stacks.resource("compute", "LaunchTemplate").path("Properties").path("LaunchTemplateData").path("UserData");
        String header = userData.path("Fn::Base64").path("Fn::Join").get(1).get(0).path("Fn::Sub").asText();
        assertThat(header).contains("TIERLIFT_RELEASE_KEY='${ReleaseKey}'");
        JsonNode rolling = asg.path("UpdatePolicy").path("AutoScalingRollingUpdate");
        assertThat(rolling.path("WaitOnResourceSignals").asBoolean()).isTrue();
        assertThat(rolling.path("MaxBatchSize").asText()).isEqualTo("1");
        assertThat(rolling.path("MinInstancesInService").asText()).isEqualTo("2");
        assertThat(asg.path("CreationPolicy").path("ResourceSignal").path("Count").asText()).isEqualTo("2");
        assertThat(asg.path("Properties").path("HealthCheckType").asText()).isEqualTo("ELB");
        assertThat(stacks.text("user-data.sh")).contains("--logical-resource-id 'AppAutoScalingGroup'");
        JsonNode tracking = stacks.resource("compute", "CpuTargetTracking").path("Properties").path("TargetTrackingConfiguration");
        assertThat(tracking.path("PredefinedMetricSpecification").path("PredefinedMetricType").asText())
                .isEqualTo("ASGAverageCPUUtilization");
        assertThat(tracking.path("TargetValue").asInt()).isEqualTo(50);
    }

    @Test
    void theLoadBalancerChecksLivenessAndOnlyTheBootSignalWaitsForTheDatabase() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode group = stacks.resource("compute", "TargetGroup").path("Properties");
        assertThat(group.path("HealthCheckPath").asText()).isEqualTo("/api/health");
        assertThat(group.path("Matcher").path("HttpCode").asText()).as("503: the app is up, its database is not")
                .isEqualTo("200,503");
        assertThat(stacks.resource("compute", ComputeStack.ASG).path("Properties").path("HealthCheckType").asText())
                .isEqualTo("ELB");
        // curl -f fails on 503: an instance signals success only once its database answers.
        assertThat(stacks.text("user-data.sh")).contains("curl -fsS -o /dev/null 'http://127.0.0.1:8000/api/health'\nsignal SUCCESS");
    }

    @Test
    void keepsOneInstanceServingWhenMinEqualsMaxIsImpossible() {
        JsonNode asg = new RenderedStacks(IaasCases.WIDE_SCALING.render()).resource("compute", ComputeStack.ASG);
        assertThat(asg.path("Properties").path("MinSize").asText()).isEqualTo("1");
        assertThat(asg.path("Properties").path("MaxSize").asText()).isEqualTo("20");
        assertThat(asg.path("UpdatePolicy").path("AutoScalingRollingUpdate").path("MinInstancesInService").asText()).isEqualTo("1");
    }

    @Test
    void httpsToTheLoadBalancerWhenThereIsACertificate() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode listener = stacks.resource("compute", "HttpsListener").path("Properties");
        assertThat(listener.path("Protocol").asText()).isEqualTo("HTTPS");
        assertThat(listener.path("Certificates").get(0).path("CertificateArn").asText()).contains(":acm:eu-west-1:");
        assertThat(stacks.template("compute").path("Resources").has("HttpListener")).isFalse();
        assertThat(apiOrigin(stacks).path("CustomOriginConfig").path("OriginProtocolPolicy").asText()).isEqualTo("https-only");
    }

    @Test
    void plainHttpToTheLoadBalancerOnlyWhenAllowedAndWithoutCertificate() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.HTTP_ONLY_STAGING.render());
        assertThat(stacks.resource("compute", "HttpListener").path("Properties").path("Port").asInt()).isEqualTo(80);
        assertThat(stacks.template("compute").path("Resources").has("HttpsListener")).isFalse();
        assertThat(apiOrigin(stacks).path("CustomOriginConfig").path("OriginProtocolPolicy").asText()).isEqualTo("http-only");
        assertThat(renderer.plan(IaasCases.HTTP_ONLY_STAGING.descriptor()).stack("static").parameters().get("ApiOriginDomainName"))
                .isEqualTo(new ParameterSource.StackOutput("compute", "AlbDnsName"));
    }

    @Test
    void spaRoutingLeavesApiErrorsAlone() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode config = stacks.resource("static", "Distribution").path("Properties").path("DistributionConfig");
        assertThat(config.has("CustomErrorResponses")).as("error responses would rewrite API 404s too").isFalse();
        assertThat(config.path("DefaultCacheBehavior").path("FunctionAssociations").get(0).path("EventType").asText())
                .isEqualTo("viewer-request");
        JsonNode api = config.path("CacheBehaviors").get(0);
        assertThat(api.path("PathPattern").asText()).isEqualTo("/api/*");
        assertThat(api.path("FunctionAssociations").toString()).as("only the request id's function, never the SPA rewrite")
                .doesNotContain("SpaRoutingFunction").contains(StaticSiteStack.REQUEST_ID_FUNCTION);
        assertThat(api.path("CachePolicyId").asText()).isEqualTo("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
        assertThat(api.path("OriginRequestPolicyId").asText()).isEqualTo("b689b0a8-53d0-40ab-baf2-68738e2966ac");
        assertThat(asList(api.path("AllowedMethods"))).hasSize(7);
        assertThat(config.path("DefaultCacheBehavior").path("CachePolicyId").asText()).isEqualTo("658327ea-f89d-4fab-a63d-7e88639e58f6");
        assertThat(config.path("DefaultRootObject").asText()).isEqualTo("index.html");
        assertThat(config.path("WebACLId").path("Ref").asText()).isEqualTo("WebAclArn");
        assertThat(config.path("ViewerCertificate").path("CloudFrontDefaultCertificate").asBoolean()).isTrue();
        assertThat(config.has("Aliases")).isFalse();
    }

    @Test
    void theOriginNameIsAnAliasOfTheLoadBalancerInTheManagedZone() {
        JsonNode record = new RenderedStacks(IaasCases.DOMAIN.render()).resource("compute", "OriginRecord").path("Properties");
        assertThat(record.path("HostedZoneId").asText()).isEqualTo("Z0123456789ABCDEFGHIJ");
        assertThat(record.path("Name").asText()).isEqualTo("origin.notes.example.com");
        assertThat(record.path("Type").asText()).isEqualTo("A");
        assertThat(record.path("AliasTarget").path("DNSName").path("Fn::GetAtt").get(0).asText()).isEqualTo("LoadBalancer");
        assertThat(record.path("AliasTarget").path("HostedZoneId").path("Fn::GetAtt").get(1).asText())
                .isEqualTo("CanonicalHostedZoneID");
    }

    @Test
    void noOriginRecordWithoutAManagedZone() {
        assertThat(IaasCases.EXAMPLE.descriptor().targets().awsIaas().orElseThrow().originDomain()).isPresent();
        assertThat(new RenderedStacks(IaasCases.EXAMPLE.render()).template("compute").path("Resources").has("OriginRecord"))
                .as("a record in a zone tierlift was not given").isFalse();
    }

    @Test
    void aliasAndCertificateWhenTheDescriptorHasADomain() {
        JsonNode config = new RenderedStacks(IaasCases.DOMAIN.render()).resource("static", "Distribution")
                .path("Properties").path("DistributionConfig");
        assertThat(asList(config.path("Aliases"))).extracting(JsonNode::asText).containsExactly("notes.example.com");
        assertThat(config.path("ViewerCertificate").path("AcmCertificateArn").asText()).contains(":acm:us-east-1:");
        assertThat(config.path("ViewerCertificate").path("SslSupportMethod").asText()).isEqualTo("sni-only");
    }

    @Test
    void wafRulesAndRateLimit() {
        JsonNode acl = new RenderedStacks(IaasCases.US_EAST_1_PER_AZ.render()).resource("waf", "WebAcl").path("Properties");
        assertThat(acl.path("Scope").asText()).isEqualTo("CLOUDFRONT");
        assertThat(acl.path("Rules").get(0).path("Statement").path("RateBasedStatement").path("Limit").asInt()).isEqualTo(500);
        List<String> managed = new ArrayList<>();
        acl.path("Rules").forEach(rule -> {
            assertThat(rule.path("VisibilityConfig").path("CloudWatchMetricsEnabled").asBoolean()).isTrue();
            JsonNode group = rule.path("Statement").path("ManagedRuleGroupStatement");
            if (!group.isMissingNode()) {
                managed.add(group.path("Name").asText());
            }
        });
        assertThat(managed).containsExactly("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                "AWSManagedRulesSQLiRuleSet");
    }

    @Test
    void theWafLogsToAGroupNamedAsWafRequiresAndRdsExportsPostgresqlToTheGroupTheDataStackNames() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode group = stacks.resource("waf", "WafLogGroup").path("Properties");
        assertThat(group.path("LogGroupName").asText()).isEqualTo("aws-waf-logs-notes-default-iaas");
        JsonNode logging = stacks.resource("waf", "WafLogging");
        assertThat(logging.path("Type").asText()).isEqualTo("AWS::WAFv2::LoggingConfiguration");
        assertThat(logging.path("Properties").path("ResourceArn").path("Fn::GetAtt").get(0).asText()).isEqualTo("WebAcl");
        assertThat(logging.path("Properties").path("LogDestinationConfigs").get(0).path("Fn::Sub").asText())
                .as("the group's ARN without the trailing :* of its Arn attribute")
                .isEqualTo("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${WafLogGroup}");
        assertThat(stacks.resource("data", "Database").path("Properties").path("EnableCloudwatchLogsExports").get(0).asText())
                .isEqualTo("postgresql");
        assertThat(stacks.template("data").path("Outputs").path(StackNames.DB_LOG_GROUP_OUTPUT).path("Value").path("Fn::Sub").asText())
                .isEqualTo("/aws/rds/instance/${Database}/postgresql");
    }

    @Test
    void natGatewayPerZoneOrOneShared() {
        RenderedStacks single = new RenderedStacks(IaasCases.EXAMPLE.render());
        RenderedStacks perAz = new RenderedStacks(IaasCases.US_EAST_1_PER_AZ.render());
        assertThat(single.resourcesOfType("AWS::EC2::NatGateway")).hasSize(1);
        assertThat(perAz.resourcesOfType("AWS::EC2::NatGateway")).hasSize(2);
        assertThat(single.resource("network", "AppDefaultRouteB").path("Properties").path("NatGatewayId").path("Ref").asText())
                .isEqualTo("NatGatewayA");
        assertThat(perAz.resource("network", "AppDefaultRouteB").path("Properties").path("NatGatewayId").path("Ref").asText())
                .isEqualTo("NatGatewayB");
        assertThat(single.resource("network", "DbRouteTable")).isNotNull();
        assertThat(single.resourcesOfType("AWS::EC2::Route").values())
                .noneMatch(route -> route.path("Properties").path("RouteTableId").path("Ref").asText().equals("DbRouteTable"));
        single.resourcesOfType("AWS::EC2::Subnet").values().forEach(subnet ->
                assertThat(subnet.path("Properties").path("AvailabilityZone").path("Fn::Select").get(1).has("Fn::GetAZs")).isTrue());
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void bootScriptFitsEc2sLimitAndFetchesItsSecretsAtStart(IaasCases variation) {
        RenderedStacks stacks = new RenderedStacks(variation.render());
        String script = stacks.text("user-data.sh");
        JsonNode parts = stacks.resource("compute", "LaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("UserData").path("Fn::Base64").path("Fn::Join").get(1);
        int userDataBytes = (parts.get(0).path("Fn::Sub").asText() + parts.get(1).asText()).getBytes(StandardCharsets.UTF_8).length;
        // About 16 KB of script before it was packed; packed, over 6 KB of EC2's 16 KB stay free for the app to grow.
        assertThat(userDataBytes).as("the user data as the launch template holds it").isLessThan(10 * 1024);
        assertThat(script).startsWith("#!/bin/bash\n")
                .contains("dnf install -y python" + variation.descriptor().backend().python())
                .contains("secretsmanager")
                .contains("\"--config\"")
                .doesNotContain("DATABASE_URL=");
    }

    @Test
    void literalEnvironmentIsWrittenAsJsonAndSecretNamesOnlyAsNames() {
        String script = new RenderedStacks(IaasCases.US_EAST_1_PER_AZ.render()).text("user-data.sh");
        assertThat(script).contains("\"SHOP_GREETING\": \"it's \\\"quoted\\\" & $dollar\"");
        String example = new RenderedStacks(IaasCases.EXAMPLE.render()).text("user-data.sh");
        assertThat(example).contains("    \"NOTES_API_TOKEN\",\n").contains("\"NOTES_PAGE_SIZE\": \"50\"");
    }

    @Test
    void describesOnlyDescriptorsWithAnAwsIaasTarget() {
        assertThat(renderer.target()).isEqualTo(Target.AWS_IAAS);
        assertThat(renderer.isDescribed(IaasCases.EXAMPLE.descriptor())).isTrue();
        AppDescriptor onpremOnly = TestDescriptors.load("compact.yaml");
        assertThat(renderer.isDescribed(onpremOnly)).isFalse();
        assertThatThrownBy(() -> renderer.render(onpremOnly, SecretView.masked()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets.aws-iaas");
    }

    private static JsonNode apiOrigin(RenderedStacks stacks) {
        JsonNode origins = stacks.resource("static", "Distribution").path("Properties").path("DistributionConfig").path("Origins");
        for (JsonNode origin : origins) {
            if (origin.path("Id").asText().equals("api")) {
                return origin;
            }
        }
        throw new AssertionError("no api origin in " + origins);
    }

    private static List<SecretRef> secretRefs(AppDescriptor app) {
        List<SecretRef> refs = new ArrayList<>();
        refs.add(app.database().password());
        app.database().replicationPassword().ifPresent(refs::add);
        app.backend().env().values().forEach(v -> {
            if (v instanceof EnvValue.Secret secret) {
                refs.add(secret.ref());
            }
        });
        return refs;
    }

    private static List<String> contents(List<RenderedFile> files) {
        return files.stream().map(f -> f.location() + "\n" + f.contentAsText()).toList();
    }
}

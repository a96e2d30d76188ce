package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.iaas.StackNames;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsServerlessRendererTest {
    private final AwsServerlessRenderer renderer = new AwsServerlessRenderer();

    @Test
    void describesTheServerlessTierOnly() {
        assertThat(renderer.target()).isEqualTo(Target.AWS_SERVERLESS);
        assertThat(renderer.isDescribed(ServerlessCases.EXAMPLE.descriptor())).isTrue();
        assertThat(renderer.isDescribed(TestDescriptors.load("iaas-example.yaml"))).isFalse();
        assertThatThrownBy(() -> renderer.plan(TestDescriptors.load("iaas-example.yaml")))
                .hasMessageContaining("targets.aws-serverless");
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void stacksComeInDeploymentOrderWithTheWafInUsEast1(ServerlessCases variation) {
        AppDescriptor app = variation.descriptor();
        String region = app.targets().awsServerless().orElseThrow().region();
        StackPlan plan = renderer.plan(app);
        assertThat(plan.stacks()).extracting(StackSpec::key).containsExactly("artifacts", "network", "data", "api", "waf", "static");
        assertThat(plan.stacks()).extracting(StackSpec::name)
                .allMatch(name -> name.startsWith(app.app() + "-" + app.environment() + "-"));
        plan.stacks().forEach(stack -> assertThat(stack.region()).as(stack.key())
                .isEqualTo(stack.key().equals("waf") ? "us-east-1" : region));
        assertThat(plan.stack("api").dependsOn()).containsExactly("artifacts", "data", "network");
        assertThat(plan.stack("static").dependsOn()).containsExactly("api", "artifacts", "waf");
        assertThat(plan.stack("api").capabilities()).containsExactly("CAPABILITY_IAM");
        assertThat(plan.stack("data").capabilities()).containsExactly("CAPABILITY_IAM");
        assertThat(plan.tags()).containsEntry("managed-by", "tierlift").containsEntry("app", app.app());
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void cloudFrontSendsTheOriginSecretToTheHttpApiWhoseFunctionIsToldWhereItIs(ServerlessCases variation) {
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        JsonNode origins = stacks.properties("static", "Distribution").path("DistributionConfig").path("Origins");
        JsonNode api = null;
        for (JsonNode origin : origins) {
            if (origin.path("Id").asText().equals("api")) {
                api = origin;
            }
        }
        assertThat(api).isNotNull();
        assertThat(api.path("OriginCustomHeaders")).hasSize(1);
        assertThat(api.path("OriginCustomHeaders").get(0).path("HeaderName").asText()).isEqualTo("X-Tierlift-Origin");
        assertThat(api.path("OriginCustomHeaders").get(0).path("HeaderValue").path("Fn::Sub").asText())
                .isEqualTo("{{resolve:secretsmanager:${OriginSecretArn}:SecretString:::${OriginSecretVersion}}}");
        JsonNode env = stacks.properties("api", ApiStack.FUNCTION).path("Environment").path("Variables");
        assertThat(env.path("TIERLIFT_ORIGIN_SECRET_ARN").path("Ref").asText()).isEqualTo("OriginSecretArn");
        // No pinned versions: the alias moves only after CloudFront was pointed at a new value, so the
        // function reads the current and previous values itself.
        assertThat(stacks.template("api").path("Parameters").has("OriginSecretVersion")).isFalse();
        assertThat(stacks.resource("artifacts", "OriginSecret").path("Type").asText()).isEqualTo("AWS::SecretsManager::Secret");
        StackPlan plan = renderer.plan(variation.descriptor());
        assertThat(plan.stack("api").dependsOn()).contains("artifacts");
        assertThat(plan.stack("static").dependsOn()).contains("artifacts");
        // The adapter compares what arrives in the header API Gateway passes on in lower case.
        assertThat(stacks.text("tierlift_lambda.py")).contains("ORIGIN_HEADER = \"x-tierlift-origin\"");
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void renderingIsDeterministicAndReadsNoSecret(ServerlessCases variation) {
        List<RenderedFile> masked = renderer.render(variation.descriptor(), SecretView.masked());
        List<RenderedFile> again = new AwsServerlessRenderer().render(variation.descriptor(), SecretView.masked());
        List<RenderedFile> deploying = renderer.render(variation.descriptor(), ServerlessCases.canarySecrets());
        assertThat(again).hasSameSizeAs(masked);
        assertThat(deploying).hasSameSizeAs(masked);
        for (int i = 0; i < masked.size(); i++) {
            assertThat(again.get(i).location()).isEqualTo(masked.get(i).location());
            assertThat(again.get(i).sha256()).as(masked.get(i).location()).isEqualTo(masked.get(i).sha256());
            assertThat(deploying.get(i).sha256()).as("%s with real secrets", masked.get(i).location())
                    .isEqualTo(masked.get(i).sha256());
            assertThat(masked.get(i).sensitive()).isFalse();
            assertThat(masked.get(i).mode()).isEqualTo(0644);
        }
        assertThat(masked).extracting(RenderedFile::location).contains("stacks.json", LambdaAdapter.FILE,
                "api.template.json", "api.parameters.json", "data.template.json", "static.template.json");
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void canarySecretsNeverReachARenderedFile(ServerlessCases variation) {
        AppDescriptor app = variation.descriptor();
        List<String> canaries = new java.util.ArrayList<>();
        canaries.add(ServerlessCases.canaryFor(app.database().password()));
        app.backend().env().values().forEach(v -> {
            if (v instanceof io.tierlift.model.EnvValue.Secret secret) {
                canaries.add(ServerlessCases.canaryFor(secret.ref()));
            }
        });
        for (RenderedFile file : renderer.render(app, ServerlessCases.canarySecrets())) {
            for (String canary : canaries) {
                assertThat(file.contentAsText()).as("%s leaks a secret", file.location()).doesNotContain(canary);
            }
            assertThat(file.contentAsText()).as(file.location()).doesNotContain("${env:").doesNotContain("\"MasterUserPassword\"");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void functionEnvironmentNamesSecretsButHoldsNoValues(ServerlessCases variation) {
        AppDescriptor app = variation.descriptor();
        JsonNode env = ServerlessStacks.of(variation).properties("api", ApiStack.FUNCTION).path("Environment").path("Variables");
        assertThat(env.path("TIERLIFT_DB_SECRET_ARN").path("Ref").asText()).isEqualTo("DbSecretArn");
        assertThat(env.path("TIERLIFT_DB_HOST").path("Ref").asText()).isEqualTo(ApiStack.DB_HOST_PARAMETER);
        // Through the proxy on PostgreSQL's default port; straight to the cluster on the database's own.
        assertThat(env.path("TIERLIFT_DB_PORT").asText()).isEqualTo(DatabasePath.of(variation.descriptor().targets()
                .awsServerless().orElseThrow()) == DatabasePath.PROXY ? "5432" : String.valueOf(app.database().port()));
        assertThat(env.path("TIERLIFT_DB_NAME").asText()).isEqualTo(app.database().name());
        assertThat(env.has("DATABASE_URL")).isFalse();
        List<String> secretNames = app.backend().secretEnvNames();
        for (String name : secretNames) {
            assertThat(env.has(name)).as("secret variable %s in the function's environment", name).isFalse();
        }
        app.backend().env().forEach((name, value) -> {
            if (value instanceof io.tierlift.model.EnvValue.Literal literal) {
                assertThat(env.path(name).asText()).isEqualTo(literal.value());
            }
        });
        if (secretNames.isEmpty()) {
            assertThat(env.has("TIERLIFT_APP_SECRET_ARN")).isFalse();
            assertThat(env.has("TIERLIFT_APP_SECRET_NAMES")).isFalse();
        } else {
            assertThat(env.path("TIERLIFT_APP_SECRET_ARN").path("Ref").asText()).isEqualTo("AppSecretArn");
            assertThat(env.path("TIERLIFT_APP_SECRET_NAMES").asText()).isEqualTo(String.join(",", secretNames));
        }
        // The origin secret by ARN, never its value.
        assertThat(env.path("TIERLIFT_ORIGIN_SECRET_ARN").path("Ref").asText()).isEqualTo("OriginSecretArn");
        // Every value is text or a reference to a parameter: nothing else can be in there.
        env.properties().forEach(e -> assertThat(e.getValue().isTextual() || e.getValue().has("Ref"))
                .as("variable %s", e.getKey()).isTrue());
    }

    @Test
    void theExampleKeepsItsSecretVariableInTheAppSecret() {
        ServerlessStacks stacks = ServerlessStacks.of(ServerlessCases.EXAMPLE);
        assertThat(stacks.properties("api", ApiStack.FUNCTION).path("Environment").path("Variables")
                .path("TIERLIFT_APP_SECRET_NAMES").asText()).isEqualTo("NOTES_API_TOKEN");
        assertThat(stacks.resource("data", "AppSecret").path("Type").asText()).isEqualTo("AWS::SecretsManager::Secret");
        assertThat(stacks.resource("data", "AppSecret").path("Properties").has("SecretString")).isFalse();
        assertThat(stacks.template("data").path("Resources").has("AppSecret")).isTrue();
        assertThat(ServerlessStacks.of(ServerlessCases.WARM).template("data").path("Resources").has("AppSecret")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void functionFollowsTheLambdaSettings(ServerlessCases variation) {
        AwsServerlessTarget target = variation.descriptor().targets().awsServerless().orElseThrow();
        JsonNode function = ServerlessStacks.of(variation).properties("api", ApiStack.FUNCTION);
        assertThat(function.path("Handler").asText()).isEqualTo("tierlift_lambda.handler");
        assertThat(function.path("MemorySize").asInt()).isEqualTo(target.lambda().memoryMb());
        assertThat(function.path("Timeout").asInt()).isEqualTo(target.lambda().timeoutSeconds());
        assertThat(function.path("Architectures")).extracting(JsonNode::asText).containsExactly(target.lambda().architecture());
        assertThat(function.path("Code").path("S3Key").path("Ref").asText()).isEqualTo(ApiStack.CODE_KEY_PARAMETER);
        assertThat(function.path("Code").path("S3Bucket").path("Ref").asText()).isEqualTo(ApiStack.ARTIFACT_BUCKET_PARAMETER);
        assertThat(function.path("VpcConfig").path("SubnetIds").path("Ref").asText()).isEqualTo("FunctionSubnetIds");
        if (target.lambda().reservedConcurrency().isPresent()) {
            assertThat(function.path("ReservedConcurrentExecutions").asInt()).isEqualTo(target.lambda().reservedConcurrency().get());
        } else if (DatabasePath.of(target) == DatabasePath.DIRECT) {
            assertThat(function.path("ReservedConcurrentExecutions").asInt()).as("no proxy pools the connections")
                    .isEqualTo(DatabasePath.DIRECT_CONCURRENCY_CAP);
        } else {
            assertThat(function.has("ReservedConcurrentExecutions")).isFalse();
        }
    }

    @Test
    void runtimeIsTheOldestOfferedOneThatIsNotOlderThanTheApp() {
        assertThat(ServerlessStacks.of(ServerlessCases.EXAMPLE).properties("api", ApiStack.FUNCTION).path("Runtime").asText())
                .as("a 3.11 app: Lambda no longer creates python3.11 functions").isEqualTo("python3.12");
        assertThat(ServerlessStacks.of(ServerlessCases.US_EAST_1_ARM64).properties("api", ApiStack.FUNCTION).path("Runtime").asText())
                .isEqualTo("python3.13");
        assertThat(LambdaRuntime.forPython("3.12")).isEqualTo(new LambdaRuntime("python3.12", "3.12", 34));
        assertThat(LambdaRuntime.forPython("3.14").name()).isEqualTo("python3.14");
        assertThatThrownBy(() -> LambdaRuntime.forPython("3.15")).hasMessageContaining("no runtime for Python 3.15");
        assertThat(LambdaRuntime.python("3.11").glibcMinor()).as("Amazon Linux 2").isEqualTo(26);
        assertThat(LambdaArchitecture.of("arm64").machine()).isEqualTo("aarch64");
        assertThatThrownBy(() -> LambdaArchitecture.of("s390x")).hasMessageContaining("lambda.architecture");
    }

    @Test
    void aPausingDatabaseGetsItsIdleTimeAndNothingThatKeepsTheWriterAwake() {
        ServerlessStacks stacks = ServerlessStacks.of(ServerlessCases.EXAMPLE);
        JsonNode scaling = stacks.properties("data", "DbCluster").path("ServerlessV2ScalingConfiguration");
        assertThat(scaling.path("MinCapacity").asDouble()).isZero();
        assertThat(scaling.path("MaxCapacity").asDouble()).isEqualTo(8);
        assertThat(scaling.path("SecondsUntilAutoPause").asInt()).isEqualTo(600);
        // AWS does not auto-pause a writer with an associated RDS Proxy or with logical replication on.
        JsonNode data = stacks.template("data").path("Resources");
        assertThat(data.findValuesAsText("Type")).doesNotContain("AWS::RDS::DBProxy", "AWS::RDS::DBProxyTargetGroup");
        assertThat(stacks.properties("data", "DbClusterParameterGroup").path("Parameters").path("rds.logical_replication")
                .path("Ref").asText()).isEqualTo(DatabasePath.LOGICAL_REPLICATION_PARAMETER);
        assertThat(stacks.template("data").path("Parameters").path(DatabasePath.LOGICAL_REPLICATION_PARAMETER)
                .path("AllowedPattern").asText()).isEqualTo("^[01]$");
        assertThat(stacks.template("api").path("Parameters").path(ApiStack.DB_HOST_PARAMETER).path("Description").asText())
                .contains("writer");
        // The function reaches the cluster itself, and nothing else reaches it.
        JsonNode dbGroup = stacks.properties("network", "DbSecurityGroup").path("SecurityGroupIngress");
        assertThat(dbGroup).singleElement().satisfies(rule -> assertThat(rule.path("SourceSecurityGroupId").path("Ref").asText())
                .isEqualTo("FunctionSecurityGroup"));
        assertThat(stacks.template("network").path("Resources").has("ProxySecurityGroup")).isFalse();
    }

    @Test
    void theClusterLogsStatementsSlowerThanTheDescriptorsSlowQueryInMilliseconds() {
        assertThat(ServerlessStacks.of(ServerlessCases.EXAMPLE).properties("data", "DbClusterParameterGroup")
                .path("Parameters").path("log_min_duration_statement").asText()).as("slow_query's default, 1s").isEqualTo("1000");
        String yaml = TestDescriptors.text("serverless-example.yaml").replace("  version: 16\n", "  version: 16\n  slow_query: 250ms\n");
        ServerlessStacks stacks = new ServerlessStacks(renderer.render(TestDescriptors.fromText(yaml), SecretView.masked()));
        assertThat(stacks.properties("data", "DbClusterParameterGroup").path("Parameters").path("log_min_duration_statement")
                .asText()).isEqualTo("250");
    }

    @Test
    void aWarmDatabaseKeepsTheProxyAndLogicalReplication() {
        ServerlessStacks stacks = ServerlessStacks.of(ServerlessCases.WARM);
        assertThat(stacks.template("data").path("Resources").has("DbProxy")).isTrue();
        assertThat(stacks.properties("data", "DbClusterParameterGroup").path("Parameters").path("rds.logical_replication")
                .asText()).isEqualTo("1");
        assertThat(stacks.template("data").path("Parameters").has(DatabasePath.LOGICAL_REPLICATION_PARAMETER)).isFalse();
    }

    @Test
    void aWarmDatabaseHasNoIdleTime() {
        ServerlessStacks stacks = ServerlessStacks.of(ServerlessCases.WARM);
        JsonNode scaling = stacks.properties("data", "DbCluster").path("ServerlessV2ScalingConfiguration");
        assertThat(scaling.path("MinCapacity").asDouble()).isEqualTo(0.5);
        assertThat(scaling.path("MinCapacity").isDouble()).isTrue();
        assertThat(scaling.path("MaxCapacity").asText()).as("whole ACUs are written as integers").isEqualTo("4");
        assertThat(scaling.has("SecondsUntilAutoPause")).isFalse();
        assertThat(stacks.properties("data", "DbProxyTargetGroup").path("ConnectionPoolConfigurationInfo")
                .has("MaxIdleConnectionsPercent")).isFalse();
        assertThat(stacks.properties("data", "DbCluster").path("DeletionProtection").asBoolean()).isFalse();
        assertThat(stacks.properties("data", "DbCluster").path("BackupRetentionPeriod").asInt()).isEqualTo(14);
        assertThat(stacks.properties("data", "DbClusterParameterGroup").path("Family").asText()).isEqualTo("aurora-postgresql17");
    }

    @Test
    void pausingNeedsAnEngineThatCanPause() {
        String yaml = TestDescriptors.text("serverless-example.yaml").replace("engine_version: \"16.6\"", "engine_version: \"15.4\"");
        // The descriptor rules refuse it with a position; the renderer keeps its own check as a second wall.
        assertThatThrownBy(() -> renderer.plan(TestDescriptors.fromText(yaml)))
                .hasMessageContaining("targets.aws-serverless.database.engine_version")
                .hasMessageContaining("Aurora 15.4 can't pause at 0 ACU")
                .hasMessageContaining("16.3");
        assertThat(AuroraStack.supportsAutoPause("16.3")).isTrue();
        assertThat(AuroraStack.supportsAutoPause("16.2")).isFalse();
        assertThat(AuroraStack.supportsAutoPause("15.7")).isTrue();
        assertThat(AuroraStack.supportsAutoPause("14.11")).isFalse();
        assertThat(AuroraStack.supportsAutoPause("13.15")).isTrue();
        assertThat(AuroraStack.supportsAutoPause("17.0")).isTrue();
        assertThat(AuroraStack.supportsAutoPause("16")).as("major only: cannot tell").isFalse();
        assertThat(AuroraStack.supportsAutoPause("12.20")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void httpApiSendsApiPathsToTheFunctionWithPayload2AndThrottling(ServerlessCases variation) {
        AwsServerlessTarget target = variation.descriptor().targets().awsServerless().orElseThrow();
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        assertThat(stacks.properties("api", "HttpApi").path("ProtocolType").asText()).isEqualTo("HTTP");
        JsonNode integration = stacks.properties("api", "ApiIntegration");
        assertThat(integration.path("IntegrationType").asText()).isEqualTo("AWS_PROXY");
        assertThat(integration.path("PayloadFormatVersion").asText()).isEqualTo("2.0");
        assertThat(integration.path("IntegrationUri").path("Ref").asText()).as("the alias, not the latest code")
                .isEqualTo(ApiStack.LIVE_ALIAS);
        assertThat(integration.path("TimeoutInMillis").asInt()).isBetween(target.lambda().timeoutSeconds() * 1000, 30_000);
        assertThat(stacks.resourcesOfType("AWS::ApiGatewayV2::Route").values())
                .extracting(r -> r.path("Properties").path("RouteKey").asText())
                .containsExactlyInAnyOrder("ANY /api/{proxy+}", "ANY /api");
        JsonNode stage = stacks.properties("api", "ApiStage");
        assertThat(stage.path("StageName").asText()).isEqualTo("$default");
        assertThat(stage.path("AutoDeploy").asBoolean()).isTrue();
        assertThat(stage.path("DefaultRouteSettings").path("ThrottlingRateLimit").asInt()).isEqualTo(target.apiThrottleRate());
        assertThat(stage.path("DefaultRouteSettings").path("ThrottlingBurstLimit").asInt()).isEqualTo(target.apiThrottleBurst());
        assertThat(stage.path("AccessLogSettings").path("DestinationArn").path("Fn::GetAtt").get(0).asText())
                .isEqualTo("ApiAccessLogGroup");
        JsonNode format = ServerlessStacks.parse(stage.path("AccessLogSettings").path("Format").asText());
        assertThat(format.path("status").asText()).isEqualTo("$context.status");
        JsonNode permission = stacks.properties("api", "ApiInvokePermission");
        assertThat(permission.path("Principal").asText()).isEqualTo("apigateway.amazonaws.com");
        assertThat(permission.path("SourceArn").path("Fn::Sub").asText()).contains(":${HttpApi}/");
        assertThat(permission.path("FunctionName").path("Ref").asText()).isEqualTo(ApiStack.LIVE_ALIAS);
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void apiGatewayInvokesAnAliasThatOnlyTheDeployerMovesAndMigrationsRunInTheirOwnLongerTimeout(ServerlessCases variation) {
        AwsServerlessTarget target = variation.descriptor().targets().awsServerless().orElseThrow();
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        JsonNode alias = stacks.properties("api", ApiStack.LIVE_ALIAS);
        assertThat(alias.path("Name").asText()).isEqualTo(ApiStack.ALIAS);
        assertThat(alias.path("FunctionVersion").path("Ref").asText())
                .as("a parameter of its own: moved by a stack update after the release, to a maintenance version during maintenance")
                .isEqualTo(ApiStack.ALIAS_VERSION_PARAMETER);
        JsonNode version = stacks.resource("api", ApiStack.VERSION);
        assertThat(version.path("Type").asText()).isEqualTo("AWS::Lambda::Version");
        assertThat(version.path("Properties").path("Description").path("Fn::Sub").asText())
                .as("replaced, so published again, whenever code or configuration change")
                .contains("${" + ApiStack.CONFIGURATION_DIGEST_PARAMETER + "}");
        assertThat(version.path("UpdateReplacePolicy").asText()).as("the version rolled back to stays").isEqualTo("Retain");
        JsonNode api = stacks.properties("api", ApiStack.FUNCTION);
        JsonNode release = stacks.properties("api", ApiStack.RELEASE_FUNCTION);
        assertThat(api.path("Timeout").asInt()).isEqualTo(target.lambda().timeoutSeconds());
        assertThat(release.path("Timeout").asInt()).isEqualTo(900);
        for (String same : List.of("Code", "Environment", "VpcConfig", "Role", "Runtime", "Handler", "MemorySize", "Architectures")) {
            assertThat(release.path(same)).as(same).isEqualTo(api.path(same));
        }
        assertThat(stacks.resourcesOfType("AWS::Lambda::Permission").values())
                .as("API Gateway may invoke the alias only, never the release function")
                .allSatisfy(p -> assertThat(p.path("Properties").path("FunctionName").path("Ref").asText()).isEqualTo(ApiStack.LIVE_ALIAS));
        JsonNode outputs = stacks.template("api").path("Outputs");
        assertThat(outputs.path(ApiStack.RELEASE_FUNCTION_NAME).path("Value").path("Ref").asText()).isEqualTo(ApiStack.RELEASE_FUNCTION);
        assertThat(outputs.path(ApiStack.PUBLISHED_VERSION).path("Value").path("Fn::GetAtt").get(0).asText()).isEqualTo(ApiStack.VERSION);
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void cloudFrontSendsApiPathsToTheHttpApiOverHttps(ServerlessCases variation) {
        AppDescriptor app = variation.descriptor();
        AwsServerlessTarget target = app.targets().awsServerless().orElseThrow();
        StackPlan plan = renderer.plan(app);
        assertThat(plan.stack("static").parameters().get("ApiOriginDomainName"))
                .isEqualTo(new io.tierlift.render.aws.ParameterSource.StackOutput("api", ApiStack.API_DOMAIN_NAME));
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        assertThat(stacks.template("api").path("Outputs").path(ApiStack.API_DOMAIN_NAME).path("Value").path("Fn::Sub").asText())
                .isEqualTo("${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}");
        JsonNode config = stacks.properties("static", "Distribution").path("DistributionConfig");
        JsonNode api = config.path("Origins").get(1);
        assertThat(api.path("DomainName").path("Ref").asText()).isEqualTo("ApiOriginDomainName");
        assertThat(api.path("CustomOriginConfig").path("OriginProtocolPolicy").asText()).isEqualTo("https-only");
        assertThat(api.path("CustomOriginConfig").path("OriginReadTimeout").asInt()).isEqualTo(target.lambda().timeoutSeconds() + 5);
        JsonNode behaviour = config.path("CacheBehaviors").get(0);
        assertThat(behaviour.path("PathPattern").asText()).isEqualTo("/api/*");
        assertThat(behaviour.path("TargetOriginId").asText()).isEqualTo("api");
        assertThat(behaviour.path("FunctionAssociations").isMissingNode())
                .as("no CloudFront function sets an X-Request-ID: the adapter takes API Gateway's id").isTrue();
        assertThat(config.path("WebACLId").path("Ref").asText()).isEqualTo("WebAclArn");
        assertThat(stacks.template("static").path("Description").asText()).contains("/api/* to API Gateway over HTTPS");
        if (target.domain().isPresent()) {
            assertThat(config.path("Aliases")).extracting(JsonNode::asText).containsExactly(target.domain().get());
            assertThat(config.path("ViewerCertificate").path("AcmCertificateArn").asText())
                    .isEqualTo(target.cloudfrontCertificateArn().orElseThrow());
        } else {
            assertThat(config.path("ViewerCertificate").path("CloudFrontDefaultCertificate").asBoolean()).isTrue();
        }
        assertThat(stacks.properties("waf", "WafLogGroup").path("LogGroupName").asText()).startsWith("aws-waf-logs-")
                .endsWith("-sls");
        assertThat(stacks.template("data").path("Outputs").path(StackNames.DB_LOG_GROUP_OUTPUT).path("Value").path("Fn::Sub").asText())
                .as("RDS exports the cluster's log to a group named after it").isEqualTo("/aws/rds/cluster/${DbCluster}/postgresql");
        JsonNode rate = stacks.properties("waf", "WebAcl").path("Rules").get(0).path("Statement").path("RateBasedStatement");
        assertThat(rate.path("Limit").asInt()).isEqualTo(target.wafRateLimit());
    }

    @Test
    void networkHasPrivateSubnetsOnlyAndNoWayOut() {
        for (ServerlessCases variation : ServerlessCases.values()) {
            ServerlessStacks stacks = ServerlessStacks.of(variation);
            JsonNode resources = stacks.template("network").path("Resources");
            List<String> types = new java.util.ArrayList<>();
            resources.forEach(r -> types.add(r.path("Type").asText()));
            assertThat(types).as(variation.caseName())
                    .doesNotContain("AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::EC2::Route",
                            "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::EgressOnlyInternetGateway");
            assertThat(stacks.resourcesOfType("AWS::EC2::Subnet")).hasSize(4).allSatisfy((name, subnet) ->
                    assertThat(subnet.path("Properties").path("MapPublicIpOnLaunch").asBoolean()).as(name).isFalse());
            JsonNode endpoint = stacks.properties("network", "SecretsManagerEndpoint");
            assertThat(endpoint.path("VpcEndpointType").asText()).isEqualTo("Interface");
            assertThat(endpoint.path("PrivateDnsEnabled").asBoolean()).isTrue();
            assertThat(endpoint.path("ServiceName").path("Fn::Sub").asText()).isEqualTo("com.amazonaws.${AWS::Region}.secretsmanager");
        }
    }

    @Test
    void proxyNamesStayWithinRdsRules() {
        assertThat(AuroraStack.proxyName(new io.tierlift.render.aws.iaas.StackNames("notes", "prod", io.tierlift.render.aws.iaas.StackNames.SERVERLESS))).isEqualTo("notes-prod-sls-db");
        // 31 + 31 characters, cut where the app name ends in a hyphen.
        String app = "a-very-long-application-name-x";
        String env = "an-equally-long-environment-one";
        String name = AuroraStack.proxyName(new io.tierlift.render.aws.iaas.StackNames(app + "-", env, io.tierlift.render.aws.iaas.StackNames.SERVERLESS));
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z][a-z0-9-]*[a-z0-9]").doesNotContain("--");
        assertThat(name).isNotEqualTo(AuroraStack.proxyName(new io.tierlift.render.aws.iaas.StackNames(app + "-", "an-equally-long-environment-two", io.tierlift.render.aws.iaas.StackNames.SERVERLESS)));
    }

    @Test
    void subnetsSplitTheVpcInFourEqualBlocks() {
        assertThat(ServerlessNetworkStack.subnets(io.tierlift.model.Cidr.parse("10.50.7.0/24")))
                .extracting(Object::toString)
                .containsExactly("10.50.7.0/26", "10.50.7.64/26", "10.50.7.128/26", "10.50.7.192/26");
    }

    @Test
    void lambdaReservedAndAdapterVariablesAreRefused() {
        String base = TestDescriptors.text("serverless-warm.yaml");
        // (DATABASE_URL itself is refused by the descriptor's own rules already.)
        for (String name : List.of("AWS_REGION", "LAMBDA_TASK_ROOT", "_HANDLER", "TIERLIFT_DB_HOST")) {
            String yaml = base.replace("backend: { wsgi: \"notes.app:app\" }",
                    "backend: { wsgi: \"notes.app:app\", env: { " + name + ": \"x\" } }");
            assertThatThrownBy(() -> renderer.plan(TestDescriptors.fromText(yaml))).as(name)
                    .isInstanceOf(io.tierlift.tier.TierFailure.class)
                    .hasMessageContaining("backend.env." + name);
        }
    }

    @Test
    void tooManyVariablesForLambdaAreRefused() {
        String big = "x".repeat(1500);
        String yaml = TestDescriptors.text("serverless-warm.yaml").replace("backend: { wsgi: \"notes.app:app\" }",
                "backend: { wsgi: \"notes.app:app\", env: { A1: \"" + big + "\", A2: \"" + big + "\", A3: \"" + big + "\" } }");
        assertThatThrownBy(() -> renderer.plan(TestDescriptors.fromText(yaml)))
                .hasMessageContaining("at most 4096");
    }

    @Test
    void adapterIsRenderedWithTheAppsEntryPointAndReleaseCommand() {
        ServerlessStacks example = ServerlessStacks.of(ServerlessCases.EXAMPLE);
        String adapter = example.text(LambdaAdapter.FILE);
        assertThat(adapter).contains("WSGI_MODULE = \"notes.app\"", "WSGI_ATTRIBUTE = \"app\"",
                "RELEASE_COMMAND = \"python -m notes.migrate\"");
        assertThat(ServerlessStacks.of(ServerlessCases.WARM).text(LambdaAdapter.FILE)).contains("RELEASE_COMMAND = \"\"");
    }

    @Test
    void aReleaseCommandWithQuotesStaysOnePythonString() {
        String yaml = TestDescriptors.text("serverless-warm.yaml").replace("backend: { wsgi: \"notes.app:app\" }",
                "backend: { wsgi: \"notes.app:app\", release_command: 'sh -c \"echo \\\\\"hi\\\\\"\" # ok' }");
        AppDescriptor app = TestDescriptors.fromText(yaml);
        String adapter = new LambdaAdapter(new io.tierlift.render.engine.FreemarkerEngine()).render(app);
        String command = app.backend().releaseCommand().orElseThrow();
        assertThat(command).contains("\"").contains("\\");
        String escaped = command.replace("\\", "\\\\").replace("\"", "\\\"");
        assertThat(adapter).contains("RELEASE_COMMAND = \"" + escaped + "\"\n");
    }
}

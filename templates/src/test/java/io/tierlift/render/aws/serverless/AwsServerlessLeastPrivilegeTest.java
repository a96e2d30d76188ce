package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.serverless.ServerlessStacks.asList;
import static org.assertj.core.api.Assertions.assertThat;

/** What the aws-serverless templates allow, checked on the rendered JSON of every variation. */
class AwsServerlessLeastPrivilegeTest {
    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void noPolicyStatementAllowsEverything(ServerlessCases variation) {
        List<JsonNode> statements = ServerlessStacks.of(variation).policyStatements();
        assertThat(statements).as("policy statements found").hasSizeGreaterThan(5);
        for (JsonNode statement : statements) {
            List<String> actions = asList(statement.path("Action")).stream().map(JsonNode::asText).toList();
            List<JsonNode> resources = asList(statement.path("Resource"));
            boolean anyResource = resources.stream().anyMatch(r -> r.isTextual() && r.asText().equals("*"));
            assertThat(actions.contains("*") && anyResource).as("statement %s: Action * on Resource *", statement).isFalse();
            if (statement.path("Effect").asText().equals("Allow")) {
                assertThat(actions).as("allowed actions of %s", statement)
                        .isNotEmpty()
                        .noneMatch(a -> a.equals("*") || a.endsWith(":*"));
                assertThat(anyResource).as("statement %s allows on every resource", statement).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void functionRoleReadsOnlyItsSecretsAndWritesOnlyItsLogs(ServerlessCases variation) {
        AppDescriptor app = variation.descriptor();
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        JsonNode role = stacks.properties("api", "FunctionRole");
        JsonNode trust = role.path("AssumeRolePolicyDocument").path("Statement");
        assertThat(trust).hasSize(1);
        assertThat(trust.get(0).path("Principal").path("Service").asText()).isEqualTo("lambda.amazonaws.com");
        assertThat(role.path("ManagedPolicyArns")).hasSize(1);
        assertThat(role.path("ManagedPolicyArns").get(0).path("Fn::Sub").asText())
                .endsWith(":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
        assertThat(role.path("Policies")).hasSize(1);
        JsonNode statements = role.path("Policies").get(0).path("PolicyDocument").path("Statement");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        List<String> secrets = asList(statements.get(0).path("Resource")).stream().map(r -> r.path("Ref").asText()).toList();
        if (app.backend().hasSecretEnv()) {
            assertThat(secrets).containsExactly("DbSecretArn", "AppDbSecretArn", "OriginSecretArn", "AppSecretArn");
        } else {
            assertThat(secrets).containsExactly("DbSecretArn", "AppDbSecretArn", "OriginSecretArn");
        }
        assertThat(asList(statements.get(1).path("Action"))).extracting(JsonNode::asText)
                .containsExactly("logs:CreateLogStream", "logs:PutLogEvents");
        assertThat(statements.get(1).path("Resource").path("Fn::GetAtt").get(0).asText()).isEqualTo("FunctionLogGroup");
        assertThat(stacks.properties("api", ApiStack.FUNCTION).path("LoggingConfig").path("LogGroup").path("Ref").asText())
                .as("the function logs where its role may write").isEqualTo("FunctionLogGroup");
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void proxyAdmitsTheMasterAndTheAppsRoleAndItsRoleReadsOnlyTheirSecretsForThisAccount(ServerlessCases variation) {
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        if (DatabasePath.of(variation.descriptor().targets().awsServerless().orElseThrow()) == DatabasePath.DIRECT) {
            assertThat(stacks.template("data").path("Resources").has("ProxyRole")).as("no proxy, no proxy role").isFalse();
            return;
        }
        JsonNode role = stacks.properties("data", "ProxyRole");
        JsonNode trust = role.path("AssumeRolePolicyDocument").path("Statement").get(0);
        assertThat(trust.path("Principal").path("Service").asText()).isEqualTo("rds.amazonaws.com");
        assertThat(trust.path("Condition").path("StringEquals").path("aws:SourceAccount").path("Ref").asText()).isEqualTo("AWS::AccountId");
        JsonNode statements = role.path("Policies").get(0).path("PolicyDocument").path("Statement");
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        JsonNode readable = statements.get(0).path("Resource");
        assertThat(readable).hasSize(2);
        assertThat(readable.get(0).path("Fn::GetAtt")).extracting(JsonNode::asText)
                .containsExactly("DbCluster", "MasterUserSecret.SecretArn");
        assertThat(readable.get(1).path("Ref").asText()).isEqualTo("AppDbSecret");
        JsonNode proxy = stacks.properties("data", "DbProxy");
        assertThat(proxy.path("RequireTLS").asBoolean()).isTrue();
        JsonNode auth = proxy.path("Auth");
        assertThat(auth).hasSize(2);
        assertThat(auth.get(0).path("SecretArn").path("Fn::GetAtt").get(1).asText()).isEqualTo("MasterUserSecret.SecretArn");
        assertThat(auth.get(1).path("SecretArn").path("Ref").asText()).isEqualTo("AppDbSecret");
        for (JsonNode entry : auth) {
            assertThat(entry.path("ClientPasswordAuthType").asText()).isEqualTo("POSTGRES_SCRAM_SHA_256");
            assertThat(entry.path("IAMAuth").asText()).isEqualTo("DISABLED");
        }
        JsonNode secret = stacks.properties("data", "AppDbSecret").path("GenerateSecretString");
        assertThat(secret.path("SecretStringTemplate").asText())
                .isEqualTo("{\"username\":\"" + variation.descriptor().database().user() + "_app\"}");
        assertThat(secret.path("GenerateStringKey").asText()).isEqualTo("password");
        assertThat(secret.path("ExcludePunctuation").asBoolean()).isTrue();
    }

    @Test
    void secretsEndpointLetsOnlyThisAccountsSecretsBeRead() {
        JsonNode policy = ServerlessStacks.of(ServerlessCases.EXAMPLE).properties("network", "SecretsManagerEndpoint")
                .path("PolicyDocument").path("Statement");
        assertThat(policy).hasSize(1);
        assertThat(policy.get(0).path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(policy.get(0).path("Resource").path("Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*");
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void eachSecurityGroupAdmitsOneSourceOnOnePort(ServerlessCases variation) {
        int dbPort = variation.descriptor().database().port();
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        assertThat(stacks.properties("network", ServerlessNetworkStack.FUNCTION_GROUP).has("SecurityGroupIngress"))
                .as("nothing connects to the function").isFalse();
        assertSingleIngress(stacks, ServerlessNetworkStack.ENDPOINT_GROUP, 443, ServerlessNetworkStack.FUNCTION_GROUP);
        stacks.resourcesOfType("AWS::EC2::SecurityGroup").forEach((name, group) ->
                assertThat(group.path("Properties").path("SecurityGroupEgress")).as(name).hasSize(1).allSatisfy(rule ->
                        assertThat(rule.path("CidrIp").asText()).isEqualTo("127.0.0.1/32")));
        Map<String, JsonNode> egress = stacks.resourcesOfType("AWS::EC2::SecurityGroupEgress");
        assertEgress(egress.get("network/FunctionToSecretsEgress"), ServerlessNetworkStack.FUNCTION_GROUP,
                ServerlessNetworkStack.ENDPOINT_GROUP, 443);
        if (DatabasePath.of(variation.descriptor().targets().awsServerless().orElseThrow()) == DatabasePath.DIRECT) {
            // Without a proxy the function reaches the cluster itself.
            assertSingleIngress(stacks, ServerlessNetworkStack.DB_GROUP, dbPort, ServerlessNetworkStack.FUNCTION_GROUP);
            assertThat(egress.keySet()).containsExactlyInAnyOrder("network/FunctionToDbEgress", "network/FunctionToSecretsEgress");
            assertEgress(egress.get("network/FunctionToDbEgress"), ServerlessNetworkStack.FUNCTION_GROUP,
                    ServerlessNetworkStack.DB_GROUP, dbPort);
            return;
        }
        assertSingleIngress(stacks, ServerlessNetworkStack.PROXY_GROUP, 5432, ServerlessNetworkStack.FUNCTION_GROUP);
        assertSingleIngress(stacks, ServerlessNetworkStack.DB_GROUP, dbPort, ServerlessNetworkStack.PROXY_GROUP);
        assertThat(stacks.resourcesOfType("AWS::EC2::SecurityGroupIngress")).as("separate ingress rules").isEmpty();

        // Egress: every group's inline rule matches nothing; the real paths are the three separate rules.
        assertThat(egress.keySet()).containsExactlyInAnyOrder("network/FunctionToProxyEgress", "network/FunctionToSecretsEgress",
                "network/ProxyToDbEgress");
        assertEgress(egress.get("network/FunctionToProxyEgress"), ServerlessNetworkStack.FUNCTION_GROUP, ServerlessNetworkStack.PROXY_GROUP, 5432);
        assertEgress(egress.get("network/ProxyToDbEgress"), ServerlessNetworkStack.PROXY_GROUP, ServerlessNetworkStack.DB_GROUP, dbPort);
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void noRuleOrResourceOpensToTheInternet(ServerlessCases variation) {
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        for (String stack : List.of("network", "data", "api")) {
            assertThat(stacks.template(stack).toString()).as(stack).doesNotContain("0.0.0.0/0").doesNotContain("::/0");
        }
        JsonNode instance = stacks.properties("data", "DbInstance");
        assertThat(instance.path("PubliclyAccessible").isBoolean()).isTrue();
        assertThat(instance.path("PubliclyAccessible").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void databaseIsEncryptedKeptAndHasNoPasswordInTheTemplate(ServerlessCases variation) {
        var aurora = variation.descriptor().targets().awsServerless().orElseThrow().database();
        ServerlessStacks stacks = ServerlessStacks.of(variation);
        JsonNode cluster = stacks.resource("data", "DbCluster");
        JsonNode properties = cluster.path("Properties");
        assertThat(properties.path("Engine").asText()).isEqualTo("aurora-postgresql");
        // Encrypted when made empty; a restore takes the encryption of its (encrypted) source.
        assertThat(properties.path("StorageEncrypted").path("Fn::If").path(2).asBoolean()).isTrue();
        assertThat(properties.path("ManageMasterUserPassword").asBoolean()).isTrue();
        assertThat(properties.has("MasterUserPassword")).isFalse();
        assertThat(properties.path("DeletionProtection").asBoolean()).isEqualTo(aurora.deletionProtection());
        assertThat(properties.path("BackupRetentionPeriod").asInt()).isEqualTo(aurora.backupRetentionDays());
        assertThat(cluster.path("DeletionPolicy").asText()).isEqualTo("Snapshot");
        // Replaced only by a restore (the stack policy refuses it otherwise), which keeps the old one until --finalize.
        assertThat(cluster.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");
        assertThat(stacks.properties("data", "DbInstance").path("DBInstanceClass").asText()).isEqualTo("db.serverless");
        JsonNode parameters = stacks.properties("data", "DbClusterParameterGroup").path("Parameters");
        if (DatabasePath.of(variation.descriptor().targets().awsServerless().orElseThrow()) == DatabasePath.PROXY) {
            assertThat(parameters.path("rds.logical_replication").asText()).isEqualTo("1");
        }
        assertThat(parameters.path("rds.force_ssl").asText()).isEqualTo("1");
        stacks.templates().forEach((stack, template) -> assertThat(template.toString())
                .as("stack %s", stack).doesNotContain("\"MasterUserPassword\"").doesNotContain("\"NoEcho\""));
    }

    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void bucketsArePrivateEncryptedAndIgnoreAcls(ServerlessCases variation) {
        Map<String, JsonNode> buckets = ServerlessStacks.of(variation).resourcesOfType("AWS::S3::Bucket");
        assertThat(buckets.keySet()).containsExactlyInAnyOrder("artifacts/ArtifactBucket", "static/SiteBucket");
        buckets.forEach((name, bucket) -> {
            JsonNode block = bucket.path("Properties").path("PublicAccessBlockConfiguration");
            for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                assertThat(block.path(flag).asBoolean()).as("%s %s", name, flag).isTrue();
            }
        });
    }

    private static void assertSingleIngress(ServerlessStacks stacks, String group, int port, String source) {
        JsonNode ingress = stacks.properties("network", group).path("SecurityGroupIngress");
        assertThat(ingress).as("inline ingress of %s", group).hasSize(1);
        JsonNode rule = ingress.get(0);
        assertThat(rule.path("IpProtocol").asText()).isEqualTo("tcp");
        assertThat(rule.path("FromPort").asInt()).as(group).isEqualTo(port);
        assertThat(rule.path("ToPort").asInt()).as(group).isEqualTo(port);
        assertThat(rule.path("SourceSecurityGroupId").path("Ref").asText()).as(group).isEqualTo(source);
        assertThat(rule.has("CidrIp") || rule.has("CidrIpv6") || rule.has("SourcePrefixListId")).as(group).isFalse();
    }

    private static void assertEgress(JsonNode rule, String from, String to, int port) {
        JsonNode p = rule.path("Properties");
        assertThat(p.path("GroupId").path("Fn::GetAtt").get(0).asText()).isEqualTo(from);
        assertThat(p.path("DestinationSecurityGroupId").path("Fn::GetAtt").get(0).asText()).isEqualTo(to);
        assertThat(p.path("FromPort").asInt()).isEqualTo(port);
        assertThat(p.path("ToPort").asInt()).isEqualTo(port);
        assertThat(p.path("IpProtocol").asText()).isEqualTo("tcp");
    }
}

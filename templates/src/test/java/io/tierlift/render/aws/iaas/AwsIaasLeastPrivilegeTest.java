package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsIaasTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.iaas.RenderedStacks.asList;
import static org.assertj.core.api.Assertions.assertThat;

/** What the templates allow, checked on the rendered JSON of every variation. */
class AwsIaasLeastPrivilegeTest {
    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void noPolicyStatementAllowsEverything(IaasCases variation) {
        List<JsonNode> statements = new RenderedStacks(variation.render()).policyStatements();
        assertThat(statements).as("policy statements found").isNotEmpty();
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

    @Test
    void instanceRoleReadsOnlyReleasesItsSecretsAndWritesItsLogs() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode statements = stacks.resource("compute", "InstanceRole")
                .path("Properties").path("Policies").get(0).path("PolicyDocument").path("Statement");
        assertThat(statements).hasSize(5);
        assertThat(statements.get(0).path("Action").asText()).isEqualTo("s3:GetObject");
        assertThat(statements.get(0).path("Resource").path("Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:s3:::${ArtifactBucketName}/releases/*");
        assertThat(statements.get(1).path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(asList(statements.get(1).path("Resource"))).extracting(r -> r.path("Ref").asText())
                .containsExactly("DbSecretArn", "AppDbSecretArn", "AppSecretArn");
        assertThat(statements.get(2).path("Resource").path("Fn::GetAtt").get(0).asText()).isEqualTo("AppLogGroup");
    }

    @Test
    void instancesAreManagedBySystemsManagerSoExecCanReachThemWithoutAnOpenPort() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode role = stacks.resource("compute", "InstanceRole").path("Properties");
        assertThat(asList(role.path("ManagedPolicyArns"))).extracting(arn -> arn.path("Fn::Sub").asText())
                .containsExactly("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore");
        JsonNode findGroups = role.path("Policies").get(0).path("PolicyDocument").path("Statement").get(3);
        assertThat(findGroups.path("Action").asText()).as("Run Command's agent looks the log group up").isEqualTo("logs:DescribeLogGroups");
        assertThat(findGroups.path("Resource").path("Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*");
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void databaseAcceptsOnlyTheAppOnItsPort(IaasCases variation) {
        AppDescriptor app = variation.descriptor();
        RenderedStacks stacks = new RenderedStacks(variation.render());
        JsonNode ingress = stacks.resource("network", SecurityGroups.DB).path("Properties").path("SecurityGroupIngress");
        assertThat(ingress).as("inline ingress of the database group").hasSize(1);
        JsonNode rule = ingress.get(0);
        assertThat(rule.path("IpProtocol").asText()).isEqualTo("tcp");
        assertThat(rule.path("FromPort").asInt()).isEqualTo(app.database().port());
        assertThat(rule.path("ToPort").asInt()).isEqualTo(app.database().port());
        assertThat(rule.path("SourceSecurityGroupId").path("Ref").asText()).isEqualTo(SecurityGroups.APP);
        assertThat(rule.has("CidrIp") || rule.has("CidrIpv6") || rule.has("SourcePrefixListId")).isFalse();
        assertNoSeparateIngressInto(stacks, SecurityGroups.DB);
        assertThat(stacks.resource("network", SecurityGroups.DB).path("Properties").path("SecurityGroupEgress"))
                .as("the database sends nothing of its own")
                .allSatisfy(egress -> assertThat(egress.path("CidrIp").asText()).isEqualTo("127.0.0.1/32"));
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void loadBalancerAcceptsOnlyCloudFront(IaasCases variation) {
        AwsIaasTarget target = variation.descriptor().targets().awsIaas().orElseThrow();
        RenderedStacks stacks = new RenderedStacks(variation.render());
        JsonNode ingress = stacks.resource("network", SecurityGroups.ALB).path("Properties").path("SecurityGroupIngress");
        assertThat(ingress).as("inline ingress of the load balancer group").hasSize(1);
        for (JsonNode rule : ingress) {
            assertThat(rule.path("CidrIp").asText()).isNotEqualTo("0.0.0.0/0");
            assertThat(rule.has("CidrIp") || rule.has("CidrIpv6")).as("ALB ingress by address range").isFalse();
            assertThat(rule.path("SourcePrefixListId").path("Ref").asText()).isEqualTo(NetworkStack.PREFIX_LIST_PARAMETER);
            int port = target.certificateArn().isPresent() ? 443 : 80;
            assertThat(rule.path("FromPort").asInt()).isEqualTo(port);
            assertThat(rule.path("ToPort").asInt()).isEqualTo(port);
        }
        assertNoSeparateIngressInto(stacks, SecurityGroups.ALB);
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void appAcceptsOnlyTheLoadBalancerOnGunicornsPort(IaasCases variation) {
        int port = variation.descriptor().backend().port();
        RenderedStacks stacks = new RenderedStacks(variation.render());
        JsonNode ingress = stacks.resource("network", SecurityGroups.APP).path("Properties").path("SecurityGroupIngress");
        assertThat(ingress).hasSize(1);
        assertThat(ingress.get(0).path("SourceSecurityGroupId").path("Ref").asText()).isEqualTo(SecurityGroups.ALB);
        assertThat(ingress.get(0).path("FromPort").asInt()).isEqualTo(port);
        assertThat(ingress.get(0).path("ToPort").asInt()).isEqualTo(port);
        assertNoSeparateIngressInto(stacks, SecurityGroups.APP);
        JsonNode albToApp = stacks.resource("network", "AlbToAppEgress").path("Properties");
        assertThat(albToApp.path("FromPort").asInt()).isEqualTo(port);
        assertThat(albToApp.path("DestinationSecurityGroupId").path("Fn::GetAtt").get(0).asText()).isEqualTo(SecurityGroups.APP);
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void databaseIsEncryptedPrivateKeptAndHasNoPasswordInTheTemplate(IaasCases variation) {
        AwsIaasTarget target = variation.descriptor().targets().awsIaas().orElseThrow();
        RenderedStacks stacks = new RenderedStacks(variation.render());
        JsonNode db = stacks.resource("data", "Database");
        JsonNode properties = db.path("Properties");
        // Encrypted when made empty; a restore takes the encryption of its (encrypted) source.
        assertThat(properties.path("StorageEncrypted").path("Fn::If").path(2).asBoolean()).isTrue();
        assertThat(properties.path("ManageMasterUserPassword").asBoolean()).isTrue();
        assertThat(properties.has("MasterUserPassword")).isFalse();
        assertThat(properties.path("PubliclyAccessible").isBoolean()).isTrue();
        assertThat(properties.path("PubliclyAccessible").asBoolean()).isFalse();
        assertThat(properties.path("DeletionProtection").asBoolean()).isEqualTo(target.database().deletionProtection());
        assertThat(properties.path("MultiAZ").asBoolean()).isEqualTo(target.database().multiAz());
        assertThat(db.path("DeletionPolicy").asText()).isEqualTo("Snapshot");
        // Replaced only by a restore (the stack policy refuses it otherwise), which keeps the old one until --finalize.
        assertThat(db.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");
        JsonNode parameters = stacks.resource("data", "DbParameterGroup").path("Properties").path("Parameters");
        assertThat(parameters.path("rds.force_ssl").asText()).isEqualTo("1");
        assertThat(parameters.path("rds.logical_replication").asText()).isEqualTo("1");
        assertThat(stacks.resource("data", "DbParameterGroup").path("Properties").path("Family").asText())
                .isEqualTo("postgres" + target.database().engineVersion().split("\\.")[0]);
        stacks.templates().forEach((stack, template) -> assertThat(template.toString())
                .as("stack %s", stack).doesNotContain("\"MasterUserPassword\"").doesNotContain("\"NoEcho\""));
    }

    @Test
    void deletionProtectionIsOnByDefault() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        assertThat(stacks.resource("data", "Database").path("Properties").path("DeletionProtection").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void instancesRequireImdsV2AndEncryptTheirDisk(IaasCases variation) {
        RenderedStacks stacks = new RenderedStacks(variation.render());
        JsonNode data = stacks.resource("compute", "LaunchTemplate").path("Properties").path("LaunchTemplateData");
        assertThat(data.path("MetadataOptions").path("HttpTokens").asText()).isEqualTo("required");
        assertThat(data.path("MetadataOptions").path("HttpPutResponseHopLimit").asInt()).isEqualTo(1);
        assertThat(data.path("BlockDeviceMappings")).isNotEmpty().allSatisfy(mapping -> {
            assertThat(mapping.path("Ebs").path("Encrypted").asBoolean()).isTrue();
            assertThat(mapping.path("Ebs").path("VolumeType").asText()).isEqualTo("gp3");
        });
        assertThat(data.path("ImageId").path("Ref").asText()).isEqualTo(ComputeStack.IMAGE_PARAMETER);
        assertThat(stacks.template("compute").path("Parameters").path(ComputeStack.IMAGE_PARAMETER).path("Type").asText())
                .isEqualTo("AWS::EC2::Image::Id");
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void bucketsArePrivateEncryptedAndIgnoreAcls(IaasCases variation) {
        Map<String, JsonNode> buckets = new RenderedStacks(variation.render()).resourcesOfType("AWS::S3::Bucket");
        assertThat(buckets.keySet()).containsExactlyInAnyOrder("artifacts/ArtifactBucket", "static/SiteBucket");
        buckets.forEach((name, bucket) -> {
            JsonNode properties = bucket.path("Properties");
            JsonNode block = properties.path("PublicAccessBlockConfiguration");
            for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                assertThat(block.path(flag).asBoolean()).as("%s %s", name, flag).isTrue();
            }
            assertThat(properties.path("BucketEncryption").path("ServerSideEncryptionConfiguration")).as(name).isNotEmpty();
            assertThat(properties.path("OwnershipControls").path("Rules").get(0).path("ObjectOwnership").asText())
                    .isEqualTo("BucketOwnerEnforced");
        });
    }

    @Test
    void siteBucketAdmitsOnlyThisDistribution() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode statements = stacks.resource("static", "SiteBucketPolicy").path("Properties").path("PolicyDocument").path("Statement");
        JsonNode allow = statements.get(0);
        assertThat(allow.path("Principal").path("Service").asText()).isEqualTo("cloudfront.amazonaws.com");
        assertThat(allow.path("Action").asText()).isEqualTo("s3:GetObject");
        assertThat(allow.path("Condition").path("StringEquals").path("AWS:SourceArn").path("Fn::Sub").asText())
                .endsWith(":distribution/${Distribution}");
        assertThat(statements.get(1).path("Effect").asText()).isEqualTo("Deny");
    }

    private static void assertNoSeparateIngressInto(RenderedStacks stacks, String group) {
        stacks.resourcesOfType("AWS::EC2::SecurityGroupIngress").forEach((name, rule) ->
                assertThat(rule.path("Properties").path("GroupId").toString()).as(name).doesNotContain("\"" + group + "\""));
    }
}

package io.tierlift.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.provider.Target;
import org.junit.jupiter.api.Test;

import static io.tierlift.audit.OnpremAuditTest.assertOnly;
import static org.assertj.core.api.Assertions.assertThat;

/** Each CloudFormation rule fires exactly once on an aws-iaas rendering weakened in its one way. */
class AwsIaasAuditTest {
    private static AuditFixture example() {
        return AuditFixture.example("app.yaml", Target.AWS_IAAS);
    }

    private static ObjectNode props(ObjectNode resources, String id) {
        return (ObjectNode) resources.get(id).get("Properties");
    }

    @Test
    void theExamplePasses() {
        AuditReport report = example().audit();
        assertThat(report.results()).isEmpty();
        assertThat(report.passed()).isTrue();
    }

    @Test
    void unencryptedStorage() {
        assertOnly(example().editResources("data.template.json", r -> props(r, "Database").put("StorageEncrypted", false)).audit(), "aws.storage-encryption");
        AuditReport bucket = example().editResources("artifacts.template.json", r -> props(r, "ArtifactBucket").remove("BucketEncryption")).audit();
        assertOnly(bucket, "aws.storage-encryption");
        assertThat(bucket.findings().get(0).where().toString()).isEqualTo("stack artifacts / ArtifactBucket");
    }

    @Test
    void publicBucket() {
        assertOnly(example().editResources("static.template.json",
                r -> ((ObjectNode) props(r, "SiteBucket").get("PublicAccessBlockConfiguration")).put("RestrictPublicBuckets", false)).audit(), "aws.s3-public-access");
    }

    @Test
    void worldOpenSecurityGroup() {
        AuditReport report = example().editResources("network.template.json", r -> {
            ObjectNode rule = (ObjectNode) props(r, "DbSecurityGroup").get("SecurityGroupIngress").get(0);
            rule.remove("SourceSecurityGroupId");
            rule.put("CidrIp", "0.0.0.0/0");
        }).audit();
        assertOnly(report, "aws.sg-open-ingress");
        assertThat(report.findings().get(0).where().resource()).isEqualTo("DbSecurityGroup");
    }

    @Test
    void loadBalancerReachableWithoutCloudFront() {
        AuditReport report = example().editResources("network.template.json", r -> {
            ObjectNode rule = (ObjectNode) props(r, "AlbSecurityGroup").get("SecurityGroupIngress").get(0);
            rule.remove("SourcePrefixListId");
            rule.put("CidrIp", "198.51.100.0/24");
        }).audit();
        assertOnly(report, "aws.alb-origin-only");
        assertThat(report.findings().get(0).where().resource()).isEqualTo("AlbSecurityGroup");
    }

    @Test
    void loadBalancerForwardingEveryRequestByDefault() {
        AuditReport report = example().editResources("compute.template.json", r -> r.properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::ElasticLoadBalancingV2::Listener")) {
                ((ObjectNode) e.getValue().get("Properties").get("DefaultActions").get(0)).removeAll()
                        .put("Type", "forward").putObject("TargetGroupArn").put("Ref", "TargetGroup");
            }
        })).audit();
        assertOnly(report, "aws.origin-secret");
        assertThat(report.findings().get(0).what()).contains("default action forwards every request");
    }

    @Test
    void loadBalancerRuleForwardingOnAValueWrittenIntoTheTemplate() {
        AuditReport report = example().editResources("compute.template.json", r -> {
            ObjectNode header = (ObjectNode) props(r, "ForwardWithOriginSecret").get("Conditions").get(0).get("HttpHeaderConfig");
            header.putArray("Values").add("not-a-secret");
        }).audit();
        assertOnly(report, "aws.origin-secret");
        assertThat(report.findings().get(0).where().resource()).isEqualTo("ForwardWithOriginSecret");
    }

    @Test
    void cloudFrontApiOriginWithoutTheSecretHeader() {
        AuditReport report = example().editResources("static.template.json", r -> {
            for (var origin : props(r, "Distribution").get("DistributionConfig").get("Origins")) {
                ((ObjectNode) origin).remove("OriginCustomHeaders");
            }
        }).audit();
        assertOnly(report, "aws.origin-secret");
        assertThat(report.findings().get(0).what()).contains("origin api");
    }

    @Test
    void dataStackWithoutItsStackPolicy() {
        AuditReport report = example().without("data.stack-policy.json").audit();
        assertOnly(report, "aws.database-stack-policy");
        assertThat(report.findings().get(0).where().toString()).isEqualTo("stack data / Database");
    }

    @Test
    void stackPolicyThatLetsTheDatabaseBeDeleted() {
        AuditReport report = example().edit("data.stack-policy.json", text -> text.replace("\"Update:Delete\"", "\"Update:Modify\"")).audit();
        assertOnly(report, "aws.database-stack-policy");
        assertThat(report.findings().get(0).what()).contains("Update:Delete");
    }

    @Test
    void serverlessExamplePassesAndItsFunctionMustCheckTheOriginSecret() {
        AuditFixture serverless = AuditFixture.example("app.yaml", Target.AWS_SERVERLESS);
        assertThat(serverless.audit().results()).isEmpty();
        AuditReport report = serverless.editResources("api.template.json",
                r -> ((ObjectNode) props(r, "Function").get("Environment").get("Variables")).remove("TIERLIFT_ORIGIN_SECRET_ARN")).audit();
        assertOnly(report, "aws.origin-secret");
        assertThat(report.findings().get(0).where().toString()).isEqualTo("stack api / Function");
        assertOnly(serverless.without("data.stack-policy.json").audit(), "aws.database-stack-policy");
    }

    @Test
    void appConnectingAsTheMasterUser() {
        AuditReport iaas = example().edit("compute.template.json", t -> t.replace("TIERLIFT_APP_DB_SECRET_ARN", "TIERLIFT_UNUSED_ARN"))
                .audit();
        assertOnly(iaas, "aws.app-database-role");
        AuditReport serverless = AuditFixture.example("app.yaml", Target.AWS_SERVERLESS).editResources("api.template.json",
                r -> ((ObjectNode) props(r, "Function").get("Environment").get("Variables")).remove("TIERLIFT_APP_DB_SECRET_ARN")).audit();
        assertOnly(serverless, "aws.app-database-role");
        assertThat(serverless.findings().get(0).where().toString()).isEqualTo("stack api / Function");
    }

    @Test
    void instancesWhoseUserDataHeaderHandsOverOnlyTheMasterSecretConnectAsTheMaster() {
        // The header's assignments are what the instance is handed; the body that uses them travels packed.
        String appSecretLine = "TIERLIFT_APP_DB_SECRET_ARN='${AppDbSecretArn}'\\n";
        AuditFixture fixture = example();
        assertThat(fixture.audit().results()).isEmpty();
        AuditReport report = fixture.edit("compute.template.json", t -> {
            assertThat(t).contains(appSecretLine);
            return t.replace(appSecretLine, "");
        }).audit();
        assertOnly(report, "aws.app-database-role");
        assertThat(report.findings().get(0).where().toString()).isEqualTo("stack compute / LaunchTemplate");
    }

    @Test
    void databaseWithoutAutomatedBackups() {
        AuditReport off = example().editResources("data.template.json", r -> props(r, "Database").put("BackupRetentionPeriod", 0)).audit();
        assertOnly(off, "aws.database-backups");
        assertThat(off.findings().get(0).where().toString()).isEqualTo("stack data / Database");
        assertOnly(example().editResources("data.template.json", r -> props(r, "Database").remove("BackupRetentionPeriod")).audit(),
                "aws.database-backups");
        AuditFixture serverless = AuditFixture.example("app.yaml", Target.AWS_SERVERLESS);
        assertOnly(serverless.editResources("data.template.json", r -> props(r, "DbCluster").put("BackupRetentionPeriod", 0)).audit(),
                "aws.database-backups");
    }

    @Test
    void imageResolvedAgainOnEveryUpdate() {
        AuditReport parameterType = example().edit("compute.template.json", t -> t.replace("\"Type\": \"AWS::EC2::Image::Id\"",
                "\"Type\": \"AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\"")).audit();
        assertOnly(parameterType, "aws.pinned-image");
        AuditReport reference = example().editResources("compute.template.json", r -> ((ObjectNode) props(r, "LaunchTemplate")
                .get("LaunchTemplateData")).put("ImageId", "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}"))
                .audit();
        assertOnly(reference, "aws.pinned-image");
    }

    @Test
    void imdsV1() {
        assertOnly(example().editResources("compute.template.json",
                r -> ((ObjectNode) props(r, "LaunchTemplate").get("LaunchTemplateData").get("MetadataOptions")).put("HttpTokens", "optional")).audit(), "aws.imdsv2");
    }

    @Test
    void unprotectedDatabase() {
        assertOnly(example().editResources("data.template.json", r -> props(r, "Database").put("DeletionProtection", false)).audit(), "aws.rds-protection");
        assertOnly(example().editResources("data.template.json", r -> ((ObjectNode) r.get("Database")).put("DeletionPolicy", "Delete")).audit(), "aws.rds-protection");
    }

    @Test
    void distributionWithoutWaf() {
        assertOnly(example().editResources("static.template.json",
                r -> ((ObjectNode) props(r, "Distribution").get("DistributionConfig")).remove("WebACLId")).audit(), "aws.cloudfront-waf");
    }

    @Test
    void plainHttpViewers() {
        assertOnly(example().editResources("static.template.json",
                r -> ((ObjectNode) props(r, "Distribution").get("DistributionConfig").get("DefaultCacheBehavior")).put("ViewerProtocolPolicy", "allow-all")).audit(),
                "aws.cloudfront-https");
    }

    @Test
    void adminPolicy() {
        AuditReport report = example().editResources("compute.template.json", r -> {
            ObjectNode statement = (ObjectNode) props(r, "InstanceRole").get("Policies").get(0).get("PolicyDocument").get("Statement").get(0);
            statement.put("Action", "*");
            statement.put("Resource", "*");
        }).audit();
        assertOnly(report, "aws.iam-least-privilege");
    }
}

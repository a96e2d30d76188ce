package io.tierlift.aws.migrate;

import io.tierlift.aws.secretsmanager.SecretsManagerResolver;

import io.tierlift.aws.testing.MotoServer;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AWS side of migrate against moto_server: the ALB maintenance rule on and off (twice each),
 * the RDS endpoint from a data stack's outputs, and the master secret's password from Secrets Manager.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsMigrationMotoTest {
    private static final Region REGION = Region.EU_WEST_1;

    private MotoServer moto;
    private CloudFormationClient cfn;
    private ElasticLoadBalancingV2Client elb;
    private Ec2Client ec2;
    private SecretsManagerClient secrets;

    @BeforeAll
    void start() throws Exception {
        moto = MotoServer.start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        cfn = CloudFormationClient.builder().region(REGION).endpointOverride(moto.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        elb = ElasticLoadBalancingV2Client.builder().region(REGION).endpointOverride(moto.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        ec2 = Ec2Client.builder().region(REGION).endpointOverride(moto.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        secrets = SecretsManagerClient.builder().region(REGION).endpointOverride(moto.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{cfn, elb, ec2, secrets, moto}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A stack that only carries outputs, as the renderer's stacks do for the values migrate reads. */
    private void stackWithOutputs(String name, String... keyValues) {
        StringBuilder outputs = new StringBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            outputs.append(i == 0 ? "" : ",").append("\"").append(keyValues[i]).append("\":{\"Value\":\"").append(keyValues[i + 1]).append("\"}");
        }
        String template = "{\"Resources\":{\"Handle\":{\"Type\":\"AWS::CloudFormation::WaitConditionHandle\"}},\"Outputs\":{" + outputs + "}}";
        cfn.createStack(r -> r.stackName(name).templateBody(template));
    }

    @Test
    void theAlbMaintenanceRuleAnswers503OnEveryListenerAndGoesAwayAgain() {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.30.0.0/16")).vpc().vpcId();
        String a = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.30.1.0/24").availabilityZone("eu-west-1a")).subnet().subnetId();
        String b = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.30.2.0/24").availabilityZone("eu-west-1b")).subnet().subnetId();
        LoadBalancer alb = elb.createLoadBalancer(r -> r.name("notes-alb").subnets(a, b)).loadBalancers().get(0);
        for (int port : new int[]{80, 8080}) {
            elb.createListener(r -> r.loadBalancerArn(alb.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(port)
                    .defaultActions(d -> d.type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("404"))));
        }
        stackWithOutputs("notes-default-compute", "AlbDnsName", alb.dnsName());
        AlbMaintenance maintenance = new AlbMaintenance(cfn, elb);

        assertThat(maintenance.isOn("notes-default-compute")).isFalse();
        assertThat(maintenance.set("notes-default-compute", true)).as("one rule per listener").isEqualTo(2);
        assertThat(maintenance.set("notes-default-compute", true)).as("already on: nothing added").isZero();
        assertThat(maintenance.isOn("notes-default-compute")).isTrue();
        for (var listener : elb.describeListeners(r -> r.loadBalancerArn(alb.loadBalancerArn())).listeners()) {
            List<Rule> rules = elb.describeRules(r -> r.listenerArn(listener.listenerArn())).rules().stream()
                    .filter(rule -> !rule.isDefault()).toList();
            assertThat(rules).hasSize(1);
            assertThat(rules.get(0).priority()).isEqualTo("1");
            var response = rules.get(0).actions().get(0).fixedResponseConfig();
            assertThat(response.statusCode()).isEqualTo("503");
            assertThat(response.messageBody()).contains("Down for maintenance");
        }
        assertThat(maintenance.set("notes-default-compute", false)).isEqualTo(2);
        assertThat(maintenance.set("notes-default-compute", false)).as("already off").isZero();
        assertThat(maintenance.isOn("notes-default-compute")).isFalse();
    }

    @Test
    void aComputeStackWithoutTheAlbOutputIsNamedInTheError() {
        stackWithOutputs("broken-compute", "SomethingElse", "x");
        assertThatThrownBy(() -> new AlbMaintenance(cfn, elb).set("broken-compute", true)).isInstanceOf(AwsMigrationException.class)
                .hasMessageContaining("stack broken-compute has no output AlbDnsName");
        assertThatThrownBy(() -> new AlbMaintenance(cfn, elb).set("never-deployed", true)).isInstanceOf(AwsMigrationException.class)
                .hasMessageContaining("never-deployed");
    }

    @Test
    void theRdsEndpointComesFromTheDataStacksOutputs() {
        stackWithOutputs("notes-default-data", "DbEndpointAddress", "notes.abc.eu-west-1.rds.amazonaws.com", "DbEndpointPort", "5432",
                "DbSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf");
        RdsEndpointLookup.Endpoint endpoint = new RdsEndpointLookup(cfn).find("notes-default-data");
        assertThat(endpoint).isEqualTo(new RdsEndpointLookup.Endpoint("notes.abc.eu-west-1.rds.amazonaws.com", 5432,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf"));
    }

    @Test
    void theMasterSecretsPasswordIsReadAndNothingOfItLeaksInErrors() {
        String json = secrets.createSecret(r -> r.name("rds-master").secretString("{\"username\":\"notes\",\"password\":\"pw-'\\\"x\"}")).arn();
        String plain = secrets.createSecret(r -> r.name("plain").secretString("plain-value")).arn();
        SecretsManagerResolver passwords = new SecretsManagerResolver(region -> {
            assertThat(region).isEqualTo("eu-west-1");
            return secrets;
        }, "us-east-1");
        assertThat(passwords.apply(SecretRef.parse("${aws-sm:" + json + "}").orElseThrow()).reveal()).isEqualTo("pw-'\"x");
        assertThat(passwords.apply(SecretRef.parse("${aws-sm:" + plain + "}").orElseThrow()).reveal()).isEqualTo("plain-value");
        String missing = json.replace("rds-master", "no-such-secret");
        assertThatThrownBy(() -> passwords.apply(SecretRef.parse("${aws-sm:" + missing + "}").orElseThrow()))
                .isInstanceOf(SecretUnavailableException.class).hasMessageNotContaining("pw-");
    }
}

package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maintenance on|off} on both AWS tiers against moto_server, the CLI in-process, the switch read
 * back with the SDK: on aws-iaas the fixed-503 rule of priority 1 on the ALB's listener, on
 * aws-serverless TIERLIFT_MAINTENANCE in the configuration of the version the alias serves. Each tier:
 * on (a second on changes nothing and says so), status and status --output json show it, a deploy
 * that changes the tier keeps it on (on aws-serverless the alias never points at the new code without
 * the switch: read from the shim's log of alias moves), off removes it.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MaintenanceAwsTiersMotoTest {
    private static final String REGION = "eu-west-1";
    private static final String COMPUTE_STACK = "notes-default-iaas-compute";
    private static final String API_STACK = "notes-default-sls-api";

    /** moto runs no Lambda code: the release command succeeds here. */
    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("the AWS tiers", MotoApp.releaseSucceeding(""));
    private MotoShim moto;
    private Path root;
    private Path iaas;
    private Path serverless;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private ElasticLoadBalancingV2Client elb;
    private LambdaClient lambda;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-maintenance-e2e-");
        Path app = MotoApp.copyExample(root.resolve("app"), MotoApp.NO_DEPENDENCIES);
        iaas = app.resolve("iaas.yaml");
        Files.writeString(iaas, MotoApp.exampleDescriptorWithoutAcm()
                .replace("scaling: { min: 2, max: 6, cpu_target: 50 }", "scaling: { min: 2, max: 6, desired: 3, cpu_target: 50 }"));
        assertThat(Files.readString(iaas)).contains("allow_http: true").contains("desired: 3");
        serverless = app.resolve("serverless.yaml");
        Files.writeString(serverless, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app", python: "3.11", requirements: requirements.txt }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0, max_acu: 4 }
                """);
        Path home = Files.createDirectories(root.resolve("home"));
        env = MotoApp.env(moto, REGION, home, Map.of(
                "NOTES_DB_PASSWORD", "maintenance-db-" + System.nanoTime(), "NOTES_REPLICATION_PASSWORD", "maintenance-repl",
                "PATH", System.getenv("PATH")));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        elb = MotoClients.of(ElasticLoadBalancingV2Client.builder(), moto.endpoint(), REGION);
        lambda = MotoClients.of(LambdaClient.builder(), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws IOException {
        MotoClients.closeAll(moto, root, cfn, elb, lambda);
    }

    @Test
    @Order(1)
    void awsIaasMaintenanceIsARuleOnTheAlbThatADeployKeepsAndOffRemoves() throws Exception {
        Cli refused = run("maintenance", "on", "aws-iaas", "-f", iaas.toString());
        assertThat(refused.exitCode()).as("before the first deploy: " + refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("notes-default-iaas-compute");

        ok(run("deploy", "aws-iaas", "-f", iaas.toString(), "--yes"));
        assertThat(maintenanceRules()).isEmpty();
        assertThat(run("status", "aws-iaas", "-f", iaas.toString()).out()).contains("maintenance off");

        Cli on = ok(run("maintenance", "on", "aws-iaas", "-f", iaas.toString()));
        assertThat(on.out()).startsWith("Maintenance on for aws-iaas: listener rule of priority 1 (fixed 503)");
        assertThat(maintenanceRules()).singleElement().satisfies(rule -> {
            assertThat(rule.priority()).isEqualTo("1");
            assertThat(rule.actions()).singleElement().satisfies(a -> {
                assertThat(a.type()).isEqualTo(ActionTypeEnum.FIXED_RESPONSE);
                assertThat(a.fixedResponseConfig().statusCode()).isEqualTo("503");
                assertThat(a.fixedResponseConfig().messageBody()).contains("maintenance");
            });
        });
        Cli again = ok(run("maintenance", "on", "aws-iaas", "-f", iaas.toString()));
        assertThat(again.out()).startsWith("Maintenance is already on for aws-iaas: nothing changed");
        assertThat(maintenanceRules()).hasSize(1);

        Cli status = run("status", "aws-iaas", "-f", iaas.toString());
        assertThat(status.out()).as(status.all()).contains("maintenance ON: the ALB answers every request with 503");
        JsonNode json = new ObjectMapper().readTree(run("status", "aws-iaas", "-f", iaas.toString(), "--output", "json").out());
        assertThat(json.path("maintenance").isBoolean()).isTrue();
        assertThat(json.path("maintenance").asBoolean()).isTrue();

        // A deploy during maintenance whose change set rewrites the listener's own rules (a rotated origin secret,
        // priority 10) and resizes the group: the maintenance rule stays first.
        String rotated = "Rotated" + System.nanoTime();
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            secrets.putSecretValue(b -> b.secretId(output("notes-default-iaas-artifacts", "OriginSecretArn")).secretString(rotated));
        }
        Files.writeString(iaas, Files.readString(iaas).replace("desired: 3", "desired: 2"));
        Cli deploy = ok(run("deploy", "aws-iaas", "-f", iaas.toString(), "--yes"));
        assertThat(deploy.err()).contains("Changes applied.");
        assertThat(stack(COMPUTE_STACK).stackStatusAsString()).isEqualTo("UPDATE_COMPLETE");
        assertThat(listenerRules()).as("the change set rewrote the origin secret's rule").anySatisfy(rule -> {
            assertThat(rule.priority()).isEqualTo("10");
            assertThat(rule.conditions().toString()).contains(rotated);
        });
        assertThat(maintenanceRules()).as("the rule after a deploy during maintenance").singleElement()
                .satisfies(rule -> assertThat(rule.priority()).isEqualTo("1"));
        assertThat(run("status", "aws-iaas", "-f", iaas.toString()).out()).contains("maintenance ON");

        Cli off = ok(run("maintenance", "off", "aws-iaas", "-f", iaas.toString()));
        assertThat(off.out()).startsWith("Maintenance off for aws-iaas");
        assertThat(maintenanceRules()).isEmpty();
        assertThat(ok(run("maintenance", "off", "aws-iaas", "-f", iaas.toString())).out())
                .startsWith("Maintenance is already off for aws-iaas: nothing changed");
        json = new ObjectMapper().readTree(run("status", "aws-iaas", "-f", iaas.toString(), "--output", "json").out());
        assertThat(json.path("maintenance").asBoolean(true)).isFalse();
    }

    @Test
    @Order(2)
    void awsServerlessMaintenanceIsInTheVersionTheAliasServesAndADeployOfNewCodeKeepsIt() throws Exception {
        Cli refused = run("maintenance", "on", "aws-serverless", "-f", serverless.toString());
        assertThat(refused.exitCode()).as("before the first deploy: " + refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("aws-serverless is not deployed");

        ok(run("deploy", "aws-serverless", "-f", serverless.toString(), "--yes"));
        assertThat(served().environment().variables()).doesNotContainKey("TIERLIFT_MAINTENANCE");
        assertThat(run("status", "aws-serverless", "-f", serverless.toString()).out()).contains("maintenance off");
        String live = parameter(API_STACK, "LiveVersion");

        Cli on = ok(run("maintenance", "on", "aws-serverless", "-f", serverless.toString()));
        assertThat(on.out()).startsWith("Maintenance on for aws-serverless");
        assertThat(aliasVersion()).isNotEqualTo(live);
        assertThat(served().environment().variables()).containsEntry("TIERLIFT_MAINTENANCE", "on");
        String maintenanceVersion = aliasVersion();
        assertThat(ok(run("maintenance", "on", "aws-serverless", "-f", serverless.toString())).out())
                .startsWith("Maintenance is already on for aws-serverless: nothing changed");
        assertThat(aliasVersion()).as("nothing published by a second on").isEqualTo(maintenanceVersion);

        assertThat(run("status", "aws-serverless", "-f", serverless.toString()).out())
                .contains("maintenance ON: the function answers every request with 503");
        JsonNode json = new ObjectMapper().readTree(run("status", "aws-serverless", "-f", serverless.toString(), "--output", "json").out());
        assertThat(json.path("maintenance").asBoolean()).isTrue();

        // New code during maintenance: the alias moves once, straight to a version of the new code with maintenance on.
        Path appPy = serverless.getParent().resolve("backend/notes/app.py");
        Files.writeString(appPy, Files.readString(appPy) + "# release during maintenance\n");
        int logBefore = moto.log().length();
        Cli deploy = ok(run("deploy", "aws-serverless", "-f", serverless.toString(), "--yes"));
        String published = output(API_STACK, "PublishedVersion");
        assertThat(published).isNotEqualTo(live);
        assertThat(parameter(API_STACK, "LiveVersion")).isEqualTo(published);
        assertThat(deploy.err()).contains("maintenance still on: the alias serves version " + published + " with maintenance on");
        GetFunctionConfigurationResponse served = served();
        assertThat(served.environment().variables()).as("the version the alias serves after the deploy")
                .containsEntry("TIERLIFT_MAINTENANCE", "on");
        assertThat(served.description()).contains("serving version " + published + " outside it");
        assertThat(aliasVersion()).isNotIn(live, published, maintenanceVersion);
        assertThat(aliasMoves(moto.log().substring(logBefore), maintenanceVersion))
                .as("every version the alias pointed at during the deploy: never the new code without maintenance")
                .containsExactly(aliasVersion());
        assertThat(parameter(API_STACK, "AliasVersion")).as("the stack records where the alias points").isEqualTo(aliasVersion());
        assertThat(run("status", "aws-serverless", "-f", serverless.toString()).out()).contains("maintenance ON");

        assertThat(ok(run("maintenance", "off", "aws-serverless", "-f", serverless.toString())).out())
                .startsWith("Maintenance off for aws-serverless");
        assertThat(aliasVersion()).as("off: the newly deployed version serves").isEqualTo(published);
        assertThat(served().environment().variables()).doesNotContainKey("TIERLIFT_MAINTENANCE");
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName(output(API_STACK, "FunctionName"))).environment().variables())
                .doesNotContainKey("TIERLIFT_MAINTENANCE");
        json = new ObjectMapper().readTree(run("status", "aws-serverless", "-f", serverless.toString(), "--output", "json").out());
        assertThat(json.path("maintenance").asBoolean(true)).isFalse();

        // The next deploy leaves the alias where off put it, and the stack's record follows.
        ok(run("deploy", "aws-serverless", "-f", serverless.toString(), "--yes"));
        assertThat(aliasVersion()).isEqualTo(published);
        assertThat(parameter(API_STACK, "AliasVersion")).isEqualTo(published);
        assertThat(served().environment().variables()).doesNotContainKey("TIERLIFT_MAINTENANCE");
    }

    @Test
    @Order(3)
    void aMissingOrUnknownStateIsAUsageError() {
        assertThat(run("maintenance", "aws-iaas", "-f", iaas.toString()).exitCode()).isEqualTo(64);
        assertThat(run("maintenance", "sideways", "aws-iaas", "-f", iaas.toString()).exitCode()).isEqualTo(64);
        Cli noTarget = run("maintenance", "on", "nowhere", "-f", iaas.toString());
        assertThat(noTarget.exitCode()).isEqualTo(64);
        assertThat(noTarget.err()).contains("nowhere");
    }

    // --- helpers ---

    private Cli run(String... args) {
        return Cli.run(tiers, env, args);
    }

    private Cli ok(Cli run) {
        assertThat(run.exitCode()).as(run.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        return run;
    }

    /** The maintenance rules on the listeners of the compute stack's ALB, read from moto. */
    private List<Rule> maintenanceRules() {
        return listenerRules().stream()
                .filter(r -> !r.isDefault() && r.actions().stream().anyMatch(a -> a.type() == ActionTypeEnum.FIXED_RESPONSE))
                .toList();
    }

    /** Every rule on the listeners of the compute stack's ALB. */
    private List<Rule> listenerRules() {
        String dns = output(COMPUTE_STACK, "AlbDnsName");
        String alb = elb.describeLoadBalancers().loadBalancers().stream().filter(lb -> dns.equalsIgnoreCase(lb.dnsName()))
                .findFirst().orElseThrow().loadBalancerArn();
        return elb.describeListeners(b -> b.loadBalancerArn(alb)).listeners().stream()
                .flatMap(l -> elb.describeRules(b -> b.listenerArn(l.listenerArn())).rules().stream())
                .toList();
    }

    /**
     * The versions alias live was moved to, in order, from the shim's log lines; a move to where it
     * already pointed (starting at {@code from}) is not a move.
     */
    private static List<String> aliasMoves(String log, String from) {
        List<String> moves = new ArrayList<>();
        String at = from;
        Matcher m = Pattern.compile("(?m)^tierlift-shim alias \\S+ live -> (\\S+)$").matcher(log);
        while (m.find()) {
            if (!m.group(1).equals(at)) {
                moves.add(m.group(1));
                at = m.group(1);
            }
        }
        return moves;
    }

    private String aliasVersion() {
        return lambda.getAlias(b -> b.functionName(output(API_STACK, "FunctionName")).name("live")).functionVersion();
    }

    /** The configuration of the version the alias API Gateway invokes serves. */
    private GetFunctionConfigurationResponse served() {
        return lambda.getFunctionConfiguration(b -> b.functionName(output(API_STACK, "FunctionName")).qualifier("live"));
    }

    private Stack stack(String name) {
        return cfn.describeStacks(b -> b.stackName(name)).stacks().get(0);
    }

    private String output(String stackName, String key) {
        return stack(stackName).outputs().stream().filter(o -> o.outputKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(stackName + " has no output " + key)).outputValue();
    }

    private String parameter(String stackName, String key) {
        return stack(stackName).parameters().stream().filter(p -> p.parameterKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(stackName + " has no parameter " + key)).parameterValue();
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}

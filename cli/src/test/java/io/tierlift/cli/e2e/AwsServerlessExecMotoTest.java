package io.tierlift.cli.e2e;

import io.tierlift.aws.serverless.ReleaseInvoker;
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
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code exec aws-serverless} against moto_server: the command goes to the live alias of the deployed
 * function (read back from the api stack), with the operator's name, and its output and exit code come
 * back as tierlift's. moto runs no Lambda code, so the invocation is answered here (the adapter's side
 * is LambdaAdapterRealTest's).
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AwsServerlessExecMotoTest {
    private static final String REGION = "eu-west-1";
    private final List<String> execs = new CopyOnWriteArrayList<>();
    private volatile ReleaseInvoker.ReleaseOutcome answer = new ReleaseInvoker.ReleaseOutcome(4, "True\n", false);
    private final ReleaseInvoker invoker = new ReleaseInvoker() {
        @Override
        public ReleaseOutcome run(String region, String functionName) {
            return new ReleaseOutcome(0, "applied\n", false);
        }

        @Override
        public ReleaseOutcome exec(String region, String functionName, List<String> argv, String operator) {
            execs.add(region + " " + functionName + " " + operator + " " + argv);
            return answer;
        }
    };
    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("aws-serverless", invoker);
    private MotoShim moto;
    private Path root;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-sls-exec-");
        Path app = MotoApp.copyExample(root.resolve("app"), MotoApp.NO_DEPENDENCIES);
        descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, """
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
        env = MotoApp.env(moto, REGION, Files.createDirectories(root.resolve("home")), Map.of(
                "NOTES_DB_PASSWORD", "unused-on-serverless", "PATH", System.getenv("PATH"), "USER", "sls-operator"));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws IOException {
        if (cfn != null) {
            cfn.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Cli tierlift(String... args) {
        return Cli.withInput(tiers, env, new byte[0], args);
    }

    @Test
    @Order(1)
    void beforeADeployThereIsNoFunctionToRunIn() {
        Cli cli = tierlift("exec", "aws-serverless", "-f", descriptor.toString(), "--", "python", "-c", "print(1)");
        assertThat(cli.exitCode()).as(cli.all()).isEqualTo(1);
        assertThat(cli.err()).contains("has no function: deploy aws-serverless first");
        assertThat(execs).isEmpty();
    }

    @Test
    @Order(2)
    void theCommandRunsInTheLiveAliasAndItsOutputAndExitCodeAreTierlifts() {
        Cli deploy = tierlift("deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + moto.log()).isZero();
        String function = cfn.describeStacks(b -> b.stackName("notes-default-sls-api")).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals("FunctionName")).findFirst().orElseThrow().outputValue();

        Cli cli = tierlift("exec", "aws-serverless", "-f", descriptor.toString(), "--", "python", "-c",
                "import os; print(os.environ['DATABASE_URL'] != '')");
        assertThat(cli.exitCode()).as(cli.all()).isEqualTo(4);
        assertThat(cli.out()).isEqualTo("True\n");
        assertThat(execs).containsExactly(REGION + " " + function + ":live sls-operator [python, -c, import os; print(os.environ['DATABASE_URL'] != '')]");
    }

    @Test
    @Order(3)
    void aFunctionThatRefusesTheEventOrAHostAreErrors() {
        answer = new ReleaseInvoker.ReleaseOutcome(-1, "the function refused the event: exec needs argv", false);
        Cli refused = tierlift("exec", "aws-serverless", "-f", descriptor.toString(), "--", "true");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("exec failed in the function: the function refused the event: exec needs argv");
        Cli host = tierlift("exec", "aws-serverless", "-f", descriptor.toString(), "--host", "app1", "--", "true");
        assertThat(host.exitCode()).as(host.all()).isEqualTo(1);
        assertThat(host.err()).contains("--host app1: aws-serverless has no hosts");
    }
}

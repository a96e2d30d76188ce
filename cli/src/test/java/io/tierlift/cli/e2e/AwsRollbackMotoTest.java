package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code releases} and {@code deploy --rollback [--to] [--force]} on both AWS tiers against moto_server
 * (moto_iaas_shim.py), the CLI in-process, everything read back with the SDK: a first release, then a
 * release that adds a schema migration; a plain rollback is refused naming that migration and changes
 * nothing, goes through with --force, and --to returns to the newer release. aws-iaas: the compute
 * stack's ReleaseKey and the launch template's newest version (the user data the instances boot with);
 * aws-serverless: the version the alias serves. moto runs no Lambda code: the release command's Invoke
 * is answered here.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AwsRollbackMotoTest {
    private static final String REGION = "eu-west-1";
    private static final String COMPUTE_STACK = "notes-default-iaas-compute";
    private static final String API_STACK = "notes-default-sls-api";
    private static final String NEW_MIGRATION = "notes/migrations/0003_add_note_tags.sql";

    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("AWS", this::releaseCommand);
    private final List<String> releaseCommands = new ArrayList<>();
    private MotoShim moto;
    private Path root;
    private Path iaas;
    private Path serverless;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private Ec2Client ec2;
    private LambdaClient lambda;
    private String firstRelease;
    private String secondRelease;

    private ReleaseInvoker.ReleaseOutcome releaseCommand(String region, String function) {
        releaseCommands.add(function);
        return new ReleaseInvoker.ReleaseOutcome(0, "applied\n", false);
    }

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-rollback-");
        iaas = MotoApp.copyExample(root.resolve("iaas")).resolve("app.yaml");
        Files.writeString(iaas, MotoApp.exampleDescriptorWithoutAcm());
        Path slsApp = MotoApp.copyExample(root.resolve("sls"), MotoApp.NO_DEPENDENCIES);
        serverless = slsApp.resolve("app.yaml");
        Files.writeString(serverless, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  requirements: requirements.txt
                  release_command: "python -m notes.migrate"
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0, max_acu: 4 }
                """);
        Path home = Files.createDirectories(root.resolve("home"));
        env = MotoApp.env(moto, REGION, home, Map.of(
                "NOTES_DB_PASSWORD", "rollback-test-db", "NOTES_REPLICATION_PASSWORD", "rollback-test-repl",
                "PATH", System.getenv("PATH")));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        ec2 = MotoClients.of(Ec2Client.builder(), moto.endpoint(), REGION);
        lambda = MotoClients.of(LambdaClient.builder(), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws IOException {
        MotoClients.closeAll(moto, root, cfn, ec2, lambda);
    }

    @Test
    @Order(1)
    void awsIaasListsEachReleaseWithTheMigrationsItBroughtAndTheLiveOne() throws Exception {
        deploy("aws-iaas", iaas);
        firstRelease = releaseIdOf(parameter(COMPUTE_STACK, "ReleaseKey"));
        addMigration(iaas);
        deploy("aws-iaas", iaas);
        secondRelease = releaseIdOf(parameter(COMPUTE_STACK, "ReleaseKey"));
        assertThat(secondRelease).isNotEqualTo(firstRelease);
        assertThat(userDataOfNewestLaunchTemplateVersion()).contains("releases/" + secondRelease + ".tar.gz");

        Cli listed = Cli.run(tiers, env, "releases", "aws-iaas", "-f", iaas.toString(), "--output", "json");
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        JsonNode releases = new ObjectMapper().readTree(listed.out());
        assertThat(releases).hasSize(2);
        assertThat(releases.get(0).path("id").asText()).isEqualTo(secondRelease);
        assertThat(releases.get(0).path("live").asBoolean()).isTrue();
        assertThat(releases.get(0).path("schema").asText()).isEqualTo(NEW_MIGRATION);
        assertThat(releases.get(0).path("deployed").asText()).isNotEmpty();
        assertThat(releases.get(1).path("id").asText()).isEqualTo(firstRelease);
        assertThat(releases.get(1).path("live").asBoolean()).isFalse();
        assertThat(releases.get(1).path("schema").asText()).isEqualTo("notes/migrations/0002_index_notes_created_at.sql");

        Cli table = Cli.run(tiers, env, "releases", "aws-iaas", "-f", iaas.toString());
        assertThat(table.exitCode()).as(table.all()).isZero();
        assertThat(table.out()).containsPattern(secondRelease + " +\\* +\\S+ +3 +" + NEW_MIGRATION);
    }

    @Test
    @Order(2)
    void awsIaasRefusesToRollBackPastAMigrationAndChangesNothing() {
        int versions = launchTemplateVersions();
        Cli refused = Cli.run(tiers, env, "deploy", "aws-iaas", "-f", iaas.toString(), "--rollback", "--yes");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("refusing to roll back to release " + firstRelease)
                .contains(NEW_MIGRATION).contains("database migrations are not reversed").contains("--force");
        assertThat(parameter(COMPUTE_STACK, "ReleaseKey")).isEqualTo("releases/" + secondRelease + ".tar.gz");
        assertThat(launchTemplateVersions()).as("no launch template version written").isEqualTo(versions);
    }

    @Test
    @Order(3)
    void awsIaasForcedRollbackPutsThePreviousArtifactLiveInANewLaunchTemplateVersion() {
        int versions = launchTemplateVersions();
        Cli forced = Cli.run(tiers, env, "deploy", "aws-iaas", "-f", iaas.toString(), "--rollback", "--force", "--yes");
        assertThat(forced.exitCode()).as(forced.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(forced.err()).contains("Rolled back: the instances run release " + firstRelease + " again.")
                .contains("Database migrations are not reversed").contains(NEW_MIGRATION);
        assertThat(parameter(COMPUTE_STACK, "ReleaseKey")).as(forced.all()).isEqualTo("releases/" + firstRelease + ".tar.gz");
        assertThat(launchTemplateVersions()).isEqualTo(versions + 1);
        assertThat(userDataOfNewestLaunchTemplateVersion()).contains("releases/" + firstRelease + ".tar.gz")
                .doesNotContain(secondRelease);
    }

    @Test
    @Order(4)
    void awsIaasRollbackToANamedReleaseGoesForwardAgain() {
        Cli unknown = Cli.run(tiers, env, "deploy", "aws-iaas", "-f", iaas.toString(), "--rollback", "--to", "0123456789abcdef", "--yes");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(1);
        assertThat(unknown.err()).contains("there is no release 0123456789abcdef to roll back to").contains(secondRelease);

        Cli to = Cli.run(tiers, env, "deploy", "aws-iaas", "-f", iaas.toString(), "--rollback", "--to", secondRelease, "--yes");
        assertThat(to.exitCode()).as(to.all()).isZero();
        assertThat(parameter(COMPUTE_STACK, "ReleaseKey")).isEqualTo("releases/" + secondRelease + ".tar.gz");
        assertThat(userDataOfNewestLaunchTemplateVersion()).contains("releases/" + secondRelease + ".tar.gz");
    }

    @Test
    @Order(5)
    void awsServerlessListsTheFunctionVersionsWithTheMigrationsEachBrought() throws Exception {
        deploy("aws-serverless", serverless);
        String first = aliasVersion();
        addMigration(serverless);
        deploy("aws-serverless", serverless);
        String second = aliasVersion();
        assertThat(second).isNotEqualTo(first);

        Cli listed = Cli.run(tiers, env, "releases", "aws-serverless", "-f", serverless.toString(), "--output", "json");
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        JsonNode releases = new ObjectMapper().readTree(listed.out());
        assertThat(releases.get(0).path("id").asText()).isEqualTo(second);
        assertThat(releases.get(0).path("live").asBoolean()).isTrue();
        assertThat(releases.get(0).path("schema").asText()).isEqualTo(NEW_MIGRATION);
        JsonNode older = find(releases, first);
        assertThat(older.path("live").asBoolean()).isFalse();
        assertThat(older.path("schema").asText()).isEqualTo("notes/migrations/0002_index_notes_created_at.sql");
        assertThat(older.path("migrations")).hasSize(2);
    }

    @Test
    @Order(6)
    void awsServerlessRefusesARollbackPastAMigrationThenForcedAndNamedRollbacksMoveTheAlias() throws Exception {
        String second = aliasVersion();
        String first = parameter(API_STACK, "PreviousVersion");
        releaseCommands.clear();

        Cli refused = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", serverless.toString(), "--rollback", "--yes");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("refusing to roll back to release " + first).contains(NEW_MIGRATION)
                .contains("Nothing was changed");
        assertThat(aliasVersion()).isEqualTo(second);

        Cli forced = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", serverless.toString(), "--rollback", "--force", "--yes");
        assertThat(forced.exitCode()).as(forced.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(aliasVersion()).isEqualTo(first);
        assertThat(forced.err()).contains("Rolled back: alias live serves version " + first + " again.")
                .contains("Database migrations are not reversed");

        Cli to = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", serverless.toString(), "--rollback", "--to", second, "--yes");
        assertThat(to.exitCode()).as(to.all()).isZero();
        assertThat(aliasVersion()).isEqualTo(second);
        assertThat(parameter(API_STACK, "PreviousVersion")).isEqualTo(first);
        assertThat(releaseCommands).as("a rollback runs no release command").isEmpty();
    }

    private void deploy(String target, Path descriptor) {
        Cli deploy = Cli.run(tiers, env, "deploy", target, "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
    }

    /** A release that brings a schema migration the first one does not have. */
    private static void addMigration(Path descriptor) throws IOException {
        Files.writeString(descriptor.resolveSibling("backend").resolve(NEW_MIGRATION),
                "ALTER TABLE notes ADD COLUMN tags text[] NOT NULL DEFAULT '{}';\n");
    }

    private static JsonNode find(JsonNode releases, String id) {
        for (JsonNode release : releases) {
            if (release.path("id").asText().equals(id)) {
                return release;
            }
        }
        throw new AssertionError("no release " + id + " in " + releases);
    }

    private static String releaseIdOf(String key) {
        assertThat(key).startsWith("releases/").endsWith(".tar.gz");
        return key.substring("releases/".length(), key.length() - ".tar.gz".length());
    }

    private String aliasVersion() {
        String function = output(API_STACK, "FunctionName");
        return lambda.getAlias(b -> b.functionName(function).name("live")).functionVersion();
    }

    private int launchTemplateVersions() {
        return ec2.describeLaunchTemplateVersions(b -> b.launchTemplateId(launchTemplate())).launchTemplateVersions().size();
    }

    /** What the instances boot with: the newest version of the compute stack's launch template. */
    private String userDataOfNewestLaunchTemplateVersion() {
        LaunchTemplateVersion newest = ec2.describeLaunchTemplateVersions(b -> b.launchTemplateId(launchTemplate())
                .versions("$Latest")).launchTemplateVersions().get(0);
        return new String(Base64.getDecoder().decode(newest.launchTemplateData().userData()), StandardCharsets.UTF_8);
    }

    private String launchTemplate() {
        return cfn.describeStackResources(b -> b.stackName(COMPUTE_STACK)).stackResources().stream()
                .filter(r -> r.resourceType().equals("AWS::EC2::LaunchTemplate")).findFirst().orElseThrow().physicalResourceId();
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

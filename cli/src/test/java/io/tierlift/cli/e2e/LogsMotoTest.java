package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.aws.logs.CloudWatchLogReader;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.logs.LogLine;
import io.tierlift.logs.LogRole;
import io.tierlift.model.AppDescriptor;
import io.tierlift.render.aws.iaas.StackNames;
import io.tierlift.render.aws.serverless.ApiStack;
import io.tierlift.tier.LogFollow;
import io.tierlift.tier.LogsRequest;
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
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code logs} on the AWS tiers against moto's CloudWatch Logs: the log groups the stacks create (their
 * names from the same code that renders them) hold events put here; the CLI finds one request's lines
 * in the function's and the API's logs with one --grep, tags aws-iaas lines with their instance, and
 * following picks up an event put after it started; PostgreSQL's log group comes from the data stack's
 * output and the WAF's from us-east-1.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsMotoTest {
    private static final String REGION = "eu-west-1";
    private MotoShim moto;
    private Path root;
    private Path descriptor;
    private Map<String, String> env;
    private CloudWatchLogsClient logs;
    private StackNames serverless;
    private StackNames iaas;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-logs-moto-");
        descriptor = root.resolve("app.yaml");
        Files.createDirectories(root.resolve("backend"));
        Files.createDirectories(root.resolve("frontend/dist"));
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless: { region: eu-west-1 }
                  aws-iaas: { region: eu-west-1, allow_http: true }
                """);
        env = Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "HOME", root.toString(),
                "NOTES_DB_PASSWORD", "unused", "NO_COLOR", "1", "PATH", System.getenv("PATH"));
        logs = CloudWatchLogsClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        AppDescriptor app = new DescriptorLoader().load(descriptor, Optional.empty()).descriptor();
        serverless = new StackNames(app.app(), app.environment(), StackNames.SERVERLESS);
        iaas = new StackNames(app.app(), app.environment(), StackNames.IAAS);
    }

    @AfterAll
    void stop() throws IOException {
        if (logs != null) {
            logs.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void oneGrepFindsARequestsLinesInTheFunctionsAndTheApisLogGroupsInTimeOrder() throws Exception {
        String function = ApiStack.functionLogGroup(serverless);
        String access = ApiStack.accessLogGroup(serverless);
        long now = System.currentTimeMillis();
        put(function, "2026/12/07/[$LATEST]abc123", now - 30_000, "START RequestId: 11111111-aaaa Version: 3");
        put(function, "2026/12/07/[$LATEST]abc123", now - 29_000, "GET /api/notes request_id=Q7x-moto-req-1 200");
        put(access, "api-stage-default", now - 29_500, "{\"requestId\":\"Q7x-moto-req-1\",\"status\":\"200\"}");
        put(access, "api-stage-default", now - 3 * 3_600_000L, "{\"requestId\":\"Q7x-moto-req-1\",\"status\":\"old\"}");

        Cli found = Cli.run(env, "logs", "aws-serverless", "-f", descriptor.toString(), "--grep", "Q7x-moto-req-1", "--output", "json");
        assertThat(found.exitCode()).as(found.all()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : found.out().lines().toList()) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).extracting(n -> n.get("role").asText() + " " + n.get("source").asText() + " " + n.get("host").asText())
                .as("the API's line was written first; the one of three hours ago is outside --since 10m")
                .containsExactly("proxy api-access api-stage-default", "app function 2026/12/07/[$LATEST]abc123");
        assertThat(lines.get(1).get("time").asText()).isEqualTo(Instant.ofEpochMilli(now - 29_000).toString());

        Cli all = Cli.run(env, "logs", "aws-serverless", "-f", descriptor.toString(), "--role", "app");
        assertThat(all.exitCode()).as(all.all()).isZero();
        assertThat(all.out()).contains("function | START RequestId").doesNotContain("api-access");
        Cli db = Cli.run(env, "logs", "aws-serverless", "-f", descriptor.toString(), "--role", "db");
        assertThat(db.exitCode()).as(db.all()).isEqualTo(1);
        assertThat(db.err()).as("no data stack here").contains("notes-default-sls-data", "does not name PostgreSQL's log group");
    }

    @Test
    void iaasLinesAreTaggedWithTheirInstanceAndTheFileTheAgentSentThemFrom() {
        String group = iaas.appLogGroup();
        long now = System.currentTimeMillis();
        put(group, "i-0123456789abcdef0/gunicorn", now - 5_000, "10.0.1.5 - - \"GET /api/health HTTP/1.1\" 200");
        put(group, "i-0fedcba987654321/boot", now - 6_000, "release command finished");
        Cli out = Cli.run(env, "logs", "aws-iaas", "-f", descriptor.toString(), "--host", "i-0123456789abcdef0");
        assertThat(out.exitCode()).as(out.all()).isZero();
        assertThat(out.out().lines().toList()).containsExactly("i-0123456789abcdef0 gunicorn | 10.0.1.5 - - \"GET /api/health HTTP/1.1\" 200");
    }

    /**
     * RDS names PostgreSQL's log group after the instance, which only the data stack knows: a stack of that
     * name here creates the group and records it as the data stack does (output DbLogGroupName). The WAF's
     * group is in us-east-1 whatever the app's region.
     */
    @Test
    void iaasReadsPostgresqlFromTheGroupTheDataStackNamesAndTheWafsFromUsEast1() throws Exception {
        String dbGroup = "/aws/rds/instance/notes-default-iaas-data-database-q1w2e3r4/postgresql";
        try (CloudFormationClient cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
             CloudWatchLogsClient usEast1 = MotoClients.of(CloudWatchLogsClient.builder(), moto.endpoint(), "us-east-1")) {
            cfn.createStack(b -> b.stackName(iaas.stack("data")).templateBody("""
                    {"Resources": {"DbLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "%s"}}},
                     "Outputs": {"DbLogGroupName": {"Value": {"Ref": "DbLogs"}}}}""".formatted(dbGroup)));
            long now = System.currentTimeMillis();
            String id = "Y3fXwK0qLz9Ab_TtQe-1nR5sHvUc8JdPm2oGiBk4ElWa7xNyCZ6F0g";
            put(usEast1, iaas.wafLogGroup(), "us-east-1_notes-default-iaas-cloudfront_0", now - 21_000,
                    "{\"action\":\"ALLOW\",\"httpRequest\":{\"uri\":\"/api/notes\",\"requestId\":\"" + id + "==\"}}");
            put(logs, iaas.appLogGroup(), "i-0aaaaaaaaaaaaaaaa/gunicorn", now - 20_000,
                    "10.0.1.5 - - \"POST /api/notes HTTP/1.1\" 201 88 \"-\" \"curl/8.5\" request_id=" + id);
            put(logs, dbGroup, "notes-default-iaas-data-database-q1w2e3r4", now - 19_000,
                    "2026-12-08 01:00:00 UTC:10.0.1.5(41234):notes@notes:[811]:LOG:  duration: 1203.512 ms  statement: SELECT 1");

            Cli db = Cli.run(env, "logs", "aws-iaas", "-f", descriptor.toString(), "--role", "db");
            assertThat(db.exitCode()).as(db.all()).isZero();
            assertThat(db.out().lines().toList()).containsExactly("notes-default-iaas-data-database-q1w2e3r4 postgresql | "
                    + "2026-12-08 01:00:00 UTC:10.0.1.5(41234):notes@notes:[811]:LOG:  duration: 1203.512 ms  statement: SELECT 1");

            Cli waf = Cli.run(env, "logs", "aws-iaas", "-f", descriptor.toString(), "--role", "waf", "--output", "json");
            assertThat(waf.exitCode()).as(waf.all()).isZero();
            assertThat(waf.out().lines().toList()).singleElement().satisfies(line -> {
                JsonNode json = new ObjectMapper().readTree(line);
                assertThat(json.get("role").asText()).isEqualTo("waf");
                assertThat(json.get("line").asText()).contains("\"requestId\":\"" + id + "==\"");
            });

            Cli request = Cli.run(env, "logs", "aws-iaas", "-f", descriptor.toString(), "--grep", id, "--output", "json");
            assertThat(request.exitCode()).as(request.all()).isZero();
            List<String> roles = new ArrayList<>();
            for (String line : request.out().lines().toList()) {
                roles.add(new ObjectMapper().readTree(line).get("role").asText());
            }
            assertThat(roles).as("CloudFront's id, padding dropped, in the WAF's line and Gunicorn's, in time order")
                    .containsExactly("waf", "app");
        }
    }

    @Test
    void iaasSaysWhyItHasNoProxyLog() {
        Cli proxy = Cli.run(env, "logs", "aws-iaas", "-f", descriptor.toString(), "--role", "proxy");
        assertThat(proxy.exitCode()).as(proxy.all()).isEqualTo(1);
        assertThat(proxy.err()).contains("ALB", "only to an S3 bucket", "--role app");
    }

    @Test
    void aTierNotDeployedHasNoLogGroupAndSaysSo() throws IOException {
        Path other = root.resolve("other.yaml");
        Files.writeString(other, Files.readString(descriptor).replace("app: notes", "app: absent"));
        Cli out = Cli.run(env, "logs", "aws-serverless", "-f", other.toString());
        assertThat(out.exitCode()).as(out.all()).isEqualTo(1);
        assertThat(out.err()).contains("log group /tierlift/absent-", "does not exist");
    }

    @Test
    void followingPollsFromTheNewestEventAndShowsEachEventOnceUntilStopped() throws Exception {
        String group = new StackNames("follow", "prod", StackNames.IAAS).appLogGroup();
        long now = System.currentTimeMillis();
        put(group, "i-1/gunicorn", now - 2_000, "before");
        List<LogLine> seen = Collections.synchronizedList(new ArrayList<>());
        LogFollow control = new LogFollow();
        LogsRequest request = new LogsRequest(Optional.empty(), Optional.empty(), Duration.ofMinutes(1), Optional.empty(), true, control);
        CloudWatchLogReader reader = new CloudWatchLogReader(() -> logs, Clock.systemUTC(), Duration.ofMillis(100));
        Thread follow = new Thread(() -> reader.read(List.of(new CloudWatchLogReader.Group(group, "app", LogRole.APP, true)),
                request, seen::add));
        follow.start();
        waitFor(() -> seen.size() == 1);
        put(group, "i-2/gunicorn", System.currentTimeMillis(), "after");
        waitFor(() -> seen.size() == 2);
        Thread.sleep(500);
        control.stop();
        follow.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(follow.isAlive()).as("following ends when stopped").isFalse();
        assertThat(seen).extracting(l -> l.host() + " " + l.line()).containsExactly("i-1 before", "i-2 after");
    }

    private void put(String group, String stream, long time, String message) {
        put(logs, group, stream, time, message);
    }

    private static void put(CloudWatchLogsClient logs, String group, String stream, long time, String message) {
        if (logs.describeLogGroups(b -> b.logGroupNamePrefix(group)).logGroups().stream().noneMatch(g -> g.logGroupName().equals(group))) {
            logs.createLogGroup(b -> b.logGroupName(group));
        }
        if (logs.describeLogStreams(b -> b.logGroupName(group).logStreamNamePrefix(stream)).logStreams().stream()
                .noneMatch(s -> s.logStreamName().equals(stream))) {
            logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
        }
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream)
                .logEvents(InputLogEvent.builder().timestamp(time).message(message).build()));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("within 10 s").isTrue();
    }
}

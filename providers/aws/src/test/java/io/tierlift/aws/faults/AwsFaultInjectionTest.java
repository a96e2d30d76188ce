package io.tierlift.aws.faults;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.cloudformation.ChangeSetPlan;
import io.tierlift.aws.cloudformation.DeployResult;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.StackDeployException;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.aws.s3.S3SyncException;
import io.tierlift.aws.s3.SyncResult;
import io.tierlift.aws.s3.UploadedFile;
import io.tierlift.aws.testing.CfnXml;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.RecordingProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Throttling storms, server errors, connection resets, empty answers and answers slower than the
 * per-call timeout, injected at each step of a change-set deploy and of the S3 sync. Whatever the
 * step and the fault, a run ends in time, either completed or with one line saying which call
 * failed and why; it never creates a stack or executes a change set twice; and the next run
 * against the healed endpoint completes.
 *
 * <p>A STORM repeats the fault for every attempt of that step until the endpoint heals (between
 * runs); a BLIP hits the first attempt only (a WireMock scenario), which the SDK's retry must absorb.
 * Resets, empty answers and slow answers are "lossy": CloudFormation did the work and the answer was
 * lost, the worst case for CreateChangeSet and ExecuteChangeSet. Throttling and 5xx are refusals.
 */
class AwsFaultInjectionTest {
    private static final String STACK = "notes-net";
    private static final String BUCKET = "notes-site";
    private static final String TEMPLATE = "{\"Resources\":{\"Bucket\":{\"Type\":\"AWS::S3::Bucket\"}}}";
    private static final String OLD_TEMPLATE = "{\"Resources\":{\"Bucket\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{}}}}";

    /** Client settings: per-attempt and per-call timeouts, few retries with millisecond backoff. */
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(300);
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMillis(2000);
    /** Longer than the per-attempt timeout, so a slow answer always times the attempt out. */
    private static final Duration SLOW_ANSWER = Duration.ofMillis(1000);
    /** Polling: fast, and with waits that would end a stuck run well inside the bound below. */
    private static final DeployerSettings DEPLOYER = DeployerSettings.defaults().withPollInterval(Duration.ofMillis(5))
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    /**
     * The longest a faulted run may take. Each call is cut off by its call timeout; a run stops at
     * the first call that fails for good, and only clean-up calls (whose failures are warnings) can
     * come after a failing one, so at most two calls run out their timeout; everything else answers
     * in milliseconds. One second covers the healthy calls, JIT and scheduling.
     */
    private static final Duration RUN_BOUND = max(CALL_TIMEOUT, TRANSFER_TIMEOUT).multipliedBy(2).plusSeconds(1);

    private static final Map<String, Map<String, String>> OUTCOMES = new ConcurrentSkipListMap<>();

    private static final CloudFormationModel MODEL = new CloudFormationModel(STACK);
    private static WireMockServer wiremock;

    @TempDir
    Path build;
    private AwsClients clients;
    private RecordingProgress progress;

    enum Flow {
        /** deploy of a stack that does not exist yet */
        CREATE,
        /** plan (read-only): the change set and the empty review stack are deleted again */
        PLAN_ONLY,
        /** deploy of a stack left in ROLLBACK_COMPLETE: delete it, then create it again */
        RECREATE,
        /** S3 sync of a build folder, then deletion of the stale objects */
        S3
    }

    /** Where the fault is injected: one AWS call, at one moment of a flow. */
    enum Step {
        DESCRIBE_STACKS(Flow.CREATE, "CloudFormation", "DescribeStacks", m -> m.executions() == 0, false),
        CREATE_CHANGE_SET(Flow.CREATE, "CloudFormation", "CreateChangeSet", m -> true, false),
        DESCRIBE_CHANGE_SET(Flow.CREATE, "CloudFormation", "DescribeChangeSet", m -> true, false),
        EXECUTE_CHANGE_SET(Flow.CREATE, "CloudFormation", "ExecuteChangeSet", m -> true, false),
        DESCRIBE_STACK_EVENTS(Flow.CREATE, "CloudFormation", "DescribeStackEvents", m -> m.executions() > 0, false),
        DESCRIBE_STACKS_OUTPUTS(Flow.CREATE, "CloudFormation", "DescribeStacks", m -> m.executions() > 0, false),
        DELETE_CHANGE_SET(Flow.PLAN_ONLY, "CloudFormation", "DeleteChangeSet", m -> true, true),
        DELETE_REVIEW_STACK(Flow.PLAN_ONLY, "CloudFormation", "DeleteStack", m -> true, true),
        DELETE_ROLLED_BACK_STACK(Flow.RECREATE, "CloudFormation", "DeleteStack", m -> true, false),
        LIST_OBJECTS(Flow.S3, "S3", "ListObjectsV2", m -> true, false),
        HEAD_OBJECT(Flow.S3, "S3", "HeadObject", m -> true, false),
        PUT_OBJECT(Flow.S3, "S3", "PutObject", m -> true, false),
        DELETE_OBJECTS(Flow.S3, "S3", "DeleteObjects", m -> true, false);

        final Flow flow;
        final String service;
        final String operation;
        final Predicate<CloudFormationModel> when;
        /** A failure here is a clean-up the run reports as a warning and carries on past. */
        final boolean cleanup;

        Step(Flow flow, String service, String operation, Predicate<CloudFormationModel> when, boolean cleanup) {
            this.flow = flow;
            this.service = service;
            this.operation = operation;
            this.when = when;
            this.cleanup = cleanup;
        }

        MappingBuilder request() {
            return switch (this) {
                case LIST_OBJECTS -> get(urlPathEqualTo("/" + BUCKET)).withQueryParam("list-type", equalTo("2"));
                case HEAD_OBJECT -> head(urlPathMatching("/" + BUCKET + "/.+"));
                case PUT_OBJECT -> put(urlPathMatching("/" + BUCKET + "/.+"));
                case DELETE_OBJECTS -> post(urlEqualTo("/" + BUCKET + "?delete"));
                default -> post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + operation + "(&.*)?"))
                        .andMatching(request -> when.test(MODEL) ? MatchResult.exactMatch() : MatchResult.noMatch());
            };
        }

        String label() {
            return switch (this) {
                case DESCRIBE_STACKS -> "DescribeStacks (lookup)";
                case DESCRIBE_CHANGE_SET -> "DescribeChangeSet (polling)";
                case DESCRIBE_STACK_EVENTS -> "DescribeStackEvents (polling)";
                case DESCRIBE_STACKS_OUTPUTS -> "DescribeStacks (polling, outputs)";
                case DELETE_CHANGE_SET -> "DeleteChangeSet (plan clean-up)";
                case DELETE_REVIEW_STACK -> "DeleteStack (plan clean-up)";
                case DELETE_ROLLED_BACK_STACK -> "DeleteStack (rolled-back stack)";
                default -> operation;
            };
        }
    }

    /** What goes wrong on the wire, and the words the error must carry. */
    enum Injected {
                // HEAD answers carry no body: S3 HeadObject can only report the status.
        THROTTLING("Throttling: Rate exceeded|SlowDown: Please reduce your request rate|HTTP 503"),
        HTTP_500("InternalFailure: We encountered an internal error|InternalError: We encountered an internal error|HTTP 500|Server Error"),
        HTTP_503("ServiceUnavailable: Service is unavailable|HTTP 503"),
        CONNECTION_RESET("Connection reset"),
        EMPTY_RESPONSE("Unexpected end of file from server"),
        SLOW("did not complete before the specified timeout|Read timed out");

        final String lastError;

        Injected(String lastError) {
            this.lastError = lastError;
        }

        /** Lossy faults reach AWS: the request is carried out, only the answer goes missing. */
        boolean lossy() {
            return this == CONNECTION_RESET || this == EMPTY_RESPONSE || this == SLOW;
        }

        ResponseDefinitionBuilder response(boolean s3) {
            return switch (this) {
                case THROTTLING -> s3 ? s3Error(503, "SlowDown", "Please reduce your request rate.")
                        : cfnError(400, "Sender", "Throttling", "Rate exceeded");
                case HTTP_500 -> s3 ? s3Error(500, "InternalError", "We encountered an internal error. Please try again.")
                        : cfnError(500, "Receiver", "InternalFailure", "We encountered an internal error. Please try again.");
                case HTTP_503 -> s3 ? s3Error(503, "ServiceUnavailable", "Service is unavailable. Please try again.")
                        : cfnError(503, "Receiver", "ServiceUnavailable", "Service is unavailable. Please try again.");
                case CONNECTION_RESET -> lost(s3).withFault(Fault.CONNECTION_RESET_BY_PEER);
                case EMPTY_RESPONSE -> lost(s3).withFault(Fault.EMPTY_RESPONSE);
                case SLOW -> lost(s3).withFixedDelay((int) SLOW_ANSWER.toMillis());
            };
        }

        private static ResponseDefinitionBuilder lost(boolean s3) {
            // For CloudFormation the model carries the request out first; S3 writes here are idempotent.
            return s3 ? aResponse().withStatus(200) : aResponse().withTransformers(CloudFormationModel.NAME);
        }

        private static ResponseDefinitionBuilder cfnError(int status, String type, String code, String message) {
            return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(CfnXml.error(type, code, message));
        }

        private static ResponseDefinitionBuilder s3Error(int status, String code, String message) {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/xml")
                    .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                            + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>");
        }
    }

    enum Mode { STORM, BLIP }

    @BeforeAll
    static void startServer() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(MODEL)
                .containerThreads(30));
        wiremock.start();
        warmUp();
    }

    /**
     * The first SDK call of a JVM loads and links hundreds of classes, which alone can outlast a
     * 300 ms attempt timeout; make it here so the first scenario is timed like the others.
     */
    private static void warmUp() {
        wiremock.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(400).withBody(CfnXml.stackMissing(STACK))));
        wiremock.stubFor(get(urlPathEqualTo("/" + BUCKET)).willReturn(aResponse().withStatus(200)
                .withBody("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated></ListBucketResult>")));
        AwsSettings settings = LocalAws.settings(URI.create("http://127.0.0.1:" + wiremock.port()), 1);
        try (AwsClients warm = new AwsClients(settings, Map.<String, String>of()::get)) {
            for (int i = 0; i < 3; i++) {
                new StackDeployer(warm::cloudFormation, DEPLOYER, (scope, message) -> { }, d -> { }, Clock.systemUTC())
                        .status(STACK, LocalAws.REGION);
                warm.s3(LocalAws.REGION).listObjectsV2(b -> b.bucket(BUCKET));
            }
        }
        wiremock.resetAll();
    }

    @AfterAll
    static void stopServerAndWriteMatrix() throws IOException {
        wiremock.stop();
        StringBuilder table = new StringBuilder("| step | " + String.join(" | ", Stream.of(Injected.values()).map(Enum::name).toList())
                + " |\n|---|" + "---|".repeat(Injected.values().length) + "\n");
        OUTCOMES.forEach((step, row) -> {
            table.append("| ").append(step.substring(3));
            for (Injected fault : Injected.values()) {
                table.append(" | ").append(row.getOrDefault(fault.name(), "?"));
            }
            table.append(" |\n");
        });
        Path out = Path.of("target", "fault-matrix.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }

    @BeforeEach
    void reset() {
        wiremock.resetAll();
        MODEL.reset();
        progress = new RecordingProgress();
    }

    @AfterEach
    void closeClients() {
        if (clients != null) {
            clients.close();
            clients = null;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Step step : Step.values()) {
            for (Injected fault : Injected.values()) {
                for (Mode mode : Mode.values()) {
                    out.add(Arguments.of(step, fault, mode));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} × {1} ({2})")
    @MethodSource("cases")
    void faultEndsInTimeWithoutDuplicatesAndTheNextRunRecovers(Step step, Injected fault, Mode mode) throws Exception {
        arrange(step.flow);
        MappingBuilder faulty = step.request().atPriority(1).willReturn(fault.response(step.flow == Flow.S3));
        if (mode == Mode.BLIP) {
            faulty = faulty.inScenario("fault").whenScenarioStateIs(STARTED).willSetStateTo("spent");
        }
        StubMapping faultStub = wiremock.stubFor(faulty);

        Run first = run(step.flow);

        assertThat(first.elapsed()).as("wall time of the faulted run").isLessThan(RUN_BOUND);
        assertNoDuplicates(step.flow);
        assertThat(wiremock.getAllServeEvents()).as("the fault was hit")
                .anyMatch(e -> e.getStubMapping() != null && faultStub.getId().equals(e.getStubMapping().getId()));
        String outcome;
        if (mode == Mode.BLIP || step.cleanup) {
            assertThat(first.failure()).as("a fault the retries or the clean-up absorb must not fail the run").isNull();
            List<String> warnings = callWarnings();
            if (mode == Mode.STORM) {
                assertThat(warnings).as("a clean-up that failed for good is reported")
                        .anyMatch(l -> l.contains(step.service + " " + step.operation + " failed") && l.matches(".*(" + fault.lastError + ").*"));
                outcome = "completed, warned";
            } else {
                assertThat(warnings).as("a blip the SDK retried away leaves no warning").isEmpty();
                outcome = "completed";
            }
        } else {
            assertThat(first.failure()).as("a storm at a step the run needs fails it").isNotNull();
            String message = first.failure().getMessage();
            assertThat(first.failure()).isInstanceOfAny(AwsCallException.class, StackDeployException.class, S3SyncException.class);
            assertThat(message).as("one line").doesNotContain("\n")
                    .matches(step.service + " " + step.operation + " failed( after \\d attempts)?: .*")
                    .matches(".*(" + fault.lastError + ").*");
            outcome = "exit 1: " + message.replace("|", "/");
        }

        // The endpoint heals; the next run starts over with a new deployer and a new change set name.
        wiremock.removeStub(faultStub);
        wiremock.resetRequests();
        MODEL.newRun();
        progress = new RecordingProgress();
        Run second = run(step.flow);

        assertThat(second.failure()).as("the next run completes").isNull();
        assertThat(second.elapsed()).isLessThan(RUN_BOUND);
        assertNoDuplicates(step.flow);
        assertThat(callWarnings()).as("the healed run reports no failed call").isEmpty();
        switch (step.flow) {
            case CREATE, RECREATE -> {
                assertThat(MODEL.stackStatus()).isEqualTo("CREATE_COMPLETE");
                assertThat(MODEL.executions()).as("the change set that created the stack ran exactly once").isEqualTo(1);
                assertThat(MODEL.stacksCreated()).as("stacks ever created").isEqualTo(step.flow == Flow.CREATE ? 1 : 2);
            }
            case PLAN_ONLY -> {
                assertThat(MODEL.stackStatus()).as("plan leaves no stack behind").isEqualTo("ABSENT");
                assertThat(MODEL.changeSetCount()).as("plan leaves no change set behind").isZero();
                assertThat(MODEL.executions()).isZero();
            }
            case S3 -> {
            }
        }
        OUTCOMES.computeIfAbsent(String.format("%02d %s", step.ordinal(), step.label()), k -> new ConcurrentSkipListMap<>())
                .merge(fault.name(), mode.name().toLowerCase() + ": " + outcome, (a, b) -> mode == Mode.STORM ? b + "; " + a : a + "; " + b);
    }

    /** Warnings about calls that failed (not the notice that a rolled-back stack is deleted first). */
    private List<String> callWarnings() {
        return progress.lines().stream().filter(l -> l.contains("warning: could not")).toList();
    }

    private record Run(Duration elapsed, RuntimeException failure) {
    }

    /** One run as a new process would make it; never lets a hang block the suite. */
    private Run run(Flow flow) {
        if (clients == null) {
            clients = open();
        }
        Supplier<Object> action = switch (flow) {
            case CREATE, RECREATE -> () -> {
                DeployResult result = deployer().deploy(request());
                assertThat(result.status()).isEqualTo("CREATE_COMPLETE");
                assertThat(result.outputs()).containsEntry("BucketName", "notes-site-1a2b");
                return result;
            };
            case PLAN_ONLY -> () -> {
                ChangeSetPlan plan = deployer().planOnly(request());
                assertThat(plan.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.CREATE);
                assertThat(plan.changes()).hasSize(1);
                return plan;
            };
            case S3 -> () -> {
                S3Sync sync = new S3Sync(clients.s3(LocalAws.REGION), progress);
                SyncResult result = sync.sync(build, BUCKET, "web");
                assertThat(result.uploaded()).extracting(UploadedFile::path).containsExactly("favicon.ico", "index.html");
                assertThat(result.unchanged()).isEqualTo(1);
                assertThat(result.staleKeys()).containsExactly("web/old-0ld000.js");
                assertThat(sync.deleteStale(BUCKET, result.staleKeys())).isEqualTo(1);
                return result;
            };
        };
        long start = System.nanoTime();
        RuntimeException failure = null;
        try {
            assertTimeoutPreemptively(RUN_BOUND.multipliedBy(3), action::get, "the run hangs");
        } catch (AwsCallException | StackDeployException | S3SyncException e) {
            failure = e;
        }
        return new Run(Duration.ofNanos(System.nanoTime() - start), failure);
    }

    /**
     * Clients for one scenario, shared by its two runs: a storm spends at most a few tokens of the
     * SDK's retry budget, far from what would make it refuse retries in the healed run.
     */
    private AwsClients open() {
        AwsSettings settings = LocalAws.settings(URI.create("http://127.0.0.1:" + wiremock.port()), MAX_ATTEMPTS)
                .withRetries(MAX_ATTEMPTS, Duration.ofMillis(5), Duration.ofMillis(20))
                .withTimeouts(CALL_TIMEOUT, ATTEMPT_TIMEOUT, TRANSFER_TIMEOUT);
        return new AwsClients(settings, Map.<String, String>of()::get);
    }

    private StackDeployer deployer() {
        return new StackDeployer(clients::cloudFormation, DEPLOYER, progress, d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
    }

    private static StackRequest request() {
        return new StackRequest(STACK, LocalAws.REGION, TEMPLATE, Map.of("Env", "prod"), Map.of("app", "notes"), false, Set.of());
    }

    private void arrange(Flow flow) throws Exception {
        switch (flow) {
            case CREATE, PLAN_ONLY -> wiremock.stubFor(post(urlEqualTo("/")).atPriority(10)
                    .willReturn(aResponse().withTransformers(CloudFormationModel.NAME)));
            case RECREATE -> {
                MODEL.seedRolledBack(OLD_TEMPLATE);
                wiremock.stubFor(post(urlEqualTo("/")).atPriority(10).willReturn(aResponse().withTransformers(CloudFormationModel.NAME)));
            }
            case S3 -> arrangeBucket();
        }
    }

    /** The bucket holds an unchanged asset, an older index.html and a stale asset; favicon.ico is new. */
    private void arrangeBucket() throws Exception {
        write("index.html", "<!doctype html><title>notes v2</title>");
        write("assets/app-3f9a1c.js", "console.log('notes')");
        write("favicon.ico", "ICO");
        String listing = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
                + "  <Name>" + BUCKET + "</Name><Prefix>web/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys>"
                + "<IsTruncated>false</IsTruncated>\n"
                + object("web/assets/app-3f9a1c.js", 20) + object("web/index.html", 35) + object("web/old-0ld000.js", 18)
                + "</ListBucketResult>\n";
        wiremock.stubFor(get(urlPathEqualTo("/" + BUCKET)).withQueryParam("list-type", equalTo("2"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml").withBody(listing)));
        wiremock.stubFor(head(urlEqualTo("/" + BUCKET + "/web/assets/app-3f9a1c.js")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/javascript; charset=utf-8")
                .withHeader("Cache-Control", "public, max-age=31536000, immutable")
                .withHeader("Content-Length", "20")
                .withHeader("x-amz-meta-sha256", sha256("console.log('notes')"))));
        wiremock.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("ETag", "\"etag\"")));
        wiremock.stubFor(post(urlEqualTo("/" + BUCKET + "?delete")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/xml")
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>")));
    }

    private static String object(String key, long size) {
        return "  <Contents><Key>" + key + "</Key><LastModified>2026-11-20T10:00:00.000Z</LastModified>"
                + "<ETag>\"0c2a5d3f\"</ETag><Size>" + size + "</Size><StorageClass>STANDARD</StorageClass></Contents>\n";
    }

    private void write(String path, String content) throws IOException {
        Path file = build.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Within one run: at most one logical CreateChangeSet of type CREATE and one ExecuteChangeSet,
     * however often the SDK resent them (a resend carries the same name and idempotency token);
     * at most one stack created; and nothing AWS would refuse as a second attempt at work already done.
     */
    private void assertNoDuplicates(Flow flow) {
        if (flow == Flow.S3) {
            return;
        }
        List<Map<String, String>> creates = requests("CreateChangeSet").stream()
                .filter(f -> "CREATE".equals(f.get("ChangeSetType"))).toList();
        assertThat(creates.stream().map(f -> f.get("ChangeSetName")).distinct())
                .as("CREATE change sets requested in this run").hasSizeLessThanOrEqualTo(1);
        assertThat(creates).as("each CreateChangeSet carries an idempotency token").allMatch(f -> f.get("ClientToken") != null);
        assertThat(creates.stream().map(f -> f.get("ClientToken")).distinct()).hasSizeLessThanOrEqualTo(1);
        List<Map<String, String>> executes = requests("ExecuteChangeSet");
        assertThat(executes).allMatch(f -> f.get("ClientRequestToken") != null);
        assertThat(executes.stream().map(f -> f.get("ChangeSetName")).distinct()).hasSizeLessThanOrEqualTo(1);
        assertThat(MODEL.stacksCreatedThisRun()).as("stacks created in this run").isLessThanOrEqualTo(1);
        assertThat(MODEL.executionsThisRun()).as("change sets executed in this run").isLessThanOrEqualTo(1);
        assertThat(MODEL.conflicts()).as("requests CloudFormation refused as duplicates").isEmpty();
    }

    private List<Map<String, String>> requests(String action) {
        List<Map<String, String>> out = new ArrayList<>();
        for (LoggedRequest request : wiremock.findAll(anyRequestedFor(urlEqualTo("/")))) {
            Map<String, String> form = CloudFormationModel.form(request.getBodyAsString());
            if (action.equals(form.get("Action"))) {
                out.add(new TreeMap<>(form));
            }
        }
        return out;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}

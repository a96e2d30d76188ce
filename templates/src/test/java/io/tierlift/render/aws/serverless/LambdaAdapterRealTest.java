package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static io.tierlift.render.aws.serverless.AdapterHarness.httpEvent;
import static io.tierlift.render.aws.serverless.AdapterHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered Lambda adapter run by a real CPython against a WSGI probe: how HTTP API events
 * become WSGI requests and responses, how secrets become DATABASE_URL and app variables, and the
 * release command. The aws provider's tests run it again with the example app and PostgreSQL.
 */
@Tag("real")
class LambdaAdapterRealTest {
    private static final String DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:probe-app-db";
    private static final String APP_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:notes-app";
    private static final String ORIGIN_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:notes-origin";

    @TempDir
    Path dir;

    @Test
    void onLambdaOnlyRequestsCarryingTheOriginSecretsCurrentOrPreviousValueReachTheAppAndNeverWithTheHeader() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null)
                .env("AWS_LAMBDA_FUNCTION_NAME", "probe-api")
                .env("TIERLIFT_ORIGIN_SECRET_ARN", ORIGIN_ARN)
                .env("FAKE_SECRETS", "{\"" + ORIGIN_ARN + "@AWSCURRENT\": \"NewOriginValue123\", \""
                        + ORIGIN_ARN + "@AWSPREVIOUS\": \"OldOriginValue456\"}");
        ObjectNode straight = httpEvent("GET", "/api/notes", "");
        ObjectNode guessed = withHeader(httpEvent("GET", "/api/notes", ""), "x-tierlift-origin", "NewOriginValue12");
        ObjectNode current = withHeader(httpEvent("GET", "/api/notes", ""), "x-tierlift-origin", "NewOriginValue123");
        ObjectNode previous = withHeader(httpEvent("GET", "/api/notes", ""), "X-Tierlift-Origin", "OldOriginValue456");

        AdapterHarness.Run run = harness.invoke(List.of(straight, guessed, current, previous,
                json("{\"tierlift\": \"release-command\"}")));

        for (int i = 0; i < 2; i++) {
            assertThat(run.result(i).path("statusCode").asInt()).as("request %d", i).isEqualTo(403);
            assertThat(run.result(i).toString()).doesNotContain("probe-app-marker").doesNotContain("OriginValue");
        }
        assertThat(run.seen(2).has("HTTP_X_TIERLIFT_ORIGIN")).as("the app never sees the secret").isFalse();
        assertThat(run.seen(2).toString()).doesNotContain("NewOriginValue123");
        assertThat(run.seen(3).has("HTTP_X_TIERLIFT_ORIGIN")).isFalse();
        // A direct invocation (IAM-authorised, no HTTP) is not an HTTP request: no header needed.
        assertThat(run.result(4).path("exitCode").asInt()).isZero();
        // Read once at cold start; a wrong value within the refresh interval reads nothing again.
        assertThat(Files.readAllLines(dir.resolve("secrets.log"))).containsExactly(ORIGIN_ARN + "@AWSCURRENT", ORIGIN_ARN + "@AWSPREVIOUS");
    }

    @Test
    void aWarmInstanceLetsInAValueRotatedSinceItsColdStartOnceItHasReadTheSecretAgain() throws Exception {
        // Never rotated at cold start (no AWSPREVIOUS); rotated before the second request.
        AdapterHarness harness = new AdapterHarness(dir, null)
                .env("AWS_LAMBDA_FUNCTION_NAME", "probe-api")
                .env("TIERLIFT_ORIGIN_SECRET_ARN", ORIGIN_ARN)
                .env("FAKE_SECRETS", "{\"" + ORIGIN_ARN + "@AWSCURRENT\": [\"FirstValue1\", \"RotatedValue2\"]}")
                .originRefreshSeconds("0");
        AdapterHarness.Run run = harness.invoke(List.of(
                withHeader(httpEvent("GET", "/api/notes", ""), "x-tierlift-origin", "FirstValue1"),
                withHeader(httpEvent("GET", "/api/notes", ""), "x-tierlift-origin", "RotatedValue2"),
                withHeader(httpEvent("GET", "/api/notes", ""), "x-tierlift-origin", "NeverAValue3")));

        assertThat(run.result(0).path("statusCode").asInt()).isEqualTo(200);
        assertThat(run.result(1).path("statusCode").asInt()).as(run.stderr()).isEqualTo(200);
        assertThat(run.result(2).path("statusCode").asInt()).isEqualTo(403);
    }

    @Test
    void onLambdaWithoutAnOriginSecretConfiguredEveryRequestIsRefused() throws Exception {
        AdapterHarness.Run run = new AdapterHarness(dir, null).env("AWS_LAMBDA_FUNCTION_NAME", "probe-api")
                .invoke(List.of(withHeader(httpEvent("GET", "/api/notes", ""), "x-tierlift-origin", "anything")));
        assertThat(run.result(0).path("statusCode").asInt()).isEqualTo(403);
        assertThat(run.stderr()).contains("no origin secret is configured");
    }

    @Test
    void aFactoryEntryPointIsCalledOncePerColdStartAndItsAppServesEveryRequest() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null, "probe_app:create_probe()");
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("GET", "/api/one", ""), httpEvent("GET", "/api/two", "")));
        assertThat(run.seen(0).path("PATH_INFO").asText()).isEqualTo("/api/one");
        assertThat(run.seen(1).path("PATH_INFO").asText()).isEqualTo("/api/two");
        assertThat(Files.readAllLines(dir.resolve("imports.log"))).containsExactly("imported", "factory called");
    }

    private static ObjectNode withHeader(ObjectNode event, String name, String value) {
        ((ObjectNode) event.get("headers")).put(name, value);
        return event;
    }

    @Test
    void anHttpApiEventBecomesTheWsgiRequestTheAppWouldGetBehindAProxy() throws Exception {
        ObjectNode event = httpEvent("GET", "/api/echo%20x/%E2%82%AC", "b=1&b=2&c=%2F");
        event.withArray("cookies").add("a=1").add("b=two");
        ((ObjectNode) event.get("headers")).put("Content-Type", "text/plain").put("X-Trace", "t-1");
        AdapterHarness.Run run = new AdapterHarness(dir, null).invoke(List.of(event));

        JsonNode response = run.result(0);
        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(response.path("headers").path("Content-Type").asText()).isEqualTo("application/json; charset=utf-8");
        JsonNode seen = run.seen(0);
        assertThat(seen.path("REQUEST_METHOD").asText()).isEqualTo("GET");
        assertThat(seen.path("SCRIPT_NAME").asText()).isEmpty();
        // PEP 3333: the decoded path's bytes as latin-1 (here the UTF-8 bytes of the euro sign).
        assertThat(seen.path("PATH_INFO").asText())
                .isEqualTo(new String("/api/echo x/€".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        assertThat(seen.path("QUERY_STRING").asText()).isEqualTo("b=1&b=2&c=%2F");
        assertThat(seen.path("HTTP_COOKIE").asText()).isEqualTo("a=1; b=two");
        assertThat(seen.path("CONTENT_TYPE").asText()).isEqualTo("text/plain");
        assertThat(seen.has("HTTP_CONTENT_TYPE")).isFalse();
        assertThat(seen.path("CONTENT_LENGTH").asText()).isEqualTo("0");
        assertThat(seen.path("HTTP_X_TRACE").asText()).isEqualTo("t-1");
        assertThat(seen.path("HTTP_USER_AGENT").asText()).isEqualTo("Amazon CloudFront");
        assertThat(seen.path("HTTP_X_FORWARDED_PROTO").asText()).isEqualTo("https");
        assertThat(seen.path("REMOTE_ADDR").asText()).isEqualTo("203.0.113.9");
        assertThat(seen.path("SERVER_NAME").asText()).isEqualTo("abc123.execute-api.eu-west-1.amazonaws.com");
        assertThat(seen.path("SERVER_PORT").asText()).isEqualTo("443");
        assertThat(seen.path("SERVER_PROTOCOL").asText()).isEqualTo("HTTP/1.1");
        assertThat(seen.path("wsgi.url_scheme").asText()).isEqualTo("https");
    }

    @Test
    void eachRequestHasOneIdTheClientsWhenWellFormedElseApiGatewaysAndTheFunctionLogsItsLineWithIt() throws Exception {
        ObjectNode none = httpEvent("GET", "/api/echo", "");
        ObjectNode client = withHeader(httpEvent("GET", "/api/echo", ""), "X-Request-ID", "client-id-1234");
        ObjectNode bad = withHeader(httpEvent("GET", "/api/echo", ""), "X-Request-ID", "no spaces allowed");
        AdapterHarness.Run run = new AdapterHarness(dir, null).invoke(List.of(none, client, bad));
        assertThat(run.seen(0).path("HTTP_X_REQUEST_ID").asText()).isEqualTo("req-1");
        assertThat(run.seen(1).path("HTTP_X_REQUEST_ID").asText()).isEqualTo("client-id-1234");
        assertThat(run.seen(2).path("HTTP_X_REQUEST_ID").asText()).isEqualTo("req-1");
        assertThat(run.stderr()).contains("GET /api/echo 200 request_id=req-1\n", "GET /api/echo 200 request_id=client-id-1234\n");
    }

    @Test
    void requestBodiesArriveAsBytesWhetherTextOrBase64() throws Exception {
        byte[] binary = {0, (byte) 0xff, 0x10, (byte) 0x80, 'x'};
        ObjectNode encoded = httpEvent("POST", "/api/echo", "");
        encoded.put("isBase64Encoded", true).put("body", Base64.getEncoder().encodeToString(binary));
        ((ObjectNode) encoded.get("headers")).put("content-type", "application/octet-stream").put("content-length", "999");
        ObjectNode text = httpEvent("POST", "/api/echo", "");
        text.put("body", "{\"body\": \"héllo\"}");
        AdapterHarness.Run run = new AdapterHarness(dir, null).invoke(List.of(encoded, text));

        assertThat(Base64.getDecoder().decode(run.seen(0).path("body_b64").asText())).isEqualTo(binary);
        assertThat(run.seen(0).path("CONTENT_LENGTH").asText()).as("the real length, not the header's").isEqualTo("5");
        assertThat(run.seen(0).path("CONTENT_TYPE").asText()).isEqualTo("application/octet-stream");
        assertThat(Base64.getDecoder().decode(run.seen(1).path("body_b64").asText()))
                .isEqualTo("{\"body\": \"héllo\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void responsesCarryCookiesSeparatelyJoinRepeatedHeadersAndEncodeBinaryBodies() throws Exception {
        AdapterHarness.Run run = new AdapterHarness(dir, null).invoke(List.of(
                httpEvent("GET", "/api/cookies", ""), httpEvent("GET", "/api/binary", ""), httpEvent("GET", "/api/gzip", "")));

        JsonNode cookies = run.result(0);
        assertThat(cookies.path("statusCode").asInt()).isEqualTo(204);
        assertThat(cookies.path("cookies")).extracting(JsonNode::asText).containsExactly("a=1; Path=/", "b=2; HttpOnly");
        assertThat(cookies.path("headers").size()).isEqualTo(1);
        assertThat(cookies.path("headers").path("Vary").asText()).isEqualTo("Cookie, Accept");
        assertThat(cookies.path("body").asText()).isEmpty();
        assertThat(cookies.path("isBase64Encoded").asBoolean()).isFalse();

        JsonNode binary = run.result(1);
        assertThat(binary.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.path("body").asText()))
                .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, (byte) 0xff});
        assertThat(binary.has("cookies")).isFalse();

        JsonNode gzip = run.result(2);
        assertThat(gzip.path("isBase64Encoded").asBoolean()).as("compressed text is bytes").isTrue();
        assertThat(Base64.getDecoder().decode(gzip.path("body").asText())).isEqualTo(new byte[] {0x1f, (byte) 0x8b, 8, 0});
    }

    @Test
    void anAppErrorBecomesAJson500AndTheNextRequestIsServed() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null);
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("GET", "/api/boom", ""), httpEvent("GET", "/api/echo", "")));
        JsonNode error = run.result(0);
        assertThat(error.path("statusCode").asInt()).isEqualTo(500);
        assertThat(AdapterHarness.parse(error.path("body").asText()).path("error").asText()).isEqualTo("internal server error");
        assertThat(run.stderr()).contains("RuntimeError: boom");
        assertThat(run.seen(1).path("PATH_INFO").asText()).isEqualTo("/api/echo");
        assertThat(harness.imports()).as("the app is imported once per cold start").isEqualTo(1);
    }

    @Test
    void databaseUrlIsBuiltFromTheAppRolesSecretBeforeTheAppIsImported() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null)
                .env("TIERLIFT_DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1")
                .env("TIERLIFT_APP_DB_SECRET_ARN", DB_ARN)
                .env("TIERLIFT_DB_HOST", "notes-db.proxy-abc.eu-west-1.rds.amazonaws.com")
                .env("TIERLIFT_DB_PORT", "5432")
                .env("TIERLIFT_DB_NAME", "notes")
                .env("FAKE_SECRETS", "{\"" + DB_ARN + "\": {\"username\": \"probe_app\", \"password\": \"p@ss:w/rd %?#é\"}}");
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("GET", "/api/echo", ""), httpEvent("GET", "/api/echo", "")));
        String expected = "postgresql://probe_app:p%40ss%3Aw%2Frd%20%25%3F%23%C3%A9@notes-db.proxy-abc.eu-west-1.rds.amazonaws.com:5432/notes"
                + "?sslmode=require";
        assertThat(run.seen(0).path("at_import").path("DATABASE_URL").asText()).isEqualTo(expected);
        assertThat(run.seen(1).path("env").path("DATABASE_URL").asText()).isEqualTo(expected);
        assertThat(harness.secretReads()).as("the app role's, once at cold start, not per request; the master's never")
                .containsExactly(DB_ARN);
    }

    @Test
    void aDatabaseUrlAlreadySetIsLeftAloneAndBoto3IsNeverImported() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null)
                .env("DATABASE_URL", "postgresql://local/notes")
                .env("TIERLIFT_APP_DB_SECRET_ARN", DB_ARN)
                .env("FAKE_BOTO3_FORBIDDEN", "1");
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("GET", "/api/echo", "")));
        assertThat(run.seen(0).path("env").path("DATABASE_URL").asText()).isEqualTo("postgresql://local/notes");
        assertThat(harness.secretReads()).isEmpty();
    }

    @Test
    void appSecretVariablesAreSetBeforeTheAppIsImported() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null)
                .env("TIERLIFT_APP_SECRET_ARN", APP_ARN)
                .env("TIERLIFT_APP_SECRET_NAMES", "PROBE_TOKEN")
                .env("PROBE_PLAIN", "plain")
                .env("FAKE_SECRETS", "{\"" + APP_ARN + "\": {\"PROBE_TOKEN\": \"t0k3n\", \"UNLISTED\": \"x\"}}");
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("GET", "/api/echo", "")));
        assertThat(run.seen(0).path("at_import").path("PROBE_TOKEN").asText()).isEqualTo("t0k3n");
        assertThat(run.seen(0).path("env").path("PROBE_PLAIN").asText()).isEqualTo("plain");
        assertThat(harness.secretReads()).containsExactly(APP_ARN);
    }

    @Test
    void anAppSecretMissingAVariableStopsTheColdStartWithTheReason() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null)
                .env("TIERLIFT_APP_SECRET_ARN", APP_ARN)
                .env("TIERLIFT_APP_SECRET_NAMES", "PROBE_TOKEN,OTHER_TOKEN")
                .env("FAKE_SECRETS", "{\"" + APP_ARN + "\": {\"PROBE_TOKEN\": \"t0k3n\"}}");
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("GET", "/api/echo", "")));
        assertThat(run.importError().asText()).isEqualTo("the app secret lacks OTHER_TOKEN; run tierlift deploy again");
        assertThat(harness.imports()).isZero();
    }

    @Test
    void theReleaseCommandRunsWithThisPythonAndTheAppsEnvironment() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir,
                "python -c \"import os, sys, probe_app; print(probe_app.MARK, os.environ[\\\"DATABASE_URL\\\"]); "
                        + "print(os.path.realpath(sys.executable), file=sys.stderr); sys.exit(3)\"")
                .env("DATABASE_URL", "postgresql://local/notes");
        AdapterHarness.Run run = harness.invoke(List.of(json("{\"tierlift\": \"release-command\"}")));
        JsonNode result = run.result(0);
        assertThat(result.path("exitCode").asInt()).as("%s", result).isEqualTo(3);
        assertThat(result.path("timedOut").asBoolean()).isFalse();
        assertThat(result.path("output").asText()).contains("probe-app-marker postgresql://local/notes").contains("/usr/bin/python3");
        assertThat(run.stderr()).contains("release command: probe-app-marker");
    }

    @Test
    void theAppRoleEventOfAMigrationsProvisionRunsNoReleaseCommand() throws Exception {
        Path ran = dir.resolve("release-command-ran");
        AdapterHarness harness = new AdapterHarness(dir, "touch \"$PROBE_MARKER\"")
                .env("PROBE_MARKER", ran.toString()).env("DATABASE_URL", "postgresql://local/notes");
        AdapterHarness.Run run = harness.invoke(List.of(json("{\"tierlift\": \"app-role\"}")));
        assertThat(run.result(0).get("exitCode")).as("an answer, not a refusal: %s", run.result(0)).isNotNull();
        assertThat(run.result(0).get("exitCode").asInt()).isZero();
        assertThat(ran).as("the migration's copy brings the schema").doesNotExist();

        AdapterHarness.Run release = harness.invoke(List.of(json("{\"tierlift\": \"release-command\"}")));
        assertThat(release.result(0).path("exitCode").asInt()).as("%s", release.result(0)).isZero();
        assertThat(ran).as("a deploy's release event runs it").exists();
    }

    @Test
    void aReleaseCommandThatOutlivesTheInvocationIsStoppedWithEverythingItStarted() throws Exception {
        Path pidFile = dir.resolve("sleeper.pid");
        AdapterHarness harness = new AdapterHarness(dir,
                "sh -c 'sleep 60 & echo $! > \"$PROBE_PID_FILE\"; wait'; echo never")
                .env("PROBE_PID_FILE", pidFile.toString());
        long started = System.nanoTime();
        // 3 s left in the invocation: the adapter keeps 2 s for itself, so the command gets 1 s.
        AdapterHarness.Run run = harness.invoke(List.of(json("{\"tierlift\": \"release-command\"}")), 3_000);
        JsonNode result = run.result(0);
        assertThat((System.nanoTime() - started) / 1_000_000_000).as("seconds taken").isLessThan(30);
        assertThat(result.path("timedOut").asBoolean()).as("%s", result).isTrue();
        assertThat(result.path("exitCode").asInt()).isNotZero();
        assertThat(result.path("output").asText()).contains("stopped after 1 s").doesNotContain("never");
        long sleeper = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ended(sleeper)).as("the command's child %s is gone", sleeper).isTrue();
    }

    /** Whether a process has ended: gone, or a zombie its new parent has not reaped yet. */
    private static boolean ended(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 50; i++) {
            try {
                String text = Files.readString(stat);
                if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void withoutAReleaseCommandTheEventSaysSoAndUnknownActionsAreRefused() throws Exception {
        AdapterHarness.Run run = new AdapterHarness(dir, null).invoke(List.of(
                json("{\"tierlift\": \"release-command\"}"), json("{\"tierlift\": \"drop-database\"}")));
        assertThat(run.result(0).path("exitCode").asInt()).isZero();
        assertThat(run.result(0).path("output").asText()).isEqualTo("no release command is configured");
        assertThat(run.result(1).path("error").asText()).isEqualTo("unknown tierlift action: 'drop-database'");
    }

    @Test
    void anExecRunsItsWordsWithTheAppsEnvironmentAndLogsWhoRanWhatButNotTheOutput() throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, null).env("DATABASE_URL", "postgresql://local/exec-secret-value");
        AdapterHarness.Run run = harness.invoke(List.of(
                json("{\"tierlift\": \"exec\", \"operator\": \"alice\", \"argv\": [\"python\", \"-c\", "
                        + "\"import os, sys, probe_app; print(probe_app.MARK, os.environ['DATABASE_URL'] != ''); sys.exit(5)\"]}"),
                json("{\"tierlift\": \"exec\", \"operator\": \"alice\", \"argv\": [\"no-such-program\"]}"),
                json("{\"tierlift\": \"exec\", \"operator\": \"alice\", \"argv\": \"python -c 1\"}"),
                json("{\"tierlift\": \"exec\", \"argv\": [\"true\"]}")));
        JsonNode result = run.result(0);
        assertThat(result.path("exitCode").asInt()).as("%s", result).isEqualTo(5);
        assertThat(result.path("timedOut").asBoolean()).isFalse();
        assertThat(result.path("output").asText()).startsWith("probe-app-marker True");
        assertThat(run.stderr()).contains("exec by \"alice\": [\"python\", \"-c\", \"import os, sys, probe_app;")
                .contains("exec by \"alice\" ended with exit code 5")
                .doesNotContain("probe-app-marker True").doesNotContain("exec-secret-value");
        assertThat(run.result(1).path("exitCode").asInt()).isEqualTo(127);
        assertThat(run.result(1).path("output").asText()).contains("cannot run no-such-program");
        assertThat(run.result(2).path("error").asText()).isEqualTo("exec needs argv: a non-empty list of non-empty strings");
        assertThat(run.result(3).path("error").asText()).isEqualTo("exec needs operator: who runs the command");
    }
}

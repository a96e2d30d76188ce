package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.tierlift.render.aws.serverless.AdapterHarness.httpEvent;
import static io.tierlift.render.aws.serverless.AdapterHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter's maintenance switch, run by a real CPython: with TIERLIFT_MAINTENANCE=on in the
 * function's environment every HTTP request gets 503 and the page, without the database secret
 * being read again or the app being called; the release command still runs; off, the app serves.
 */
@Tag("real")
class LambdaAdapterMaintenanceRealTest {
    private static final String DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:probe-app-db";

    @TempDir
    Path dir;

    private AdapterHarness harness(String maintenance) throws Exception {
        AdapterHarness harness = new AdapterHarness(dir, "echo migrated")
                .env("TIERLIFT_APP_DB_SECRET_ARN", DB_ARN).env("TIERLIFT_DB_HOST", "proxy.example")
                .env("TIERLIFT_DB_NAME", "probe")
                .env("FAKE_SECRETS", "{\"" + DB_ARN + "\": {\"username\": \"probe_app\", \"password\": \"pw\"}}");
        if (maintenance != null) {
            harness.env("TIERLIFT_MAINTENANCE", maintenance);
        }
        return harness;
    }

    @Test
    void onEveryRequestGetsTheMaintenancePageAndNothingBehindItRuns() throws Exception {
        AdapterHarness harness = harness("on");
        AdapterHarness.Run run = harness.invoke(List.of(httpEvent("POST", "/api/notes", ""), httpEvent("GET", "/api/health", ""),
                httpEvent("DELETE", "/api/notes/1", "")));

        for (int i = 0; i < 3; i++) {
            JsonNode response = run.result(i);
            assertThat(response.path("statusCode").asInt()).as("response %s", i).isEqualTo(503);
            assertThat(response.path("headers").path("Content-Type").asText()).isEqualTo("text/html; charset=utf-8");
            assertThat(response.path("headers").path("Cache-Control").asText()).isEqualTo("no-store");
            assertThat(response.path("headers").path("Retry-After").asText()).isEqualTo("120");
            assertThat(response.path("body").asText()).contains("<h1>probe is down for maintenance</h1>")
                    .doesNotContain("REQUEST_METHOD");
            assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
        }
        assertThat(harness.secretReads()).as("only the cold start read the secret").containsExactly(DB_ARN);
    }

    @Test
    void theReleaseCommandStillRunsDuringMaintenance() throws Exception {
        AdapterHarness.Run run = harness("on").invoke(List.of(json("{\"tierlift\": \"release-command\"}")));
        assertThat(run.result(0).path("exitCode").asInt()).isZero();
        assertThat(run.result(0).path("output").asText()).contains("migrated");
    }

    @Test
    void offOrAbsentTheAppAnswers() throws Exception {
        assertThat(harness("off").invoke(List.of(httpEvent("GET", "/api/echo", ""))).seen(0).path("REQUEST_METHOD").asText())
                .isEqualTo("GET");
        assertThat(harness(null).invoke(List.of(httpEvent("GET", "/api/echo", ""))).seen(0).path("PATH_INFO").asText())
                .isEqualTo("/api/echo");
    }
}

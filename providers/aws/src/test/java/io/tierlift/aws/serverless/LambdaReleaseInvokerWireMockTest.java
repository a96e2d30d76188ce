package io.tierlift.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.net.URI;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exec event against Lambda's Invoke API (REST: POST /2015-03-31/functions/NAME/invocations, the
 * function's answer as the body, X-Amz-Function-Error when the function itself failed), as AWS
 * documents it; moto cannot run the function.
 */
class LambdaReleaseInvokerWireMockTest {
    private static final String INVOKE = "/2015-03-31/functions/notes-api-fn%3Alive/invocations";
    private WireMockServer wiremock;
    private LambdaClient lambda;
    private LambdaReleaseInvoker invoker;

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        lambda = LambdaClient.builder().region(Region.EU_WEST_1).endpointOverride(URI.create("http://127.0.0.1:" + wiremock.port()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        invoker = new LambdaReleaseInvoker(region -> lambda);
    }

    @AfterEach
    void stop() {
        lambda.close();
        wiremock.stop();
    }

    @Test
    void anExecSendsTheWordsAndTheOperatorToTheQualifiedFunctionAndReadsTheExitCode() throws Exception {
        wiremock.stubFor(post(urlEqualTo(INVOKE)).willReturn(aResponse().withStatus(200)
                .withBody("{\"exitCode\": 3, \"output\": \"partial\\n\", \"timedOut\": false}")));
        ReleaseInvoker.ReleaseOutcome outcome = invoker.exec("eu-west-1", "notes-api-fn:live",
                List.of("python", "-c", "print(\"a b\")"), "alice");
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output()).isEqualTo("partial\n");
        var requests = wiremock.findAll(postRequestedFor(urlEqualTo(INVOKE)));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("X-Amz-Invocation-Type")).isEqualTo("RequestResponse");
        JsonNode event = new ObjectMapper().readTree(requests.get(0).getBodyAsString());
        assertThat(event.get("tierlift").asText()).isEqualTo("exec");
        assertThat(event.get("operator").asText()).isEqualTo("alice");
        assertThat(event.get("argv").toString()).isEqualTo("[\"python\",\"-c\",\"print(\\\"a b\\\")\"]");
    }

    @Test
    void theAppRoleSetUpSendsItsOwnEventAndTheReleaseCommandTheReleaseEvent() throws Exception {
        wiremock.stubFor(post(urlEqualTo(INVOKE)).willReturn(aResponse().withStatus(200)
                .withBody("{\"exitCode\": 0, \"output\": \"\", \"timedOut\": false}")));
        assertThat(invoker.setUpAppRole("eu-west-1", "notes-api-fn:live").succeeded()).isTrue();
        assertThat(invoker.run("eu-west-1", "notes-api-fn:live").succeeded()).isTrue();
        var requests = wiremock.findAll(postRequestedFor(urlEqualTo(INVOKE)));
        assertThat(requests).extracting(r -> r.getBodyAsString())
                .containsExactly("{\"tierlift\":\"app-role\"}", "{\"tierlift\":\"release-command\"}");
    }

    @Test
    void aRefusedEventAndAFailedFunctionAreNotExitCodes() {
        wiremock.stubFor(post(urlEqualTo(INVOKE)).willReturn(aResponse().withStatus(200)
                .withBody("{\"error\": \"unknown tierlift action: 'exec'\"}")));
        ReleaseInvoker.ReleaseOutcome refused = invoker.exec("eu-west-1", "notes-api-fn:live", List.of("true"), "alice");
        assertThat(refused.exitCode()).isEqualTo(-1);
        assertThat(refused.output()).isEqualTo("the function refused the event: unknown tierlift action: 'exec'");

        wiremock.stubFor(post(urlEqualTo(INVOKE)).willReturn(aResponse().withStatus(200).withHeader("X-Amz-Function-Error", "Unhandled")
                .withBody("{\"errorMessage\": \"Task timed out after 15.00 seconds\"}")));
        ReleaseInvoker.ReleaseOutcome failed = invoker.exec("eu-west-1", "notes-api-fn:live", List.of("true"), "alice");
        assertThat(failed.exitCode()).isEqualTo(-1);
        assertThat(failed.output()).contains("function error Unhandled").contains("Task timed out");
    }
}

package io.tierlift.aws.cloudfront;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.RecordingProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Invalidations against CloudFront's REST-XML API (2020-05-31), answered as its API reference
 * documents: CreateInvalidation is {@code POST /2020-05-31/distribution/{Id}/invalidation} answered
 * 201 with an {@code <Invalidation>} and a Location header; GetInvalidation is
 * {@code GET .../invalidation/{Id}}; errors are {@code <ErrorResponse><Error>…}.
 */
class CloudFrontInvalidatorWireMockTest {
    private static final String DISTRIBUTION = "E2QWRUHEXAMPLE";
    private static final String CREATE_PATH = "/2020-05-31/distribution/" + DISTRIBUTION + "/invalidation";

    private WireMockServer wiremock;
    private AwsClients clients;
    private final RecordingProgress progress = new RecordingProgress();
    private final SteppingClock clock = new SteppingClock();
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        clients = LocalAws.clients(URI.create("http://127.0.0.1:" + wiremock.port()), 3);
    }

    @AfterEach
    void stop() {
        clients.close();
        wiremock.stop();
    }

    private CloudFrontInvalidator invalidator(InvalidationSettings settings) {
        AtomicInteger references = new AtomicInteger();
        return new CloudFrontInvalidator(clients::cloudFront, settings, progress, duration -> {
            sleeps.add(duration);
            clock.advance(duration);
        }, clock, () -> "ref-" + references.incrementAndGet());
    }

    private static InvalidationSettings fast() {
        return InvalidationSettings.defaults().withPolling(Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    static String invalidation(String id, String status, List<String> paths) {
        StringBuilder items = new StringBuilder();
        paths.forEach(p -> items.append("<Path>").append(p).append("</Path>"));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
                  <CreateTime>2025-03-01T10:00:00.000Z</CreateTime>
                  <Id>%s</Id>
                  <InvalidationBatch>
                    <CallerReference>ref</CallerReference>
                    <Paths><Items>%s</Items><Quantity>%d</Quantity></Paths>
                  </InvalidationBatch>
                  <Status>%s</Status>
                </Invalidation>
                """.formatted(id, items, paths.size(), status);
    }

    static String error(String code, String message) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
                  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
                  <RequestId>2f1b1d5e-0000-4000-8000-000000000000</RequestId>
                </ErrorResponse>
                """.formatted(code, message);
    }

    private void created(String id, List<String> paths) {
        wiremock.stubFor(post(urlEqualTo(CREATE_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "text/xml")
                .withHeader("Location", "https://cloudfront.amazonaws.com" + CREATE_PATH + "/" + id)
                .withBody(invalidation(id, "InProgress", paths))));
    }

    @Test
    void throttledCreateIsRetriedThenPolledUntilCompleted() {
        List<String> paths = List.of("/index.html", "/");
        wiremock.stubFor(post(urlEqualTo(CREATE_PATH)).inScenario("create").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                        .withBody(error("Throttling", "Rate exceeded")))
                .willSetStateTo("throttled once"));
        wiremock.stubFor(post(urlEqualTo(CREATE_PATH)).inScenario("create").whenScenarioStateIs("throttled once")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "text/xml")
                        .withHeader("Location", "https://cloudfront.amazonaws.com" + CREATE_PATH + "/I2J0I21PCUYOIK")
                        .withBody(invalidation("I2J0I21PCUYOIK", "InProgress", paths))));
        String get = CREATE_PATH + "/I2J0I21PCUYOIK";
        wiremock.stubFor(get(urlEqualTo(get)).inScenario("get").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(invalidation("I2J0I21PCUYOIK", "InProgress", paths)))
                .willSetStateTo("asked once"));
        wiremock.stubFor(get(urlEqualTo(get)).inScenario("get").whenScenarioStateIs("asked once")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(invalidation("I2J0I21PCUYOIK", "Completed", paths))));

        InvalidationResult result = invalidator(fast()).invalidate(DISTRIBUTION, paths);

        assertThat(result.invalidationIds()).containsExactly("I2J0I21PCUYOIK");
        assertThat(result.completed()).isTrue();
        assertThat(result.paths()).containsExactly("/index.html", "/");
        wiremock.verify(2, postRequestedFor(urlEqualTo(CREATE_PATH)));
        wiremock.verify(2, getRequestedFor(urlEqualTo(get)));
        LoggedRequest sent = wiremock.findAll(postRequestedFor(urlEqualTo(CREATE_PATH))).get(1);
        String body = sent.getBodyAsString();
        assertThat(body).contains("<Quantity>2</Quantity>").contains("<Path>/index.html</Path>").contains("<Path>/</Path>")
                .contains("<CallerReference>ref-1</CallerReference>");
        // Region.AWS_GLOBAL: behind an endpoint override the SDK signs with that name (AWS itself maps it to us-east-1).
        assertThat(sent.getHeader("Authorization")).contains("/aws-global/cloudfront/aws4_request");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(10));
        assertThat(progress.lines()).containsSubsequence(
                "cloudfront " + DISTRIBUTION + ": invalidation I2J0I21PCUYOIK of 2 path(s) [/index.html, /]: InProgress",
                "cloudfront " + DISTRIBUTION + ": 1 invalidation(s) in progress (0 s)",
                "cloudfront " + DISTRIBUTION + ": invalidation I2J0I21PCUYOIK Completed after 10 s");
    }

    @Test
    void noPathsMeansNoCall() {
        InvalidationResult result = invalidator(fast()).invalidate(DISTRIBUTION, List.of());

        assertThat(result.sent()).isFalse();
        assertThat(result.completed()).isTrue();
        assertThat(wiremock.getAllServeEvents()).isEmpty();
    }

    @Test
    void pathsAreSentInBatchesOfTheConfiguredSize() {
        wiremock.stubFor(post(urlEqualTo(CREATE_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "text/xml").withBody(invalidation("IBATCH", "InProgress", List.of("/a")))));
        wiremock.stubFor(get(urlMatching(CREATE_PATH + "/IBATCH")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody(invalidation("IBATCH", "Completed", List.of("/a")))));
        List<String> paths = List.of("/a.html", "/b.html", "/c.html", "/d.html", "/e.html", "/a.html");

        InvalidationResult result = invalidator(fast().withBatchSize(2)).invalidate(DISTRIBUTION, paths);

        List<String> quantities = new ArrayList<>();
        List<String> sentPaths = new ArrayList<>();
        for (LoggedRequest request : wiremock.findAll(postRequestedFor(urlEqualTo(CREATE_PATH)))) {
            Matcher quantity = Pattern.compile("<Quantity>(\\d+)</Quantity>").matcher(request.getBodyAsString());
            assertThat(quantity.find()).isTrue();
            quantities.add(quantity.group(1));
            Matcher path = Pattern.compile("<Path>([^<]+)</Path>").matcher(request.getBodyAsString());
            while (path.find()) {
                sentPaths.add(path.group(1));
            }
        }
        // The repeated /a.html is sent once.
        assertThat(quantities).containsExactly("2", "2", "1");
        assertThat(sentPaths).containsExactly("/a.html", "/b.html", "/c.html", "/d.html", "/e.html");
        assertThat(result.invalidationIds()).hasSize(3);
        assertThat(result.completed()).isTrue();
    }

    @Test
    void theWaitIsBoundedAndEndsWithAWarningNotAFailure() {
        created("ISLOW", List.of("/index.html"));
        wiremock.stubFor(get(urlEqualTo(CREATE_PATH + "/ISLOW")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody(invalidation("ISLOW", "InProgress", List.of("/index.html")))));

        InvalidationResult result = invalidator(InvalidationSettings.defaults()
                .withPolling(Duration.ofSeconds(20), Duration.ofMinutes(1))).invalidate(DISTRIBUTION, List.of("/index.html"));

        assertThat(result.completed()).isFalse();
        assertThat(result.invalidationIds()).containsExactly("ISLOW");
        // Polled at 0, 20, 40 and 60 s, then given up: bounded by the timeout, not by CloudFront.
        wiremock.verify(4, getRequestedFor(urlEqualTo(CREATE_PATH + "/ISLOW")));
        assertThat(progress.lines()).last().asString()
                .startsWith("cloudfront " + DISTRIBUTION + ": warning: invalidation(s) [ISLOW] still in progress after 60 s")
                .contains("aws cloudfront get-invalidation --distribution-id " + DISTRIBUTION + " --id ISLOW");
    }

    @Test
    void anUnknownDistributionFailsWithCloudFrontsCode() {
        wiremock.stubFor(post(urlEqualTo(CREATE_PATH)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "text/xml")
                .withBody(error("NoSuchDistribution", "The specified distribution does not exist."))));

        assertThatThrownBy(() -> invalidator(fast()).invalidate(DISTRIBUTION, List.of("/index.html")))
                .isInstanceOf(AwsCallException.class)
                .hasMessage("CloudFront CreateInvalidation failed: NoSuchDistribution: The specified distribution does not exist.")
                .satisfies(e -> assertThat(((AwsCallException) e).statusCode()).isEqualTo(404));
        wiremock.verify(1, postRequestedFor(urlEqualTo(CREATE_PATH)));
    }

    /** A clock that moves only when the invalidator sleeps. */
    private static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2025-03-01T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

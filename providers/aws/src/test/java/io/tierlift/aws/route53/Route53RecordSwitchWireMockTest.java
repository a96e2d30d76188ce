package io.tierlift.aws.route53;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tierlift.aws.testing.RecordingProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wait for INSYNC against Route 53's REST-XML API (2013-04-01) answered as its reference
 * documents: ChangeResourceRecordSets answers a ChangeInfo with Id "/change/ID" and Status
 * PENDING; GetChange ({@code GET /2013-04-01/change/ID}) answers PENDING until the change reached
 * every name server, then INSYNC. moto answers INSYNC at once, so the polling is proven here.
 */
class Route53RecordSwitchWireMockTest {
    private static final String ZONE = "Z1D633PJN98FT9";
    private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";

    private WireMockServer wiremock;
    private Route53Client client;
    private final RecordingProgress progress = new RecordingProgress();
    private final List<Duration> sleeps = new ArrayList<>();
    private final SteppingClock clock = new SteppingClock();

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        client = Route53Client.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create("http://127.0.0.1:" + wiremock.port()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
        wiremock.stubFor(get(urlPathEqualTo("/2013-04-01/hostedzone/" + ZONE + "/rrset")).willReturn(xml("""
                <ListResourceRecordSetsResponse xmlns="%s">
                  <ResourceRecordSets>
                    <ResourceRecordSet><Name>notes.example.com.</Name><Type>A</Type><TTL>300</TTL>
                      <ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords>
                    </ResourceRecordSet>
                    <ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL>
                      <ResourceRecords><ResourceRecord><Value>192.0.2.9</Value></ResourceRecord></ResourceRecords>
                    </ResourceRecordSet>
                  </ResourceRecordSets>
                  <IsTruncated>true</IsTruncated><NextRecordName>zz.example.com.</NextRecordName><NextRecordType>A</NextRecordType>
                  <MaxItems>100</MaxItems>
                </ListResourceRecordSetsResponse>""".formatted(NS))));
        wiremock.stubFor(post(urlMatching("/2013-04-01/hostedzone/" + ZONE + "/rrset/?")).willReturn(xml("""
                <ChangeResourceRecordSetsResponse xmlns="%s">
                  <ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status>
                    <SubmittedAt>2025-03-01T10:00:00.000Z</SubmittedAt></ChangeInfo>
                </ChangeResourceRecordSetsResponse>""".formatted(NS))));
    }

    @AfterEach
    void stop() {
        client.close();
        wiremock.stop();
    }

    private Route53RecordSwitch dns() {
        return new Route53RecordSwitch(() -> client, progress, d -> {
            sleeps.add(d);
            clock.advance(d);
        }, clock, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private void getChangeAnswers(String... statuses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = i == statuses.length - 1 ? state : "answer-" + (i + 1);
            wiremock.stubFor(get(urlEqualTo("/2013-04-01/change/C2682N5HXP0BZ4")).inScenario("change").whenScenarioStateIs(state)
                    .willSetStateTo(next).willReturn(xml("""
                            <GetChangeResponse xmlns="%s"><ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>%s</Status>
                              <SubmittedAt>2025-03-01T10:00:00.000Z</SubmittedAt></ChangeInfo></GetChangeResponse>"""
                            .formatted(NS, statuses[i]))));
            state = next;
        }
    }

    @Test
    void pollsGetChangeWithTheBareIdUntilInsync() {
        getChangeAnswers("PENDING", "PENDING", "INSYNC");
        SwitchResult result = dns().point(ZONE, "notes.example.com", 60, new RecordTarget.Addresses(List.of("10.0.0.1")), "onprem");

        assertThat(result.inSync()).isTrue();
        assertThat(result.changeId()).contains("C2682N5HXP0BZ4");
        assertThat(result.waited()).isEqualTo(Duration.ofSeconds(15));
        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        wiremock.verify(3, getRequestedFor(urlEqualTo("/2013-04-01/change/C2682N5HXP0BZ4")));
        // The other name on the same page is neither changed nor a reason to read on.
        wiremock.verify(1, getRequestedFor(urlPathEqualTo("/2013-04-01/hostedzone/" + ZONE + "/rrset")));
        wiremock.verify(postRequestedFor(urlMatching("/2013-04-01/hostedzone/" + ZONE + "/rrset/?"))
                .withRequestBody(containing("<Action>UPSERT</Action>"))
                .withRequestBody(containing("<Value>10.0.0.1</Value>"))
                .withRequestBody(containing("<TTL>60</TTL>"))
                .withRequestBody(containing("<Comment>onprem</Comment>")));
        assertThat(progress.lines()).contains("route53 notes.example.com.: change C2682N5HXP0BZ4 PENDING",
                "route53 notes.example.com.: change C2682N5HXP0BZ4 INSYNC after 15 s");
    }

    @Test
    void aChangeStillPendingAtTheDeadlineIsAWarningNotAFailure() {
        getChangeAnswers("PENDING");
        SwitchResult result = dns().point(ZONE, "notes.example.com", 60, new RecordTarget.Addresses(List.of("10.0.0.1")), "onprem");

        assertThat(result.inSync()).isFalse();
        assertThat(result.status()).isEqualTo("PENDING");
        assertThat(result.changed()).isTrue();
        assertThat(result.waited()).isEqualTo(Duration.ofSeconds(30));
        assertThat(progress.lines()).anyMatch(l -> l.contains("warning: change C2682N5HXP0BZ4 is still PENDING after 30 s")
                && l.contains("aws route53 get-change --id C2682N5HXP0BZ4"));
    }

    @Test
    void recordsAlreadyAsWantedSendNothing() {
        SwitchResult result = dns().point(ZONE, "notes.example.com", 300, new RecordTarget.Addresses(List.of("192.0.2.1")), "x");
        assertThat(result.changed()).isFalse();
        wiremock.verify(0, postRequestedFor(urlMatching(".*")));
        assertThat(progress.lines()).containsExactly("route53 notes.example.com.: already points at 192.0.2.1; nothing to change");
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder xml(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(body);
    }

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

package io.tierlift.aws.route53;

import io.tierlift.aws.testing.MotoServer;
import io.tierlift.aws.testing.RecordingProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The traffic switch against moto's Route 53: records really change, and GetChange answers INSYNC. */
@Tag("moto")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Route53RecordSwitchMotoTest {
    private static MotoServer moto;
    private Route53Client route53;
    private String zone;
    private final RecordingProgress progress = new RecordingProgress();
    private Route53RecordSwitch dns;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void zone() throws IOException {
        moto.reset();
        route53 = Route53Client.builder().region(Region.AWS_GLOBAL).endpointOverride(moto.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        zone = Route53RecordSwitch.bareId(route53.createHostedZone(b -> b.name("example.com.")
                .callerReference(UUID.randomUUID().toString())).hostedZone().id());
        route53.changeResourceRecordSets(b -> b.hostedZoneId(zone).changeBatch(c -> c.changes(
                change(ChangeAction.CREATE, ResourceRecordSet.builder().name("notes.example.com.").type(RRType.CNAME).ttl(300L)
                        .resourceRecords(r -> r.value("old-lb.example.net")).build()),
                change(ChangeAction.CREATE, ResourceRecordSet.builder().name("www.example.com.").type(RRType.A).ttl(300L)
                        .resourceRecords(r -> r.value("192.0.2.99")).build()))));
        dns = new Route53RecordSwitch(() -> route53, progress, d -> Thread.sleep(d.toMillis()), Clock.systemUTC(),
                Duration.ofMillis(50), Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        route53.close();
    }

    @Test
    void onpremAddressesReplaceACnameInOneChangeAndReachInsync() {
        SwitchResult result = dns.point(zone, "notes.example.com", 60, new RecordTarget.Addresses(List.of("10.231.0.12", "10.231.0.11")),
                "tierlift: onprem takes traffic");

        assertThat(result.changed()).isTrue();
        assertThat(result.inSync()).as(progress.lines().toString()).isTrue();
        assertThat(result.changes()).containsExactly(
                "DELETE CNAME notes.example.com. -> old-lb.example.net (TTL 300)",
                "UPSERT A notes.example.com. -> 10.231.0.11 10.231.0.12 (TTL 60)");
        Map<String, String> records = records("notes.example.com.");
        assertThat(records).containsOnlyKeys("A").containsEntry("A", "60 [10.231.0.11, 10.231.0.12]");
        assertThat(records("www.example.com.")).as("other names are untouched").containsEntry("A", "300 [192.0.2.99]");
        assertThat(progress.lines()).anyMatch(l -> l.matches("route53 notes\\.example\\.com\\.: change \\S+ INSYNC after \\d+ s"));
    }

    @Test
    void cloudFrontGetsAliasRecordsAndTheSameSwitchTwiceChangesNothing() {
        dns.point(zone, "notes.example.com", 60, new RecordTarget.Addresses(List.of("10.231.0.11")), "onprem");
        SwitchResult toCloudFront = dns.point(zone, "notes.example.com", 60, new RecordTarget.CloudFrontAlias("d111111abcdef8.cloudfront.net"),
                "tierlift: aws-serverless takes traffic");
        assertThat(toCloudFront.changes()).containsExactly(
                "UPSERT A notes.example.com. -> alias d111111abcdef8.cloudfront.net.",
                "UPSERT AAAA notes.example.com. -> alias d111111abcdef8.cloudfront.net.");
        assertThat(toCloudFront.inSync()).isTrue();
        Map<String, String> records = records("notes.example.com.");
        assertThat(records).containsOnlyKeys("A", "AAAA")
                .containsEntry("A", "alias Z2FDTNDATAQYW2 d111111abcdef8.cloudfront.net.");

        SwitchResult again = dns.point(zone, "notes.example.com", 60, new RecordTarget.CloudFrontAlias("d111111abcdef8.cloudfront.net"), "again");
        assertThat(again.changed()).isFalse();
        assertThat(again.changes()).isEmpty();

        // And back: the AAAA alias goes, or IPv6 clients would stay on CloudFront.
        SwitchResult back = dns.point(zone, "notes.example.com", 60, new RecordTarget.Addresses(List.of("10.231.0.11")), "rollback");
        assertThat(back.changes()).containsExactly(
                "DELETE AAAA notes.example.com. -> alias d111111abcdef8.cloudfront.net.",
                "UPSERT A notes.example.com. -> 10.231.0.11 (TTL 60)");
        assertThat(records("notes.example.com.")).containsOnlyKeys("A").containsEntry("A", "60 [10.231.0.11]");
    }

    @Test
    void weightedRecordsAreNotReplaced() {
        route53.changeResourceRecordSets(b -> b.hostedZoneId(zone).changeBatch(c -> c.changes(
                change(ChangeAction.CREATE, ResourceRecordSet.builder().name("api.example.com.").type(RRType.A).ttl(60L)
                        .setIdentifier("blue").weight(50L).resourceRecords(r -> r.value("192.0.2.1")).build()))));
        assertThatThrownBy(() -> dns.point(zone, "api.example.com", 60, new RecordTarget.Addresses(List.of("10.0.0.1")), "x"))
                .isInstanceOf(Route53Exception.class).hasMessageContaining("routing policy").hasMessageContaining("'blue'");
        assertThat(records("api.example.com.")).containsEntry("A", "60 [192.0.2.1]");
    }

    private static software.amazon.awssdk.services.route53.model.Change change(ChangeAction action, ResourceRecordSet set) {
        return software.amazon.awssdk.services.route53.model.Change.builder().action(action).resourceRecordSet(set).build();
    }

    /** Type → "TTL [values]" or "alias ZONE NAME", for one name. */
    private Map<String, String> records(String name) {
        Map<String, String> out = new TreeMap<>();
        for (ResourceRecordSet r : route53.listResourceRecordSets(b -> b.hostedZoneId(zone)).resourceRecordSets()) {
            if (r.name().equals(name)) {
                out.put(r.typeAsString(), r.aliasTarget() != null
                        ? "alias " + r.aliasTarget().hostedZoneId() + " " + r.aliasTarget().dnsName()
                        : r.ttl() + " " + r.resourceRecords().stream().map(v -> v.value()).sorted().toList());
            }
        }
        return out;
    }
}

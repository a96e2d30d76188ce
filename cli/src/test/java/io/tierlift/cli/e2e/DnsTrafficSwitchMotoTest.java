package io.tierlift.cli.e2e;

import io.tierlift.cli.Main;
import io.tierlift.cli.console.Console;
import io.tierlift.aws.tier.DnsInstructions;
import io.tierlift.aws.tier.DnsTrafficSwitch;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DNS traffic switch as migrate's tiers use it, made from a descriptor and the environment
 * like every AWS command, against moto's Route 53: on-prem edge addresses, then CloudFront, then
 * back (a rollback), each reported to the operator; and the records printed when nothing is managed.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsTrafficSwitchMotoTest {
    private MotoShim moto;
    private Route53Client route53;
    private final StringWriter err = new StringWriter();

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        route53 = Route53Client.builder().region(Region.AWS_GLOBAL).endpointOverride(moto.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    void stop() {
        if (route53 != null) {
            route53.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private TierContext app() {
        return Main.context(Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", "eu-west-1"),
                new Console(new PrintWriter(new StringWriter()), new PrintWriter(err, true), false, false));
    }

    private AppDescriptor descriptor(String dns, String waf) {
        String yaml = """
                app: notes
                backend: { wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  onprem:
                    domain: notes.example.com
                    waf: { crs: %s }
                    hosts:
                      waf1:  { address: 10.231.0.5, roles: [waf] }
                      edge1: { address: 10.231.0.10, roles: [proxy, static] }
                      edge2: { address: 10.231.0.11, roles: [proxy, static] }
                      app1:  { address: 10.231.0.21, roles: [app] }
                      app2:  { address: 10.231.0.22, roles: [app] }
                      db1:   { address: 10.231.0.31, roles: [db-primary] }
                %s""".formatted(waf, dns);
        return new DescriptorLoader().load("app.yaml", yaml, Path.of("/tmp"), Optional.empty()).descriptor();
    }

    private String zone() {
        String id = route53.createHostedZone(b -> b.name("example.com.").callerReference(UUID.randomUUID().toString()))
                .hostedZone().id();
        return id.substring(id.lastIndexOf('/') + 1);
    }

    @Test
    void onpremThenCloudFrontThenBackEachReported() {
        String zone = zone();
        AppDescriptor descriptor = descriptor("dns: { zone_id: " + zone + ", name: notes.example.com, ttl: 30 }\n", "false");
        try (DnsTrafficSwitch dns = DnsTrafficSwitch.open(app(), descriptor).orElseThrow()) {
            List<String> edge = dns.edgeAddresses(descriptor.app(), descriptor.targets().onprem().orElseThrow());
            assertThat(edge).as("WAF off: the proxies take requests").containsExactly("10.231.0.10", "10.231.0.11");

            StringWriter out = new StringWriter();
            dns.pointAt(Target.ONPREM, edge, new PrintWriter(out, true));
            assertThat(out.toString()).startsWith("DNS: notes.example.com. now points at onprem ([10.231.0.10, 10.231.0.11]); "
                    + "Route 53 change ").contains(" INSYNC after ");
            assertThat(records(zone)).isEqualTo(Map.of("A", "30 [10.231.0.10, 10.231.0.11]"));

            dns.pointAtCloudFront(Target.AWS_IAAS, "d222222abcdef8.cloudfront.net", new PrintWriter(out, true));
            assertThat(records(zone)).isEqualTo(Map.of("A", "alias d222222abcdef8.cloudfront.net.",
                    "AAAA", "alias d222222abcdef8.cloudfront.net."));

            StringWriter back = new StringWriter();
            dns.pointAt(Target.ONPREM, edge, new PrintWriter(back, true));
            assertThat(back.toString()).contains("now points at onprem");
            assertThat(records(zone)).isEqualTo(Map.of("A", "30 [10.231.0.10, 10.231.0.11]"));
        }
        assertThat(err.toString()).contains("DELETE AAAA notes.example.com.");
    }

    @Test
    void withTheWafOnItsHostsAreTheEdge() {
        AppDescriptor descriptor = descriptor("dns: { zone_id: ZONE1, name: notes.example.com }\n", "true");
        try (DnsTrafficSwitch dns = DnsTrafficSwitch.open(app(), descriptor).orElseThrow()) {
            assertThat(dns.edgeAddresses(descriptor.app(), descriptor.targets().onprem().orElseThrow())).containsExactly("10.231.0.5");
        }
    }

    @Test
    void aMissingZoneIsAnOperatorMessage() {
        AppDescriptor descriptor = descriptor("dns: { zone_id: ZNOSUCHZONE, name: notes.example.com }\n", "false");
        try (DnsTrafficSwitch dns = DnsTrafficSwitch.open(app(), descriptor).orElseThrow()) {
            assertThatThrownBy(() -> dns.pointAt(Target.ONPREM, List.of("10.231.0.10"), new PrintWriter(new StringWriter())))
                    .isInstanceOf(TierFailure.class).hasMessageStartingWith("DNS not switched to onprem: ")
                    .hasMessageContaining("ListResourceRecordSets");
        }
    }

    @Test
    void withoutADnsSectionThereIsNoSwitchAndTheRecordsArePrinted() {
        assertThat(DnsTrafficSwitch.open(app(), descriptor("", "false"))).isEmpty();
        StringWriter out = new StringWriter();
        new DnsInstructions().addresses(new PrintWriter(out, true), Target.ONPREM, "notes.example.com",
                List.of("10.231.0.10", "10.231.0.11"), 60);
        assertThat(out.toString()).contains("  notes.example.com.  60  A  10.231.0.10\n  notes.example.com.  60  A  10.231.0.11\n")
                .contains("remove any CNAME or AAAA record");
        StringWriter cdn = new StringWriter();
        new DnsInstructions().cloudFront(new PrintWriter(cdn, true), Target.AWS_SERVERLESS, Optional.of("notes.example.com"),
                "d111.cloudfront.net");
        assertThat(cdn.toString()).contains("  notes.example.com.  CNAME  d111.cloudfront.net.").contains("Z2FDTNDATAQYW2");
    }

    private Map<String, String> records(String zone) {
        Map<String, String> out = new TreeMap<>();
        for (ResourceRecordSet r : route53.listResourceRecordSets(b -> b.hostedZoneId(zone)).resourceRecordSets()) {
            if (r.name().equals("notes.example.com.")) {
                out.put(r.typeAsString(), r.aliasTarget() != null ? "alias " + r.aliasTarget().dnsName()
                        : r.ttl() + " " + r.resourceRecords().stream().map(v -> v.value()).sorted().toList());
            }
        }
        return out;
    }
}

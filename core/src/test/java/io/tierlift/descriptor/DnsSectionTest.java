package io.tierlift.descriptor;

import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.DnsSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The optional {@code dns} section: defaults, formats with positions, and the names the tiers must share. */
class DnsSectionTest {
    private static final String TIERS = """
            app: notes
            backend: { wsgi: "notes.app:app" }
            database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
            targets:
              onprem:
                domain: notes.example.com
                hosts:
                  edge1: { address: 10.0.1.10, roles: [waf, proxy, static] }
                  app1:  { address: 10.0.2.11, roles: [app] }
                  app2:  { address: 10.0.2.12, roles: [app] }
                  db1:   { address: 10.0.3.21, roles: [db-primary] }
              aws-serverless:
                region: eu-west-1
                domain: notes.example.com
                cloudfront_certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abcd
            """;

    private AppDescriptor load(String yaml, String env) {
        return new DescriptorLoader().load("app.yaml", yaml, Path.of("/tmp"), Optional.ofNullable(env)).descriptor();
    }

    private String errorsOf(String yaml) {
        try {
            load(yaml, null);
        } catch (InvalidDescriptorException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the descriptor to be invalid");
    }

    @Test
    void absentMeansNoManagedRecord() {
        assertThat(load(TIERS, null).dns()).isEmpty();
    }

    @Test
    void providerAndTtlHaveDefaults() {
        AppDescriptor d = load(TIERS + "dns: { zone_id: Z0123456789ABCDEFGHIJ, name: notes.example.com }\n", null);
        assertThat(d.dns()).contains(new DnsSettings("route53", "Z0123456789ABCDEFGHIJ", "notes.example.com", 60));
    }

    @Test
    void anEnvironmentCanManageItsOwnName() {
        String yaml = TIERS.replace("domain: notes.example.com", "domain: staging.notes.example.com") + """
                dns: { zone_id: Z0123456789ABCDEFGHIJ, name: staging.notes.example.com, ttl: 30 }
                environments:
                  prod:
                    dns: { name: notes.example.com }
                    targets:
                      onprem: { domain: notes.example.com }
                      aws-serverless: { domain: notes.example.com }
                """;
        assertThat(load(yaml, "prod").dns()).contains(new DnsSettings("route53", "Z0123456789ABCDEFGHIJ", "notes.example.com", 30));
        assertThat(load(yaml, null).dns().orElseThrow().name()).isEqualTo("staging.notes.example.com");
    }

    @Test
    void badValuesAreReportedWithTheirPositions() {
        String errors = errorsOf(TIERS + """
                dns:
                  provider: route35
                  zone_id: /hostedzone/Z0123456789ABCDEFGHIJ
                  name: "notes example"
                  ttl: 100000
                """);
        assertThat(errors)
                .contains("app.yaml:17:13: dns.provider:").contains("did you mean 'route53'")
                .contains("app.yaml:18:12: dns.zone_id: write the zone id without /hostedzone/ (Z0123456789ABCDEFGHIJ)")
                .contains("app.yaml:19:9: dns.name:")
                .contains("app.yaml:20:8: dns.ttl:");
    }

    @Test
    void aZoneIdMustLookLikeOne() {
        assertThat(errorsOf(TIERS + "dns: { zone_id: zone-1, name: notes.example.com }\n"))
                .contains("dns.zone_id: must be Route 53 hosted zone id: upper-case letters and digits");
    }

    @Test
    void everyTierMustAnswerToTheManagedName() {
        String errors = errorsOf(TIERS.replace("domain: notes.example.com\n    cloudfront", "domain: www.example.com\n    cloudfront")
                + "dns: { zone_id: Z0123456789ABCDEFGHIJ, name: notes.example.com }\n");
        assertThat(errors).contains("targets.aws-serverless.domain: dns.name is notes.example.com but the distribution's alias is "
                + "www.example.com").doesNotContain("targets.onprem.domain");
        assertThat(errors).containsPattern("app\\.yaml:\\d+:\\d+: targets\\.aws-serverless\\.domain");

        String onprem = errorsOf(TIERS + "dns: { zone_id: Z0123456789ABCDEFGHIJ, name: www.example.com }\n");
        assertThat(onprem).contains("app.yaml:6:13: targets.onprem.domain: dns.name is www.example.com but the on-prem edge "
                + "serves notes.example.com");
    }

    @Test
    void anAwsTierWithoutAnAliasCannotBePointedAt() {
        String yaml = """
                app: notes
                backend: { wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-iaas: { region: eu-west-1, allow_http: true }
                dns: { zone_id: Z0123456789ABCDEFGHIJ, name: notes.example.com }
                """;
        assertThat(errorsOf(yaml)).contains("targets.aws-iaas: dns.name notes.example.com can only point at CloudFront when "
                + "the distribution has it as an alias");
    }
}

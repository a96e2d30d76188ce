package io.tierlift.waf;

import io.tierlift.model.WafExclusion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Grouping, the false-positive verdict, masking and the proposed exclusions, on the real audit log. */
class WafReportBuilderTest {
    private static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");

    private static WafReport report(Instant since) throws IOException {
        List<AuditLogEntry> entries = new AuditLogParser().parse("edge1", AuditLogParserTest.realLog());
        return new WafReportBuilder(5, "/api/").build(entries, since, List.of("edge1"));
    }

    @Test
    void aSingleRuleInAnAppParameterIsALikelyFalsePositiveAndGetsAnExclusion() throws IOException {
        WafReport report = report(LONG_AGO);
        assertThat(report.requests()).isEqualTo(6);
        assertThat(report.blocked()).isEqualTo(6);
        WafReport.Group link = report.groups().stream().filter(g -> g.ruleId().equals("932115")).findFirst().orElseThrow();
        assertThat(link.path()).isEqualTo("/api/notes");
        assertThat(link.parameter()).isEqualTo("ARGS:json.body");
        assertThat(link.likelyFalsePositive()).isTrue();
        assertThat(report.proposals()).containsExactlyInAnyOrder(
                WafExclusion.byId(932115, "ARGS:json.body", Optional.of("/api/notes")),
                WafExclusion.byId(932100, "ARGS:json.body", Optional.of("/api/notes/")));
    }

    @Test
    void attacksScannersAndPathsOutsideTheAppAreNotFalsePositives() throws IOException {
        WafReport report = report(LONG_AGO);
        assertThat(report.groups()).filteredOn(g -> g.ruleId().startsWith("942")).isNotEmpty()
                .allSatisfy(g -> assertThat(g.likelyFalsePositive()).as(g.toString()).isFalse());
        assertThat(report.groups()).filteredOn(g -> g.ruleId().startsWith("913")).isNotEmpty()
                .allSatisfy(g -> assertThat(g.likelyFalsePositive()).isFalse());
        assertThat(report.groups()).filteredOn(g -> g.path().equals("/search")).isNotEmpty()
                .allSatisfy(g -> assertThat(g.likelyFalsePositive()).isFalse());
    }

    @Test
    void credentialsInTheLogNeverReachTheReport() throws IOException {
        WafReport report = report(LONG_AGO);
        assertThat(AuditLogParserTest.realLog()).contains("TOPSECRET", "abc123secret");
        assertThat(report.toString()).doesNotContain("TOPSECRET").doesNotContain("abc123secret")
                .doesNotContain("union select password");
        assertThat(report.groups()).filteredOn(g -> g.parameter().startsWith("REQUEST_COOKIES")).isNotEmpty()
                .allSatisfy(g -> assertThat(g.sample()).startsWith("(masked, "));
    }

    @Test
    void onlyRequestsSinceTheMomentCount() throws IOException {
        assertThat(report(Instant.parse("2026-12-07T19:41:17Z")).requests()).as("from the very second on").isEqualTo(6);
        WafReport later = report(Instant.parse("2026-12-07T19:41:18Z"));
        assertThat(later.requests()).isZero();
        assertThat(later.groups()).isEmpty();
        assertThat(later.proposals()).isEmpty();
    }

    @Test
    void numericPathSegmentsEndTheProposedPrefix() {
        assertThat(WafReportBuilder.pathPrefix("/api/notes/42")).isEqualTo("/api/notes/");
        assertThat(WafReportBuilder.pathPrefix("/api/notes")).isEqualTo("/api/notes");
        assertThat(WafReportBuilder.pathPrefix("/api/7/notes")).isEqualTo("/api/");
    }

    @Test
    void proposalsAreDescriptorYaml() {
        assertThat(ExclusionYaml.block(List.of(WafExclusion.byId(932115, "ARGS:json.body", Optional.of("/api/notes")),
                WafExclusion.byTag("attack-rce", "ARGS", Optional.empty()))))
                .isEqualTo("exclusions:\n  - { rule: 932115, target: \"ARGS:json.body\", path: /api/notes }\n"
                        + "  - { tag: attack-rce, target: \"ARGS\" }\n");
    }
}

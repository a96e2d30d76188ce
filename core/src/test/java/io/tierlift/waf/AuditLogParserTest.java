package io.tierlift.waf;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real audit log: nginx with libmodsecurity 3.0.9 and Debian 12's CRS 3.3.4 at paranoia 1, sent
 * an ordinary note with a link (932115), a shell pipe in a note at /api/notes/42 (932100), a SQL
 * injection, a scanner, an injection in a cookie and a script in a query string; the first and the
 * third carried an Authorization header and a session cookie.
 */
class AuditLogParserTest {
    static String realLog() throws IOException {
        return Files.readString(Path.of("src/test/resources/waf/modsec_audit.log"), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsEachTransactionsTimeRequestLineStatusRulesAndScore() throws IOException {
        List<AuditLogEntry> entries = new AuditLogParser().parse("edge1", realLog());
        assertThat(entries).hasSize(6).allSatisfy(e -> {
            assertThat(e.host()).isEqualTo("edge1");
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.blocked()).isTrue();
        });
        AuditLogEntry link = entries.get(0);
        assertThat(link.time()).isEqualTo(Instant.parse("2026-12-07T19:41:17Z"));
        assertThat(link.method()).isEqualTo("POST");
        assertThat(link.path()).isEqualTo("/api/notes");
        assertThat(link.anomalyScore()).isEqualTo(5);
        assertThat(link.detections()).singleElement().satisfies(m -> {
            assertThat(m.ruleId()).isEqualTo("932115");
            assertThat(m.message()).isEqualTo("Remote Command Execution: Windows Command Injection");
            assertThat(m.variable()).isEqualTo("ARGS:json.body");
            assertThat(m.value()).isEqualTo("Read the docs at https://example.com/docs?page=2&sort=asc before Friday.");
            assertThat(m.score()).isEqualTo(5);
        });
        assertThat(entries.get(1).path()).isEqualTo("/api/notes/42");
        assertThat(entries.get(2).detections()).extracting(AuditLogEntry.RuleMatch::ruleId)
                .contains("942100", "942190").hasSizeGreaterThan(1);
        assertThat(entries.get(5).path()).as("no query string").isEqualTo("/search");
    }

    @Test
    void libinjectionMatchesTakeTheirVariableFromTheData() throws IOException {
        AuditLogEntry cookie = new AuditLogParser().parse("edge1", realLog()).get(4);
        assertThat(cookie.detections()).filteredOn(m -> m.ruleId().equals("942100")).singleElement()
                .satisfies(m -> assertThat(m.variable()).isEqualTo("REQUEST_COOKIES:session"));
    }

    @Test
    void aLogCutMidEntryKeepsTheWholeEntriesOnly() throws IOException {
        String log = realLog();
        String cut = log.substring(log.indexOf("---", 40) + 3);
        assertThat(new AuditLogParser().parse("edge1", cut)).hasSize(5);
        assertThat(new AuditLogParser().parse("edge1", "")).isEmpty();
    }
}

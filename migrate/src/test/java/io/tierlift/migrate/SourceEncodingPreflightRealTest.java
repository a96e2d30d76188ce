package io.tierlift.migrate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQL_ASCII source (which stores bytes of any encoding) going to a UTF8 target, on real servers:
 * text that is not valid UTF-8 stops the migration before anything changes, naming the tables and
 * columns and how to convert them; once converted, or when every value is UTF-8, it goes ahead.
 */
class SourceEncodingPreflightRealTest {
    private final Preflight preflight = new Preflight(50L * 1024 * 1024, Duration.ofMinutes(5));

    private static List<Preflight.Finding> encodingFindings(Preflight.Report report) {
        return report.findings().stream().filter(f -> f.subject().equals("source encoding")).toList();
    }

    @Test
    void latin1BytesInASqlAsciiSourceBlockTheMigrationNamingWhereTheyAre() throws Exception {
        Redactor redactor = new Redactor();
        try (PgCluster source = new PgCluster("replica"); PgCluster target = new PgCluster("replica")) {
            source.sql("postgres", "CREATE DATABASE legacy ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
            target.sql("postgres", "CREATE DATABASE notes");
            source.sql("legacy",
                    "CREATE TABLE notes (id int PRIMARY KEY, body text, title varchar(40))",
                    "CREATE TABLE tags (id int PRIMARY KEY, name text, extra json)",
                    // "Grü" as UTF-8, and "Grü" as Latin-1 (0xfc alone is not UTF-8)
                    "INSERT INTO notes VALUES (1, convert_from('\\x4772c3bc'::bytea, 'SQL_ASCII'), "
                            + "convert_from('\\x4772fc'::bytea, 'SQL_ASCII')), (2, 'plain', NULL)",
                    "INSERT INTO tags VALUES (1, convert_from('\\x4772c3bc'::bytea, 'SQL_ASCII'), '{\"a\": 1}')");
            try (Sql s = new Sql(source.connect("legacy"), "source", redactor); Sql t = new Sql(target.connect("notes"), "target", redactor)) {
                Preflight.Report report = preflight.check(s, t, Method.DUMP, false, "tierlift_test", false);
                assertThat(report.blocked()).isTrue();
                assertThat(encodingFindings(report)).singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Preflight.Severity.BLOCKER);
                    assertThat(f.message()).contains("public.notes (title; 1 row)").doesNotContain("tags").doesNotContain("body")
                            .contains("convert_from(convert(convert_to(column, 'SQL_ASCII'), 'LATIN1', 'UTF8'), 'SQL_ASCII')");
                });

                source.sql("postgres", "CREATE DATABASE legacy_copy ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
                try (Sql sameEncoding = new Sql(source.connect("legacy_copy"), "target", redactor)) {
                    assertThat(encodingFindings(preflight.check(s, sameEncoding, Method.DUMP, false, "tierlift_test", false)))
                            .as("a SQL_ASCII target stores the same bytes: nothing to say").isEmpty();
                }

                // The conversion the message names, then the same check: valid UTF-8 everywhere, so it may go ahead.
                s.execute("UPDATE notes SET title = convert_from(convert(convert_to(title, 'SQL_ASCII'), 'LATIN1', 'UTF8'), 'SQL_ASCII') "
                        + "WHERE id = 1");
                Preflight.Report after = preflight.check(s, t, Method.DUMP, false, "tierlift_test", false);
                assertThat(after.blocked()).as("%s", after.blockers()).isFalse();
                assertThat(encodingFindings(after)).singleElement()
                        .satisfies(f -> assertThat(f.severity()).isEqualTo(Preflight.Severity.WARNING));
            }
            try (Sql s = new Sql(target.connect("notes"), "source", redactor); Sql t = new Sql(source.connect("postgres"), "target", redactor)) {
                assertThat(encodingFindings(preflight.check(s, t, Method.DUMP, false, "tierlift_test", false)))
                        .as("a UTF8 source needs no word").isEmpty();
            }
        }
    }
}

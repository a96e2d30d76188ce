package io.tierlift.cli.e2e;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate} from a legacy server created {@code initdb -E SQL_ASCII --locale=C} (real, on
 * loopback) into a UTF8 one: Latin-1 bytes in its text stop the run in the preflight, exit 1,
 * naming the tables, columns and how many rows, before anything changed on either server.
 */
@Tag("real")
class MigrateEncodingPreflightRealTest {
    @TempDir
    Path dir;

    @Test
    void aSqlAsciiSourceWithTextThatIsNotUtf8IsRefusedBeforeAnythingChangesNamingTablesAndRows() throws Exception {
        try (MigrateTargetCluster source = MigrateTargetCluster.sqlAscii(); MigrateTargetCluster target = new MigrateTargetCluster()) {
            source.createDatabase("legacy");
            target.createDatabase("legacy");
            try (Connection c = source.connect("legacy"); Statement st = c.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT pg_encoding_to_char(encoding) || ' ' || datcollate FROM pg_database "
                        + "WHERE datname = 'legacy'");
                rs.next();
                assertThat(rs.getString(1)).as("the cluster's default, inherited").isEqualTo("SQL_ASCII C");
                st.execute("CREATE TABLE notes (id int PRIMARY KEY, title varchar(40), body text)");
                st.execute("CREATE TABLE tags (id int PRIMARY KEY, name text)");
                st.execute("CREATE TABLE counters (id int PRIMARY KEY, n bigint)");
                // "Grü" in Latin-1 (0xfc alone is no UTF-8) in two rows, in UTF-8 in the other and in tags.
                st.execute("INSERT INTO notes VALUES (1, convert_from('\\x4772fc'::bytea, 'SQL_ASCII'), 'a'), "
                        + "(2, convert_from('\\x4772fc'::bytea, 'SQL_ASCII'), 'b'), (3, convert_from('\\x4772c3bc'::bytea, 'SQL_ASCII'), 'c')");
                st.execute("INSERT INTO tags VALUES (1, convert_from('\\x4772c3bc'::bytea, 'SQL_ASCII'))");
                st.execute("INSERT INTO counters VALUES (1, 5)");
            }
            Path descriptor = dir.resolve("app.yaml");
            Files.writeString(descriptor, """
                    app: legacy
                    backend: { path: ., wsgi: "app:app" }
                    database: { name: legacy, user: postgres, password: "${env:SRC_PW}" }
                    targets:
                      aws-iaas: { region: eu-west-1, allow_http: true }
                    """);
            Files.writeString(dir.resolve("app.py"), "app = None\n");
            Map<String, String> env = Map.of("HOME", dir.toString(), "SRC_PW", source.password,
                    MigrateTargetCluster.PASSWORD_VARIABLE, target.password, "NO_COLOR", "1");

            Cli run = Cli.run(env, "migrate", "--from", "onprem", "--to", "aws-iaas", "-f", descriptor.toString(), "--yes",
                    "--traffic", "manual", "--no-provision",
                    "--source-db", source.url("legacy").replace(MigrateTargetCluster.PASSWORD_VARIABLE, "SRC_PW"),
                    "--target-db", target.url("legacy"));

            assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
            assertThat(run.err()).contains("preflight refused the migration")
                    .contains("blocker: source encoding: the source database is SQL_ASCII and public.notes (title; 2 rows) hold "
                            + "text that is not valid UTF-8, which the UTF8 target cannot store")
                    .contains("'LATIN1', 'UTF8'");
            assertThat(run.err().lines().filter(l -> l.contains("blocker: source encoding")))
                    .allSatisfy(l -> assertThat(l).doesNotContain("tags").doesNotContain("counters").doesNotContain("body"));
            assertThat(run.all()).doesNotContain(source.password).doesNotContain(target.password);
            try (Connection c = source.connect("legacy"); Statement st = c.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_replication_slots)");
                rs.next();
                assertThat(rs.getLong(1)).as("no publication or slot on the source").isZero();
            }
            try (Connection c = target.connect("legacy"); Statement st = c.createStatement()) {
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') "
                        + "+ (SELECT count(*) FROM pg_subscription)");
                rs.next();
                assertThat(rs.getLong(1)).as("no table or subscription on the target").isZero();
            }
        }
    }
}

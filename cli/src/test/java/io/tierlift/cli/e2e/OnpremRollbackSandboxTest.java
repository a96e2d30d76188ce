package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code releases onprem} and {@code deploy onprem --rollback --to} on namespace hosts: three releases (the
 * second adds a schema migration, the third only code) are listed newest first with the migration each
 * brought; going back to the first is refused by name of the migration and changes nothing; going back to
 * the second switches both app hosts to it, healthy, and the app answers through the WAF.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremRollbackSandboxTest {
    private static final String NEW_MIGRATION = "notes/migrations/0003_add_note_tags.sql";

    private static SandboxWorld world;
    private static String first;
    private static String second;
    private static String third;

    @BeforeAll
    static void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 64, "tl-brerbk");
    }

    @AfterAll
    static void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    @Test
    @Order(1)
    void releasesListsEachKeptReleaseWithTheMigrationItBroughtNewestFirst() throws Exception {
        deploy();
        first = current("app1");
        Path backend = world.appDir.resolve("backend");
        Files.writeString(backend.resolve(NEW_MIGRATION), "ALTER TABLE notes ADD COLUMN IF NOT EXISTS tags text NOT NULL DEFAULT '';\n");
        deploy();
        second = current("app1");
        Path app = backend.resolve("notes/app.py");
        Files.writeString(app, Files.readString(app) + "\n# a code-only release\n");
        deploy();
        third = current("app1");
        assertThat(first).isNotEqualTo(second).isNotEqualTo(third);
        assertThat(second).isNotEqualTo(third);

        Cli json = tierlift("releases", "onprem", "-f", file(), "--output", "json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode releases = new ObjectMapper().readTree(json.out());
        assertThat(releases).hasSize(3);
        assertThat(releases.get(0).path("id").asText()).isEqualTo(third);
        assertThat(releases.get(0).path("live").asBoolean()).isTrue();
        assertThat(releases.get(0).path("schema").asText()).isEqualTo(NEW_MIGRATION);
        assertThat(releases.get(1).path("id").asText()).isEqualTo(second);
        assertThat(releases.get(1).path("schema").asText()).isEqualTo(NEW_MIGRATION);
        assertThat(releases.get(2).path("id").asText()).isEqualTo(first);
        assertThat(releases.get(2).path("live").asBoolean()).isFalse();
        assertThat(releases.get(2).path("schema").asText()).isEqualTo("notes/migrations/0002_index_notes_created_at.sql");

        Cli table = tierlift("releases", "onprem", "-f", file());
        assertThat(table.exitCode()).as(table.all()).isZero();
        assertThat(table.out()).containsPattern(third + " +\\* +\\S+ +3 +" + NEW_MIGRATION);
    }

    @Test
    @Order(2)
    void aRollbackToAReleaseOlderThanTheSchemaIsRefusedAndChangesNothing() {
        Cli refused = tierlift("deploy", "onprem", "-f", file(), "--rollback", "--to", first, "--yes");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("refusing to roll back to release " + first).contains(NEW_MIGRATION)
                .contains("database migrations are not reversed").contains("--force");
        assertThat(current("app1")).isEqualTo(third);
        assertThat(current("app2")).isEqualTo(third);
    }

    @Test
    @Order(3)
    void rollbackToANamedReleaseSwitchesEveryAppHostToItAndTheAppAnswers() {
        Cli to = tierlift("deploy", "onprem", "-f", file(), "--rollback", "--to", second, "--yes");
        assertThat(to.exitCode()).as(to.all()).isZero();
        assertThat(to.err()).contains("Rolled back to release " + second + " (from " + third + ")")
                .contains("Database migrations are not reversed");
        assertThat(current("app1")).isEqualTo(second);
        assertThat(current("app2")).isEqualTo(second);
        SandboxWorld.CurlResult health = world.curl("--resolve", "notes.sandbox.test:443:" + world.address("edge1"),
                "https://notes.sandbox.test/api/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);

        Cli listed = tierlift("releases", "onprem", "-f", file());
        assertThat(listed.out()).containsPattern(second + " +\\*");
    }

    private static void deploy() {
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
    }

    /** The release the host's current link names. */
    private static String current(String host) {
        return world.exec(host, "basename \"$(readlink /srv/notes/current)\"").stdout().strip();
    }

    private static Cli tierlift(String... args) {
        return Cli.run(world.env(), args);
    }

    private static String file() {
        return world.descriptor.toString();
    }
}

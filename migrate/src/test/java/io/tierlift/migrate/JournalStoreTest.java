package io.tierlift.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.database.DbEndpoint;
import io.tierlift.plan.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalStoreTest {
    @Test
    void roundTripsEveryFieldAndWritesPrivately(@TempDir Path dir) throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
        Path file = JournalStore.defaultPath(dir, "notes", "onprem", "aws-iaas");
        assertThat(file).isEqualTo(dir.resolve(".tierlift/migrations/notes-onprem-aws-iaas.json"));
        JournalStore store = new JournalStore(file, clock);
        assertThat(store.read()).isEmpty();

        Journal j = Journal.begin("notes", "onprem", "aws-iaas", "logical",
                        "postgresql://notes@10.0.3.21:5432/notes?password_ref=${env:PW}", null, null)
                .completed(Step.PREFLIGHT)
                .completed(Step.SCHEMA)
                .completed(Step.SCHEMA)
                .withPublication("tierlift_notes")
                .withSubscription("tierlift_notes")
                .maintenanceStarted(Instant.parse("2025-01-02T03:00:00Z"))
                .switched(Instant.parse("2025-01-02T03:00:01.500Z"))
                .withTargetAtCutover(Map.of("public.notes", "12/abc"))
                .withReverseReplication(true)
                .withReverseReplicationNamed("tierlift_notes_reverse")
                .withFinalVerifyFailed(List.of("public.events [250001, 500001)"))
                .withStatus(Journal.Status.CUT_OVER);
        store.write(j);

        Journal back = store.read().orElseThrow();
        assertThat(back.completedSteps()).containsExactly(Step.PREFLIGHT, Step.SCHEMA);
        assertThat(back.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(back.source()).isEqualTo(j.source());
        assertThat(back.switchedAt()).isEqualTo(j.switchedAt());
        assertThat(back.downtimeMillis()).isEqualTo(1500L);
        assertThat(back.targetAtCutover()).containsEntry("public.notes", "12/abc");
        assertThat(back.reverseReplication()).isTrue();
        assertThat(back.reverseSlot()).isEqualTo("tierlift_notes_reverse");
        assertThat(back.finalVerify()).isEqualTo("failed");
        assertThat(back.finalVerifyMismatches()).containsExactly("public.events [250001, 500001)");
        assertThat(Journal.Status.VERIFY_FAILED.cutOver()).isTrue();
        assertThat(Journal.Status.VERIFY_FAILED.closed()).isFalse();
        assertThat(back.updatedAt()).isEqualTo(clock.instant());
        assertThat(back.done(Step.SCHEMA)).isTrue();
        assertThat(back.done(Step.VERIFY)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    /**
     * A journal as the earlier, mutable journal class wrote it, for a migration interrupted after the
     * switch: a resume must read it, see the verify after the switch still to do, and write it back
     * with the same field names and step names.
     */
    @Test
    void aJournalWrittenBeforeTheJournalBecameImmutableStillResumes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notes-onprem-aws-iaas.json");
        String written;
        try (var in = getClass().getResourceAsStream("/journal/cut-over-before-final-verify.json")) {
            written = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Files.writeString(file, written);
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T07:30:00Z"), ZoneOffset.UTC);
        JournalStore store = new JournalStore(file, clock);

        Journal old = store.read().orElseThrow();

        assertThat(old.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(old.lastStep()).contains(Step.SWITCH);
        assertThat(old.done(Step.PIN_SNAPSHOT)).isTrue();
        assertThat(old.done(Step.FINAL_VERIFY)).isFalse();
        assertThat(old.finalVerifyPassed()).isFalse();
        assertThat(old.subscription()).isEqualTo("tierlift_notes");
        assertThat(old.reverseSlot()).isEqualTo("tierlift_notes_reverse");
        assertThat(old.downtimeMillis()).isEqualTo(1250L);
        assertThat(old.maintenanceOnAt()).isEqualTo(Instant.parse("2026-12-07T06:58:10.100Z"));
        DbEndpoint src = DbEndpoint.parse(old.source());
        DbEndpoint dst = DbEndpoint.parse(old.target());
        MigrationSettings settings = MigrationSettings.defaults("notes", "onprem", "aws-iaas", src, dst, Method.LOGICAL, dir);
        assertThat(new MigrationPlanView().plan(settings, MigrationStep.stepsFor(settings), old, Instant.EPOCH).changes())
                .filteredOn(c -> c.action() == Action.CREATE).extracting(c -> c.address())
                .containsExactly("migrate.verify.final-verify");

        store.write(old.completed(Step.FINAL_VERIFY));

        ObjectMapper json = new ObjectMapper();
        ObjectNode before = (ObjectNode) json.readTree(written);
        ObjectNode after = (ObjectNode) json.readTree(Files.readString(file));
        assertThat(after.get("updatedAt").asText()).isEqualTo("2026-12-07T07:30:00Z");
        ((com.fasterxml.jackson.databind.node.ArrayNode) before.get("completedSteps")).add("final-verify");
        before.remove("updatedAt");
        after.remove("updatedAt");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void anUnreadableJournalIsReportedWithItsPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("j.json");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> new JournalStore(file, Clock.systemUTC()).read()).hasMessageContaining(file.toString());
    }
}

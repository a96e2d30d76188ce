package io.tierlift.migrate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

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

        Journal j = new Journal();
        j.app = "notes";
        j.from = "onprem";
        j.to = "aws-iaas";
        j.method = "logical";
        j.source = "postgresql://notes@10.0.3.21:5432/notes?password_ref=${env:PW}";
        j.status = Journal.Status.CUT_OVER;
        j.complete("preflight");
        j.complete("schema");
        j.complete("schema");
        j.publication = "tierlift_notes";
        j.slot = "tierlift_notes";
        j.maintenanceOnAt = Instant.parse("2025-01-02T03:00:00Z");
        j.switchedAt = Instant.parse("2025-01-02T03:00:01.500Z");
        j.downtimeMillis = 1500L;
        j.targetAtCutover.put("public.notes", "12/abc");
        j.reverseReplication = true;
        j.reversePublication = "tierlift_notes_reverse";
        j.reverseSubscription = "tierlift_notes_reverse";
        j.reverseSlot = "tierlift_notes_reverse";
        j.finalVerify = "failed";
        j.finalVerifyMismatches.add("public.events [250001, 500001)");
        store.write(j);

        Journal back = store.read().orElseThrow();
        assertThat(back.completedSteps).containsExactly("preflight", "schema");
        assertThat(back.status).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(back.source).isEqualTo(j.source);
        assertThat(back.switchedAt).isEqualTo(j.switchedAt);
        assertThat(back.downtimeMillis).isEqualTo(1500L);
        assertThat(back.targetAtCutover).containsEntry("public.notes", "12/abc");
        assertThat(back.reverseReplication).isTrue();
        assertThat(back.reverseSlot).isEqualTo("tierlift_notes_reverse");
        assertThat(back.finalVerify).isEqualTo("failed");
        assertThat(back.finalVerifyMismatches).containsExactly("public.events [250001, 500001)");
        assertThat(Journal.Status.VERIFY_FAILED.cutOver()).isTrue();
        assertThat(Journal.Status.VERIFY_FAILED.closed()).isFalse();
        assertThat(back.updatedAt).isEqualTo(clock.instant());
        assertThat(back.done("schema")).isTrue();
        assertThat(back.done("verify")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void anUnreadableJournalIsReportedWithItsPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("j.json");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> new JournalStore(file, Clock.systemUTC()).read()).hasMessageContaining(file.toString());
    }
}

package io.tierlift.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationNameTest {
    @Test
    void derivedNamesAreLowerCaseWithUnderscoresForDashes() {
        assertThat(ReplicationName.derive("tierlift", "notes-app").value()).isEqualTo("tierlift_notes_app");
        assertThat(ReplicationName.derive("standby", "DB-2").value()).isEqualTo("standby_db_2");
        assertThat(ReplicationName.derive("tierlift", "notes").suffixed("reverse").toString()).isEqualTo("tierlift_notes_reverse");
    }

    @Test
    void namesASlotCannotHoldAreRefused() {
        assertThatThrownBy(() -> ReplicationName.derive("standby", "db.example")).hasMessageContaining("only lower-case letters");
        assertThatThrownBy(() -> ReplicationName.derive("standby", "é")).hasMessageContaining("only lower-case letters");
        assertThatThrownBy(() -> new ReplicationName("")).hasMessageContaining("only lower-case letters");
    }

    @Test
    void namesPostgresWouldTruncateAreRefused() {
        assertThat(ReplicationName.derive("tierlift", "x".repeat(54)).value()).hasSize(63);
        assertThatThrownBy(() -> ReplicationName.derive("tierlift", "x".repeat(55))).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> ReplicationName.derive("tierlift", "x".repeat(50)).suffixed("reverse"))
                .hasMessageContaining("63 bytes");
    }
}

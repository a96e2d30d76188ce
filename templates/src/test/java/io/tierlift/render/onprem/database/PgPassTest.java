package io.tierlift.render.onprem.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgPassTest {
    private final PgPass pgpass = new PgPass();

    @Test
    void colonsAndBackslashesAreEscaped() {
        assertThat(pgpass.line("10.0.3.21", 5432, "replication", "replicator", "a:b\\c'd e"))
                .isEqualTo("10.0.3.21:5432:replication:replicator:a\\:b\\\\c'd e\n");
        assertThat(pgpass.field("\\:")).isEqualTo("\\\\\\:");
    }

    @Test
    void lineBreaksCannotBeWrittenAndAreRefusedWithoutShowingTheValue() {
        assertThatThrownBy(() -> pgpass.line("h", 5432, "replication", "u", "top-secret\nx"))
                .hasMessageContaining("line break")
                .hasMessageNotContaining("top-secret");
    }
}

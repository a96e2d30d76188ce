package io.tierlift.render.onprem.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgSqlTest {
    private final PgSql sql = new PgSql();

    @Test
    void identifiersAreAlwaysQuotedSoKeywordsStayNames() {
        assertThat(sql.identifier("notes")).isEqualTo("\"notes\"");
        assertThat(sql.identifier("all")).isEqualTo("\"all\"");
        assertThat(sql.identifier("Mixed Case")).isEqualTo("\"Mixed Case\"");
    }

    @Test
    void doubleQuotesInIdentifiersAreDoubled() {
        assertThat(sql.identifier("a\"; DROP ROLE postgres; --")).isEqualTo("\"a\"\"; DROP ROLE postgres; --\"");
        assertThat(sql.identifier("\"")).isEqualTo("\"\"\"\"");
    }

    @Test
    void identifiersPostgresWouldTruncateOrCannotHoldAreRefused() {
        assertThat(sql.identifier("x".repeat(63))).hasSize(65);
        assertThatThrownBy(() -> sql.identifier("x".repeat(64))).hasMessageContaining("63 bytes");
        // 32 two-byte characters are 64 bytes.
        assertThatThrownBy(() -> sql.identifier("é".repeat(32))).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> sql.identifier("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> sql.identifier("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void literalsDoubleSingleQuotes() {
        assertThat(sql.literal("it's")).isEqualTo("'it''s'");
        assertThat(sql.literal("'; DROP ROLE postgres; --")).isEqualTo("'''; DROP ROLE postgres; --'");
        assertThat(sql.literal("")).isEqualTo("''");
        assertThat(sql.literal("ü \"$1\" $$ %s")).isEqualTo("'ü \"$1\" $$ %s'");
    }

    @Test
    void literalsWithBackslashesUseEscapeStringSyntax() {
        // Read the same with standard_conforming_strings on or off.
        assertThat(sql.literal("a\\b")).isEqualTo("E'a\\\\b'");
        assertThat(sql.literal("\\'")).isEqualTo("E'\\\\'''");
        assertThat(sql.literal("end\\")).isEqualTo("E'end\\\\'");
    }

    @Test
    void literalsRefuseNulWithoutShowingTheValue() {
        assertThatThrownBy(() -> sql.literal("secret-part\0rest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL")
                .hasMessageNotContaining("secret-part");
        assertThatThrownBy(() -> sql.literal(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lineBreaksAreDataInsideLiterals() {
        assertThat(sql.literal("a\nb")).isEqualTo("'a\nb'");
    }
}

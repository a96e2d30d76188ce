package io.tierlift.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgSqlTest {
    @Test
    void identifiersAreAlwaysQuotedSoKeywordsStayNames() {
        assertThat(PgSql.identifier("notes")).isEqualTo("\"notes\"");
        assertThat(PgSql.identifier("all")).isEqualTo("\"all\"");
        assertThat(PgSql.identifier("Mixed Case")).isEqualTo("\"Mixed Case\"");
    }

    @Test
    void doubleQuotesInIdentifiersAreDoubled() {
        assertThat(PgSql.identifier("a\"; DROP ROLE postgres; --")).isEqualTo("\"a\"\"; DROP ROLE postgres; --\"");
        assertThat(PgSql.identifier("\"")).isEqualTo("\"\"\"\"");
    }

    @Test
    void identifiersPostgresWouldTruncateOrCannotHoldAreRefused() {
        assertThat(PgSql.identifier("x".repeat(63))).hasSize(65);
        assertThatThrownBy(() -> PgSql.identifier("x".repeat(64))).hasMessageContaining("63 bytes");
        // 32 two-byte characters are 64 bytes.
        assertThatThrownBy(() -> PgSql.identifier("é".repeat(32))).hasMessageContaining("63 bytes");
        assertThatThrownBy(() -> PgSql.identifier("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PgSql.identifier("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void literalsDoubleSingleQuotes() {
        assertThat(PgSql.literal("it's")).isEqualTo("'it''s'");
        assertThat(PgSql.literal("'; DROP ROLE postgres; --")).isEqualTo("'''; DROP ROLE postgres; --'");
        assertThat(PgSql.literal("")).isEqualTo("''");
        assertThat(PgSql.literal("ü \"$1\" $$ %s")).isEqualTo("'ü \"$1\" $$ %s'");
    }

    @Test
    void literalsWithBackslashesUseEscapeStringSyntax() {
        // Read the same with standard_conforming_strings on or off.
        assertThat(PgSql.literal("a\\b")).isEqualTo("E'a\\\\b'");
        assertThat(PgSql.literal("\\'")).isEqualTo("E'\\\\'''");
        assertThat(PgSql.literal("end\\")).isEqualTo("E'end\\\\'");
    }

    @Test
    void literalsRefuseNulWithoutShowingTheValue() {
        assertThatThrownBy(() -> PgSql.literal("secret-part\0rest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL")
                .hasMessageNotContaining("secret-part");
        assertThatThrownBy(() -> PgSql.literal(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lineBreaksAreDataInsideLiterals() {
        assertThat(PgSql.literal("a\nb")).isEqualTo("'a\nb'");
    }
}

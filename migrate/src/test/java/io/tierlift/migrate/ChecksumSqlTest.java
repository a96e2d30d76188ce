package io.tierlift.migrate;

import io.tierlift.database.PgSql;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChecksumSqlTest {
    private final ChecksumSql sql = new ChecksumSql();

    @Test
    void quotesSchemaTableAndKeyNamesWhateverTheyContain() {
        TableRef odd = new TableRef("my \"schema\"", "Odd \"Name\"", List.of("Key \"1\""), true);
        String q = sql.chunk(odd, true, true);
        assertThat(q).contains("FROM \"my \"\"schema\"\"\".\"Odd \"\"Name\"\"\" AS tierlift_row")
                .contains("WHERE tierlift_row.\"Key \"\"1\"\"\" >= ? AND tierlift_row.\"Key \"\"1\"\"\" < ?");
        assertThat(sql.keyBounds(odd)).isEqualTo("SELECT min(\"Key \"\"1\"\"\")::bigint, max(\"Key \"\"1\"\"\")::bigint "
                + "FROM \"my \"\"schema\"\"\".\"Odd \"\"Name\"\"\"");
    }

    @Test
    void hashesTheWholeRowSoAColumnNamedLikeTheAliasCannotShadowIt() {
        String q = sql.chunk(new TableRef("public", "t", List.of("id"), true), false, false);
        assertThat(q).isEqualTo("SELECT count(*), coalesce(sum(('x' || left(md5(ROW(tierlift_row.*)::text), 16))"
                + "::bit(64)::bigint::numeric), 0)::text FROM \"public\".\"t\" AS tierlift_row");
    }

    @Test
    void openEndedRangesHaveOneBound() {
        TableRef t = new TableRef("public", "events", List.of("id"), true);
        assertThat(sql.chunk(t, false, true)).endsWith("WHERE tierlift_row.\"id\" < ?");
        assertThat(sql.chunk(t, true, false)).endsWith("WHERE tierlift_row.\"id\" >= ?");
    }

    @Test
    void compositeKeysRangeOverTheirLeadingIntegerColumn() {
        TableRef t = new TableRef("public", "tags", List.of("note_id", "tag"), true);
        assertThat(sql.chunk(t, true, true)).contains("WHERE tierlift_row.\"note_id\" >= ? AND tierlift_row.\"note_id\" < ?")
                .doesNotContain("\"tag\"");
    }

    @Test
    void tablesWithoutAnIntegerKeyOrWithoutAnyKeyAreDigestedWhole() {
        TableRef noKey = new TableRef("public", "log", List.of(), false);
        assertThat(sql.chunk(noKey, false, false)).doesNotContain("WHERE").doesNotContain("ORDER BY");
        assertThatThrownBy(() -> sql.chunk(noKey, true, false)).hasMessageContaining("public.log has no integer leading key");
        TableRef textKey = new TableRef("public", "codes", List.of("code"), false);
        assertThatThrownBy(() -> sql.chunk(textKey, false, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void literalsAndConninfoValuesEscapeTheirQuotes() {
        assertThat(PgSql.literal("it's")).isEqualTo("'it''s'");
        assertThat(PgSql.conninfoValue("p'w\\x")).isEqualTo("'p\\'w\\\\x'");
        assertThatThrownBy(() -> PgSql.identifier("a\0b")).hasMessageContaining("NUL");
    }
}

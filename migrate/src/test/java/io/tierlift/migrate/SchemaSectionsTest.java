package io.tierlift.migrate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaSectionsTest {
    /** Shaped like pg_restore -l of a PostgreSQL 15 schema-only custom dump. */
    private static final List<String> TOC = List.of(
            ";",
            "; Archive created at 2026-11-25 21:40:00 UTC",
            ";",
            "215; 1259 16385 TABLE public events app",
            "214; 1259 16384 SEQUENCE public events_id_seq app",
            "3339; 0 0 SEQUENCE OWNED BY public events_id_seq app",
            "3187; 2604 16388 DEFAULT public events id app",
            "3191; 2606 16390 CONSTRAINT public events events_pkey app",
            "3193; 2606 16392 CONSTRAINT public events events_ref_key app",
            "3188; 1259 16393 INDEX public events_kind_idx app",
            "3189; 1259 16394 INDEX public events_at_idx app",
            "3190; 1259 16395 INDEX public events_token_uidx app",
            "3340; 0 0 COMMENT public INDEX events_at_idx app",
            "3194; 2606 16396 FK CONSTRAINT public notes notes_event_fkey app",
            "3195; 2620 16397 TRIGGER public notes notes_touch app");

    @Test
    void secondaryIndexesForeignKeysAndTheirCommentsWaitUntilTheRowsAreIn() {
        SchemaSections.Split split = new SchemaSections().split(TOC, Set.of("public events_token_uidx"));

        assertThat(split.late()).containsExactly(
                "3188; 1259 16393 INDEX public events_kind_idx app",
                "3189; 1259 16394 INDEX public events_at_idx app",
                "3340; 0 0 COMMENT public INDEX events_at_idx app",
                "3194; 2606 16396 FK CONSTRAINT public notes notes_event_fkey app");
        assertThat(split.early()).contains("215; 1259 16385 TABLE public events app",
                        "3191; 2606 16390 CONSTRAINT public events events_pkey app",
                        "3193; 2606 16392 CONSTRAINT public events events_ref_key app",
                        "3190; 1259 16395 INDEX public events_token_uidx app",
                        "3195; 2620 16397 TRIGGER public notes notes_touch app")
                .hasSize(TOC.size() - 3 - 4);
    }

    @Test
    void anIndexWhoseNameStartsLikeAKeptOneIsStillDeferred() {
        SchemaSections.Split split = new SchemaSections().split(
                List.of("1; 1259 1 INDEX public a_idx app", "2; 1259 2 INDEX public a_idx_2 app"), Set.of("public a_idx"));
        assertThat(split.early()).containsExactly("1; 1259 1 INDEX public a_idx app");
        assertThat(split.late()).containsExactly("2; 1259 2 INDEX public a_idx_2 app");
    }
}

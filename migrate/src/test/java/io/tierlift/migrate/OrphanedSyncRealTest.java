package io.tierlift.migrate;

import io.tierlift.database.PgSql;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table whose copy the target records as finished while the source has no sync slot for it, as
 * a run killed at the wrong moment leaves it: PostgreSQL retries that table without end, and the
 * copy's wait must notice it. Made here on two real servers by putting a synced table back into the
 * "catching up" state, which sends a sync worker after a slot that no longer exists.
 */
class OrphanedSyncRealTest {
    @Test
    void aCaughtUpTableWithoutItsSyncSlotIsNoticedAndAReadyOneIsNot() throws Exception {
        Redactor redactor = new Redactor();
        try (PgCluster source = new PgCluster("logical"); PgCluster target = new PgCluster("replica")) {
            source.sql("postgres", "CREATE DATABASE notes");
            target.sql("postgres", "CREATE DATABASE notes");
            source.sql("notes", "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 100)",
                    "CREATE PUBLICATION p FOR ALL TABLES");
            target.sql("notes", "CREATE TABLE t (id int PRIMARY KEY)");
            String conninfo = "host=127.0.0.1 port=" + source.port() + " dbname=notes user=postgres password="
                    + PgSql.conninfoValue(PgCluster.PASSWORD);
            target.sql("notes", "CREATE SUBSCRIPTION s CONNECTION " + PgSql.literal(conninfo) + " PUBLICATION p");
            try (Sql s = new Sql(source.connect("notes"), "source", redactor); Sql t = new Sql(target.connect("notes"), "target", redactor)) {
                awaitState(t, "r");
                OrphanedSync orphaned = new OrphanedSync("s");
                for (int i = 0; i < 20; i++) {
                    assertThat(orphaned.seen(s, t, states(t))).as("a ready table is never orphaned").isFalse();
                }

                t.execute("UPDATE pg_subscription_rel SET srsubstate = 'f' WHERE srsubid = (SELECT oid FROM pg_subscription WHERE subname = 's')");
                boolean noticed = false;
                for (int i = 0; i < 40 && !noticed; i++) {
                    noticed = orphaned.seen(s, t, states(t));
                    Pause.millis(50);
                }
                assertThat(noticed).as("the stuck table is noticed after a few polls").isTrue();
                t.execute("DROP SUBSCRIPTION s");
            }
        }
    }

    private static List<String[]> states(Sql target) {
        return target.query("SELECT sr.srrelid::text, sr.srsubstate::text FROM pg_subscription_rel sr",
                rs -> new String[]{rs.getString(1), rs.getString(2)});
    }

    private static void awaitState(Sql target, String state) {
        for (int i = 0; i < 600; i++) {
            List<String[]> states = states(target);
            if (!states.isEmpty() && states.stream().allMatch(st -> st[1].equals(state))) {
                return;
            }
            Pause.millis(50);
        }
        throw new AssertionError("the subscription's tables never reached state " + state);
    }
}

package io.tierlift.cli.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-prem sandbox's primary as the source of a migration to a cloud tier, read as postgres on
 * db1 through the sandbox's exec (not through tierlift), and the target cluster standing in for the
 * cloud's database: row digests to compare both, and the check that no replication object is left.
 */
final class OnpremMigrationSource {
    /** Row count and an order-independent checksum of every row's text, in UTC so both servers print alike. */
    private static final String DIGEST = "SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM %s t";

    private final SandboxWorld world;

    OnpremMigrationSource(SandboxWorld world) {
        this.world = world;
    }

    /** SQL on the source's primary (database notes) as postgres; psql's whole unaligned output. */
    String sql(String sql) {
        var result = world.sandbox.execInHost("db1", List.of("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-At",
                "-v", "ON_ERROR_STOP=1", "-d", "notes", "-c", sql));
        assertThat(result.exitCode()).as("%s%n%s", sql, result.stderr()).isZero();
        return result.stdout();
    }

    String digest(String table) {
        String out = sql("SET TimeZone = 'UTC'; " + DIGEST.formatted(table) + ";").strip();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    static String digest(MigrateTargetCluster target, String database, String table) throws Exception {
        try (Connection c = target.connect(database); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            ResultSet rs = st.executeQuery(DIGEST.formatted(table));
            rs.next();
            return rs.getString(1);
        }
    }

    /** No subscription, publication or logical replication slot on the source's primary or on the target's database. */
    void assertNoReplicationObjects(MigrateTargetCluster target, String database) throws Exception {
        assertThat(sql("SELECT (SELECT count(*) FROM pg_subscription) || ' ' || (SELECT count(*) FROM pg_publication) || ' ' "
                + "|| (SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical');").strip())
                .as("subscriptions, publications, logical slots on the source (the standby's physical slot stays)").isEqualTo("0 0 0");
        try (Connection c = target.connect(database); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_subscription) || ' ' || (SELECT count(*) FROM pg_publication)"
                    + " || ' ' || (SELECT count(*) FROM pg_replication_slots)");
            rs.next();
            assertThat(rs.getString(1)).as("subscriptions, publications, slots on the target").isEqualTo("0 0 0");
        }
    }
}

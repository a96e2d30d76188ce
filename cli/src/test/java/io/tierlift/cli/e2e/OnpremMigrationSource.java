package io.tierlift.cli.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * What every finished migration from this source under a {@link MigrateNoteWriter} must show: the
     * cutover and its write downtime printed, only writes or maintenance pages for the writer, every
     * acknowledged write and every table equal on the target. Returns the sequence invoice_numbers'
     * last value, the same on both sides.
     */
    long assertMigrated(Cli run, MigrateNoteWriter writer, MigrateTargetCluster target, String database, List<String> tables)
            throws Exception {
        assertThat(run.exitCode()).as("%s%ntarget log:%n%s", run.all(), tail(target.log())).isZero();
        assertThat(run.out()).contains("Migration cut over.");
        Matcher downtime = Pattern.compile("write downtime (\\d+) ms").matcher(run.out());
        assertThat(downtime.find()).as("downtime reported:%n%s", run.out()).isTrue();
        System.out.println("migrate into " + database + ": write downtime " + downtime.group(1) + " ms, " + writer.acknowledged().size()
                + " writes acknowledged, writer outcomes " + writer.outcomes());
        assertThat(writer.acknowledged()).as("the writer got writes in before the cutover").isNotEmpty();
        assertThat(writer.sawMaintenancePage()).as("the writer met the maintenance page: %s", writer.outcomes()).isTrue();
        assertThat(writer.outcomes().keySet()).as("only writes or maintenance pages, no errors").containsOnly("201", "503");
        Set<String> onTarget = new HashSet<>();
        long sequence;
        try (Connection c = target.connect(database); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT body FROM notes");
            while (rs.next()) {
                onTarget.add(rs.getString(1));
            }
            rs = st.executeQuery("SELECT last_value FROM invoice_numbers");
            rs.next();
            sequence = rs.getLong(1);
        }
        assertThat(onTarget).as("every acknowledged write is on the target").containsAll(writer.acknowledged());
        for (String table : tables) {
            assertThat(digest(target, database, table)).as("count and checksum of %s", table).isEqualTo(digest(table));
        }
        assertThat(sequence).as("the sequence moved").isEqualTo(Long.parseLong(sql("SELECT last_value FROM invoice_numbers;").strip()));
        return sequence;
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

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}

package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.database.PgSql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Logical replication objects in either direction: a publication on the side that has the data, a
 * subscription on the side that follows, and the slot the subscription reads. Every method is safe
 * to run twice. Connection strings carry a password: they go into statements only, which are never
 * printed, and server errors pass through the redactor.
 */
final class Replication {
    private final Connections connections;
    private final Clock clock;

    Replication(Connections connections, Clock clock) {
        this.connections = connections;
        this.clock = clock;
    }

    /** FOR ALL TABLES needs a superuser on PostgreSQL 15; a role that owns the tables can still name each one. */
    void createPublication(Sql publisher, String name, List<TableRef> tables, boolean allTables) {
        if (publisher.number("SELECT count(*) FROM pg_publication WHERE pubname = ?", name) > 0) {
            return;
        }
        String what = allTables ? "FOR ALL TABLES"
                : "FOR TABLE " + tables.stream().map(TableRef::qualified).collect(Collectors.joining(", "));
        publisher.execute("CREATE PUBLICATION " + PgSql.identifier(name) + " " + what);
    }

    /**
     * Creates (or re-enables) a subscription. {@code copyData} false for the reverse direction: the
     * source already holds every row, only changes from now on may flow back.
     */
    void createSubscription(Subscriber subscriber, Sql publisher, String name, String publication, DbEndpoint publisherSeen, boolean copyData) {
        if (subscriber.has(name)) {
            subscriber.execute("ALTER SUBSCRIPTION " + PgSql.identifier(name) + " ENABLE");
            return;
        }
        // A slot without its subscription is left from a crash inside CREATE SUBSCRIPTION: start over.
        dropSlot(publisher, name);
        // PostgreSQL keeps the connection string in pg_subscription, readable by superusers only.
        // synchronous_commit = local: by default the apply commits asynchronously and confirms a position
        // only after the WAL writer flushed it (up to 200 ms later), which the drain inside the write
        // downtime would wait for; a local flush per applied transaction confirms at once.
        subscriber.execute("CREATE SUBSCRIPTION " + PgSql.identifier(name) + " CONNECTION " + PgSql.literal(conninfo(publisherSeen))
                + " PUBLICATION " + PgSql.identifier(publication) + " WITH (slot_name = " + PgSql.literal(name)
                + ", copy_data = " + copyData + ", enabled = true, synchronous_commit = 'local')");
    }

    /**
     * Points an existing subscription at where its publisher is reachable now (a tunnel's local port
     * may differ per run). Returns false when there is no such subscription or it already points there.
     */
    boolean repoint(Subscriber subscriber, String name, DbEndpoint publisherSeen) {
        String wanted = conninfo(publisherSeen);
        // Compared inside the server: the connection string holds the password and never leaves PostgreSQL.
        if (!subscriber.connectsElsewhere(name, wanted)) {
            return false;
        }
        subscriber.execute("ALTER SUBSCRIPTION " + PgSql.identifier(name) + " CONNECTION " + PgSql.literal(conninfo(publisherSeen)));
        return true;
    }

    void disable(Subscriber subscriber, String name) {
        if (name != null && subscriber.has(name)) {
            subscriber.execute("ALTER SUBSCRIPTION " + PgSql.identifier(name) + " DISABLE");
        }
    }

    /** True once the subscriber has confirmed everything the publisher wrote up to the call; false when the timeout passed first. */
    boolean catchUp(Sql publisher, String slot, Duration timeout) {
        return caughtUpTo(publisher, slot, publisher.text("SELECT pg_current_wal_lsn()::text"), timeout);
    }

    /** Like {@link #catchUp} but a timeout is an error naming what to check. */
    String drain(Sql publisher, String slot, Duration timeout) {
        String lsn = publisher.text("SELECT pg_current_wal_lsn()::text");
        if (!caughtUpTo(publisher, slot, lsn, timeout)) {
            throw new MigrationException("the subscription on slot " + slot + " did not reach " + publisher.label() + "'s WAL position "
                    + lsn + " within " + timeout + "; check pg_stat_subscription on the subscriber, then retry");
        }
        return lsn;
    }

    private boolean caughtUpTo(Sql publisher, String slot, String lsn, Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            boolean caughtUp = publisher.one("SELECT coalesce(bool_or(confirmed_flush_lsn >= ?::pg_lsn), false) "
                    + "FROM pg_replication_slots WHERE slot_name = ?", rs -> rs.getBoolean(1), lsn, slot);
            if (caughtUp) {
                return true;
            }
            if (clock.instant().isAfter(deadline)) {
                return false;
            }
            Pause.millis(20);
        }
    }

    /** Drops the subscription without reaching its publisher (the slot is detached first), then the slot on the publisher. */
    void remove(Subscriber subscriber, Sql publisher, String subscription, String slot, String publication) {
        if (subscription != null && subscriber.has(subscription)) {
            String sub = PgSql.identifier(subscription);
            subscriber.execute("ALTER SUBSCRIPTION " + sub + " DISABLE");
            subscriber.execute("ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)");
            subscriber.execute("DROP SUBSCRIPTION " + sub);
        }
        if (slot != null) {
            waitSlotInactive(publisher, slot);
            dropSlot(publisher, slot);
        }
        if (publication != null) {
            publisher.execute("DROP PUBLICATION IF EXISTS " + PgSql.identifier(publication));
        }
    }

    private void dropSlot(Sql publisher, String slot) {
        publisher.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active",
                rs -> 1, slot);
    }

    private void waitSlotInactive(Sql publisher, String slot) {
        for (int i = 0; i < 100; i++) {
            if (publisher.number("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active", slot) == 0) {
                return;
            }
            Pause.millis(100);
        }
        throw new MigrationException("replication slot " + slot + " on " + publisher.label() + " is still in use; stop its subscriber and retry");
    }

    /** A libpq connection string for a subscription; holds the password, so it is never logged. */
    private String conninfo(DbEndpoint e) {
        return "host=" + PgSql.conninfoValue(e.host()) + " port=" + e.port() + " dbname=" + PgSql.conninfoValue(e.database())
                + " user=" + PgSql.conninfoValue(e.user())
                + (e.password().isPresent() ? " password=" + PgSql.conninfoValue(connections.password(e)) : "");
    }
}

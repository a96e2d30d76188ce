package io.tierlift.tier;

import java.util.Optional;

import io.tierlift.database.DbEndpoint;
import io.tierlift.provider.Target;

import java.io.PrintWriter;

/**
 * One tier as a migration sees it (the migration port of {@link Tier}): how to deploy it, where its
 * database is, how it stops writes and how users are sent to it. {@code migrate} holds two of them
 * (source and target) and never asks which kind they are. Failures arrive as {@link TierFailure}.
 */
public interface MigrationTier extends AutoCloseable {
    Target target();

    /** Deploys this tier with an empty database. A second call finds it deployed and changes nothing. */
    void provision();

    /**
     * Where tierlift reaches this tier's database. May open an SSH tunnel, kept open until
     * {@link #close()}. The operator's --source-db/--target-db override replaces this entirely.
     */
    DbEndpoint database();

    /**
     * Lets the database role of {@link #database()} publish logical replication, when the tier can
     * grant that itself (on-prem: ALTER ROLE ... REPLICATION as postgres). Called before the copy of
     * a logical migration from this tier; tiers that cannot grant it leave it to the preflight.
     */
    default void allowLogicalReplication() {
    }

    /**
     * What {@link #allowLogicalReplication()} will change on this tier, shown in the plan a migration
     * prints before it starts (a restart it needs, say); empty when it changes nothing.
     */
    default Optional<String> logicalReplicationChange() {
        return Optional.empty();
    }

    /**
     * Superuser access to this tier's database host, when the tier runs that server itself (on-prem):
     * the migration creates the reverse subscription through it, which the app role may not. Empty
     * where tierlift has no such access (RDS, Aurora).
     */
    default Optional<DatabaseHostAccess> databaseHostAccess() {
        return Optional.empty();
    }

    /**
     * Where tierlift reaches this tier's database when the migration copies INTO it: a role that may
     * create the subscription (a superuser on PostgreSQL 15). Tiers whose {@link #database()} role
     * already may do so keep the default.
     */
    default DbEndpoint databaseAsTarget() {
        return database();
    }

    /**
     * Checks, from this tier's database server itself, that it can open a TCP connection to
     * {@code host}:{@code port} (where its subscription will connect to the source). Changes nothing.
     * Empty when tierlift runs no commands on that server (a managed database): the path is then
     * named but not checked.
     */
    default Optional<NetworkPath> checkDatabasePathTo(String host, int port) {
        return Optional.empty();
    }

    /**
     * Why no server outside this tier may subscribe to its database, which reverse replication into
     * the source after a migration INTO this tier would need; empty when one may.
     */
    default Optional<String> reverseSubscriptionRefusal() {
        return Optional.empty();
    }

    /** Writes stop (true) or resume (false): the tier answers every request with its 503 maintenance page. */
    void maintenance(boolean on);

    /** Sends users to this tier: the DNS record when the descriptor manages one, otherwise exact instructions on {@code out}. */
    void takeTraffic(PrintWriter out);

    /** Closes tunnels and clients. */
    @Override
    void close();
}

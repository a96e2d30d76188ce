package io.tierlift.render.aws.serverless;

import io.tierlift.model.AwsServerlessTarget;

/**
 * How the function reaches Aurora, decided once for every stack that must agree on it (security
 * groups, the cluster's neighbours, the function's environment).
 *
 * <p>AWS does not auto-pause an Aurora Serverless v2 writer that has an associated RDS Proxy or
 * logical replication turned on. So a database that should pause (min_acu 0) is reached directly,
 * with the function's concurrency capped instead of a pool in front, and logical replication is
 * off until a migration turns it on. Otherwise the proxy pools the connections of many short-lived
 * function environments, and logical replication stays on for migrations.
 */
public enum DatabasePath {
    /** Through an RDS Proxy, on PostgreSQL's default port whatever the database's. */
    PROXY,
    /** Straight to the cluster's writer, so the cluster can pause when idle. */
    DIRECT;

    /** The data stack's parameter saying whether logical replication is on ("0" or "1") when the function connects directly. */
    public static final String LOGICAL_REPLICATION_PARAMETER = "LogicalReplication";
    /** The deploy-time value of that parameter: what the live stack has, "0" for a new stack. */
    public static final String LOGICAL_REPLICATION_VALUE = "logical-replication";
    /** PostgreSQL clients reach an RDS Proxy on the engine's default port, whatever the database's. */
    static final int PROXY_PORT = 5432;
    /**
     * The function's concurrency when it connects directly and the descriptor sets none: each
     * environment holds one connection, and this leaves most of a small writer's connections free
     * for migrations, the release command and psql.
     */
    public static final int DIRECT_CONCURRENCY_CAP = 20;

    public static DatabasePath of(AwsServerlessTarget target) {
        return target.database().minAcu() == 0 ? DIRECT : PROXY;
    }

    /** The port the function connects to. */
    int port(int databasePort) {
        return this == PROXY ? PROXY_PORT : databasePort;
    }
}

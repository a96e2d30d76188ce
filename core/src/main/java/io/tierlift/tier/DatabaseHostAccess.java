package io.tierlift.tier;

import java.util.Optional;

/**
 * What a tier that runs its own database server can do on that server's host, beside the
 * migration's network connection (on-prem: over SSH, as the postgres OS user). Statements travel on
 * standard input, never on a command line, so a connection string with a password inside stays off
 * every process list. Failures arrive as {@link TierFailure}.
 */
public interface DatabaseHostAccess {
    /** Who runs the statements where, for messages: "postgres on db1 over SSH". */
    String where();

    /** Runs {@code sql} as a superuser in the app's database; returns the rows unaligned, tuples only, one per line. */
    String superuserSql(String sql);

    /**
     * Whether the database host opens a TCP connection to a PostgreSQL server at {@code host}:{@code port}
     * that answers; empty when it does, else what the host saw.
     */
    Optional<String> unreachable(String host, int port);
}

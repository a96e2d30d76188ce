package io.tierlift.migrate;

import io.tierlift.database.PgSql;
import io.tierlift.tier.DatabaseHostAccess;

/**
 * The server a subscription lives on, as the statements that manage it reach it: the migration's
 * own connection, or a tier's superuser access to its database host where the migration's role may
 * not create subscriptions (an on-prem source, reached as the app role).
 */
interface Subscriber {
    String label();

    boolean has(String subscription);

    /** Whether the subscription exists with another connection string; compared inside the server, which keeps it. */
    boolean connectsElsewhere(String subscription, String conninfo);

    void execute(String statement);

    static Subscriber over(Sql sql) {
        return new Subscriber() {
            @Override
            public String label() {
                return sql.label();
            }

            @Override
            public boolean has(String subscription) {
                return sql.number("SELECT count(*) FROM pg_subscription WHERE subname = ?", subscription) > 0;
            }

            @Override
            public boolean connectsElsewhere(String subscription, String conninfo) {
                return sql.number("SELECT count(*) FROM pg_subscription WHERE subname = ? AND subconninfo IS DISTINCT FROM ?",
                        subscription, conninfo) > 0;
            }

            @Override
            public void execute(String statement) {
                sql.execute(statement);
            }
        };
    }

    /** Statements through {@code access}; its errors pass through the redactor, as a connection's do. */
    static Subscriber through(DatabaseHostAccess access, Redactor redactor) {
        return new Subscriber() {
            @Override
            public String label() {
                return "source (" + access.where() + ")";
            }

            @Override
            public boolean has(String subscription) {
                return count("SELECT count(*) FROM pg_subscription WHERE subname = " + PgSql.literal(subscription)) > 0;
            }

            @Override
            public boolean connectsElsewhere(String subscription, String conninfo) {
                return count("SELECT count(*) FROM pg_subscription WHERE subname = " + PgSql.literal(subscription)
                        + " AND subconninfo IS DISTINCT FROM " + PgSql.literal(conninfo)) > 0;
            }

            @Override
            public void execute(String statement) {
                run(statement);
            }

            private long count(String query) {
                String out = run(query).strip();
                try {
                    return Long.parseLong(out);
                } catch (NumberFormatException e) {
                    throw new MigrationException("unexpected answer from " + access.where() + ": " + redactor.scrub(out));
                }
            }

            private String run(String sql) {
                try {
                    return access.superuserSql(sql + ";\n");
                } catch (RuntimeException e) {
                    throw new MigrationException(redactor.scrub(String.valueOf(e.getMessage())));
                }
            }
        };
    }
}

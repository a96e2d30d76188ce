package io.tierlift.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Small query helpers over one connection, turning driver exceptions into migration errors that
 * name the database and what was being done (never the statement's secret parts).
 */
public final class Sql implements AutoCloseable {
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;
    private final String label;
    private final Redactor redactor;

    public Sql(Connection connection, String label, Redactor redactor) {
        this.connection = connection;
        this.label = label;
        this.redactor = redactor;
    }

    public Connection connection() {
        return connection;
    }

    public String label() {
        return label;
    }

    /** True while the server still answers on this connection (a cheap round trip). */
    public boolean valid() {
        try {
            return !connection.isClosed() && connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Starts a repeatable-read transaction and takes its snapshot with a first query: every later
     * read on this connection sees the database exactly as it was now, whatever commits meanwhile.
     * Returns the server's WAL position at that moment.
     */
    public String pinSnapshot() {
        try {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        } catch (SQLException e) {
            throw fail(e);
        }
        return text("SELECT pg_current_wal_lsn()::text");
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    public <T> T one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        if (rows.isEmpty()) {
            throw new MigrationException(label + ": query returned no row");
        }
        return rows.get(0);
    }

    public String text(String sql, Object... params) {
        return one(sql, rs -> rs.getString(1), params);
    }

    public long number(String sql, Object... params) {
        return one(sql, rs -> rs.getLong(1), params);
    }

    public void execute(String sql) {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    private MigrationException fail(SQLException e) {
        return new MigrationException(label + ": " + redactor.scrub(e.getMessage()));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is best effort: the server ends the session anyway when the socket goes.
        }
    }
}

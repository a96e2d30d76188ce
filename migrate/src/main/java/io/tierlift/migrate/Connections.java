package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.secret.SecretResolver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens JDBC connections to an endpoint, reading its password only at that moment. */
public class Connections {
    private final SecretResolver secrets;
    private final Redactor redactor;

    public Connections(SecretResolver secrets, Redactor redactor) {
        this.secrets = secrets;
        this.redactor = redactor;
    }

    public Connection open(DbEndpoint endpoint) {
        Properties props = new Properties();
        props.setProperty("user", endpoint.user());
        endpoint.password().ifPresent(ref -> props.setProperty("password", password(endpoint)));
        props.setProperty("ApplicationName", "tierlift-migrate");
        props.setProperty("connectTimeout", "10");
        try {
            Connection c = DriverManager.getConnection(endpoint.jdbcUrl(), props);
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            throw new MigrationException("cannot connect to " + endpoint + ": " + redactor.scrub(e.getMessage()));
        }
    }

    /** The revealed password, remembered by the redactor so no message can carry it. */
    public String password(DbEndpoint endpoint) {
        return endpoint.password().map(ref -> {
            String value = secrets.resolve(ref).reveal();
            redactor.remember(value);
            return value;
        }).orElse("");
    }

    public Redactor redactor() {
        return redactor;
    }
}

package io.tierlift.render.onprem.database;

import io.tierlift.secret.SecretRef;

import java.util.List;
import java.util.Optional;

/**
 * What must exist inside PostgreSQL for the rendered files to work, for the deployer to create
 * with SQL (quoted with {@link io.tierlift.database.PgSql}) over psql's stdin: the roles with their password
 * references, the app database and its owner, and the replication slot the standby uses.
 */
public record DatabaseSetup(String database, String owner, List<PgRole> roles, Optional<String> standbySlot) {
    public DatabaseSetup {
        roles = List.copyOf(roles);
    }

    /** A login role; {@code replication} roles are for streaming replication only. */
    public record PgRole(String name, SecretRef password, boolean replication) {
    }
}

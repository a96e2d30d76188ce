package io.tierlift.model;

import io.tierlift.secret.SecretRef;

import java.util.Optional;

/**
 * The app's PostgreSQL database, the same in every tier. {@code slowQuery}: statements that take longer
 * are logged with their duration.
 */
public record Database(String name, String user, SecretRef password, int version, int port,
                       String replicationUser, Optional<SecretRef> replicationPassword, java.time.Duration slowQuery,
                       Optional<BackupSettings> backup) {

    /**
     * {@code slowQuery} as PostgreSQL's {@code log_min_duration_statement} takes it (milliseconds), so the
     * on-prem config and the AWS parameter groups log the same statements.
     */
    public long logMinDurationStatementMillis() {
        return slowQuery.toMillis();
    }
}

package io.tierlift.model;

import io.tierlift.secret.SecretRef;

import java.util.Optional;

/**
 * Backups of the app's database: on-prem into a pgBackRest repository, encrypted with {@code key},
 * on the host with role backup or, with {@code s3}, in an S3-compatible bucket written by the database
 * hosts themselves; full and differential backups on systemd calendar events.
 */
public record BackupSettings(String fullSchedule, String differentialSchedule, int retentionFull, SecretRef key,
                             Optional<S3Repository> s3) {
    public BackupSettings(String fullSchedule, String differentialSchedule, int retentionFull, SecretRef key) {
        this(fullSchedule, differentialSchedule, retentionFull, key, Optional.empty());
    }
}

package io.tierlift.model;

import io.tierlift.secret.SecretRef;

/**
 * Backups of the app's database: on-prem into a pgBackRest repository on the host with role
 * backup, encrypted with {@code key}; full and differential backups on systemd calendar events.
 */
public record BackupSettings(String fullSchedule, String differentialSchedule, int retentionFull, SecretRef key) {
}

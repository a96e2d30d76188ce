package io.tierlift.tier;

import java.time.Instant;
import java.util.Optional;

/**
 * One backup in a tier's repository: when it ran, what kind it is, how big the database was and
 * what it takes in the repository, and the WAL it needs to be consistent ({@code walStart} to
 * {@code walStop}), when the tier reports it.
 */
public record BackupEntry(String id, BackupType type, Instant started, Instant finished, long databaseBytes,
                          long repositoryBytes, Optional<String> walStart, Optional<String> walStop) {
}

package io.tierlift.migrate;

import io.tierlift.journal.JournalFile;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** Reads and writes one migration's journal file; each write replaces the file atomically ({@link JournalFile}). */
public class JournalStore {
    private final JournalFile<Journal> file;
    private final Clock clock;

    public JournalStore(Path file, Clock clock) {
        this.file = new JournalFile<>(file, Journal.class);
        this.clock = clock;
    }

    /** {@code ~/.tierlift/migrations/<app>-<from>-<to>.json}. */
    public static Path defaultPath(Path home, String app, String from, String to) {
        return home.resolve(".tierlift").resolve("migrations").resolve(app + "-" + from + "-" + to + ".json");
    }

    public Path file() {
        return file.path();
    }

    public Optional<Journal> read() {
        try {
            return file.read();
        } catch (UncheckedIOException e) {
            throw new MigrationException("the migration journal " + file.path() + " is unreadable: "
                    + String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** Writes the journal stamped with the time of writing, and returns it as written. */
    public Journal write(Journal unstamped) {
        Journal journal = unstamped.writtenAt(clock.instant());
        try {
            file.write(journal);
            return journal;
        } catch (UncheckedIOException e) {
            throw new MigrationException("cannot write the migration journal " + file.path() + ": " + e.getCause().getMessage());
        }
    }
}

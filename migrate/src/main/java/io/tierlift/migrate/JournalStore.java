package io.tierlift.migrate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;

/** Reads and writes one migration's journal file; each write replaces the file atomically (write, fsync, rename). */
public class JournalStore {
    private final Path file;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public JournalStore(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** {@code ~/.tierlift/migrations/<app>-<from>-<to>.json}. */
    public static Path defaultPath(Path home, String app, String from, String to) {
        return home.resolve(".tierlift").resolve("migrations").resolve(app + "-" + from + "-" + to + ".json");
    }

    public Path file() {
        return file;
    }

    public Optional<Journal> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(Files.readString(file, StandardCharsets.UTF_8), Journal.class));
        } catch (IOException e) {
            throw new MigrationException("the migration journal " + file + " is unreadable: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Writes the journal stamped with the time of writing, and returns it as written. */
    public Journal write(Journal unstamped) {
        Journal journal = unstamped.writtenAt(clock.instant());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(mapper.writeValueAsBytes(journal)));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return journal;
        } catch (IOException e) {
            throw new MigrationException("cannot write the migration journal " + file + ": " + e.getMessage());
        }
    }
}

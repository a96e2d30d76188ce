package io.tierlift.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Reads and writes {@code state.json}; writes are atomic so a crash never leaves a half-written file. */
final class StateStore {

    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    StateStore(Path file) {
        this.file = file;
    }

    Optional<StateFile> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), StateFile.class));
        } catch (IOException | IllegalArgumentException e) {
            throw new SandboxException("cannot read sandbox state " + file + ": " + e.getMessage()
                    + "; if nothing of the sandbox is running any more, delete that file", e);
        }
    }

    synchronized void write(StateFile state) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            mapper.writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot write sandbox state " + file + ": " + e.getMessage(), e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new SandboxException("cannot delete sandbox state " + file + ": " + e.getMessage(), e);
        }
    }
}

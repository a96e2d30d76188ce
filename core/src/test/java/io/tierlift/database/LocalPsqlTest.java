package io.tierlift.database;

import io.tierlift.tier.TierFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalPsqlTest {
    private static final DbEndpoint TUNNEL = new DbEndpoint("127.0.0.1", 40123, "notes", "notes", Optional.empty());

    @Test
    void aMissingPsqlIsNamedWithWhatToInstall(@TempDir Path empty) {
        assertThatThrownBy(() -> LocalPsql.onPath(empty + ":/nonexistent"))
                .isInstanceOf(TierFailure.class)
                .hasMessageContaining("psql is not installed on this machine")
                .hasMessageContaining("apt-get install postgresql-client");
        assertThatThrownBy(() -> LocalPsql.onPath("")).hasMessageContaining("PATH, which is empty");
    }

    @Test
    void psqlIsTheFirstExecutableOnThePath(@TempDir Path dir) throws IOException {
        Path notExecutable = Files.createDirectories(dir.resolve("a")).resolve("psql");
        Files.writeString(notExecutable, "");
        Path executable = Files.createDirectories(dir.resolve("b")).resolve("psql");
        Files.writeString(executable, "#!/bin/sh\n");
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(LocalPsql.find(dir.resolve("a") + ":" + dir.resolve("b"))).contains(executable);
    }

    @Test
    void thePasswordIsNeverAnArgument(@TempDir Path dir) throws IOException {
        Path psql = dir.resolve("psql");
        Files.writeString(psql, "#!/bin/sh\n");
        Files.setPosixFilePermissions(psql, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(LocalPsql.onPath(dir.toString()).argv(TUNNEL))
                .containsExactly(psql.toString(), "-w", "-h", "127.0.0.1", "-p", "40123", "-U", "notes", "-d", "notes");
    }

    @Test
    void colonsAndBackslashesInThePasswordFileAreEscaped() {
        assertThat(LocalPsql.passwordLine(TUNNEL, "a:b\\c")).isEqualTo("127.0.0.1:40123:notes:notes:a\\:b\\\\c\n");
    }
}

package io.tierlift.onprem.release;

import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.tier.ReleaseEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The release listing run for real with {@code sh -c} against a temporary app root, and read back. */
@Tag("real")
class KeptReleasesShellTest {
    private static final String R1 = "r-111111111111";
    private static final String R2 = "r-222222222222";
    private static final String R3 = "r-333333333333";
    private final ReleaseCommands commands = new ReleaseCommands();
    private final LocalShell shell = new LocalShell();

    @TempDir
    Path tmp;

    @Test
    void listsEveryKeptReleaseNewestFirstWithItsMigrationsTheLiveOneAndThePrevious() throws IOException {
        String root = Files.createDirectories(tmp.resolve("srv/notes")).toString();
        unpack(root, R1, "0001_create.sql", "0002_index.sql");
        unpack(root, R2, "0001_create.sql", "0002_index.sql", "0003_tags.sql");
        unpack(root, R3, "0001_create.sql", "0002_index.sql", "0003_tags.sql");
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, R2));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, R3));
        setTime(root, R1, 1_000);
        setTime(root, R2, 2_000);
        setTime(root, R3, 3_000);
        Files.createDirectories(Path.of(root, "releases", "r-444444444444.partial"));

        KeptReleases kept = KeptReleases.parse(shell.ok(commands.list(root)));

        assertThat(kept.releases()).extracting(ReleaseEntry::id).containsExactly(R3, R2, R1);
        assertThat(kept.releases()).extracting(ReleaseEntry::live).containsExactly(true, false, false);
        assertThat(kept.previous()).contains(R2);
        assertThat(kept.releases().get(0).deployedAt()).contains(Instant.ofEpochSecond(3_000));
        assertThat(kept.releases().get(1).schema()).contains("notes/migrations/0003_tags.sql");
        assertThat(kept.releases().get(2).migrations())
                .containsExactly("notes/migrations/0001_create.sql", "notes/migrations/0002_index.sql");
    }

    @Test
    void aHostWithoutReleasesListsNone() throws IOException {
        String root = Files.createDirectories(tmp.resolve("srv/empty")).toString();
        KeptReleases kept = KeptReleases.parse(shell.ok(commands.list(root)));
        assertThat(kept.releases()).isEmpty();
        assertThat(kept.previous()).isEmpty();
    }

    private void unpack(String root, String id, String... migrations) {
        List<ArchiveEntry> entries = new ArrayList<>();
        entries.add(ArchiveEntry.file("backend/notes/app.py", "app = None\n".getBytes(StandardCharsets.UTF_8), false));
        for (String migration : migrations) {
            entries.add(ArchiveEntry.file("backend/notes/migrations/" + migration, "SELECT 1;\n".getBytes(StandardCharsets.UTF_8), false));
        }
        shell.ok(commands.unpack(root, id), new TarGzWriter().toBytes(entries));
    }

    private static void setTime(String root, String id, long epochSecond) throws IOException {
        Files.setLastModifiedTime(Path.of(root, "releases", id), FileTime.fromMillis(epochSecond * 1000));
    }
}

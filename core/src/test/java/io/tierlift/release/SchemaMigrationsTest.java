package io.tierlift.release;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaMigrationsTest {
    @TempDir
    Path tmp;

    @Test
    void sqlFilesInAMigrationsFolderInNameOrder() {
        assertThat(SchemaMigrations.among(List.of("notes/migrations/0002_index.sql", "notes/app.py",
                "notes/migrations/0001_create.sql", "notes/migrations/README.md")))
                .containsExactly("notes/migrations/0001_create.sql", "notes/migrations/0002_index.sql");
    }

    @Test
    void alembicVersionsCountOnlyNextToAnEnvPy() {
        assertThat(SchemaMigrations.among(List.of("migrations/env.py", "migrations/versions/ae10_add_tags.py",
                "migrations/versions/__init__.py", "lib/versions/not_a_migration.py")))
                .containsExactly("migrations/versions/ae10_add_tags.py");
    }

    @Test
    void djangoMigrationsAreTheNumberedModulesOfAMigrationsPackage() {
        assertThat(SchemaMigrations.among(List.of("shop/migrations/__init__.py", "shop/migrations/0001_initial.py",
                "shop/migrations/helpers.py", "tools/migrations/0001_loose.py")))
                .containsExactly("shop/migrations/0001_initial.py");
    }

    @Test
    void theExampleAppCarriesItsTwoMigrations() throws IOException {
        Path backend = tmp.resolve("backend");
        Files.createDirectories(backend.resolve("notes/migrations"));
        Files.writeString(backend.resolve("notes/migrations/0001_create_notes.sql"), "");
        Files.writeString(backend.resolve("notes/migrations/0002_index_notes_created_at.sql"), "");
        Files.writeString(backend.resolve("notes/migrate.py"), "");
        assertThat(SchemaMigrations.in(backend)).containsExactly("notes/migrations/0001_create_notes.sql",
                "notes/migrations/0002_index_notes_created_at.sql");
        assertThat(SchemaMigrations.in(Path.of("../examples/notes/backend"))).containsExactly(
                "notes/migrations/0001_create_notes.sql", "notes/migrations/0002_index_notes_created_at.sql");
    }
}

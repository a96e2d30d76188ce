package io.tierlift.aws.lambda;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The example app's backend, copied where a test may change it, with an aws-serverless descriptor. */
final class TestApps {
    static final Path EXAMPLE_BACKEND = Path.of("../../examples/notes/backend");

    private TestApps() {
    }

    static String descriptor(String architecture) {
        return """
                app: notes
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  requirements: requirements.txt
                  release_command: "python -m notes.migrate"
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: %s }
                    database: { min_acu: 0.5 }
                """.formatted(architecture);
    }

    /** A copy of the example backend under {@code dir/backend} and the descriptor that names it. */
    static AppDescriptor copyOfExample(Path dir, String architecture) {
        copyTree(EXAMPLE_BACKEND, dir.resolve("backend"));
        return load(dir, descriptor(architecture));
    }

    static AppDescriptor load(Path dir, String yaml) {
        return new DescriptorLoader().load("app.yaml", yaml, dir, Optional.empty()).descriptor();
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.toString().contains("__pycache__")) {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

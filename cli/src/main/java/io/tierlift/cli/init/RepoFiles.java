package io.tierlift.cli.init;

import io.tierlift.cli.init.Guess.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** How {@code init} reads a repository: its files in a stable order, their text, and positions in them. */
final class RepoFiles {
    private static final int MAX_DEPTH = 6;

    private RepoFiles() {
    }

    static Source at(Path repo, Path file, String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new Source(relative(repo, file), line);
    }

    static List<Path> distinct(Path first, Path second) {
        return first.normalize().equals(second.normalize()) ? List.of(first) : List.of(first, second);
    }

    static String module(Path root, Path file) {
        String path = root.relativize(file).toString().replace('\\', '/');
        String dotted = path.substring(0, path.length() - ".py".length()).replace('/', '.');
        // A package's __init__.py is imported by the package's own name.
        return dotted.endsWith(".__init__") ? dotted.substring(0, dotted.length() - ".__init__".length()) : dotted;
    }

    static String relative(Path repo, Path path) {
        String rel = repo.toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    static List<Path> files(Path repo, Predicate<Path> wanted) {
        try (Stream<Path> walk = Files.walk(repo, MAX_DEPTH)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !ignored(repo.relativize(p)))
                    .filter(wanted)
                    // Shallow files first, then by name, so the answer does not depend on the file system's order.
                    .sorted(Comparator.comparingInt((Path p) -> p.getNameCount()).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dependencies, virtualenvs, builds, tests and migration scripts are not the app. */
    static boolean ignored(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("node_modules") || name.startsWith(".") && name.length() > 1 && !name.equals(".python-version")
                    || name.equals("venv") || name.equals("dist") || name.equals("build") || name.equals("tests")
                    || name.equals("test") || name.equals("__pycache__") || name.equals("site-packages")
                    || name.equals("migrations") || name.equals("alembic")) {
                return true;
            }
        }
        return false;
    }

    static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}

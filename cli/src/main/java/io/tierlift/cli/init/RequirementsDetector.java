package io.tierlift.cli.init;

import io.tierlift.cli.init.Guess.Source;
import io.tierlift.release.PyprojectDependencies;
import io.tierlift.release.RequirementsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.tierlift.cli.init.RepoFiles.distinct;
import static io.tierlift.cli.init.RepoFiles.read;
import static io.tierlift.cli.init.RepoFiles.relative;

/** Which requirements file the app installs from, next to it or at the root, or where its dependencies are instead. */
final class RequirementsDetector {
    private static final Pattern GUNICORN = Pattern.compile("(?im)^\\s*gunicorn\\b");
    private static final List<String> REQUIREMENTS = List.of("requirements.txt", "requirements/production.txt",
            "requirements/prod.txt", "requirements/base.txt");

    private RequirementsDetector() {
    }

    static Optional<String> find(Path repo, Path backendDir, List<Guess> guesses, List<String> notes) {
        for (Path dir : distinct(backendDir, repo)) {
            Optional<Path> file = requirementsFile(dir);
            if (file.isEmpty()) {
                continue;
            }
            String name = relative(repo, file.get());
            if (!dir.equals(backendDir)) {
                notes.add(name + " is outside backend.path (" + relative(repo, backendDir) + "): releases carry backend.path only,"
                        + " so copy it into " + relative(repo, backendDir) + " (backend.requirements is relative to it)");
                return Optional.empty();
            }
            String value = backendDir.relativize(file.get()).toString().replace('\\', '/');
            String text = read(file.get());
            guesses.add(Guess.seen("backend.requirements", value, new Source(name, 1), GUNICORN.matcher(text).find()
                    ? "the wheels the app hosts install; it lists gunicorn"
                    : "the wheels the app hosts install; it does not list gunicorn, which serves the app on-prem and on EC2"));
            return Optional.of(value);
        }
        for (Path dir : distinct(backendDir, repo)) {
            Path pyproject = dir.resolve(RequirementsFile.PYPROJECT);
            if (!Files.isRegularFile(pyproject)) {
                continue;
            }
            String text = read(pyproject);
            String name = relative(repo, pyproject);
            PyprojectDependencies.Found deps;
            try {
                deps = PyprojectDependencies.read(text);
            } catch (PyprojectDependencies.Problem e) {
                notes.add(name + (e.line() > 0 ? ":" + e.line() : "") + " " + e.getMessage());
                return Optional.empty();
            }
            if (!dir.equals(backendDir)) {
                notes.add("the dependencies are in " + name + ":" + deps.line() + ", outside backend.path (" + relative(repo, backendDir)
                        + "): releases carry backend.path only, so copy it (or a requirements file) into " + relative(repo, backendDir));
                return Optional.empty();
            }
            boolean server = deps.requirements().stream().anyMatch(r -> GUNICORN.matcher(r).find());
            guesses.add(Guess.seen("backend.requirements", RequirementsFile.PYPROJECT, new Source(name, deps.line()),
                    "its [project].dependencies (" + String.join(", ", deps.requirements()) + ") are the wheels the app hosts install; "
                            + (server ? "they list gunicorn" : "they do not list gunicorn, which serves the app on-prem and on EC2")));
            return Optional.of(RequirementsFile.PYPROJECT);
        }
        notes.add("no requirements.txt, requirements/*.txt or pyproject.toml dependencies next to the app or at the root:"
                + " set backend.requirements");
        return Optional.empty();
    }

    private static Optional<Path> requirementsFile(Path dir) {
        for (String name : REQUIREMENTS) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return Optional.of(dir.resolve(name));
            }
        }
        Path folder = dir.resolve("requirements");
        if (Files.isDirectory(folder)) {
            try (Stream<Path> list = Files.list(folder)) {
                return list.filter(p -> p.toString().endsWith(".txt")).filter(p -> !p.getFileName().toString().contains("dev"))
                        .filter(p -> !p.getFileName().toString().contains("test")).sorted().findFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }
}

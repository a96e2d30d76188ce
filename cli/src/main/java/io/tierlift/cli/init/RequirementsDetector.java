package io.tierlift.cli.init;

import io.tierlift.cli.init.Guess.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.tierlift.cli.init.RepoFiles.at;
import static io.tierlift.cli.init.RepoFiles.distinct;
import static io.tierlift.cli.init.RepoFiles.read;
import static io.tierlift.cli.init.RepoFiles.relative;

/** Which requirements file the app installs from, next to it or at the root, or where its dependencies are instead. */
final class RequirementsDetector {
    private static final Pattern PYPROJECT_DEPENDENCIES = Pattern.compile("(?ms)^dependencies\\s*=\\s*\\[(.*?)]");
    private static final Pattern QUOTED = Pattern.compile("[\"']([^\"']+)[\"']");
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
            Path pyproject = dir.resolve("pyproject.toml");
            String text = read(pyproject);
            Matcher deps = PYPROJECT_DEPENDENCIES.matcher(text);
            if (deps.find()) {
                List<String> names = new ArrayList<>();
                Matcher quoted = QUOTED.matcher(deps.group(1));
                while (quoted.find()) {
                    names.add(quoted.group(1));
                }
                notes.add("the dependencies are in " + at(repo, pyproject, text, deps.start()) + " (" + String.join(", ", names)
                        + "); tierlift installs from a requirements file: write "
                        + relative(repo, backendDir.resolve("requirements.txt")) + " with those lines (pip-compile can pin them)");
                return Optional.empty();
            }
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

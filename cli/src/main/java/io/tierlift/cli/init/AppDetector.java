package io.tierlift.cli.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads an application repository the way a person new to it would: where the Flask app is
 * created, which requirements file and Python version it uses, how the React app builds and
 * where the build lands, whether there is a migration module, and which route answers health
 * checks. Reads files only; runs nothing.
 */
public final class AppDetector {
    private static final Pattern FLASK_APP = Pattern.compile("(?m)^([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*Flask\\(");
    private static final Pattern FACTORY = Pattern.compile("(?m)^def\\s+(create_app|make_app)\\s*\\(");
    private static final Pattern HEALTH_ROUTE = Pattern.compile("\\.(?:route|get)\\(\\s*[\"']([^\"']*/health[^\"']*)[\"']");
    private static final Pattern REQUIRES_PYTHON = Pattern.compile("(?m)^requires-python\\s*=\\s*[\"'][^0-9]*(\\d+\\.\\d+)");
    private static final Pattern OUT_DIR = Pattern.compile("outDir\\s*:\\s*[\"']([^\"']+)[\"']");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+)");
    private static final int MAX_DEPTH = 6;

    private final ObjectMapper json = new ObjectMapper();

    public DetectedApp detect(Path repo) {
        List<String> notes = new ArrayList<>();
        List<Path> python = files(repo, p -> p.toString().endsWith(".py"));

        Optional<String> backend = Optional.empty();
        Optional<String> wsgi = Optional.empty();
        boolean factoryOnly = false;
        for (Path file : python) {
            String text = read(file);
            Matcher app = FLASK_APP.matcher(text);
            if (app.find()) {
                Path root = packageRoot(file);
                backend = Optional.of(relative(repo, root));
                wsgi = Optional.of(module(root, file) + ":" + app.group(1));
                break;
            }
            Matcher factory = FACTORY.matcher(text);
            if (factory.find() && text.contains("Flask(") && !factoryOnly) {
                Path root = packageRoot(file);
                backend = Optional.of(relative(repo, root));
                factoryOnly = true;
                notes.add("found an app factory " + module(root, file) + "." + factory.group(1) + "(): the descriptor needs a module:attribute,"
                        + " so add " + relative(repo, root.resolve("wsgi.py")) + " with 'from " + module(root, file) + " import "
                        + factory.group(1) + "' and 'app = " + factory.group(1) + "()', then use wsgi: \"wsgi:app\"");
                wsgi = Optional.of("wsgi:app");
            }
        }
        if (wsgi.isEmpty()) {
            notes.add("no Flask app found (no 'app = Flask(...)' in any *.py): set backend.wsgi by hand");
        }
        Path backendDir = repo.resolve(backend.orElse("."));

        Optional<String> requirements = Stream.of("requirements.txt", "requirements/production.txt", "requirements/base.txt")
                .filter(r -> Files.isRegularFile(backendDir.resolve(r))).findFirst();
        if (requirements.isEmpty()) {
            notes.add("no requirements.txt next to the app: set backend.requirements");
        }

        Optional<String> pythonSource = Optional.empty();
        String pythonVersion = "3.11";
        for (Path dir : List.of(backendDir, repo)) {
            Optional<String> found = pythonVersion(dir);
            if (found.isPresent()) {
                pythonVersion = found.get().split("\t")[0];
                pythonSource = Optional.of(found.get().split("\t")[1]);
                break;
            }
        }

        Optional<String> release = Optional.empty();
        Optional<String> health = Optional.empty();
        for (Path file : python) {
            if (file.getFileName().toString().equals("migrate.py") && file.startsWith(backendDir)) {
                release = Optional.of("python -m " + module(backendDir, file));
            }
            if (health.isEmpty()) {
                Matcher route = HEALTH_ROUTE.matcher(read(file));
                if (route.find()) {
                    health = Optional.of(route.group(1));
                }
            }
        }
        if (release.isEmpty()) {
            notes.add("no migrate.py module: add backend.release_command if the app migrates its schema");
        }
        if (health.isEmpty()) {
            notes.add("no route with /health: the descriptor uses /api/health, add that route (it should check the database)");
        }

        Optional<String> frontend = Optional.empty();
        Optional<String> build = Optional.empty();
        Optional<String> dist = Optional.empty();
        for (Path packageJson : files(repo, p -> p.getFileName().toString().equals("package.json"))) {
            JsonNode scripts = readJson(packageJson).path("scripts");
            if (scripts.hasNonNull("build")) {
                Path dir = packageJson.getParent();
                frontend = Optional.of(relative(repo, dir));
                String install = Files.exists(dir.resolve("package-lock.json")) ? "npm ci" : "npm install";
                build = Optional.of(install + " && npm run build");
                dist = Optional.of(relative(repo, dir.resolve(outDir(dir))));
                break;
            }
        }
        if (frontend.isEmpty()) {
            notes.add("no package.json with a build script: set frontend.path, build and dist");
        }
        return new DetectedApp(backend, wsgi, factoryOnly, requirements, pythonVersion, pythonSource, frontend, build, dist,
                release, health, notes);
    }

    /** "3.12\t.python-version" — the version and the file that said so. */
    private Optional<String> pythonVersion(Path dir) {
        for (String name : List.of(".python-version", "runtime.txt")) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                Matcher m = VERSION.matcher(read(file));
                if (m.find()) {
                    return Optional.of(m.group(1) + "\t" + name);
                }
            }
        }
        Path pyproject = dir.resolve("pyproject.toml");
        if (Files.isRegularFile(pyproject)) {
            Matcher m = REQUIRES_PYTHON.matcher(read(pyproject));
            if (m.find()) {
                return Optional.of(m.group(1) + "\tpyproject.toml requires-python");
            }
        }
        return Optional.empty();
    }

    private String outDir(Path frontendDir) {
        for (String name : List.of("vite.config.js", "vite.config.ts", "vite.config.mjs")) {
            Path config = frontendDir.resolve(name);
            if (Files.isRegularFile(config)) {
                Matcher m = OUT_DIR.matcher(read(config));
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return "dist";
    }

    /** The folder Python imports start from: the first folder above the file without an __init__.py. */
    private static Path packageRoot(Path file) {
        Path dir = file.getParent();
        while (Files.exists(dir.resolve("__init__.py")) && dir.getParent() != null) {
            dir = dir.getParent();
        }
        return dir;
    }

    private static String module(Path root, Path file) {
        String path = root.relativize(file).toString().replace('\\', '/');
        String dotted = path.substring(0, path.length() - ".py".length()).replace('/', '.');
        // A package's __init__.py is imported by the package's own name.
        return dotted.endsWith(".__init__") ? dotted.substring(0, dotted.length() - ".__init__".length()) : dotted;
    }

    private static String relative(Path repo, Path path) {
        String rel = repo.toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    private static List<Path> files(Path repo, java.util.function.Predicate<Path> wanted) {
        try (Stream<Path> walk = Files.walk(repo, MAX_DEPTH)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> repo.relativize(p).toString().replace('\\', '/').split("/").length > 0)
                    .filter(p -> !ignored(repo.relativize(p)))
                    .filter(wanted)
                    // Shallow files first, then by name, so the answer does not depend on the file system's order.
                    .sorted(Comparator.comparingInt((Path p) -> p.getNameCount()).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dependencies, virtualenvs, builds and tests are not the app. */
    private static boolean ignored(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("node_modules") || name.startsWith(".") && name.length() > 1 && !name.equals(".python-version")
                    || name.equals("venv") || name.equals("dist") || name.equals("build") || name.equals("tests")
                    || name.equals("test") || name.equals("__pycache__") || name.equals("site-packages")) {
                return true;
            }
        }
        return false;
    }

    private JsonNode readJson(Path file) {
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}

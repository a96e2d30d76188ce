package io.tierlift.cli.init;

import static io.tierlift.cli.init.RepoFiles.at;
import static io.tierlift.cli.init.RepoFiles.distinct;
import static io.tierlift.cli.init.RepoFiles.files;
import static io.tierlift.cli.init.RepoFiles.module;
import static io.tierlift.cli.init.RepoFiles.read;
import static io.tierlift.cli.init.RepoFiles.relative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.init.Guess.Source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an application repository the way a person new to it would: where the Flask app is
 * created, which folder Python imports start from, which requirements file and Python version it
 * uses, how the React app builds and where the build lands, how the schema is migrated, and which
 * route answers health checks. Every guess keeps the file and line it came from. Reads files only;
 * imports and runs nothing.
 */
public final class AppDetector {
    private static final Pattern MODULE_FLASK = Pattern.compile("(?m)^([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*Flask\\(");
    private static final Pattern MODULE_FACTORY_CALL = Pattern.compile("(?m)^([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(create_app|make_app)\\s*\\(");
    private static final Pattern FACTORY = Pattern.compile("(?m)^def\\s+(create_app|make_app)\\s*\\(([^)]*)\\)");
    private static final Pattern RELATIVE_IMPORT = Pattern.compile("(?m)^[ \\t]*from\\s+(\\.+)");
    private static final Pattern HEALTH_ROUTE = Pattern.compile("\\.(?:route|get)\\(\\s*[\"']([^\"']*/health[^\"']*)[\"']");
    private static final Pattern URL_PREFIX = Pattern.compile("Blueprint\\([^)]*url_prefix\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final Pattern REQUIRES_PYTHON = Pattern.compile("(?m)^requires-python\\s*=\\s*[\"'][^0-9]*(\\d+\\.\\d+)");
    private static final Pattern OUT_DIR = Pattern.compile("outDir\\s*:\\s*[\"']([^\"']+)[\"']");
    private static final Pattern BUILD_SCRIPT = Pattern.compile("\"build\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern BUILD_TIME_VARIABLE = Pattern.compile("(?:import\\.meta\\.env\\.|process\\.env\\.)((?:VITE_|REACT_APP_)[A-Z0-9_]+)");
    private static final Pattern FLASK_MIGRATE = Pattern.compile("(?m)^[ \\t]*(?:from|import)\\s+flask_migrate\\b");
    private static final Pattern SCRIPT_LOCATION = Pattern.compile("(?m)^script_location\\s*=");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+)");

    private final ObjectMapper json = new ObjectMapper();

    /** Where the Flask app comes from: a module-level object, or a factory gunicorn calls. */
    private record Entry(Path file, String attribute, Source where, String check) {
    }

    public DetectedApp detect(Path repo) {
        List<Guess> guesses = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Path> python = files(repo, p -> p.toString().endsWith(".py"));

        Optional<String> backend = Optional.empty();
        Optional<String> wsgi = Optional.empty();
        Optional<Entry> entry = entry(repo, python, notes);
        if (entry.isPresent()) {
            Entry e = entry.get();
            String text = read(e.file());
            Path root = importRoot(e.file(), text);
            backend = Optional.of(relative(repo, root));
            wsgi = Optional.of(module(root, e.file()) + ":" + e.attribute());
            guesses.add(Guess.seen("backend.path", backend.get(), rootEvidence(repo, e, root, text), rootCheck(repo, e.file(), root)));
            guesses.add(Guess.seen("backend.wsgi", wsgi.get(), e.where(), e.check()));
        } else {
            notes.add("no Flask app found (no 'NAME = Flask(...)', 'NAME = create_app()' or 'def create_app()' in any *.py):"
                    + " set backend.path and backend.wsgi by hand");
        }
        Path backendDir = repo.resolve(backend.orElse("."));

        Optional<String> requirements = RequirementsDetector.find(repo, backendDir, guesses, notes);

        Optional<String> pythonSource = Optional.empty();
        String pythonVersion = "3.11";
        for (Path dir : distinct(backendDir, repo)) {
            Optional<Guess> found = pythonVersion(repo, dir);
            if (found.isPresent()) {
                guesses.add(found.get());
                pythonVersion = found.get().value();
                pythonSource = found.get().evidence();
                break;
            }
        }

        Optional<String> release = releaseCommand(repo, backendDir, python, wsgi, guesses, notes);

        Optional<String> health = Optional.empty();
        for (Path file : python) {
            String text = read(file);
            Matcher route = HEALTH_ROUTE.matcher(text);
            if (route.find()) {
                Matcher prefix = URL_PREFIX.matcher(text);
                String path = (prefix.find() ? prefix.group(1).replaceAll("/$", "") : "") + route.group(1);
                health = Optional.of(path);
                guesses.add(Guess.seen("backend.health", path, at(repo, file, text, route.start()),
                        "tierlift waits for 200 from this path after each restart; it should query the database"));
                break;
            }
        }
        if (health.isEmpty()) {
            notes.add("no route with /health: the descriptor uses /api/health, add that route (it should check the database)");
        }

        Optional<String> frontend = Optional.empty();
        Optional<String> build = Optional.empty();
        Optional<String> dist = Optional.empty();
        for (Path packageJson : files(repo, p -> p.getFileName().toString().equals("package.json"))) {
            String text = read(packageJson);
            JsonNode manifest = readJson(packageJson);
            Matcher script = BUILD_SCRIPT.matcher(text);
            if (!manifest.path("scripts").hasNonNull("build") || !script.find()) {
                continue;
            }
            Path dir = packageJson.getParent();
            Source buildLine = at(repo, packageJson, text, script.start());
            frontend = Optional.of(relative(repo, dir));
            guesses.add(Guess.seen("frontend.path", frontend.get(), buildLine, "the folder whose package.json builds the React app"));
            boolean locked = Files.isRegularFile(dir.resolve("package-lock.json"));
            build = Optional.of((locked ? "npm ci" : "npm install") + " && npm run build");
            guesses.add(Guess.seen("frontend.build", build.get(), buildLine, locked
                    ? "package-lock.json is present, so the install is reproducible (npm ci)"
                    : "no package-lock.json: npm install resolves versions afresh on every build; commit a lockfile"));
            Guess out = outDir(repo, dir, manifest, script.group(1), buildLine);
            dist = Optional.of(out.value());
            guesses.add(out);
            notes.addAll(buildTimeVariables(repo, dir));
            break;
        }
        if (frontend.isEmpty()) {
            notes.add("no package.json with a build script: set frontend.path, build and dist");
        }
        return new DetectedApp(backend, wsgi, requirements, pythonVersion, pythonSource, frontend, build, dist,
                release, health, guesses, notes);
    }

    /**
     * A module-level app object wins over a bare factory (gunicorn can serve it as it is); the
     * shallowest file wins among equals, so a top-level wsgi.py beats a module deep in a package.
     */
    private Optional<Entry> entry(Path repo, List<Path> python, List<String> notes) {
        for (Path file : python) {
            String text = read(file);
            Matcher flask = MODULE_FLASK.matcher(text);
            if (flask.find()) {
                return Optional.of(new Entry(file, flask.group(1), at(repo, file, text, flask.start()),
                        "the module-level Flask object gunicorn serves"));
            }
            Matcher call = MODULE_FACTORY_CALL.matcher(text);
            if (call.find()) {
                return Optional.of(new Entry(file, call.group(1), at(repo, file, text, call.start()),
                        "a module-level app built by " + call.group(2) + "(); gunicorn imports it once per worker"));
            }
        }
        for (Path file : python) {
            String text = read(file);
            Matcher factory = FACTORY.matcher(text);
            if (factory.find() && text.contains("Flask(")) {
                String name = factory.group(1);
                boolean needsArguments = !factory.group(2).isBlank() && !allDefaulted(factory.group(2));
                if (needsArguments) {
                    notes.add(relative(repo, file) + ": " + name + "(" + factory.group(2).strip() + ") needs arguments;"
                            + " gunicorn calls it with none: give them defaults, or add a module with 'app = " + name + "(...)'");
                }
                return Optional.of(new Entry(file, name + "()", at(repo, file, text, factory.start()),
                        "an app factory and no module-level app: gunicorn calls " + name + "() once per worker"
                                + " (the Lambda adapter once per cold start); it must take no required arguments"));
            }
        }
        return Optional.empty();
    }

    private static boolean allDefaulted(String parameters) {
        for (String parameter : parameters.split(",")) {
            String p = parameter.strip();
            if (!p.isEmpty() && !p.contains("=") && !p.startsWith("*")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The folder Python imports start from. A folder with an __init__.py is a package only if the app
     * imports through it: a relative import ({@code from . import db}) climbs one level per dot, and
     * an absolute import naming the package ({@code from shop.models import}) climbs past it. An app
     * that imports its siblings by plain name runs from its own folder, __init__.py or not; an
     * __init__.py itself is always imported through its package.
     */
    static Path importRoot(Path file, String text) {
        Path dir = file.getParent();
        // A package's __init__.py is only ever imported through its package.
        int levels = file.getFileName().toString().equals("__init__.py") ? 1 : 0;
        Matcher relativeImport = RELATIVE_IMPORT.matcher(text);
        while (relativeImport.find()) {
            levels = Math.max(levels, relativeImport.group(1).length());
        }
        while (Files.exists(dir.resolve("__init__.py")) && dir.getParent() != null
                && (levels > 0 || importsPackage(text, dir.getFileName().toString()))) {
            levels--;
            dir = dir.getParent();
        }
        return dir;
    }

    private static boolean importsPackage(String text, String name) {
        return Pattern.compile("(?m)^[ \\t]*(?:from|import)\\s+" + Pattern.quote(name) + "(?:\\.|\\s)").matcher(text).find();
    }

    private static Source rootEvidence(Path repo, Entry e, Path root, String text) {
        Matcher relativeImport = RELATIVE_IMPORT.matcher(text);
        if (!root.equals(e.file().getParent()) && relativeImport.find()) {
            return at(repo, e.file(), text, relativeImport.start());
        }
        return e.where();
    }

    private static String rootCheck(Path repo, Path file, Path root) {
        Path folder = file.getParent();
        if (!root.equals(folder)) {
            return relative(repo, folder) + " is a package the app imports through, so imports start in " + relative(repo, root);
        }
        if (Files.exists(folder.resolve("__init__.py"))) {
            return relative(repo, folder.resolve("__init__.py")) + " exists, but the app imports no module through that package,"
                    + " so imports start in " + relative(repo, folder);
        }
        return "imports start in the folder of " + file.getFileName();
    }

    /** The schema migration tool the app uses, as the command a release runs once. */
    private Optional<String> releaseCommand(Path repo, Path backendDir, List<Path> python, Optional<String> wsgi,
                                            List<Guess> guesses, List<String> notes) {
        for (Path file : python) {
            if (file.getFileName().toString().equals("migrate.py") && file.startsWith(backendDir)) {
                String command = "python -m " + module(backendDir, file);
                guesses.add(Guess.seen("backend.release_command", command, new Source(relative(repo, file), 1),
                        "runs once per release on one app host, with DATABASE_URL set"));
                return Optional.of(command);
            }
        }
        if (Files.isRegularFile(backendDir.resolve("migrations/alembic.ini")) && wsgi.isPresent()) {
            for (Path file : python) {
                String text = read(file);
                Matcher uses = FLASK_MIGRATE.matcher(text);
                if (file.startsWith(backendDir) && uses.find()) {
                    String command = "flask --app " + wsgi.get() + " db upgrade";
                    guesses.add(Guess.seen("backend.release_command", command, at(repo, file, text, uses.start()),
                            "Flask-Migrate with migrations/ in backend.path; the app must read DATABASE_URL for its database"));
                    return Optional.of(command);
                }
            }
        }
        Path alembicIni = backendDir.resolve("alembic.ini");
        if (Files.isRegularFile(alembicIni)) {
            String text = read(alembicIni);
            Matcher location = SCRIPT_LOCATION.matcher(text);
            Source where = location.find() ? at(repo, alembicIni, text, location.start()) : new Source(relative(repo, alembicIni), 1);
            guesses.add(Guess.seen("backend.release_command", "alembic upgrade head", where,
                    "Alembic in backend.path; its env.py must take the database URL from DATABASE_URL, which tierlift sets"));
            return Optional.of("alembic upgrade head");
        }
        notes.add("no migrate.py, Flask-Migrate or alembic.ini: add backend.release_command if the app migrates its schema");
        return Optional.empty();
    }

    private Optional<Guess> pythonVersion(Path repo, Path dir) {
        for (String name : List.of(".python-version", "runtime.txt")) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                String text = read(file);
                Matcher m = VERSION.matcher(text);
                if (m.find()) {
                    return Optional.of(Guess.seen("backend.python", m.group(1), at(repo, file, text, m.start()),
                            "the Python the app hosts and the Lambda runtime use"));
                }
            }
        }
        Path pyproject = dir.resolve("pyproject.toml");
        if (Files.isRegularFile(pyproject)) {
            String text = read(pyproject);
            Matcher m = REQUIRES_PYTHON.matcher(text);
            if (m.find()) {
                return Optional.of(Guess.seen("backend.python", m.group(1), at(repo, pyproject, text, m.start()),
                        "the lowest version requires-python allows"));
            }
        }
        return Optional.empty();
    }

    private Guess outDir(Path repo, Path frontendDir, JsonNode manifest, String buildScript, Source buildLine) {
        boolean createReactApp = buildScript.contains("react-scripts") || manifest.path("dependencies").has("react-scripts")
                || manifest.path("devDependencies").has("react-scripts");
        if (createReactApp) {
            return Guess.seen("frontend.dist", relative(repo, frontendDir.resolve("build")), buildLine,
                    "Create React App writes the site to build/");
        }
        for (String name : List.of("vite.config.js", "vite.config.ts", "vite.config.mjs")) {
            Path config = frontendDir.resolve(name);
            String text = read(config);
            Matcher m = OUT_DIR.matcher(text);
            if (m.find()) {
                return Guess.seen("frontend.dist", relative(repo, frontendDir.resolve(m.group(1))), at(repo, config, text, m.start()),
                        "the folder with index.html after the build");
            }
        }
        return Guess.seen("frontend.dist", relative(repo, frontendDir.resolve("dist")), buildLine,
                buildScript.contains("vite") ? "vite build writes dist/ unless build.outDir says otherwise"
                        : "the folder with index.html after the build");
    }

    /**
     * API base URLs read from build-time variables: baked into the bundle when it is built, so the
     * build must be told that the API is on the site's own origin (/api), or a development default
     * such as http://localhost:5000 ships.
     */
    private List<String> buildTimeVariables(Path repo, Path frontendDir) {
        Set<String> notes = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>();
        Path sources = frontendDir.resolve("src");
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        for (Path file : files(sources, p -> p.toString().matches(".*\\.(js|jsx|ts|tsx|mjs)$"))) {
            String text = read(file);
            Matcher variable = BUILD_TIME_VARIABLE.matcher(text);
            while (variable.find()) {
                String name = variable.group(1);
                if ((name.contains("API") || name.contains("URL") || name.contains("BACKEND")) && named.add(name)) {
                    notes.add("the UI reads " + name + " when it is built (" + at(repo, file, text, variable.start()) + "):"
                            + " the API is served on the site's own origin under /api, so set " + name + " in frontend.build"
                            + " to a value that makes the bundle call that origin; otherwise its development default ships");
                }
            }
        }
        return List.copyOf(notes);
    }

    private JsonNode readJson(Path file) {
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}

package io.tierlift.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.Diagnostics;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;
import io.tierlift.model.Frontend;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.RequirementsFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the app the descriptor describes is there, on this machine and without running any
 * of it: the backend folder, the WSGI module and the name gunicorn will look up in it (read as
 * text, never imported, so validating has no side effects and needs none of the app's packages),
 * the requirements file (a pyproject.toml must hold [project].dependencies), the frontend folder and its package.json. Each problem points at the
 * descriptor key that names the missing thing.
 */
public final class AppSourceCheck {
    // A script the frontend build runs through npm, yarn or pnpm ("npm run build", "yarn build").
    private static final Pattern SCRIPT = Pattern.compile("\\b(?:npm|pnpm)\\s+run(?:-script)?\\s+([A-Za-z0-9][A-Za-z0-9:_.-]*)|\\byarn\\s+(?:run\\s+)?(?!install\\b)([A-Za-z0-9][A-Za-z0-9:_.-]*)");
    private static final Pattern FROM_IMPORT = Pattern.compile("^from\\s+[.\\w]+\\s+import\\s+(\\([^)]*\\)|[^\\n#]*)", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+([^\\n#]*)", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every problem found, sorted by position: errors, and warnings for what can still be deployed. */
    public List<Diagnostic> check(LoadedDescriptor loaded) {
        Diagnostics diagnostics = new Diagnostics();
        AppDescriptor d = loaded.descriptor();
        Reporter error = (path, message) -> diagnostics.error(loaded.sourceMap().positionOf(path), path, message);
        backend(d.baseDir(), d.backend(), error);
        Path dist = d.baseDir().resolve(d.frontend().dist()).normalize();
        // A finished build can be shipped without its sources (a build made elsewhere); it just can't be made again here.
        Reporter frontendProblem = Files.isRegularFile(dist.resolve("index.html"))
                ? (path, message) -> diagnostics.warning(loaded.sourceMap().positionOf(path), path, message
                        + "; the existing build in " + dist + " is shipped as it is and cannot be rebuilt")
                : error;
        frontend(d.baseDir(), d.frontend(), frontendProblem);
        return diagnostics.all();
    }

    @FunctionalInterface
    private interface Reporter {
        void error(String path, String message);
    }

    private void backend(Path baseDir, Backend backend, Reporter report) {
        Path root = baseDir.resolve(backend.path()).normalize();
        if (!Files.isDirectory(root)) {
            report.error("backend.path", root + " is not a folder; backend.path names the folder that holds the Flask app");
            return;
        }
        Path requirements = root.resolve(backend.requirements()).normalize();
        if (!Files.isRegularFile(requirements)) {
            report.error("backend.requirements", requirements + " does not exist; name the app's requirements file, relative to backend.path ("
                    + backend.path() + ")");
        } else if (RequirementsFile.isPyproject(backend.requirements())) {
            try {
                RequirementsFile.read(requirements);
            } catch (ReleaseException e) {
                report.error("backend.requirements", e.getMessage().replaceFirst("^backend\\.requirements: ", ""));
            }
        }
        wsgi(root, backend, report);
    }

    private void wsgi(Path root, Backend backend, Reporter report) {
        String wsgi = backend.wsgi();
        int colon = wsgi.indexOf(':');
        String module = colon < 0 ? wsgi : wsgi.substring(0, colon);
        // gunicorn's default name, and "factory()" calls the factory: the name is what comes before the call.
        String attribute = colon < 0 ? "application" : wsgi.substring(colon + 1).replaceFirst("\\(.*$", "").strip();
        String relative = module.replace('.', '/');
        Path file = root.resolve(relative + ".py");
        if (!Files.isRegularFile(file)) {
            Path packageInit = root.resolve(relative).resolve("__init__.py");
            if (!Files.isRegularFile(packageInit)) {
                report.error("backend.wsgi", "no module " + module + " in " + root + ": neither " + relative + ".py nor "
                        + relative + "/__init__.py exists (gunicorn imports it from backend.path)");
                return;
            }
            file = packageInit;
        }
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            report.error("backend.wsgi", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            return;
        }
        if (!definesAtModuleLevel(source, attribute)) {
            report.error("backend.wsgi", root.relativize(file) + " (module " + module + ") does not define '" + attribute
                    + "' at module level: no assignment, def, class or import of that name; gunicorn would fail to find it");
        }
    }

    /**
     * Whether the module binds {@code name} where gunicorn can see it: at column 0, or inside a
     * top-level if/try/with/for block; not inside a function or a class body.
     */
    static boolean definesAtModuleLevel(String source, String name) {
        String n = Pattern.quote(name);
        Pattern binding = Pattern.compile("^(?:(?:async\\s+)?def\\s+" + n + "\\s*\\(|class\\s+" + n + "\\b"
                + "|(?:[A-Za-z_][A-Za-z0-9_]*\\s*=\\s*)*" + n + "\\s*(?::[^=\\n]*)?=(?!=))");
        boolean inDefinition = false;
        for (String line : source.split("\\R")) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            boolean topLevel = !Character.isWhitespace(line.charAt(0));
            if (topLevel) {
                inDefinition = line.startsWith("def ") || line.startsWith("async def ") || line.startsWith("class ")
                        || line.startsWith("@");
            }
            if ((topLevel || !inDefinition) && binding.matcher(line.strip()).find()) {
                return true;
            }
        }
        String unindented = source.replaceAll("(?m)^[ \\t]+(?=(from|import)\\s)", "");
        Matcher from = FROM_IMPORT.matcher(unindented);
        while (from.find()) {
            if (importsName(from.group(1).replace("(", "").replace(")", ""), name, false)) {
                return true;
            }
        }
        Matcher plain = IMPORT.matcher(unindented);
        while (plain.find()) {
            if (importsName(plain.group(1), name, true)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an import list ("a, b as c") binds {@code name}; a star import may bind anything. */
    private static boolean importsName(String list, String name, boolean dotted) {
        for (String item : list.split(",")) {
            String[] words = item.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            if (!dotted && words[0].equals("*")) {
                return true;
            }
            String bound = words.length >= 3 && words[1].equals("as") ? words[2] : dotted ? words[0].split("\\.")[0] : words[0];
            if (bound.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private void frontend(Path baseDir, Frontend frontend, Reporter report) {
        Path sources = baseDir.resolve(frontend.path()).normalize();
        if (!Files.isDirectory(sources)) {
            report.error("frontend.path", sources + " is not a folder; frontend.path names the folder of the React app (with its package.json)");
            return;
        }
        Path packageJson = sources.resolve("package.json");
        if (!Files.isRegularFile(packageJson)) {
            report.error("frontend.path", "no package.json in " + sources + "; frontend.path names the folder of the React app");
            return;
        }
        JsonNode scripts;
        try {
            scripts = JSON.readTree(packageJson.toFile()).path("scripts");
        } catch (IOException e) {
            report.error("frontend.path", packageJson + " is not valid JSON");
            return;
        }
        Matcher script = SCRIPT.matcher(frontend.build());
        while (script.find()) {
            String wanted = Optional.ofNullable(script.group(1)).orElse(script.group(2));
            if (!scripts.has(wanted)) {
                report.error("frontend.build", "frontend.build runs the script '" + wanted + "', which " + packageJson
                        + " does not define (its scripts: " + String.join(", ", iterable(scripts)) + ")");
            }
        }
    }

    private static List<String> iterable(JsonNode scripts) {
        List<String> names = new java.util.ArrayList<>();
        scripts.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? List.of("none") : names;
    }
}

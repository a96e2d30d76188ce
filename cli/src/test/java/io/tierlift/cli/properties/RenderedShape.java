package io.tierlift.cli.properties;

import io.tierlift.audit.NginxDirective;
import io.tierlift.audit.NginxSyntax;
import io.tierlift.provider.RenderedFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The structure of a rendered on-prem file, independent of the values substituted into it: for
 * nginx the directive names and statement count; for postgresql.conf the setting names; for
 * pg_hba the tokens per line; for gunicorn.conf.py the assigned names (Python's own parser);
 * for nft the number of accept verdicts. Two renderings whose descriptors differ only in one
 * scalar must have the same shape: a different shape means a value broke out of its slot.
 */
final class RenderedShape {
    private static final Pattern PG_LINE = Pattern.compile("[a-z_]+ = ('(?:[^'\\\\]|\\\\.|'')*'|[^\\s#']+)");

    private RenderedShape() {
    }

    static String of(RenderedFile file) {
        String path = file.location().substring(file.location().indexOf('/'));
        String text = file.contentAsText();
        if (path.startsWith("/etc/nginx/") && !path.startsWith("/etc/nginx/modsecurity/") && path.endsWith(".conf")) {
            return nginx(text);
        }
        if (path.contains("/conf.d/") && path.startsWith("/etc/postgresql/")) {
            return postgres(text);
        }
        if (path.endsWith("/pg_hba.conf")) {
            return hba(text);
        }
        if (path.endsWith("gunicorn.conf.py")) {
            return python(text);
        }
        if (path.endsWith(".nft")) {
            return nft(text);
        }
        return "";
    }

    static String nginx(String text) {
        List<NginxDirective> directives = new NginxSyntax().parse(text);
        TreeSet<String> names = new TreeSet<>();
        int count = 0;
        for (NginxDirective d : directives) {
            names.add(d.name());
            boolean descriptorList = d.name().equals("server") && !d.block() && d.context().contains("upstream");
            if (!descriptorList) {
                count++;
            }
        }
        return "nginx " + names + " statements=" + count;
    }

    static String postgres(String text) {
        TreeSet<String> names = new TreeSet<>();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (!PG_LINE.matcher(trimmed).matches()) {
                return "malformed postgresql.conf line: " + trimmed;
            }
            names.add(trimmed.substring(0, trimmed.indexOf(' ')));
        }
        return "pg " + names;
    }

    static String hba(String text) {
        List<Integer> tokens = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            List<String> words = hbaTokens(line);
            if (!words.isEmpty()) {
                tokens.add(words.size());
            }
        }
        return "hba " + tokens;
    }

    /** pg_hba tokens: whitespace separated, double quotes group, # starts a comment outside quotes. */
    static List<String> hbaTokens(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
                word.append(c);
            } else if (!quoted && c == '#') {
                break;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    static String nft(String text) {
        int accepts = 0;
        for (String line : text.split("\n", -1)) {
            String code = line.replaceAll("\"[^\"]*\"", "\"\"");
            int hash = code.indexOf('#');
            if (hash >= 0) {
                code = code.substring(0, hash);
            }
            for (String word : code.trim().split("[\\s;]+")) {
                if (word.equals("accept")) {
                    accepts++;
                }
            }
        }
        return "nft accepts=" + accepts;
    }

    /** The names a Python file assigns at any level, by Python's own parser (Debian's python3). */
    static String python(String text) {
        String program = "import ast,sys\n"
                + "tree = ast.parse(sys.stdin.read())\n"
                + "print(sorted({t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}))\n";
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", program).redirectErrorStream(true).start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python3 did not finish");
            }
            return p.exitValue() == 0 ? "python " + result : "python syntax error: " + result;
        } catch (IOException e) {
            throw new AssertionError("cannot run /usr/bin/python3 (Debian package python3): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Shapes of all files, per host and sorted: file names may follow descriptor values (the app
     * name), so shapes are compared as a multiset per host rather than by path.
     */
    static Map<String, List<String>> byHost(Collection<RenderedFile> files, java.util.function.Function<RenderedFile, String> shapeOf) {
        Map<String, List<String>> shapes = new TreeMap<>();
        for (RenderedFile f : files) {
            String shape = shapeOf.apply(f);
            if (!shape.isEmpty()) {
                shapes.computeIfAbsent(f.location().substring(0, f.location().indexOf('/')), h -> new ArrayList<>()).add(shape);
            }
        }
        shapes.values().forEach(java.util.Collections::sort);
        return shapes;
    }

    /** A rendered location stays what it says: normalising it changes nothing and it never climbs out. */
    static boolean confined(String location) {
        return !location.startsWith("/") && !location.contains("\\") && !location.contains("\0")
                && Path.of(location).normalize().toString().equals(location)
                && !Path.of(location).normalize().startsWith("..");
    }
}

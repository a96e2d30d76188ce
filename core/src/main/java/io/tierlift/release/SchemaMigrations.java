package io.tierlift.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The schema migrations a backend release carries, found by the layouts of the common migration
 * tools, each named by its path in the backend folder:
 * <ul>
 *   <li>SQL files in a folder named {@code migrations} (a plain ledger, like the notes example);</li>
 *   <li>Python files in a {@code versions} folder next to an {@code env.py} (Alembic, Flask-Migrate);</li>
 *   <li>numbered Python files in a {@code migrations} package (Django).</li>
 * </ul>
 * Release commands only apply migrations forward, so the database holds every migration that any
 * release it was released with carried: a release that lacks one of them is older than the schema.
 * The rule reads paths only, so a host can send the paths of a release it keeps and the same rule
 * decides there as here.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {
    }

    /** The migrations among {@code paths} (relative to the backend folder, '/'-separated), in name order. */
    public static List<String> among(Collection<String> paths) {
        Set<String> all = Set.copyOf(paths);
        TreeSet<String> found = new TreeSet<>((a, b) -> {
            int byName = fileName(a).compareTo(fileName(b));
            return byName != 0 ? byName : a.compareTo(b);
        });
        for (String path : all) {
            String parent = parent(path);
            String name = fileName(path);
            if (fileName(parent).equals("migrations") && name.endsWith(".sql")) {
                found.add(path);
            } else if (fileName(parent).equals("versions") && name.endsWith(".py") && !name.equals("__init__.py")
                    && all.contains(join(parent(parent), "env.py"))) {
                found.add(path);
            } else if (fileName(parent).equals("migrations") && name.endsWith(".py") && !name.isEmpty()
                    && Character.isDigit(name.charAt(0)) && all.contains(join(parent, "__init__.py"))) {
                found.add(path);
            }
        }
        return List.copyOf(found);
    }

    /** The migrations in the backend folder {@code backend}. */
    public static List<String> in(Path backend) {
        try (Stream<Path> walk = Files.walk(backend)) {
            return among(walk.filter(Files::isRegularFile)
                    .map(p -> backend.relativize(p).toString().replace('\\', '/')).toList());
        } catch (IOException | UncheckedIOException e) {
            throw new ReleaseException("cannot read the backend folder " + backend + " for its migrations: " + e.getMessage());
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String join(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }
}

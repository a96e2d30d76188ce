package io.tierlift.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads the files of a folder that belong in a release. Symbolic links to files are taken as the
 * file they point to (hosts get plain files); links to folders, broken links and special files are
 * refused, so what is deployed is never a surprise.
 */
public final class SourceTree {
    /** What to leave out of a release. */
    public interface Exclusions {
        boolean skipDirectory(String relativePath, String name);

        boolean skipFile(String relativePath, String name);
    }

    /** Nothing left out: a frontend build is deployed exactly as built. */
    public static final Exclusions NONE = new Exclusions() {
        @Override
        public boolean skipDirectory(String relativePath, String name) {
            return false;
        }

        @Override
        public boolean skipFile(String relativePath, String name) {
            return false;
        }
    };

    /**
     * The backend: bytecode caches, VCS data, virtualenvs, node_modules and test-runner caches
     * anywhere, and the top-level {@code tests/} folder (a package's own {@code tests} module
     * deeper down may be imported, so it stays).
     */
    public static final Exclusions PYTHON_BACKEND = new Exclusions() {
        private final Set<String> anywhere = Set.of("__pycache__", ".git", "venv", ".venv", "node_modules",
                ".pytest_cache", ".mypy_cache");

        @Override
        public boolean skipDirectory(String relativePath, String name) {
            return anywhere.contains(name) || relativePath.equals("tests");
        }

        @Override
        public boolean skipFile(String relativePath, String name) {
            return name.endsWith(".pyc") || name.endsWith(".pyo") || name.equals(".git");
        }
    };

    /** The files under {@code root}, sorted by relative path ('/'-separated). */
    public List<SourceFile> read(Path root, Exclusions exclusions) {
        if (!Files.isDirectory(root)) {
            throw new ReleaseException(root + " is not a folder");
        }
        List<SourceFile> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String relative = relative(root, dir);
                    return exclusions.skipDirectory(relative, dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String relative = relative(root, file);
                    String name = file.getFileName().toString();
                    if (attrs.isSymbolicLink() && Files.isDirectory(file)) {
                        // Checked before the exclusions: a linked folder named like an excluded one
                        // (a venv symlink) is skipped like the folder would be.
                        if (exclusions.skipDirectory(relative, name)) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw new ReleaseException(relative + " in " + root
                                + " is a symbolic link to a folder; releases hold regular files only (copy the folder or remove the link)");
                    }
                    if (exclusions.skipFile(relative, name)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!Files.isRegularFile(file)) {
                        throw new ReleaseException(relative + " in " + root + " is "
                                + (attrs.isSymbolicLink() ? "a broken symbolic link" : "not a regular file")
                                + "; releases hold regular files only");
                    }
                    boolean executable = Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
                    files.add(new SourceFile(relative, Files.readAllBytes(file), executable));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    throw new ReleaseException("cannot read " + file + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
        files.sort(Comparator.comparing(SourceFile::path));
        return List.copyOf(files);
    }

    /**
     * {@code path} below {@code root} with '/' between its parts, whatever the local separator: the
     * form archives, manifests and release ids name files in, so they are the same on every machine.
     */
    public static String relative(Path root, Path path) {
        StringBuilder out = new StringBuilder();
        for (Path part : root.relativize(path)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }
}

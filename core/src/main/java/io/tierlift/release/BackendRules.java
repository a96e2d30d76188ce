package io.tierlift.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a backend release carries: only what should run. Left out by default are bytecode caches,
 * version control data, virtualenvs, node_modules, test-runner caches, the top-level {@code tests/}
 * folder, {@code .env*} files and whatever a {@code .gitignore} names: the descriptor's folder's,
 * the backend folder's and those of its subfolders (each one's patterns relative to its own
 * folder, the deepest deciding, as in Git), and the backend folder's {@code .tierliftignore}, which
 * decides before all of them. What is left and looks like it holds secrets (dotenv files, private
 * keys) is refused, so it never reaches a host by accident; {@code backend.include} ships files or
 * whole folders on purpose.
 *
 * <p>One rule set for every release: the on-prem archive, the EC2 archive and the Lambda package.
 */
public final class BackendRules implements SourceTree.Exclusions {
    public static final String IGNORE_FILE = ".tierliftignore";
    private static final Map<String, String> FOLDERS_ANYWHERE = Map.of(
            "__pycache__", "bytecode cache",
            ".git", "version control data",
            "venv", "virtualenv",
            ".venv", "virtualenv",
            "node_modules", "node_modules",
            ".pytest_cache", "test-runner cache",
            ".mypy_cache", "type-checker cache");
    private static final Set<String> KEY_FILE_NAMES = Set.of("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519");
    private static final Set<String> KEY_STORE_SUFFIXES = Set.of(".p12", ".pfx", ".jks", ".keystore");
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----");

    /**
     * An ignore file and the paths it judges: those below {@code scope} (its folder, relative to the
     * backend folder, "" for the backend folder and above), matched with {@code prefix} in front
     * (the backend folder's place below an outer file's folder).
     */
    private record Scoped(IgnoreFile file, String scope, String prefix) {
        Optional<IgnoreFile.Verdict> decides(String relativePath, boolean folder) {
            if (!scope.isEmpty() && !relativePath.startsWith(scope)) {
                return Optional.empty();
            }
            return file.decides(prefix + relativePath.substring(scope.length()), folder);
        }
    }

    private final Path root;
    private final Set<String> include;
    private final List<Scoped> ignoreFiles;
    private final String fingerprint;

    private BackendRules(Path root, Set<String> include, List<Scoped> ignoreFiles, String fingerprint) {
        this.root = root;
        this.include = include;
        this.ignoreFiles = ignoreFiles;
        this.fingerprint = fingerprint;
    }

    /**
     * @param baseDir    the descriptor's folder (usually the repository root): its {@code .gitignore} applies too
     * @param backendDir the backend folder
     * @param include    backend.include: files or folders shipped on purpose, relative to the backend folder
     */
    public static BackendRules of(Path baseDir, Path backendDir, List<String> include) {
        Path root = backendDir.toAbsolutePath().normalize();
        Path base = baseDir.toAbsolutePath().normalize();
        // Deciding first to last: .tierliftignore, then .gitignore files deepest first, the outer one last.
        List<Scoped> files = new ArrayList<>();
        StringBuilder seen = new StringBuilder("include ").append(String.join("\0", include)).append('\n');
        read(root.resolve(IGNORE_FILE), IGNORE_FILE, "", "", files, seen);
        read(root.resolve(".gitignore"), "backend .gitignore", "", "", files, seen);
        if (!base.equals(root) && root.startsWith(base)) {
            read(base.resolve(".gitignore"), "the .gitignore of " + base, "", SourceTree.relative(base, root) + "/", files, seen);
        }
        Set<String> included = Set.copyOf(include.stream().map(p -> Path.of(p).normalize().toString().replace('\\', '/')).toList());
        BackendRules rules = new BackendRules(root, included, files, "");
        rules.readNestedIgnoreFiles(Files.isRegularFile(root.resolve(IGNORE_FILE)) ? 1 : 0, seen);
        return new BackendRules(root, included, List.copyOf(files), sha256(seen.toString()));
    }

    /**
     * The .gitignore files of the backend's subfolders, parents before children, in folders the rules
     * found so far do not leave out (Git reads none inside an ignored folder either); each goes before
     * the shallower ones it may overrule.
     */
    private void readNestedIgnoreFiles(int position, StringBuilder seen) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String relative = SourceTree.relative(root, dir);
                    if (whyLeftOut(relative, dir.getFileName().toString(), true).isPresent()) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    List<Scoped> found = new ArrayList<>();
                    read(dir.resolve(".gitignore"), relative + "/.gitignore", relative + "/", "", found, seen);
                    ignoreFiles.addAll(position, found);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static void read(Path file, String name, String scope, String prefix, List<Scoped> into, StringBuilder seen) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            into.add(new Scoped(IgnoreFile.parse(name, text), scope, prefix));
            seen.append(name).append('\n').append(text).append('\n');
        } catch (IOException e) {
            throw new ReleaseException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Changes when the rules do (the include list, an ignore file outside the backend folder). */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean skipDirectory(String relativePath, String name) {
        return whyLeftOut(relativePath, name, true).isPresent();
    }

    @Override
    public boolean skipFile(String relativePath, String name) {
        return whyLeftOut(relativePath, name, false).isPresent();
    }

    /** Why the file or folder is left out of releases, or empty when it is released. */
    public Optional<String> whyLeftOut(String relativePath, String name, boolean folder) {
        if (included(relativePath)) {
            return Optional.empty();
        }
        if (folder && include.stream().anyMatch(path -> path.startsWith(relativePath + "/"))) {
            // Something included lies below: the walk goes in, and the rest of the folder is judged path by path.
            return Optional.empty();
        }
        // Reached only below a folder entered for an include: what is in a left-out folder is left out with it.
        int slash = relativePath.indexOf('/');
        while (slash > 0) {
            String ancestor = relativePath.substring(0, slash);
            Optional<String> why = ownReason(ancestor, ancestor.substring(ancestor.lastIndexOf('/') + 1), true);
            if (why.isPresent()) {
                return why;
            }
            slash = relativePath.indexOf('/', slash + 1);
        }
        return ownReason(relativePath, name, folder);
    }

    /** Whether backend.include names the path or a folder it is in. */
    private boolean included(String relativePath) {
        return include.contains(relativePath) || include.stream().anyMatch(path -> relativePath.startsWith(path + "/"));
    }

    private Optional<String> ownReason(String relativePath, String name, boolean folder) {
        if (folder) {
            if (FOLDERS_ANYWHERE.containsKey(name)) {
                return Optional.of(FOLDERS_ANYWHERE.get(name));
            }
            if (relativePath.equals("tests")) {
                return Optional.of("top-level tests");
            }
            if (Files.isRegularFile(root.resolve(relativePath).resolve("pyvenv.cfg"))) {
                return Optional.of("virtualenv");
            }
        } else {
            if (name.endsWith(".pyc") || name.endsWith(".pyo")) {
                return Optional.of("bytecode");
            }
            if (name.equals(".git")) {
                return Optional.of("version control data");
            }
            if (name.startsWith(".env")) {
                return Optional.of(".env* file");
            }
        }
        for (Scoped scoped : ignoreFiles) {
            Optional<IgnoreFile.Verdict> verdict = scoped.decides(relativePath, folder);
            if (verdict.isPresent()) {
                return verdict.filter(IgnoreFile.Verdict::ignored).map(IgnoreFile.Verdict::why);
            }
        }
        return Optional.empty();
    }

    /**
     * What the rules leave out of the folder, as "path (why)", folders once with a trailing '/':
     * what plans name so the operator sees what stays behind.
     */
    public List<String> leftOut() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String relative = SourceTree.relative(root, dir);
                    Optional<String> why = whyLeftOut(relative, dir.getFileName().toString(), true);
                    if (why.isPresent()) {
                        out.add(relative + "/ (" + why.get() + ")");
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String relative = SourceTree.relative(root, file);
                    whyLeftOut(relative, file.getFileName().toString(), Files.isDirectory(file))
                            .ifPresent(why -> out.add(relative + " (" + why + ")"));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        out.sort(String::compareTo);
        return out;
    }

    /**
     * Refuses the release when a file it would carry looks like it holds secrets and was not
     * included on purpose: shipping it would copy the secret to every host and archive.
     */
    public void refuseSecrets(List<SourceFile> files) {
        List<String> refused = new ArrayList<>();
        for (SourceFile file : files) {
            if (!included(file.path())) {
                secretKind(file).ifPresent(kind -> refused.add(file.path() + " (" + kind + ")"));
            }
        }
        if (!refused.isEmpty()) {
            throw new ReleaseException("the backend folder " + root + " holds " + String.join(", ", refused)
                    + ", which would be shipped to every host. Remove it, name it in " + IGNORE_FILE + " or .gitignore to "
                    + "leave it out, or list it in backend.include to ship it on purpose");
        }
    }

    private static Optional<String> secretKind(SourceFile file) {
        String name = file.path().substring(file.path().lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (name.endsWith(".env") || name.startsWith(".env")) {
            return Optional.of("looks like a dotenv file");
        }
        if (KEY_FILE_NAMES.contains(name) || KEY_STORE_SUFFIXES.stream().anyMatch(name::endsWith)) {
            return Optional.of("looks like a private key");
        }
        String text = new String(file.contentNoCopy(), StandardCharsets.ISO_8859_1);
        if (PRIVATE_KEY.matcher(text).find()) {
            return Optional.of("holds a private key");
        }
        return Optional.empty();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

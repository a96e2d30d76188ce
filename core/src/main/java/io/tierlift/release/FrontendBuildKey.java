package io.tierlift.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Knows whether the frontend's output folder was built from the sources as they are now: a key
 * over the build command and every source file (lockfile and build-time {@code .env} files
 * included; the output folder, node_modules, VCS data and bundler caches not) is remembered on
 * the operator's machine after each build. A different key means the output is stale.
 *
 * <p>An output folder tierlift has no record of (built before tierlift ran, or by hand) is not
 * known to come from these sources, so it counts as stale (see {@link FrontendBuild}).
 */
final class FrontendBuildKey {
    private static final String FORMAT = "tierlift-frontend-build-v1";
    private static final Set<String> NOT_SOURCES = Set.of("node_modules", ".git", ".cache", ".parcel-cache", ".vite",
            ".next", "coverage", ".turbo");
    private static final int CHANGES_NAMED = 5;
    /** The command of a record written as a build starts: a build that never finished leaves it. */
    private static final String UNFINISHED = "";

    private final Path cacheDir;
    private final SourceTree tree = new SourceTree();

    FrontendBuildKey(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** The command and the sources, file by file (path to content hash), as they are now. */
    record Sources(String command, Map<String, String> files) {
        String key() {
            StringBuilder text = new StringBuilder(FORMAT).append('\n').append(command).append('\n');
            files.forEach((path, sha) -> text.append(path).append('\0').append(sha).append('\n'));
            return sha256(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    Sources read(Path sources, Path dist, String command) {
        Path distInside = dist.toAbsolutePath().normalize();
        Path root = sources.toAbsolutePath().normalize();
        List<SourceFile> files = tree.read(root, new SourceTree.Exclusions() {
            @Override
            public boolean skipDirectory(String relativePath, String name) {
                return NOT_SOURCES.contains(name) || root.resolve(relativePath).normalize().equals(distInside);
            }

            @Override
            public boolean skipFile(String relativePath, String name) {
                return false;
            }
        });
        Map<String, String> listing = new TreeMap<>();
        files.forEach(f -> listing.put(f.path(), sha256(f.contentNoCopy())));
        // One line in the record; the command is run as written.
        return new Sources(command.replace('\n', ' '), listing);
    }

    /**
     * Why the output folder needs building from {@code now}, or empty when it was built from exactly
     * these sources (or, never seen before, is taken as such).
     */
    Optional<String> staleness(Path dist, Sources now) {
        if (!Files.isDirectory(dist)) {
            return Optional.of(dist + " is missing");
        }
        Optional<Sources> built = recorded(dist);
        if (built.isEmpty()) {
            return Optional.of("tierlift has no record of building " + dist + " from these sources");
        }
        if (built.get().key().equals(now.key())) {
            return Optional.empty();
        }
        if (built.get().command().equals(UNFINISHED)) {
            return Optional.of("the last build did not finish");
        }
        if (!built.get().command().equals(now.command())) {
            return Optional.of("the build command changed (was `" + built.get().command() + "`)");
        }
        Set<String> changed = new TreeSet<>();
        Map<String, String> before = built.get().files();
        now.files().forEach((path, sha) -> {
            if (!sha.equals(before.get(path))) {
                changed.add(path);
            }
        });
        before.keySet().stream().filter(path -> !now.files().containsKey(path)).forEach(path -> changed.add(path + " (removed)"));
        List<String> named = new ArrayList<>(changed).subList(0, Math.min(CHANGES_NAMED, changed.size()));
        return Optional.of("sources changed since the last build: " + String.join(", ", named)
                + (changed.size() > named.size() ? " and " + (changed.size() - named.size()) + " more" : ""));
    }

    /**
     * Records that a build of {@code dist} started, so that output a failed or interrupted build
     * leaves behind is never taken as built.
     */
    void starting(Path dist) {
        remember(dist, new Sources(UNFINISHED, Map.of()));
    }

    /** Records that {@code dist} now holds the build of {@code sources}; a cache that can't be written only costs a rebuild. */
    void remember(Path dist, Sources sources) {
        StringBuilder text = new StringBuilder(FORMAT).append('\n').append(sources.command()).append('\n');
        sources.files().forEach((path, sha) -> text.append(sha).append(' ').append(path).append('\n'));
        try {
            Files.createDirectories(cacheDir);
            Path temp = Files.createTempFile(cacheDir, ".frontend-build-", ".tmp");
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                Files.move(temp, entry(dist), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // the next run rebuilds, which is correct, only slower
        }
    }

    private Optional<Sources> recorded(Path dist) {
        List<String> lines;
        try {
            lines = Files.readAllLines(entry(dist), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.size() < 2 || !lines.get(0).equals(FORMAT)) {
            return Optional.empty();
        }
        Map<String, String> files = new TreeMap<>();
        for (String line : lines.subList(2, lines.size())) {
            int space = line.indexOf(' ');
            if (space != 64) {
                return Optional.empty();
            }
            files.put(line.substring(space + 1), line.substring(0, space));
        }
        return Optional.of(new Sources(lines.get(1), files));
    }

    private Path entry(Path dist) {
        return cacheDir.resolve("frontend-build-" + sha256(dist.toAbsolutePath().normalize().toString()
                .getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    }

    /** Hex SHA-256, as the records have always been written. */
    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

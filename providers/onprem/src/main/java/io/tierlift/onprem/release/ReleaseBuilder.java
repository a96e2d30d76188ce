package io.tierlift.onprem.release;

import io.tierlift.release.CommandRunner;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.SourceTree;
import io.tierlift.release.SourceFile;
import io.tierlift.release.PipSettings;
import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds what the hosts receive, on the operator's machine: the backend code, the wheels its
 * requirements need (hosts may have no internet and no package index) and the frontend build.
 * Everything is deterministic: the same inputs give the same ids and the same archive bytes, so an
 * unchanged app is recognised on the hosts and not shipped again.
 */
public final class ReleaseBuilder {
    static final String WHEELHOUSE_ARCHIVE = "wheelhouse.tar.gz";
    private static final Pattern NO_MATCH = Pattern.compile("No matching distribution found for (\\S+)");
    private static final Pattern NO_VERSION = Pattern.compile("Could not find a version that satisfies the requirement (\\S+)");
    // Lines of a requirements file that pull in other files, whose content the cache key would miss.
    private static final Pattern INCLUDE = Pattern.compile("^\\s*(-r|-c|--requirement|--constraint)(\\s|=|$).*");

    private final CommandRunner runner;
    private final PipSettings pip;
    private final Progress progress;
    private final SourceTree tree = new SourceTree();
    private final ContentHash hash = new ContentHash();
    private final TarGzWriter tar = new TarGzWriter();

    public ReleaseBuilder(CommandRunner runner, PipSettings pip, Progress progress) {
        this.runner = runner;
        this.pip = pip;
        this.progress = progress;
    }

    // ------------------------------------------------------------------ backend code

    public BackendRelease backend(AppDescriptor d) {
        Path root = backendDir(d);
        List<SourceFile> files = tree.read(root, SourceTree.PYTHON_BACKEND);
        String contentHash = hash.ofFiles("backend", files, true);
        BackendRelease release = new BackendRelease(hash.id('r', contentHash), backendArchive(files),
                hash.of(requirementsFile(d, files).contentNoCopy()), "backend/" + requirementsPath(d), files.size());
        progress.step("backend", "release " + release.id() + ": " + files.size() + " files, " + release.archiveSize() + " bytes");
        return release;
    }

    /**
     * The same release, but an unchanged folder is recognised by its stamp in {@code ids} and
     * neither read nor packed until a host needs the archive. The archive is then made from a
     * fresh reading, checked against the id: a folder edited meanwhile fails the deploy rather
     * than ship content under a name that isn't its own.
     */
    public BackendRelease backend(AppDescriptor d, ReleaseIdCache ids) {
        Path root = backendDir(d);
        String requirements = requirementsPath(d);
        Optional<ReleaseIdCache.Stamp> stamp = ids.stamp("backend", root, SourceTree.PYTHON_BACKEND);
        Optional<String> known = stamp.filter(s -> s.paths().contains(requirements)).flatMap(ids::lookup);
        if (known.isEmpty()) {
            List<SourceFile> files = tree.read(root, SourceTree.PYTHON_BACKEND);
            String contentHash = hash.ofFiles("backend", files, true);
            BackendRelease release = new BackendRelease(hash.id('r', contentHash), () -> backendArchive(files),
                    hash.of(requirementsFile(d, files).contentNoCopy()), "backend/" + requirements, files.size());
            stamp.ifPresent(s -> ids.remember(s, contentHash));
            progress.step("backend", "release " + release.id() + ": " + files.size() + " files");
            return release;
        }
        String contentHash = known.get();
        String id = hash.id('r', contentHash);
        BackendRelease release = new BackendRelease(id, () -> {
            List<SourceFile> files = tree.read(root, SourceTree.PYTHON_BACKEND);
            if (!hash.ofFiles("backend", files, true).equals(contentHash)) {
                throw new ReleaseException("the backend in " + root + " changed while deploying release " + id + "; run the deploy again");
            }
            return backendArchive(files);
        }, hash.of(readFile(root.resolve(requirements), "backend.requirements")), "backend/" + requirements, stamp.get().paths().size());
        progress.step("backend", "release " + release.id() + ": " + release.fileCount() + " files, unchanged since an earlier run");
        return release;
    }

    private byte[] backendArchive(List<SourceFile> files) {
        List<ArchiveEntry> entries = new ArrayList<>();
        for (SourceFile file : files) {
            entries.add(ArchiveEntry.file("backend/" + file.path(), file.contentNoCopy(), file.executable()));
        }
        return tar.toBytes(entries);
    }

    private static SourceFile requirementsFile(AppDescriptor d, List<SourceFile> files) {
        String requirements = requirementsPath(d);
        return files.stream().filter(f -> f.path().equals(requirements)).findFirst()
                .orElseThrow(() -> new ReleaseException("backend.requirements: " + backendDir(d).resolve(requirements)
                        + " does not exist (or is left out of releases: __pycache__, .git, venv, .venv, node_modules and the top-level tests/ are)"));
    }

    private static byte[] readFile(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseException(what + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    // ------------------------------------------------------------------ wheels for offline hosts

    /** The id {@link #wheelhouse} would return, without building anything (for plans). */
    public String wheelhouseId(AppDescriptor d) {
        return hash.id('w', wheelhouseKey(d, readRequirements(d)));
    }

    /**
     * Fetches wheels for every requirement (and their dependencies) for the hosts' CPython version
     * and platform with the local pip, binary wheels only since hosts cannot compile. Cached in
     * {@code cacheDir/wheelhouse-<key>/}, written under a temporary name and renamed when complete,
     * so an interrupted build never leaves a cache entry that looks whole.
     */
    public Wheelhouse wheelhouse(AppDescriptor d, Path cacheDir) {
        byte[] requirements = readRequirements(d);
        String key = wheelhouseKey(d, requirements);
        String id = hash.id('w', key);
        Path dir = cacheDir.resolve("wheelhouse-" + key);
        if (Files.isDirectory(dir)) {
            progress.step("wheelhouse", id + " from cache " + dir);
            return load(id, hash.of(requirements), dir, true);
        }
        try {
            Files.createDirectories(cacheDir);
            Path temp = Files.createTempDirectory(cacheDir, ".wheelhouse-" + key.substring(0, 12) + "-");
            try {
                fill(d, temp, requirements);
                publish(temp, dir);
            } finally {
                deleteTree(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the wheelhouse cache in " + cacheDir, e);
        }
        return load(id, hash.of(requirements), dir, false);
    }

    private void fill(AppDescriptor d, Path temp, byte[] requirements) throws IOException {
        Path wheels = Files.createDirectory(temp.resolve("wheels"));
        Path requirementsCopy = Files.write(temp.resolve("requirements.txt"), requirements);
        // Read on the host before building the venv, to refuse a Python the wheels were not fetched for.
        byte[] pythonVersion = (d.backend().python() + "\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(temp.resolve("python-version"), pythonVersion);
        if (hasRequirements(requirements)) {
            downloadWheels(d, wheels, requirementsCopy);
        }
        List<String> names = listWheels(wheels);
        for (String name : names) {
            if (!name.endsWith(".whl")) {
                throw new ReleaseException("wheelhouse: pip left " + name + ", which is not a wheel; hosts install wheels only");
            }
        }
        List<ArchiveEntry> entries = new ArrayList<>();
        entries.add(ArchiveEntry.file("requirements.txt", requirements, false));
        entries.add(ArchiveEntry.file("python-version", pythonVersion, false));
        entries.add(ArchiveEntry.directory("wheels"));
        for (String name : names) {
            entries.add(ArchiveEntry.file("wheels/" + name, wheels.resolve(name), false));
        }
        try (var out = Files.newOutputStream(temp.resolve(WHEELHOUSE_ARCHIVE))) {
            tar.write(entries, out);
        }
    }

    private void downloadWheels(AppDescriptor d, Path wheels, Path requirements) {
        String python = d.backend().python();
        List<String> argv = new ArrayList<>(pip.python());
        argv.addAll(List.of("-m", "pip", "download", "--only-binary=:all:", "--implementation", "cp",
                "--python-version", python));
        for (String tag : pip.platform().pipTags()) {
            argv.add("--platform");
            argv.add(tag);
        }
        argv.addAll(List.of("--progress-bar", "off", "--disable-pip-version-check", "-d", wheels.toString(),
                "-r", requirements.toString()));
        argv.addAll(pip.extraArgs());
        progress.step("wheelhouse", "fetching wheels for CPython " + python + " on " + pip.platform().describe());
        List<String> errors = new ArrayList<>();
        CommandRunner.CommandResult result = runner.run(argv, backendDir(d), pip.environment(), line -> {
            if (line.startsWith("ERROR:")) {
                errors.add(line);
            }
            progress.step("wheelhouse", line);
        });
        if (!result.ok()) {
            throw pipFailure(python, result, errors);
        }
    }

    private ReleaseException pipFailure(String python, CommandRunner.CommandResult result, List<String> errors) {
        String said = errors.isEmpty() ? result.tail() : String.join("\n", errors);
        String text = String.join("\n", errors);
        Matcher missing = NO_MATCH.matcher(text);
        Matcher noVersion = NO_VERSION.matcher(text);
        String requirement = missing.find() ? missing.group(1) : noVersion.find() ? noVersion.group(1) : null;
        if (requirement != null) {
            return new ReleaseException("wheelhouse: no wheel of " + requirement + " for CPython " + python + " on "
                    + pip.platform().describe() + ". Hosts install offline from wheels only: pin a version published as a"
                    + " wheel for that platform, or build the wheel yourself and give pip its folder with --find-links."
                    + " pip said:\n" + said);
        }
        return new ReleaseException("wheelhouse: pip download failed (exit " + result.exitCode() + "):\n" + said);
    }

    private void publish(Path temp, Path dir) throws IOException {
        try {
            Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Another build of the same key finished first: its result is just as good.
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private Wheelhouse load(String id, String requirementsHash, Path dir, boolean fromCache) {
        try {
            List<String> wheels = listWheels(dir.resolve("wheels"));
            Path archive = dir.resolve(WHEELHOUSE_ARCHIVE);
            progress.step("wheelhouse", id + ": " + wheels.size() + " wheels, " + Files.size(archive) + " bytes");
            return new Wheelhouse(id, () -> readFile(archive, "wheelhouse cache"), requirementsHash, wheels, dir, fromCache);
        } catch (IOException e) {
            throw new ReleaseException("wheelhouse cache " + dir + " is incomplete (" + e.getMessage()
                    + "); delete that folder to rebuild it");
        }
    }

    /** Everything that decides which wheels are fetched; a change to any of it is a new wheelhouse. */
    private String wheelhouseKey(AppDescriptor d, byte[] requirements) {
        return hash.of("tierlift-wheelhouse-v1\n"
                + "implementation=cp\n"
                + "python=" + d.backend().python() + "\n"
                + "platform=" + String.join(",", pip.platform().pipTags()) + "\n"
                + "requirements=" + hash.of(requirements) + "\n");
    }

    private byte[] readRequirements(AppDescriptor d) {
        Path file = backendDir(d).resolve(requirementsPath(d));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseException("backend.requirements: cannot read " + file + " (" + e.getMessage() + ")");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (INCLUDE.matcher(line).matches()) {
                throw new ReleaseException("backend.requirements: " + file + " includes another file ('" + line.strip()
                        + "'); list every requirement in this one file, so the wheelhouse is rebuilt whenever one changes");
            }
        }
        return bytes;
    }

    private static boolean hasRequirements(byte[] requirements) {
        for (String line : new String(requirements, StandardCharsets.UTF_8).split("\n")) {
            String withoutComment = line.replaceFirst("(^|\\s)#.*", "").strip();
            if (!withoutComment.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static List<String> listWheels(Path wheels) throws IOException {
        try (Stream<Path> files = Files.list(wheels)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ frontend build

    /**
     * The frontend's dist folder as a release; when the folder is missing, {@code frontend.build}
     * runs first ({@code sh -c}, in {@code frontend.path}, its output going to the progress sink).
     */
    public StaticRelease staticSite(AppDescriptor d) {
        Path dist = distDir(d);
        List<SourceFile> files = readSite(dist);
        StaticRelease.Content content = siteContent(files);
        StaticRelease release = new StaticRelease(hash.id('s', hash.ofFiles("static", files, false)), () -> content);
        progress.step("frontend", "release " + release.id() + ": " + files.size() + " files, " + release.archiveSize() + " bytes");
        return release;
    }

    /** As {@link #backend(AppDescriptor, ReleaseIdCache)}: an unchanged dist folder is known by its stamp. */
    public StaticRelease staticSite(AppDescriptor d, ReleaseIdCache ids) {
        Path dist = distDir(d);
        Optional<ReleaseIdCache.Stamp> stamp = ids.stamp("static", dist, SourceTree.NONE);
        Optional<String> known = stamp.filter(s -> !s.paths().isEmpty()).flatMap(ids::lookup);
        if (known.isEmpty()) {
            List<SourceFile> files = readSite(dist);
            String contentHash = hash.ofFiles("static", files, false);
            StaticRelease release = new StaticRelease(hash.id('s', contentHash), () -> siteContent(files));
            stamp.ifPresent(s -> ids.remember(s, contentHash));
            progress.step("frontend", "release " + release.id() + ": " + files.size() + " files");
            return release;
        }
        String contentHash = known.get();
        String id = hash.id('s', contentHash);
        StaticRelease release = new StaticRelease(id, () -> {
            List<SourceFile> files = readSite(dist);
            if (!hash.ofFiles("static", files, false).equals(contentHash)) {
                throw new ReleaseException("the frontend build in " + dist + " changed while deploying release " + id + "; run the deploy again");
            }
            return siteContent(files);
        });
        progress.step("frontend", "release " + release.id() + ": " + stamp.get().paths().size() + " files, unchanged since an earlier run");
        return release;
    }

    /** The dist folder, built first when it is missing. */
    private Path distDir(AppDescriptor d) {
        Path dist = d.baseDir().resolve(d.frontend().dist()).normalize();
        if (!Files.isDirectory(dist)) {
            buildFrontend(d, dist);
        }
        return dist;
    }

    private List<SourceFile> readSite(Path dist) {
        List<SourceFile> files = tree.read(dist, SourceTree.NONE);
        if (files.isEmpty()) {
            throw new ReleaseException("frontend.dist: " + dist + " is empty; nothing to publish");
        }
        return files;
    }

    private StaticRelease.Content siteContent(List<SourceFile> files) {
        List<ArchiveEntry> entries = new ArrayList<>();
        List<StaticFile> listing = new ArrayList<>();
        for (SourceFile file : files) {
            entries.add(ArchiveEntry.file(file.path(), file.contentNoCopy(), false));
            listing.add(new StaticFile(file.path(), hash.of(file.contentNoCopy()), file.size()));
        }
        return new StaticRelease.Content(tar.toBytes(entries), listing);
    }

    private void buildFrontend(AppDescriptor d, Path dist) {
        Path sources = d.baseDir().resolve(d.frontend().path()).normalize();
        if (!Files.isDirectory(sources)) {
            throw new ReleaseException("frontend.path: " + sources + " is not a folder");
        }
        String command = d.frontend().build();
        progress.step("frontend", dist + " is missing; running `" + command + "` in " + sources);
        CommandRunner.CommandResult result = runner.run(List.of("sh", "-c", command), sources, Map.of(),
                line -> progress.step("frontend", line));
        if (!result.ok()) {
            throw new ReleaseException("frontend build failed: `" + command + "` exited with " + result.exitCode()
                    + " in " + sources + "; last lines:\n" + result.tail());
        }
        if (!Files.isDirectory(dist)) {
            throw new ReleaseException("frontend build `" + command + "` succeeded but did not create frontend.dist ("
                    + dist + "); check that `dist` names the folder the build writes");
        }
    }

    // ------------------------------------------------------------------ paths

    private static Path backendDir(AppDescriptor d) {
        return d.baseDir().resolve(d.backend().path()).normalize();
    }

    /** The requirements file relative to the backend folder, '/'-separated and normalised. */
    private static String requirementsPath(AppDescriptor d) {
        Path relative = Path.of(d.backend().requirements()).normalize();
        if (relative.isAbsolute() || relative.startsWith("..")) {
            throw new ReleaseException("backend.requirements: " + d.backend().requirements() + " is not inside backend.path");
        }
        return relative.toString().replace('\\', '/');
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

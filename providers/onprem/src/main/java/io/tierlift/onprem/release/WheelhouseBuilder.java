package io.tierlift.onprem.release;

import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.release.CommandRunner;
import io.tierlift.release.PipRun;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ReleaseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The wheels the backend's requirements need, fetched with the local pip for the hosts' Python
 * and platform (hosts may have no internet and no package index), kept in a cache folder per key
 * so that unchanged requirements are fetched once.
 */
final class WheelhouseBuilder {
    static final String WHEELHOUSE_ARCHIVE = "wheelhouse.tar.gz";
    // Lines of a requirements file that pull in other files, whose content the cache key would miss.
    private static final Pattern INCLUDE = Pattern.compile("^\\s*(-r|-c|--requirement|--constraint)(\\s|=|$).*");

    private final CommandRunner runner;
    private final PipSettings pip;
    private final Progress progress;
    private final ContentHash hash = new ContentHash();
    private final TarGzWriter tar = new TarGzWriter();

    WheelhouseBuilder(CommandRunner runner, PipSettings pip, Progress progress) {
        this.runner = runner;
        this.pip = pip;
        this.progress = progress;
    }

    /** The id {@link #build} would return, without building anything (for plans). */
    String id(AppDescriptor d) {
        return hash.id('w', wheelhouseKey(d, readRequirements(d)));
    }

    /**
     * Fetches wheels for every requirement (and their dependencies) for the hosts' CPython version
     * and platform with the local pip, binary wheels only since hosts cannot compile. Cached in
     * {@code cacheDir/wheelhouse-<key>/}, written under a temporary name and renamed when complete,
     * so an interrupted build never leaves a cache entry that looks whole.
     */
    Wheelhouse build(AppDescriptor d, Path cacheDir) {
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
        new PipRun(runner, progress, "wheelhouse").run(argv, ReleaseBuilder.backendDir(d), pip.environment(),
                failure -> pipFailure(python, failure));
    }

    private ReleaseException pipFailure(String python, PipRun.Failure failure) {
        if (failure.missingWheel().isPresent()) {
            return new ReleaseException("wheelhouse: no wheel of " + failure.missingWheel().get() + " for CPython " + python + " on "
                    + pip.platform().describe() + ". Hosts install offline from wheels only: pin a version published as a"
                    + " wheel for that platform, or build the wheel yourself and give pip its folder with --find-links."
                    + " pip said:\n" + failure.said());
        }
        return new ReleaseException("wheelhouse: pip download failed (exit " + failure.exitCode() + "):\n" + failure.said());
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
            return new Wheelhouse(id, () -> ReleaseBuilder.readFile(archive, "wheelhouse cache"), requirementsHash, wheels, dir, fromCache);
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
        Path file = ReleaseBuilder.backendDir(d).resolve(ReleaseBuilder.requirementsPath(d));
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

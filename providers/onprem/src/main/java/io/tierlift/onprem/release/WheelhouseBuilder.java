package io.tierlift.onprem.release;

import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.release.CommandRunner;
import io.tierlift.release.PipRun;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.RequirementsFile;
import io.tierlift.release.ServerRequirement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The wheels the backend's requirements need, fetched with the local pip for the hosts' Python
 * and platform (hosts may have no internet and no package index), kept in a cache folder per key
 * so that unchanged requirements are fetched once.
 */
final class WheelhouseBuilder {
    static final String WHEELHOUSE_ARCHIVE = "wheelhouse.tar.gz";
    /** In a wheelhouse whose venv must see the host's Debian-provided Python projects: their names. */
    static final String SYSTEM_SITE_PACKAGES = "system-site-packages";
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
        Optional<String> added = ServerRequirement.toAdd(requirements, d.backend().systemProvidedProjects());
        added.ifPresent(pin ->
                progress.warn("wheelhouse", ServerRequirement.PROJECT + " is not in " + requirementsName(d)
                        + "; the wheelhouse adds " + pin + " (the app hosts run the app with it)"));
        if (Files.isDirectory(dir)) {
            progress.step("wheelhouse", id + " from cache " + dir);
            return load(id, hash.of(requirements), dir, true, added);
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
        return load(id, hash.of(requirements), dir, false, added);
    }

    private void fill(AppDescriptor d, Path temp, byte[] allRequirements) throws IOException {
        Path wheels = Files.createDirectory(temp.resolve("wheels"));
        Set<String> provided = d.backend().systemProvidedProjects();
        // The host installs what is left once the Debian-provided projects are out; its venv sees those.
        byte[] withoutProvided = SystemProvidedRequirements.without(allRequirements, provided);
        byte[] requirements = ServerRequirement.toAdd(allRequirements, provided)
                .map(pin -> ServerRequirement.with(withoutProvided, pin)).orElse(withoutProvided);
        Path requirementsCopy = Files.write(temp.resolve("requirements.txt"), requirements);
        // Read on the host before building the venv, to refuse a Python the wheels were not fetched for.
        byte[] pythonVersion = (d.backend().python() + "\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(temp.resolve("python-version"), pythonVersion);
        if (hasRequirements(requirements)) {
            if (provided.isEmpty()) {
                downloadWheels(d, wheels, requirementsCopy);
            } else {
                downloadWheelsBesides(d, provided, wheels, requirementsCopy, temp);
            }
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
        if (!provided.isEmpty()) {
            // Tells the host to build the venv with --system-site-packages (ReleaseCommands.buildVenv).
            entries.add(ArchiveEntry.file(SYSTEM_SITE_PACKAGES, (String.join("\n", provided) + "\n")
                    .getBytes(StandardCharsets.US_ASCII), false));
        }
        entries.add(ArchiveEntry.directory("wheels"));
        for (String name : names) {
            entries.add(ArchiveEntry.file("wheels/" + name, wheels.resolve(name), false));
        }
        try (var out = Files.newOutputStream(temp.resolve(WHEELHOUSE_ARCHIVE))) {
            tar.write(entries, out);
        }
    }

    private void downloadWheels(AppDescriptor d, Path wheels, Path requirements) {
        fetchForHosts(d, wheels, List.of("-r", requirements.toString()), "wheels");
    }

    /** pip download of {@code what} (a requirements file, or pins) as wheels for the hosts' CPython and platform. */
    private void fetchForHosts(AppDescriptor d, Path wheels, List<String> what, String described) {
        String python = d.backend().python();
        List<String> argv = new ArrayList<>(pip.python());
        argv.addAll(List.of("-m", "pip", "download", "--only-binary=:all:", "--implementation", "cp",
                "--python-version", python));
        for (String tag : pip.platform().pipTags()) {
            argv.add("--platform");
            argv.add(tag);
        }
        argv.addAll(List.of("--progress-bar", "off", "--disable-pip-version-check", "-d", wheels.toString()));
        argv.addAll(what);
        argv.addAll(pip.extraArgs());
        progress.step("wheelhouse", "fetching " + described + " for CPython " + python + " on " + pip.platform().describe());
        new PipRun(runner, progress, "wheelhouse").run(argv, ReleaseBuilder.backendDir(d), pip.environment(),
                failure -> pipFailure(d, failure));
    }

    /**
     * The wheels of the requirements' dependency closure except the projects Debian packages provide.
     * pip cannot be told a dependency is already there, and the hosts' Python may have no wheel of
     * exactly those projects (that is why the descriptor names packages for them), so the closure is
     * resolved for this machine's Python, where every wheel exists, and each remaining project is then
     * fetched at that version, without dependencies, for the hosts' Python and platform. A dependency
     * that only the hosts' Python version needs would be missing; the venv's pip install names it.
     */
    private void downloadWheelsBesides(AppDescriptor d, Set<String> provided, Path wheels, Path requirements, Path temp)
            throws IOException {
        Path report = temp.resolve("resolution.json");
        List<String> resolve = new ArrayList<>(pip.python());
        resolve.addAll(List.of("-m", "pip", "install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
                "--quiet", "--report", report.toString(), "--progress-bar", "off", "--disable-pip-version-check",
                "-r", requirements.toString()));
        resolve.addAll(pip.extraArgs());
        progress.step("wheelhouse", "resolving the requirements besides " + String.join(", ", provided)
                + " (provided by Debian packages)");
        new PipRun(runner, progress, "wheelhouse").run(resolve, ReleaseBuilder.backendDir(d), pip.environment(),
                failure -> new ReleaseException("wheelhouse: pip could not resolve the requirements on this machine's Python"
                        + " (exit " + failure.exitCode() + "):\n" + failure.said()));
        List<String> pins = SystemProvidedRequirements.pinsFromReport(Files.readString(report), provided);
        Files.delete(report);
        if (pins.isEmpty()) {
            return;
        }
        List<String> what = new ArrayList<>(List.of("--no-deps"));
        what.addAll(pins);
        fetchForHosts(d, wheels, what, pins.size() + " wheels");
    }

    private ReleaseException pipFailure(AppDescriptor d, PipRun.Failure failure) {
        String python = d.backend().python();
        if (failure.missingWheel().isPresent()) {
            return new ReleaseException("wheelhouse: no wheel of " + failure.missingWheel().get() + " for CPython " + python + " on "
                    + pip.platform().describe() + " in the package index (pip searched " + failure.searched() + ")."
                    + " Check the requirement's name and version in " + requirementsName(d) + "."
                    + " Hosts install offline from wheels only: pin a version published as a"
                    + " wheel for that platform, or build the wheel yourself and give pip its folder with --find-links."
                    + " pip said:\n" + failure.said());
        }
        return new ReleaseException("wheelhouse: pip download failed (exit " + failure.exitCode() + "):\n" + failure.said());
    }

    /** The requirements file as the operator finds it, relative to the descriptor's folder. */
    private static String requirementsName(AppDescriptor d) {
        return Path.of(d.backend().path()).resolve(d.backend().requirements()).normalize().toString();
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

    private Wheelhouse load(String id, String requirementsHash, Path dir, boolean fromCache, Optional<String> added) {
        try {
            List<String> wheels = listWheels(dir.resolve("wheels"));
            Path archive = dir.resolve(WHEELHOUSE_ARCHIVE);
            progress.step("wheelhouse", id + ": " + wheels.size() + " wheels, " + Files.size(archive) + " bytes");
            return new Wheelhouse(id, () -> ReleaseBuilder.readFile(archive, "wheelhouse cache"), requirementsHash, wheels, dir, fromCache, added);
        } catch (IOException e) {
            throw new ReleaseException("wheelhouse cache " + dir + " is incomplete (" + e.getMessage()
                    + "); delete that folder to rebuild it");
        }
    }

    /** Everything that decides which wheels are fetched; a change to any of it is a new wheelhouse. */
    private String wheelhouseKey(AppDescriptor d, byte[] requirements) {
        String key = "tierlift-wheelhouse-v1\n"
                + "implementation=cp\n"
                + "python=" + d.backend().python() + "\n"
                + "platform=" + String.join(",", pip.platform().pipTags()) + "\n"
                + "requirements=" + hash.of(requirements) + "\n";
        Set<String> provided = d.backend().systemProvidedProjects();
        // Each only when it applies, so the keys (and wheelhouse ids) of every other descriptor stay as they were.
        if (!provided.isEmpty()) {
            key += "system-provided=" + String.join(",", provided) + "\n";
        }
        Optional<String> server = ServerRequirement.toAdd(requirements, provided);
        if (server.isPresent()) {
            key += "added=" + server.get() + "\n";
        }
        return hash.of(key);
    }

    /** The requirements as pip's -r reads them (a pyproject.toml gives its [project].dependencies). */
    private byte[] readRequirements(AppDescriptor d) {
        Path file = ReleaseBuilder.backendDir(d).resolve(ReleaseBuilder.requirementsPath(d));
        byte[] bytes = RequirementsFile.read(file);
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

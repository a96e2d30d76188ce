package io.tierlift.onprem.release;

import io.tierlift.release.BackendRules;
import io.tierlift.release.CommandRunner;
import io.tierlift.release.FrontendBuild;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.SourceTree;
import io.tierlift.release.SourceFile;
import io.tierlift.release.PipSettings;
import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds what the hosts receive, on the operator's machine: the backend code, the wheels its
 * requirements need (hosts may have no internet and no package index) and the frontend build.
 * Everything is deterministic: the same inputs give the same ids and the same archive bytes, so an
 * unchanged app is recognised on the hosts and not shipped again.
 */
public final class ReleaseBuilder {
    private final CommandRunner runner;
    private final Progress progress;
    private final WheelhouseBuilder wheels;
    private final SourceTree tree = new SourceTree();
    private final ContentHash hash = new ContentHash();
    private final TarGzWriter tar = new TarGzWriter();

    public ReleaseBuilder(CommandRunner runner, PipSettings pip, Progress progress) {
        this.runner = runner;
        this.progress = progress;
        this.wheels = new WheelhouseBuilder(runner, pip, progress);
    }

    // ------------------------------------------------------------------ backend code

    public BackendRelease backend(AppDescriptor d) {
        Path root = backendDir(d);
        BackendRules rules = rules(d);
        List<SourceFile> files = readBackend(root, rules);
        String contentHash = hash.ofFiles("backend", files, true);
        byte[] archive = backendArchive(files);
        BackendRelease release = new BackendRelease(hash.id('r', contentHash), () -> archive,
                hash.of(requirementsFile(d, files).contentNoCopy()), "backend/" + requirementsPath(d), files.size(), rules.leftOut());
        progress.step("backend", "release " + release.id() + ": " + files.size() + " files, " + release.archiveSize() + " bytes"
                + leftOutNote(release));
        return release;
    }

    /**
     * The same release, but an unchanged folder is recognised by its stamp in {@code ids} and
     * neither read nor packed until a host needs the archive. The archive is then made from a
     * fresh reading, checked against the id: a folder edited meanwhile fails the deploy rather
     * than ship content under a name that isn't its own. The stamp's kind carries the rules'
     * fingerprint, so a changed include list or outer .gitignore is a new stamp.
     */
    public BackendRelease backend(AppDescriptor d, ReleaseIdCache ids) {
        Path root = backendDir(d);
        String requirements = requirementsPath(d);
        BackendRules rules = rules(d);
        String kind = "backend-" + rules.fingerprint().substring(0, 16);
        Optional<ReleaseIdCache.Stamp> stamp = ids.stamp(kind, root, rules);
        Optional<String> known = stamp.filter(s -> s.paths().contains(requirements)).flatMap(ids::lookup);
        if (known.isEmpty()) {
            List<SourceFile> files = readBackend(root, rules);
            String contentHash = hash.ofFiles("backend", files, true);
            BackendRelease release = new BackendRelease(hash.id('r', contentHash), () -> backendArchive(files),
                    hash.of(requirementsFile(d, files).contentNoCopy()), "backend/" + requirements, files.size(), rules.leftOut());
            stamp.ifPresent(s -> ids.remember(s, contentHash));
            progress.step("backend", "release " + release.id() + ": " + files.size() + " files" + leftOutNote(release));
            return release;
        }
        String contentHash = known.get();
        String id = hash.id('r', contentHash);
        BackendRelease release = new BackendRelease(id, () -> {
            List<SourceFile> files = readBackend(root, rules);
            if (!hash.ofFiles("backend", files, true).equals(contentHash)) {
                throw new ReleaseException("the backend in " + root + " changed while deploying release " + id + "; run the deploy again");
            }
            return backendArchive(files);
        }, hash.of(readFile(root.resolve(requirements), "backend.requirements")), "backend/" + requirements, stamp.get().paths().size(),
                rules.leftOut());
        progress.step("backend", "release " + release.id() + ": " + release.fileCount() + " files, unchanged since an earlier run"
                + leftOutNote(release));
        return release;
    }

    private static BackendRules rules(AppDescriptor d) {
        return BackendRules.of(d.baseDir(), backendDir(d), d.backend().include());
    }

    /** The files the release carries; one that looks like it holds secrets stops the build. */
    private List<SourceFile> readBackend(Path root, BackendRules rules) {
        List<SourceFile> files = tree.read(root, rules);
        rules.refuseSecrets(files);
        return files;
    }

    private static String leftOutNote(BackendRelease release) {
        return release.leftOut().isEmpty() ? "" : "; left out: " + String.join(", ", release.leftOut());
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
                        + " does not exist (or is left out of releases by the default rules, .gitignore or " + BackendRules.IGNORE_FILE + ")"));
    }

    static byte[] readFile(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseException(what + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    // ------------------------------------------------------------------ wheels for offline hosts

    /** The id {@link #wheelhouse} would return, without building anything (for plans). */
    public String wheelhouseId(AppDescriptor d) {
        return wheels.id(d);
    }

    /**
     * Fetches wheels for every requirement (and their dependencies) for the hosts' CPython version
     * and platform with the local pip, binary wheels only since hosts cannot compile. Cached in
     * {@code cacheDir/wheelhouse-<key>/}, so unchanged requirements are fetched once.
     */
    public Wheelhouse wheelhouse(AppDescriptor d, Path cacheDir) {
        return wheels.build(d, cacheDir);
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

    /**
     * As {@link #backend(AppDescriptor, ReleaseIdCache)}: an unchanged dist folder is known by its
     * stamp. First the dist folder is brought up to date by {@link FrontendBuild} (records beside
     * {@code ids}), and the release says why it was built.
     */
    public StaticRelease staticSite(AppDescriptor d, ReleaseIdCache ids) {
        return staticSite(d, ids, false);
    }

    /**
     * With {@code noBuild} (--no-build) the dist folder is taken as it is: its sources are not
     * checked, nothing is built, and a missing folder is an error rather than a build.
     */
    public StaticRelease staticSite(AppDescriptor d, ReleaseIdCache ids, boolean noBuild) {
        Path dist = d.baseDir().resolve(d.frontend().dist()).normalize();
        // The one frontend build of every tier, its records kept beside the release ids.
        Optional<String> rebuilt = new FrontendBuild(runner, progress, ids.dir()).prepare(d, noBuild);
        Optional<ReleaseIdCache.Stamp> stamp = ids.stamp("static", dist, SourceTree.NONE);
        Optional<String> known = stamp.filter(s -> !s.paths().isEmpty()).flatMap(ids::lookup);
        if (known.isEmpty()) {
            List<SourceFile> files = readSite(dist);
            String contentHash = hash.ofFiles("static", files, false);
            StaticRelease release = new StaticRelease(hash.id('s', contentHash), () -> siteContent(files), rebuilt);
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
        }, rebuilt);
        progress.step("frontend", "release " + release.id() + ": " + stamp.get().paths().size() + " files, unchanged since an earlier run");
        return release;
    }

    /** The dist folder, built first when it is missing (the key-less build of {@link #staticSite(AppDescriptor)}). */
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
        Path sources = frontendSources(d);
        progress.step("frontend", dist + " is missing; running `" + d.frontend().build() + "` in " + sources);
        runBuild(d, sources, dist);
    }

    private static Path frontendSources(AppDescriptor d) {
        Path sources = d.baseDir().resolve(d.frontend().path()).normalize();
        if (!Files.isDirectory(sources)) {
            throw new ReleaseException("frontend.path: " + sources + " is not a folder");
        }
        return sources;
    }

    private void runBuild(AppDescriptor d, Path sources, Path dist) {
        String command = d.frontend().build();
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

    static Path backendDir(AppDescriptor d) {
        return d.baseDir().resolve(d.backend().path()).normalize();
    }

    /** The requirements file relative to the backend folder, '/'-separated and normalised. */
    static String requirementsPath(AppDescriptor d) {
        Path relative = Path.of(d.backend().requirements()).normalize();
        if (relative.isAbsolute() || relative.startsWith("..")) {
            throw new ReleaseException("backend.requirements: " + d.backend().requirements() + " is not inside backend.path");
        }
        return relative.toString().replace('\\', '/');
    }
}

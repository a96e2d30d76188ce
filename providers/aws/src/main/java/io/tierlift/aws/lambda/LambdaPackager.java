package io.tierlift.aws.lambda;

import io.tierlift.release.BackendRules;
import io.tierlift.release.CommandRunner;
import io.tierlift.release.PipRun;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.RequirementsFile;
import io.tierlift.release.SourceTree;
import io.tierlift.release.SourceFile;
import io.tierlift.release.WheelPlatform;
import io.tierlift.release.PipSettings;
import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.ArchiveException;
import io.tierlift.archive.DeterministicZipWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.serverless.LambdaAdapter;
import io.tierlift.render.aws.serverless.LambdaArchitecture;
import io.tierlift.render.aws.serverless.LambdaRuntime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Builds the function's deployment package on the operator's machine: at the root of one zip, the
 * backend folder (as a release has it), its requirements installed by pip for the function's
 * CPython version and architecture (binary wheels only: nothing is compiled, and the operator's
 * own platform does not matter), and {@code tierlift_lambda.py}.
 *
 * <p>The same inputs give the same bytes: pip's {@code --target} output is the same for the same
 * wheels (bytecode is not compiled: it would hold timestamps, and Lambda's runtime compiles what it
 * imports), and the zip is written with sorted entries, one fixed time and normalised modes.
 *
 * <p>Lambda's size limits are checked here, before anything is uploaded; a package that is too
 * big is refused with its biggest top-level entries named, which is where trimming starts.
 * boto3 is not added: the Lambda runtime has it.
 */
public final class LambdaPackager {
    /** Packages live under the artifact bucket's release prefix, which the api stack's CodeKey pattern requires. */
    public static final String KEY_PREFIX = ArtifactsStack.RELEASE_PREFIX + "lambda/";
    private static final int KEY_HASH_LENGTH = 20;
    private static final int CONTRIBUTORS_SHOWN = 5;

    private final CommandRunner runner;
    private final PipSettings pip;
    private final LambdaLimits limits;
    private final LambdaAdapter adapter;
    private final Progress progress;
    private final SourceTree tree = new SourceTree();
    private final DeterministicZipWriter zipWriter = new DeterministicZipWriter();

    /**
     * @param pip how pip is started; its platform is replaced by the function's (runtime and architecture)
     */
    public LambdaPackager(CommandRunner runner, PipSettings pip, LambdaLimits limits, LambdaAdapter adapter, Progress progress) {
        this.runner = runner;
        this.pip = pip;
        this.limits = limits;
        this.adapter = adapter;
        this.progress = progress;
    }

    /** The package for the descriptor's aws-serverless target: its runtime and architecture. */
    public LambdaPackage build(AppDescriptor d) {
        AwsServerlessTarget target = d.targets().awsServerless()
                .orElseThrow(() -> new ReleaseException("the descriptor has no targets.aws-serverless section"));
        return build(d, LambdaRuntime.forPython(d.backend().python()), LambdaArchitecture.of(target.lambda().architecture()));
    }

    /** The package for a given runtime and architecture. */
    public LambdaPackage build(AppDescriptor d, LambdaRuntime runtime, LambdaArchitecture architecture) {
        Path backendDir = d.baseDir().resolve(d.backend().path()).normalize();
        String requirements = requirementsPath(d);
        // The same rules as a release for hosts: what should not run is left out, secrets are refused.
        BackendRules rules = BackendRules.of(d.baseDir(), backendDir, d.backend().include());
        List<SourceFile> backend = tree.read(backendDir, rules);
        rules.refuseSecrets(backend);
        if (backend.stream().noneMatch(f -> f.path().equals(requirements))) {
            throw new ReleaseException("backend.requirements: " + backendDir.resolve(requirements) + " does not exist (or is left "
                    + "out of releases by the default rules, .gitignore or " + BackendRules.IGNORE_FILE + ")");
        }
        List<String> leftOut = rules.leftOut();
        if (!leftOut.isEmpty()) {
            progress.step("lambda", "left out of the package: " + String.join(", ", leftOut));
        }
        byte[] adapterSource = adapter.render(d).getBytes(StandardCharsets.UTF_8);
        Path scratch;
        try {
            scratch = Files.createTempDirectory("tierlift-lambda-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder to install the requirements in", e);
        }
        try {
            Path installed = scratch.resolve("installed");
            Files.createDirectory(installed);
            PipSettings lambdaPip = pip.withPlatform(new WheelPlatform(architecture.machine(), runtime.glibcMinor()));
            // pip's -r can't read a pyproject.toml: its [project].dependencies go to a requirements file of their own.
            Path requirementsFile = backendDir.resolve(requirements);
            byte[] wanted = RequirementsFile.read(requirementsFile);
            if (RequirementsFile.isPyproject(requirements)) {
                requirementsFile = Files.write(scratch.resolve("requirements.txt"), wanted);
            }
            if (hasRequirements(wanted)) {
                install(lambdaPip, runtime, backendDir, requirementsFile, installed);
            }
            List<InstalledFile> dependencies = listInstalled(installed);
            List<Item> items = items(adapterSource, backend, dependencies);
            checkUnzipped(items);
            byte[] zip = zip(items);
            checkZipped(zip);
            String sha256 = sha256(zip);
            LambdaPackage result = new LambdaPackage(zip, sha256, KEY_PREFIX + d.app() + "-" + sha256.substring(0, KEY_HASH_LENGTH) + ".zip",
                    runtime, architecture, unzippedSize(items), items.size());
            progress.step("lambda", "package " + result.key() + ": " + items.size() + " files, " + megabytes(result.unzippedBytes())
                    + " unzipped, " + megabytes(result.zippedBytes()) + " zipped, for " + runtime.name() + " on "
                    + architecture.lambdaName());
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the Lambda package in " + scratch, e);
        } finally {
            deleteTree(scratch);
        }
    }

    // ------------------------------------------------------------------ requirements

    private void install(PipSettings lambdaPip, LambdaRuntime runtime, Path backendDir, Path requirements, Path target) {
        List<String> argv = new ArrayList<>(lambdaPip.python());
        argv.addAll(List.of("-m", "pip", "install", "--target", target.toString(),
                "--implementation", "cp", "--python-version", runtime.version(), "--only-binary=:all:"));
        for (String tag : lambdaPip.platform().pipTags()) {
            argv.add("--platform");
            argv.add(tag);
        }
        // No bytecode: it would hold install times, so the zip would differ on every build.
        argv.addAll(List.of("--no-compile", "--no-input", "--progress-bar", "off", "--disable-pip-version-check",
                "-r", requirements.toString()));
        argv.addAll(lambdaPip.extraArgs());
        progress.step("lambda", "installing the requirements for " + runtime.name() + " on " + lambdaPip.platform().describe());
        new PipRun(runner, progress, "lambda").run(argv, backendDir, lambdaPip.environment(),
                failure -> pipFailure(runtime, lambdaPip.platform(), failure));
    }

    private static ReleaseException pipFailure(LambdaRuntime runtime, WheelPlatform platform, PipRun.Failure failure) {
        if (failure.missingWheel().isPresent()) {
            return new ReleaseException("Lambda package: no wheel of " + failure.missingWheel().get() + " for CPython " + runtime.version()
                    + " on " + platform.describe() + " (the " + runtime.name() + " runtime) in the package index (pip searched "
                    + failure.searched() + "). Lambda cannot compile anything: pin a "
                    + "version published as a wheel for that platform, or build the wheel yourself and give pip its folder with "
                    + "--find-links. pip said:\n" + failure.said());
        }
        return new ReleaseException("Lambda package: pip install failed (exit " + failure.exitCode() + "):\n" + failure.said());
    }

    private static boolean hasRequirements(byte[] requirements) {
        for (String line : new String(requirements, StandardCharsets.UTF_8).split("\n")) {
            if (!line.replaceFirst("(^|\\s)#.*", "").isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** A file pip installed, read from disk only when the zip is written. */
    private record InstalledFile(String path, Path source, long size, boolean executable) {
    }

    /**
     * What pip installed, without bytecode caches and without {@code bin/}: its console scripts
     * start the operator's Python by absolute path and cannot run on Lambda.
     */
    private static List<InstalledFile> listInstalled(Path root) throws IOException {
        List<InstalledFile> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String relative = SourceTree.relative(root, dir);
                boolean skip = dir.getFileName().toString().equals("__pycache__") || relative.equals("bin");
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String relative = SourceTree.relative(root, file);
                if (relative.endsWith(".pyc")) {
                    return FileVisitResult.CONTINUE;
                }
                if (!Files.isRegularFile(file)) {
                    throw new ReleaseException("Lambda package: pip installed " + relative + ", which is not a regular file "
                            + "(a link to a folder, or a broken link); the package holds regular files only");
                }
                boolean executable = Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
                files.add(new InstalledFile(relative, file, Files.size(file), executable));
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparing(InstalledFile::path));
        return files;
    }

    // ------------------------------------------------------------------ contents and limits

    /** One file of the package, where it came from, and its size. */
    private record Item(String path, String origin, long size, ArchiveEntry entry) {
    }

    private static List<Item> items(byte[] adapterSource, List<SourceFile> backend, List<InstalledFile> installed) {
        Map<String, String> topLevelOrigin = new TreeMap<>();
        List<Item> items = new ArrayList<>();
        items.add(new Item(LambdaAdapter.FILE, "the adapter", adapterSource.length,
                ArchiveEntry.file(LambdaAdapter.FILE, adapterSource, false)));
        for (SourceFile file : backend) {
            items.add(new Item(file.path(), "the backend", file.size(),
                    ArchiveEntry.file(file.path(), file.contentNoCopy(), file.executable())));
        }
        for (InstalledFile file : installed) {
            items.add(new Item(file.path(), "the installed requirements", file.size(),
                    ArchiveEntry.file(file.path(), file.source(), file.executable())));
        }
        // Everything shares the package root (it is on sys.path); two sources of one top-level name
        // would shadow or mix each other's modules.
        for (Item item : items) {
            String top = topLevel(item.path());
            String previous = topLevelOrigin.putIfAbsent(top, item.origin());
            if (previous != null && !previous.equals(item.origin())) {
                throw new ReleaseException("Lambda package: " + previous + " and " + item.origin() + " both have " + top
                        + " at the root of the package, where one would hide the other; rename one of them");
            }
        }
        return items;
    }

    private void checkUnzipped(List<Item> items) {
        long total = unzippedSize(items);
        if (total > limits.unzippedBytes()) {
            Map<String, Long> byTop = new LinkedHashMap<>();
            items.forEach(i -> byTop.merge(topLevel(i.path()), i.size(), Long::sum));
            throw new ReleaseException("Lambda package: " + megabytes(total) + " unzipped; Lambda accepts at most "
                    + megabytes(limits.unzippedBytes()) + " unzipped. Biggest entries: " + biggest(byTop)
                    + ". Trim the requirements (development-only packages; boto3, which the runtime has)");
        }
    }

    private void checkZipped(byte[] zip) throws IOException {
        if (limits.zippedBytes().isEmpty() || zip.length <= limits.zippedBytes().getAsLong()) {
            return;
        }
        Map<String, Long> byTop = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                // Sizes are in the local headers (no data descriptors), so they are known here.
                byTop.merge(topLevel(entry.getName()), Math.max(0, entry.getCompressedSize()), Long::sum);
            }
        }
        throw new ReleaseException("Lambda package: " + megabytes(zip.length) + " zipped; Lambda accepts at most "
                + megabytes(limits.zippedBytes().getAsLong()) + " zipped. Biggest entries, zipped: " + biggest(byTop)
                + ". Trim the requirements (development-only packages; boto3, which the runtime has)");
    }

    private byte[] zip(List<Item> items) {
        try {
            return zipWriter.toBytes(items.stream().map(Item::entry).toList());
        } catch (ArchiveException e) {
            throw new ReleaseException("Lambda package: " + e.getMessage());
        }
    }

    private static long unzippedSize(List<Item> items) {
        return items.stream().mapToLong(Item::size).sum();
    }

    private static String biggest(Map<String, Long> sizes) {
        return String.join(", ", sizes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(CONTRIBUTORS_SHOWN)
                .map(e -> e.getKey() + " " + megabytes(e.getValue()))
                .toList());
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static String topLevel(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    // ------------------------------------------------------------------ helpers

    /** The requirements file relative to the backend folder, '/'-separated and normalised. */
    private static String requirementsPath(AppDescriptor d) {
        Path relative = Path.of(d.backend().requirements()).normalize();
        if (relative.isAbsolute() || relative.startsWith("..")) {
            throw new ReleaseException("backend.requirements: " + d.backend().requirements() + " is not inside backend.path");
        }
        return relative.toString().replace('\\', '/');
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Best effort: a leftover temporary folder must not hide why the build failed. */
    private void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException | UncheckedIOException e) {
            progress.warn("lambda", "could not delete the temporary folder " + root + ": " + e.getMessage());
        }
    }
}

package io.tierlift.aws.lambda;

import io.tierlift.release.CommandRunner;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.PipSettings;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.serverless.LambdaAdapter;
import io.tierlift.render.aws.serverless.LambdaArchitecture;
import io.tierlift.render.aws.serverless.LambdaRuntime;
import io.tierlift.render.engine.FreemarkerEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LambdaPackagerTest {
    private final List<String> log = new ArrayList<>();
    private final Progress progress = (scope, message) -> log.add(scope + ": " + message);
    private final LambdaAdapter adapter = new LambdaAdapter(new FreemarkerEngine());

    @TempDir
    Path dir;

    /** Plays pip install --target: writes a small installed tree like the example's requirements give. */
    private final FakeRunner pip = new FakeRunner((call, out) -> {
        Path target = Path.of(call.after("--target"));
        write(target.resolve("flask/__init__.py"), "flask\n");
        write(target.resolve("flask/__pycache__/__init__.cpython-312.pyc"), "bytecode");
        write(target.resolve("flask-3.1.3.dist-info/RECORD"), "flask/__init__.py,sha256=x,6\n");
        Path so = write(target.resolve("psycopg2/_psycopg.cpython-312-x86_64-linux-gnu.so"), "\u007fELF" + "x".repeat(4000));
        Files.setPosixFilePermissions(so, PosixFilePermissions.fromString("rwxr-xr-x"));
        write(target.resolve("psycopg2_binary.libs/libpq-a17e3caa.so.5.17"), "y".repeat(20_000));
        write(target.resolve("bin/flask"), "#!/root/.pyenv/versions/3.11.7/bin/python3.11\n");
        out.accept("Successfully installed flask-3.1.3 psycopg2-binary-2.9.13");
        return new CommandRunner.CommandResult(0, List.of());
    });

    private LambdaPackager packager(CommandRunner runner, LambdaLimits limits) {
        return new LambdaPackager(runner, PipSettings.defaults(), limits, adapter, progress);
    }

    private LambdaPackager packager() {
        return packager(pip, LambdaLimits.LAMBDA);
    }

    @Test
    void thePackageHoldsTheAdapterTheBackendAndTheInstalledRequirementsAtItsRoot() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        Files.createDirectories(dir.resolve("backend/notes/__pycache__"));
        write(dir.resolve("backend/notes/__pycache__/app.cpython-311.pyc"), "bytecode");
        LambdaPackage result = packager().build(app);

        Map<String, ZipEntry> entries = entries(result.zip());
        assertThat(entries.keySet()).contains(LambdaAdapter.FILE, "requirements.txt", "notes/", "notes/app.py", "notes/migrate.py",
                "notes/migrations/0001_create_notes.sql", "flask/__init__.py", "flask-3.1.3.dist-info/RECORD",
                "psycopg2/_psycopg.cpython-312-x86_64-linux-gnu.so", "psycopg2_binary.libs/libpq-a17e3caa.so.5.17");
        assertThat(entries.keySet()).as("no tests, bytecode, or console scripts for another Python")
                .noneMatch(n -> n.startsWith("tests/") || n.contains("__pycache__") || n.endsWith(".pyc") || n.startsWith("bin/"));
        assertThat(entries.keySet().stream().map(n -> n.endsWith("/") ? n.substring(0, n.length() - 1) : n).toList())
                .as("entries sorted by path").isSorted();
        assertThat(text(result.zip(), LambdaAdapter.FILE)).contains("WSGI_MODULE = \"notes.app\"")
                .contains("RELEASE_COMMAND = \"python -m notes.migrate\"");
        assertThat(text(result.zip(), "notes/app.py")).isEqualTo(Files.readString(TestApps.EXAMPLE_BACKEND.resolve("notes/app.py")));
        for (ZipEntry entry : entries.values()) {
            assertThat(entry.getTimeLocal()).as(entry.getName()).isEqualTo(LocalDateTime.of(2000, 1, 1, 0, 0));
        }
        Map<String, Integer> modes = modes(result.zip());
        assertThat(modes.get("psycopg2/_psycopg.cpython-312-x86_64-linux-gnu.so")).isEqualTo(0100755);
        assertThat(modes.get("notes/app.py")).isEqualTo(0100644);
        assertThat(modes.get(LambdaAdapter.FILE)).isEqualTo(0100644);
        assertThat(modes.get("notes/")).isEqualTo(0040755);

        assertThat(result.runtime().name()).as("a 3.11 app gets the oldest runtime Lambda still offers").isEqualTo("python3.12");
        assertThat(result.architecture()).isEqualTo(LambdaArchitecture.X86_64);
        assertThat(result.files()).isEqualTo((int) entries.values().stream().filter(e -> !e.isDirectory()).count());
        assertThat(result.unzippedBytes()).isGreaterThan(24_000);
        assertThat(result.key()).matches("releases/lambda/notes-[0-9a-f]{20}\\.zip");
        assertThat(result.key()).contains(result.sha256().substring(0, 20));
        assertThat(result.sha256()).isEqualTo(HexFormat.of().formatHex(sha256(result.zip())));
        assertThat(Base64.getDecoder().decode(result.codeSha256())).isEqualTo(sha256(result.zip()));
        assertThat(log).anyMatch(l -> l.contains("Successfully installed"));
    }

    @Test
    void pipInstallsBinaryWheelsForTheFunctionsPythonAndPlatformOnly() {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        packager().build(app);
        FakeRunner.Call call = pip.calls.get(0);
        assertThat(call.argv().subList(0, 4)).containsExactly("python3", "-m", "pip", "install");
        assertThat(call.after("--implementation")).isEqualTo("cp");
        assertThat(call.after("--python-version")).isEqualTo("3.12");
        assertThat(call.argv()).contains("--only-binary=:all:", "--no-compile", "--no-input");
        assertThat(call.all("--platform")).contains("manylinux2014_x86_64", "manylinux_2_34_x86_64", "manylinux_2_17_x86_64")
                .doesNotContain("manylinux_2_35_x86_64").allMatch(tag -> tag.endsWith("_x86_64"));
        assertThat(call.after("--retries")).isEqualTo("0");
        assertThat(call.after("--timeout")).isEqualTo("5");
        assertThat(Path.of(call.after("-r"))).isEqualTo(dir.resolve("backend/requirements.txt").normalize());
        assertThat(call.workDir()).isEqualTo(dir.resolve("backend").normalize());
    }

    @Test
    void armFunctionsGetAarch64WheelsAndOlderRuntimesTheirOlderGlibc() {
        AppDescriptor app = TestApps.copyOfExample(dir, "arm64");
        assertThat(packager().build(app).architecture()).isEqualTo(LambdaArchitecture.ARM64);
        assertThat(pip.calls.get(0).all("--platform")).contains("manylinux2014_aarch64").allMatch(tag -> tag.endsWith("_aarch64"));

        packager().build(app, LambdaRuntime.python("3.11"), LambdaArchitecture.X86_64);
        FakeRunner.Call amazonLinux2 = pip.calls.get(1);
        assertThat(amazonLinux2.after("--python-version")).isEqualTo("3.11");
        assertThat(amazonLinux2.all("--platform")).contains("manylinux2014_x86_64", "manylinux_2_26_x86_64")
                .doesNotContain("manylinux_2_27_x86_64");
    }

    @Test
    void anUnchangedAppGivesTheSameBytesWhateverItsFileTimes() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        LambdaPackage first = packager().build(app);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(1_234_567_890_000L));
            }
        }
        LambdaPackage second = packager().build(app);
        assertThat(second.zip()).isEqualTo(first.zip());
        assertThat(second.key()).isEqualTo(first.key());
    }

    @Test
    void aChangedSourceFileGivesDifferentBytesAndAnotherKey() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        LambdaPackage before = packager().build(app);
        Files.writeString(dir.resolve("backend/notes/app.py"), "\n# changed\n", StandardOpenOption.APPEND);
        LambdaPackage after = packager().build(app);
        assertThat(after.zip()).isNotEqualTo(before.zip());
        assertThat(after.key()).isNotEqualTo(before.key());
        assertThat(text(after.zip(), "notes/app.py")).endsWith("# changed\n");
    }

    @Test
    void aPackageOverTheUnzippedLimitIsRefusedNamingItsBiggestEntries() {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        LambdaPackager small = packager(pip, new LambdaLimits(10_000, java.util.OptionalLong.empty()));
        assertThatThrownBy(() -> small.build(app))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("unzipped; Lambda accepts at most 0.0 MB unzipped")
                // Largest first: the adapter (with its credential part) outweighs these fake wheels' files.
                .hasMessageMatching("(?s).*Biggest entries: tierlift_lambda\\.py [0-9.]+ MB, psycopg2_binary\\.libs .*notes .*psycopg2 .*");
    }

    @Test
    void aPackageOverTheZippedLimitIsRefusedNamingItsBiggestEntriesZipped() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        // Random bytes do not compress: this one file dominates the zip, not the (larger) text above.
        byte[] noise = new byte[30_000];
        new java.util.Random(42).nextBytes(noise);
        Files.createDirectories(dir.resolve("backend/assets"));
        Files.write(dir.resolve("backend/assets/noise.bin"), noise);
        LambdaPackager small = packager(pip, LambdaLimits.directUpload(35_000, 50L * 1024 * 1024));
        assertThatThrownBy(() -> small.build(app))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("zipped; Lambda accepts at most 0.0 MB zipped")
                .hasMessageContaining("Biggest entries, zipped: assets 0.0 MB,");
    }

    @Test
    void aPackageOverFiftyMegabytesZippedIsAcceptedSinceItsCodeComesFromS3() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        // 60 MB that do not compress: over the direct-upload quota, well under the 250 MB unzipped one.
        byte[] noise = new byte[60 * 1024 * 1024];
        new java.util.Random(7).nextBytes(noise);
        Files.createDirectories(dir.resolve("backend/assets"));
        Files.write(dir.resolve("backend/assets/model.bin"), noise);

        LambdaPackage built = packager(pip, LambdaLimits.LAMBDA).build(app);

        assertThat(built.zippedBytes()).isGreaterThan(50L * 1024 * 1024);
    }

    @Test
    void limitsInMegabytesReadAsMegabytes() {
        assertThat(LambdaPackager.megabytes(50L * 1024 * 1024)).isEqualTo("50.0 MB");
        assertThat(LambdaPackager.megabytes(1536L * 1024)).isEqualTo("1.5 MB");
        assertThat(LambdaLimits.LAMBDA).isEqualTo(new LambdaLimits(262_144_000L, java.util.OptionalLong.empty()));
    }

    @Test
    void aRequirementWithoutAWheelForTheFunctionIsExplained() {
        AppDescriptor app = TestApps.copyOfExample(dir, "arm64");
        FakeRunner failing = new FakeRunner((call, out) -> {
            out.accept("Looking in indexes: https://mirror.example.test/simple");
            out.accept("ERROR: Could not find a version that satisfies the requirement psycopg2-binary==2.9.13 (from versions: none)");
            out.accept("ERROR: No matching distribution found for psycopg2-binary==2.9.13");
            return new CommandRunner.CommandResult(1, List.of("ERROR: No matching distribution found for psycopg2-binary==2.9.13"));
        });
        assertThatThrownBy(() -> packager(failing, LambdaLimits.LAMBDA).build(app))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("no wheel of psycopg2-binary==2.9.13 for CPython 3.12 on manylinux (glibc 2.34) aarch64")
                .hasMessageContaining("python3.12 runtime) in the package index (pip searched indexes https://mirror.example.test/simple)");
    }

    @Test
    void withoutRequirementsPipIsNotRunAndWithoutTheFileTheBuildStops() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        FakeRunner none = new FakeRunner((call, out) -> {
            throw new AssertionError("pip was run for an empty requirements file");
        });
        Files.writeString(dir.resolve("backend/requirements.txt"), "# nothing needed\n\n");
        assertThat(entries(packager(none, LambdaLimits.LAMBDA).build(app).zip())).containsKey("notes/app.py")
                .doesNotContainKey("flask/__init__.py");
        Files.delete(dir.resolve("backend/requirements.txt"));
        assertThatThrownBy(() -> packager(none, LambdaLimits.LAMBDA).build(app))
                .hasMessageContaining("backend.requirements").hasMessageContaining("does not exist");
    }

    @Test
    void aBackendNameThatWouldHideAnInstalledPackageIsRefused() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        write(dir.resolve("backend/flask/helpers.py"), "# the app's own 'flask' package\n");
        assertThatThrownBy(() -> packager().build(app))
                .hasMessageContaining("the backend and the installed requirements both have flask");
        Files.delete(dir.resolve("backend/flask/helpers.py"));
        Files.delete(dir.resolve("backend/flask"));
        write(dir.resolve("backend/tierlift_lambda.py"), "# not ours\n");
        assertThatThrownBy(() -> packager().build(app))
                .hasMessageContaining("the adapter and the backend both have tierlift_lambda.py");
    }

    @Test
    void theTemporaryInstallFolderIsRemovedWhetherTheBuildWorksOrNot() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        Set<String> before = scratchFolders();
        packager().build(app);
        assertThatThrownBy(() -> packager(pip, LambdaLimits.directUpload(10, 10)).build(app)).isInstanceOf(ReleaseException.class);
        assertThat(scratchFolders()).isEqualTo(before);
    }

    @Test
    void aCanaryEnvAndAnIgnoredPrivateKeyNeverReachTheZipAndAnUnignoredKeyIsRefused() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        String canary = "canary-5b1c0e";
        write(dir.resolve("backend/.env"), "DATABASE_URL=postgresql://notes:" + canary + "@localhost/notes\n");
        write(dir.resolve("backend/deploy_key.pem"), "-----BEGIN EC PRIVATE KEY-----\n" + canary + "\n-----END EC PRIVATE KEY-----\n");
        write(dir.resolve("backend/.gitignore"), "*.pem\n");
        byte[] zip = packager().build(app).zip();
        assertThat(entries(zip)).containsKey("notes/app.py").doesNotContainKeys(".env", "deploy_key.pem");
        for (String name : entries(zip).keySet()) {
            assertThat(text(zip, name)).as(name).doesNotContain(canary);
        }
        assertThat(log).anyMatch(line -> line.startsWith("lambda: left out of the package: ")
                && line.contains(".env (.env* file)") && line.contains("deploy_key.pem (backend .gitignore: *.pem)"));

        Files.delete(dir.resolve("backend/.gitignore"));
        assertThatThrownBy(() -> packager().build(app)).isInstanceOf(ReleaseException.class)
                .hasMessageContaining("deploy_key.pem (holds a private key)");
    }

    @Test
    void aNestedGitignoreLeavesItsFilesOutOfTheZipAsOutOfEveryRelease() throws IOException {
        AppDescriptor app = TestApps.copyOfExample(dir, "x86_64");
        String canary = "canary-77d0aa";
        write(dir.resolve("backend/notes/.gitignore"), "/instance/\n");
        write(dir.resolve("backend/notes/instance/local.cfg"), "SECRET=" + canary + "\n");
        byte[] zip = packager().build(app).zip();
        assertThat(entries(zip)).containsKeys("notes/app.py", "notes/.gitignore").doesNotContainKey("notes/instance/local.cfg");
        assertThat(log).anyMatch(line -> line.startsWith("lambda: left out of the package: ")
                && line.contains("notes/instance/ (notes/.gitignore: /instance/)"));
    }

    @Test
    void aPyprojectsDependenciesAreWhatPipInstallsIntoThePackage() throws IOException {
        AppDescriptor example = TestApps.copyOfExample(dir, "x86_64");
        write(dir.resolve("backend/pyproject.toml"), "[project]\nname = \"notes\"\ndependencies = [\"flask==3.1.3\"]\n");
        var b = example.backend();
        AppDescriptor app = new AppDescriptor(example.app(), example.environment(), example.baseDir(), example.frontend(),
                new io.tierlift.model.Backend(b.path(), b.wsgi(), b.python(), "pyproject.toml", b.health(), b.releaseCommand(), b.port(),
                        b.workers(), b.timeout(), b.gracefulTimeout(), b.env(), b.systemPackages(), b.include()),
                example.database(), example.targets());
        List<String> requirementsSeen = new ArrayList<>();
        FakeRunner reading = new FakeRunner((call, out) -> {
            requirementsSeen.add(Files.readString(Path.of(call.after("-r"))));
            return pip.run(call.argv(), Path.of("."), Map.of(), out);
        });
        packager(reading, LambdaLimits.LAMBDA).build(app);
        assertThat(requirementsSeen).containsExactly("# [project].dependencies of pyproject.toml\nflask==3.1.3\n");
    }

    // ------------------------------------------------------------------ helpers

    private static Set<String> scratchFolders() throws IOException {
        try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("tierlift-lambda-")).collect(Collectors.toSet());
        }
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    static Map<String, ZipEntry> entries(byte[] zip) throws IOException {
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), entry);
            }
        }
        return entries;
    }

    static String text(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.getName().equals(name)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " is not in the package");
    }

    /** Unix modes from the central directory's external attributes (java.util.zip does not expose them). */
    static Map<String, Integer> modes(byte[] zip) {
        Map<String, Integer> modes = new LinkedHashMap<>();
        int end = zip.length - 22;
        int count = u16(zip, end + 10);
        int offset = (int) u32(zip, end + 16);
        for (int i = 0; i < count; i++) {
            int nameLength = u16(zip, offset + 28);
            int extraLength = u16(zip, offset + 30);
            int commentLength = u16(zip, offset + 32);
            long external = u32(zip, offset + 38);
            String name = new String(zip, offset + 46, nameLength, StandardCharsets.UTF_8);
            modes.put(name, (int) (external >>> 16));
            offset += 46 + nameLength + extraLength + commentLength;
        }
        return modes;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int at) {
        return u16(b, at) | (long) u16(b, at + 2) << 16;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

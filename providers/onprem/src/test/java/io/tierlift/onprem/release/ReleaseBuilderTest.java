package io.tierlift.onprem.release;

import io.tierlift.release.CommandRunner;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.WheelPlatform;
import io.tierlift.release.PipSettings;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Frontend;
import io.tierlift.provider.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseBuilderTest {
    private final List<String> log = new ArrayList<>();
    private final Progress progress = (scope, message) -> log.add(scope + ": " + message);

    private ReleaseBuilder builder(CommandRunner runner) {
        return new ReleaseBuilder(runner, PipSettings.defaults(), progress);
    }

    private final FakeRunner noProcesses = new FakeRunner((call, out) -> {
        throw new AssertionError("no process expected, got " + call.argv());
    });

    // ------------------------------------------------------------------ backend

    @Test
    void backendReleaseOfTheExampleHoldsItsCodeUnderBackend() {
        BackendRelease release = builder(noProcesses).backend(TestApps.example());
        assertThat(release.id()).matches("r-[0-9a-f]{12}");
        List<String> names = TarContents.names(release.archive());
        assertThat(names).contains("backend", "backend/requirements.txt", "backend/notes", "backend/notes/app.py",
                "backend/notes/migrations/0001_create_notes.sql");
        assertThat(names).noneMatch(n -> n.startsWith("backend/tests") || n.contains("__pycache__") || n.endsWith(".pyc"));
        assertThat(release.requirementsFile()).isEqualTo("backend/requirements.txt");
        assertThat(TarContents.entry(release.archive(), "backend/requirements.txt").text()).contains("flask==3.1.3");
    }

    @Test
    void sameSourcesGiveTheSameIdAndBytesWhateverTheirTimes(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        BackendRelease first = builder(noProcesses).backend(d);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(1_234_567_890_000L));
            }
        }
        BackendRelease second = builder(noProcesses).backend(d);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.archive()).isEqualTo(first.archive());
        // And the same as the example itself: the folder it sits in does not matter.
        assertThat(builder(noProcesses).backend(TestApps.example()).id()).isEqualTo(first.id());
    }

    @Test
    void contentOrExecutableBitChangesTheId(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        String base = builder(noProcesses).backend(d).id();
        Path app = dir.resolve("backend/notes/app.py");
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        BackendRelease executable = builder(noProcesses).backend(d);
        assertThat(executable.id()).isNotEqualTo(base);
        assertThat(TarContents.entry(executable.archive(), "backend/notes/app.py").mode()).isEqualTo(0755);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-------"));
        assertThat(builder(noProcesses).backend(d).id()).as("group/other bits are normalised away").isEqualTo(base);
        Files.writeString(app, "\n# changed\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(builder(noProcesses).backend(d).id()).isNotEqualTo(base);
    }

    @Test
    void cachesVcsVirtualenvsAndTopLevelTestsStayOut(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        String base = builder(noProcesses).backend(d).id();
        Path backend = dir.resolve("backend");
        for (String junk : List.of("notes/__pycache__/app.cpython-311.pyc", "notes/stray.pyc", ".git/HEAD", "venv/bin/python",
                ".venv/pyvenv.cfg", "node_modules/x/index.js", "tests/test_more.py", ".pytest_cache/v/x", "notes/sub/.git/config")) {
            Files.createDirectories(backend.resolve(junk).getParent());
            Files.writeString(backend.resolve(junk), "junk");
        }
        assertThat(builder(noProcesses).backend(d).id()).isEqualTo(base);

        Files.createDirectories(backend.resolve("notes/tests"));
        Files.writeString(backend.resolve("notes/tests/helpers.py"), "x = 1\n");
        BackendRelease withNestedTests = builder(noProcesses).backend(d);
        assertThat(TarContents.names(withNestedTests.archive())).contains("backend/notes/tests/helpers.py");
    }

    @Test
    void linkedFilesAreCopiedAndLinkedFoldersRefused(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        Path backend = dir.resolve("backend");
        Files.writeString(dir.resolve("shared.py"), "SHARED = 1\n");
        Files.createSymbolicLink(backend.resolve("notes/shared.py"), dir.resolve("shared.py"));
        BackendRelease release = builder(noProcesses).backend(d);
        TarContents.Entry linked = TarContents.entry(release.archive(), "backend/notes/shared.py");
        assertThat(linked.directory()).isFalse();
        assertThat(linked.text()).isEqualTo("SHARED = 1\n");

        Files.createSymbolicLink(backend.resolve("venv"), dir); // a venv link is skipped like a venv folder
        assertThat(builder(noProcesses).backend(d).id()).isEqualTo(release.id());

        Files.createSymbolicLink(backend.resolve("lib"), dir);
        assertThatThrownBy(() -> builder(noProcesses).backend(d))
                .isInstanceOf(ReleaseException.class).hasMessageContaining("lib").hasMessageContaining("symbolic link to a folder");
    }

    @Test
    void missingRequirementsFileIsNamed(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        Files.delete(dir.resolve("backend/requirements.txt"));
        assertThatThrownBy(() -> builder(noProcesses).backend(d))
                .isInstanceOf(ReleaseException.class).hasMessageContaining("backend.requirements").hasMessageContaining("requirements.txt");
    }

    // ------------------------------------------------------------------ wheelhouse

    /** Plays pip: writes one wheel per requirement line into the -d folder. */
    private static FakeRunner fakePip() {
        return new FakeRunner((call, out) -> {
            Path dest = Path.of(call.after("-d"));
            for (String line : Files.readAllLines(Path.of(call.after("-r")))) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] pin = line.split("==");
                Files.writeString(dest.resolve(pin[0] + "-" + pin[1] + "-py3-none-any.whl"), "wheel of " + line);
                out.accept("Saved " + pin[0]);
            }
            return new CommandRunner.CommandResult(0, List.of());
        });
    }

    @Test
    void wheelhouseAsksPipForBinaryWheelsOfTheHostsPython(@TempDir Path cache) {
        FakeRunner pip = fakePip();
        Wheelhouse wheelhouse = builder(pip).wheelhouse(TestApps.example(), cache);
        assertThat(pip.calls).hasSize(1);
        FakeRunner.Call call = pip.calls.get(0);
        assertThat(call.argv()).startsWith("python3", "-m", "pip", "download", "--only-binary=:all:");
        assertThat(call.after("--python-version")).isEqualTo("3.11");
        assertThat(call.after("--implementation")).isEqualTo("cp");
        assertThat(call.argv()).contains("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")
                .doesNotContain("manylinux_2_29_x86_64");
        assertThat(call.argv()).endsWith("--retries", "0", "--timeout", "5");
        assertThat(call.workDir()).isEqualTo(TestApps.EXAMPLE_DIR.resolve("backend"));

        assertThat(wheelhouse.id()).matches("w-[0-9a-f]{12}");
        assertThat(wheelhouse.fromCache()).isFalse();
        assertThat(wheelhouse.wheels()).containsExactly("flask-3.1.3-py3-none-any.whl", "gunicorn-26.2.0-py3-none-any.whl",
                "psycopg2-binary-2.9.13-py3-none-any.whl");
        assertThat(TarContents.names(wheelhouse.archive())).containsExactly("python-version", "requirements.txt", "wheels",
                "wheels/flask-3.1.3-py3-none-any.whl", "wheels/gunicorn-26.2.0-py3-none-any.whl",
                "wheels/psycopg2-binary-2.9.13-py3-none-any.whl");
        assertThat(TarContents.entry(wheelhouse.archive(), "python-version").text()).isEqualTo("3.11\n");
        assertThat(wheelhouse.requirementsHash()).isEqualTo(builder(noProcesses).backend(TestApps.example()).requirementsHash());
        assertThat(log).contains("wheelhouse: Saved flask");
    }

    @Test
    void wheelhouseIsCachedByRequirementsAndPython(@TempDir Path cache) throws IOException {
        FakeRunner pip = fakePip();
        Wheelhouse first = builder(pip).wheelhouse(TestApps.example(), cache);
        Wheelhouse again = builder(pip).wheelhouse(TestApps.example(), cache);
        assertThat(pip.calls).hasSize(1);
        assertThat(again.fromCache()).isTrue();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.archive()).isEqualTo(first.archive());
        assertThat(builder(noProcesses).wheelhouseId(TestApps.example())).isEqualTo(first.id());
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).as("no temporary folder left")
                    .containsExactly(first.directory().getFileName().toString());
        }

        Wheelhouse py312 = builder(pip).wheelhouse(TestApps.withPython(TestApps.example(), "3.12"), cache);
        assertThat(pip.calls).hasSize(2);
        assertThat(py312.id()).isNotEqualTo(first.id());
        assertThat(py312.requirementsHash()).isEqualTo(first.requirementsHash());
    }

    @Test
    void aPackageWithoutAWheelIsNamedWithPipsMessage(@TempDir Path cache) {
        FakeRunner pip = new FakeRunner((call, out) -> {
            out.accept("Collecting psycopg2==2.9.9");
            out.accept("ERROR: Could not find a version that satisfies the requirement psycopg2==2.9.9 (from versions: none)");
            out.accept("ERROR: No matching distribution found for psycopg2==2.9.9");
            return new CommandRunner.CommandResult(1, List.of("ERROR: No matching distribution found for psycopg2==2.9.9"));
        });
        assertThatThrownBy(() -> builder(pip).wheelhouse(TestApps.example(), cache))
                .isInstanceOf(ReleaseException.class)
                .hasMessageStartingWith("wheelhouse: no wheel of psycopg2==2.9.9 for CPython 3.11 on manylinux (glibc 2.28) x86_64")
                .hasMessageContaining("pip said:\nERROR: Could not find a version");
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void otherPipFailuresShowItsLastLines(@TempDir Path cache) {
        FakeRunner pip = new FakeRunner((call, out) -> new CommandRunner.CommandResult(2, List.of("Traceback", "OSError: disk full")));
        assertThatThrownBy(() -> builder(pip).wheelhouse(TestApps.example(), cache))
                .hasMessage("wheelhouse: pip download failed (exit 2):\nTraceback\nOSError: disk full");
    }

    @Test
    void requirementsIncludingOtherFilesAreRefused(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        Files.writeString(dir.resolve("backend/requirements.txt"), "-r base.txt\nflask==3.1.3\n");
        assertThatThrownBy(() -> builder(fakePip()).wheelhouse(d, dir.resolve("cache")))
                .isInstanceOf(ReleaseException.class).hasMessageContaining("includes another file ('-r base.txt')");
    }

    @Test
    void emptyRequirementsStillGetTheServerTheHostsRun(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        Files.writeString(dir.resolve("backend/requirements.txt"), "# nothing needed\n\n");
        Wheelhouse wheelhouse = builder(fakePip()).wheelhouse(d, dir.resolve("cache"));
        assertThat(wheelhouse.wheels()).containsExactly("gunicorn-26.2.0-py3-none-any.whl");
        assertThat(TarContents.names(wheelhouse.archive())).containsExactly("python-version", "requirements.txt", "wheels",
                "wheels/gunicorn-26.2.0-py3-none-any.whl");
    }

    @Test
    void aPyprojectsProjectDependenciesAreTheWheelhousesRequirements(@TempDir Path dir) throws IOException {
        AppDescriptor example = TestApps.copyOfExampleBackend(dir);
        Files.writeString(dir.resolve("backend/pyproject.toml"), "[project]\nname = \"notes\"\ndependencies = [\n"
                + "    \"flask==3.1.3\",\n    \"psycopg2-binary==2.9.13\",\n]\n");
        io.tierlift.model.Backend b = example.backend();
        AppDescriptor d = new AppDescriptor(example.app(), example.environment(), example.baseDir(), example.frontend(),
                new io.tierlift.model.Backend(b.path(), b.wsgi(), b.python(), "pyproject.toml", b.health(), b.releaseCommand(), b.port(),
                        b.workers(), b.timeout(), b.gracefulTimeout(), b.env(), b.systemPackages(), b.include()),
                example.database(), example.targets());
        Wheelhouse wheelhouse = builder(fakePip()).wheelhouse(d, dir.resolve("cache"));
        assertThat(wheelhouse.wheels()).containsExactly("flask-3.1.3-py3-none-any.whl", "gunicorn-26.2.0-py3-none-any.whl",
                "psycopg2-binary-2.9.13-py3-none-any.whl");
        assertThat(TarContents.entry(wheelhouse.archive(), "requirements.txt").text()).isEqualTo("# [project].dependencies of "
                + "pyproject.toml\nflask==3.1.3\npsycopg2-binary==2.9.13\n# added by tierlift: the app hosts run the app with gunicorn\n"
                + "gunicorn==26.2.0\n");
    }

    @Test
    void requirementsWithoutGunicornGetItPinnedInTheWheelhouseAndTheOperatorIsTold(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir);
        Files.writeString(dir.resolve("backend/requirements.txt"), "flask==3.1.3\npsycopg2-binary==2.9.13");
        String idWithout = builder(noProcesses).wheelhouseId(d);
        Wheelhouse wheelhouse = builder(fakePip()).wheelhouse(d, dir.resolve("cache"));
        assertThat(wheelhouse.id()).isEqualTo(idWithout);
        assertThat(wheelhouse.wheels()).containsExactly("flask-3.1.3-py3-none-any.whl", "gunicorn-26.2.0-py3-none-any.whl",
                "psycopg2-binary-2.9.13-py3-none-any.whl");
        assertThat(TarContents.entry(wheelhouse.archive(), "requirements.txt").text()).isEqualTo("flask==3.1.3\npsycopg2-binary==2.9.13\n"
                + "# added by tierlift: the app hosts run the app with gunicorn\ngunicorn==26.2.0\n");
        assertThat(log).contains("wheelhouse: warning: gunicorn is not in backend/requirements.txt; the wheelhouse adds "
                + "gunicorn==26.2.0 (the app hosts run the app with it)");

        Files.writeString(dir.resolve("backend/requirements.txt"), "flask==3.1.3\npsycopg2-binary==2.9.13\nGunicorn[gevent]==26.2.0 # server\n");
        log.clear();
        Wheelhouse own = builder(fakePip()).wheelhouse(d, dir.resolve("cache"));
        assertThat(own.id()).as("requirements that name gunicorn are a different wheelhouse").isNotEqualTo(idWithout);
        assertThat(TarContents.entry(own.archive(), "requirements.txt").text()).doesNotContain("added by tierlift");
        assertThat(log).noneMatch(line -> line.contains("warning"));
    }

    @Test
    void aRequirementNoIndexHasNamesTheIndexesPipSearched(@TempDir Path cache) {
        FakeRunner pip = new FakeRunner((call, out) -> {
            out.accept("Looking in indexes: https://mirror.example.test/simple, file:///opt/pypi/simple");
            out.accept("Looking in links: /opt/wheels");
            out.accept("ERROR: Could not find a version that satisfies the requirement flask-todo==9.9 (from versions: none)");
            out.accept("ERROR: No matching distribution found for flask-todo==9.9");
            return new CommandRunner.CommandResult(1, List.of());
        });
        assertThatThrownBy(() -> builder(pip).wheelhouse(TestApps.example(), cache))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("no wheel of flask-todo==9.9 for CPython 3.11")
                .hasMessageContaining("in the package index (pip searched indexes https://mirror.example.test/simple, "
                        + "file:///opt/pypi/simple; links /opt/wheels). Check the requirement's name and version in backend/requirements.txt.");
    }

    @Test
    void platformTagsListEveryGlibcLevel() {
        List<String> tags = new WheelPlatform("x86_64", 31).pipTags();
        assertThat(tags).startsWith("manylinux_2_31_x86_64", "manylinux_2_30_x86_64")
                .contains("manylinux_2_17_x86_64", "manylinux_2_5_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64")
                .hasSize(27 + 3);
        assertThat(new WheelPlatform("aarch64", 28).pipTags()).endsWith("manylinux2014_aarch64").noneMatch(t -> t.contains("manylinux1"));
        assertThatThrownBy(() -> new WheelPlatform("x86_64", 12)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ static site

    private static AppDescriptor frontendApp(Path base, String build) {
        return TestApps.withFrontend(TestApps.at(base), new Frontend("web", build, "web/dist"));
    }

    @Test
    void staticReleaseHoldsTheDistFilesAtTheRootWithChecksums(@TempDir Path base) throws Exception {
        Path dist = Files.createDirectories(base.resolve("web/dist/assets"));
        Files.writeString(base.resolve("web/dist/index.html"), "<!doctype html><title>notes</title>");
        Files.writeString(dist.resolve("index-abc123.js"), "console.log('notes')");
        Files.setPosixFilePermissions(dist.resolve("index-abc123.js"), PosixFilePermissions.fromString("rwxrwxrwx"));
        StaticRelease release = builder(noProcesses).staticSite(frontendApp(base, "false"));

        assertThat(release.id()).matches("s-[0-9a-f]{12}");
        assertThat(TarContents.names(release.archive())).containsExactly("assets", "assets/index-abc123.js", "index.html");
        assertThat(TarContents.entry(release.archive(), "assets/index-abc123.js").mode()).isEqualTo(0644);
        assertThat(release.files()).containsExactly(
                new StaticFile("assets/index-abc123.js", sha256("console.log('notes')"), 20),
                new StaticFile("index.html", sha256("<!doctype html><title>notes</title>"), 35));
        StaticRelease again = builder(noProcesses).staticSite(frontendApp(base, "false"));
        assertThat(again.id()).isEqualTo(release.id());
        assertThat(again.archive()).isEqualTo(release.archive());
    }

    @Test
    void missingDistIsBuiltWithTheBuildCommandInTheFrontendFolder(@TempDir Path base) throws IOException {
        Files.createDirectories(base.resolve("web"));
        FakeRunner build = new FakeRunner((call, out) -> {
            Path dist = Files.createDirectories(call.workDir().resolve("dist"));
            Files.writeString(dist.resolve("index.html"), "built");
            out.accept("vite v7 building for production...");
            return new CommandRunner.CommandResult(0, List.of());
        });
        StaticRelease release = builder(build).staticSite(frontendApp(base, "npm ci && npm run build"));
        assertThat(build.calls).singleElement().satisfies(call -> {
            assertThat(call.argv()).containsExactly("sh", "-c", "npm ci && npm run build");
            assertThat(call.workDir()).isEqualTo(base.resolve("web"));
        });
        assertThat(release.files()).extracting(StaticFile::path).containsExactly("index.html");
        assertThat(log).contains("frontend: vite v7 building for production...");
    }

    @Test
    void aFailingBuildShowsItsLastLines(@TempDir Path base) throws IOException {
        Files.createDirectories(base.resolve("web"));
        FakeRunner build = new FakeRunner((call, out) -> new CommandRunner.CommandResult(1,
                List.of("npm ERR! code ENOTFOUND", "npm ERR! network request failed")));
        assertThatThrownBy(() -> builder(build).staticSite(frontendApp(base, "npm ci && npm run build")))
                .isInstanceOf(ReleaseException.class)
                .hasMessage("frontend build failed: `npm ci && npm run build` exited with 1 in " + base.resolve("web")
                        + "; last lines:\nnpm ERR! code ENOTFOUND\nnpm ERR! network request failed");
    }

    @Test
    void aBuildThatWritesElsewhereIsReported(@TempDir Path base) throws IOException {
        Files.createDirectories(base.resolve("web"));
        FakeRunner build = new FakeRunner((call, out) -> new CommandRunner.CommandResult(0, List.of()));
        assertThatThrownBy(() -> builder(build).staticSite(frontendApp(base, "true")))
                .hasMessageContaining("succeeded but did not create frontend.dist");
    }

    @Test
    void theRealShellRunsTheBuildAndStreamsItsOutput(@TempDir Path base) throws Exception {
        Files.createDirectories(base.resolve("web"));
        ReleaseBuilder real = new ReleaseBuilder(new ProcessCommandRunner(), PipSettings.defaults(), progress);
        StaticRelease release = real.staticSite(frontendApp(base,
                "echo building; mkdir -p dist && printf 'hello' > dist/index.html && echo to stderr >&2"));
        assertThat(release.files()).containsExactly(new StaticFile("index.html", sha256("hello"), 5));
        assertThat(log).contains("frontend: building", "frontend: to stderr");

        Files.createDirectories(base.resolve("web2"));
        AppDescriptor failing = TestApps.withFrontend(TestApps.at(base), new Frontend("web2",
                "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35; do echo line $i; done; exit 3",
                "web2/dist"));
        assertThatThrownBy(() -> real.staticSite(failing))
                .hasMessageContaining("exited with 3").hasMessageContaining("line 35")
                .hasMessageNotContaining("line 5\n").hasMessageContaining("line 6\n");
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}

package io.tierlift.onprem.release;

import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.PipSettings;
import io.tierlift.model.AppDescriptor;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.onprem.command.RemoteCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The example app's real release and wheelhouse (fetched with this machine's pip from its local
 * package index, never the internet), installed into a temporary app root with the on-host
 * commands run by {@code sh}, and the Debian Python 3.11 a host has.
 */
@Tag("real")
class ReleaseOnHostTest {
    /** A file:// index: the test must not reach any network. Override with -Dtierlift.test.pipIndex=URL. */
    private static final String INDEX = System.getProperty("tierlift.test.pipIndex", "file:///opt/pypi/simple");
    private static final String HOST_PYTHON = "/usr/bin/python3";

    private final ReleaseCommands commands = new ReleaseCommands();
    private final LocalShell shell = new LocalShell();
    private final List<String> log = new ArrayList<>();

    private ReleaseBuilder builder() {
        if (INDEX.startsWith("file://") && !Files.isDirectory(Path.of(INDEX.substring("file://".length())))) {
            fail("this test fetches wheels from a local package index, " + INDEX + ", which is missing; "
                    + "point -Dtierlift.test.pipIndex at a file:// simple index holding flask, psycopg2-binary, gunicorn");
        }
        if (!Files.isExecutable(Path.of(HOST_PYTHON))) {
            fail(HOST_PYTHON + " is missing: install the Debian packages python3 and python3-venv");
        }
        PipSettings pip = PipSettings.defaults().withEnvironment(Map.of("PIP_INDEX_URL", INDEX));
        return new ReleaseBuilder(new ProcessCommandRunner(), pip, (scope, message) -> log.add(scope + ": " + message));
    }

    @Test
    void exampleAppInstallsOfflineAndSwitchesBetweenReleases(@TempDir Path tmp) throws IOException {
        ReleaseBuilder builder = builder();
        AppDescriptor app = TestApps.copyOfExampleBackend(tmp.resolve("app"));
        Path cache = tmp.resolve("cache");

        long t0 = System.nanoTime();
        Wheelhouse cold = builder.wheelhouse(app, cache);
        long t1 = System.nanoTime();
        Wheelhouse cached = builder.wheelhouse(app, cache);
        long t2 = System.nanoTime();
        assertThat(cold.fromCache()).isFalse();
        assertThat(cached.fromCache()).isTrue();
        assertThat(cached.archive()).isEqualTo(cold.archive());
        assertThat(cold.wheels()).anyMatch(w -> w.startsWith("flask-3.1.3-"))
                .anyMatch(w -> w.startsWith("gunicorn-26.2.0-"))
                .anyMatch(w -> w.startsWith("psycopg2_binary-2.9.13-cp311-cp311-manylinux"))
                .anyMatch(w -> w.startsWith("werkzeug-"))
                .allMatch(w -> w.endsWith(".whl"));

        BackendRelease first = builder.backend(app);
        assertThat(builder.backend(app).archive()).as("deterministic").isEqualTo(first.archive());
        assertThat(first.requirementsHash()).isEqualTo(cold.requirementsHash());

        String root = Files.createDirectories(tmp.resolve("srv/notes")).toString();
        assertThat(shell.ok(commands.unpack(root, first.id()), first.archive())).isEqualTo("unpacked\n");
        assertThat(shell.ok(commands.unpackWheelhouse(root, cold.id()), cold.archive())).isEqualTo("unpacked\n");
        long t3 = System.nanoTime();
        assertThat(shell.ok(commands.buildVenv(root, cold.id(), HOST_PYTHON))).isEqualTo("built\n");
        long t4 = System.nanoTime();
        assertThat(shell.ok(commands.buildVenv(root, cold.id(), HOST_PYTHON))).as("second build").isEqualTo("present\n");
        shell.ok(commands.linkVenv(root, first.id(), cold.id()));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, first.id()));

        // The venv holds exactly the pinned versions, not Debian's system packages.
        String check = String.join("; ",
                "import flask, psycopg2, gunicorn, importlib.metadata as m",
                "print(m.version('flask'), m.version('psycopg2-binary'), m.version('gunicorn'))",
                "print(flask.__file__)");
        String out = run(root + "/current/venv/bin/python", "-c", check);
        assertThat(out.lines().toList().get(0)).isEqualTo("3.1.3 2.9.13 26.2.0");
        assertThat(out.lines().toList().get(1)).as("from the venv, not /usr/lib/python3/dist-packages")
                .startsWith(root + "/current/venv/lib/python3.11/site-packages/flask/");
        // Scripts name the venv's real folder, which never moves once built.
        assertThat(Files.readAllLines(Path.of(root, "current/venv/bin/gunicorn")).get(0))
                .isEqualTo("#!" + root + "/venvs/" + cold.id() + ".tree/bin/python");
        assertThat(run(root + "/current/venv/bin/gunicorn", "--version")).contains("26.2.0");
        assertThat(run(root + "/current/venv/bin/python", "-c", "import sys; sys.path.insert(0, '" + root
                + "/current/backend'); import notes.app; print(notes.app.app.name)")).isEqualTo("notes.app\n");

        // A code change: new release, same wheelhouse and venv, current switches, previous is kept.
        Files.writeString(tmp.resolve("app/backend/notes/version.py"), "VERSION = 2\n", StandardOpenOption.CREATE_NEW);
        BackendRelease second = builder.backend(app);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(builder.wheelhouseId(app)).isEqualTo(cold.id());
        shell.ok(commands.unpack(root, second.id()), second.archive());
        assertThat(shell.ok(commands.buildVenv(root, cold.id(), HOST_PYTHON))).isEqualTo("present\n");
        shell.ok(commands.linkVenv(root, second.id(), cold.id()));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, second.id()));
        assertThat(Path.of(root, "current/backend/notes/version.py")).exists();
        assertThat(Files.readSymbolicLink(Path.of(root, "previous"))).hasToString("releases/" + first.id());
        assertThat(run(root + "/current/venv/bin/gunicorn", "--version")).contains("26.2.0");

        // A third release; keep 1 prunes only what is neither current, previous nor the newest.
        Files.writeString(tmp.resolve("app/backend/notes/version.py"), "VERSION = 3\n");
        BackendRelease third = builder.backend(app);
        shell.ok(commands.unpack(root, third.id()), third.archive());
        shell.ok(commands.linkVenv(root, third.id(), cold.id()));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, third.id()));
        assertThat(shell.ok(commands.prune(root, ReleaseSet.BACKEND, 1))).isEqualTo("removed " + first.id() + "\n");
        assertThat(shell.ok(commands.pruneUnusedVenvs(root))).as("the venv is still in use").isEmpty();
        assertThat(run(root + "/current/venv/bin/python", "-c", "import flask; print('ok')")).isEqualTo("ok\n");

        String timings = String.format("wheelhouse cold %d ms, cached %d ms; venv build %d ms; archives: backend %d B,"
                        + " wheelhouse %d B (%d wheels)", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t4 - t3) / 1_000_000,
                first.archiveSize(), cold.archiveSize(), cold.wheels().size());
        System.out.println("release timings: " + timings);
        Files.writeString(Path.of("target/release-timings.txt"), timings + "\n");
    }

    @Test
    void anAppWhoseRequirementsLackGunicornGetsAVenvThatCanStartIt(@TempDir Path tmp) throws IOException {
        ReleaseBuilder builder = builder();
        AppDescriptor app = TestApps.copyOfExampleBackend(tmp.resolve("app"));
        Files.writeString(tmp.resolve("app/backend/requirements.txt"), "flask==3.1.3\npsycopg2-binary==2.9.13\n");
        Wheelhouse house = builder.wheelhouse(app, tmp.resolve("cache"));
        assertThat(house.wheels()).anyMatch(w -> w.startsWith("gunicorn-26.2.0-"));
        assertThat(log).anyMatch(line -> line.contains("gunicorn is not in backend/requirements.txt; the wheelhouse adds gunicorn==26.2.0"));

        String root = Files.createDirectories(tmp.resolve("srv/notes")).toString();
        BackendRelease release = builder.backend(app);
        shell.ok(commands.unpack(root, release.id()), release.archive());
        shell.ok(commands.unpackWheelhouse(root, house.id()), house.archive());
        assertThat(shell.ok(commands.buildVenv(root, house.id(), HOST_PYTHON))).isEqualTo("built\n");
        shell.ok(commands.linkVenv(root, release.id(), house.id()));
        shell.ok(commands.activate(root, ReleaseSet.BACKEND, release.id()));
        assertThat(run(root + "/current/venv/bin/gunicorn", "--version")).contains("26.2.0");
    }

    @Test
    void aRequirementWithoutAWheelFailsNamingIt(@TempDir Path tmp) throws IOException {
        ReleaseBuilder builder = builder();
        AppDescriptor app = TestApps.copyOfExampleBackend(tmp.resolve("app"));
        Files.writeString(tmp.resolve("app/backend/requirements.txt"), "flask==0.0.1\n");
        try {
            builder.wheelhouse(app, tmp.resolve("cache"));
            fail("expected a missing wheel to fail");
        } catch (ReleaseException e) {
            assertThat(e.getMessage()).startsWith("wheelhouse: no wheel of flask==0.0.1 for CPython 3.11")
                    .contains("pip said:\nERROR: ");
        }
        assertThat(tmp.resolve("cache")).isEmptyDirectory();
    }

    @Test
    void aPackageOnlyPublishedAsSourceIsRefused(@TempDir Path tmp) throws IOException {
        // A package index of one source distribution: pip must not build it (hosts could not either).
        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.write(links.resolve("onlysource-1.0.tar.gz"), new byte[] {0x1f, (byte) 0x8b});
        AppDescriptor app = TestApps.copyOfExampleBackend(tmp.resolve("app"));
        Files.writeString(tmp.resolve("app/backend/requirements.txt"), "onlysource==1.0\n");
        PipSettings pip = PipSettings.defaults().withExtraArgs(List.of("--no-index", "--find-links", links.toString()))
                .withEnvironment(Map.of("PIP_CONFIG_FILE", "/dev/null"));
        ReleaseBuilder offline = new ReleaseBuilder(new ProcessCommandRunner(), pip, (scope, message) -> log.add(message));
        try {
            offline.wheelhouse(app, tmp.resolve("cache"));
            fail("expected a source-only package to fail");
        } catch (ReleaseException e) {
            assertThat(e.getMessage()).startsWith("wheelhouse: no wheel of onlysource==1.0 for CPython 3.11");
        }
    }

    @Test
    void forAPythonWithoutWheelsOfSomeProjectsDebianPackagesProvideThemAndTheRestIsFetched(@TempDir Path tmp) throws IOException {
        ReleaseBuilder builder = builder();
        // The local index has binary wheels for CPython 3.11 only (Debian 13's Python is 3.13).
        AppDescriptor plain = TestApps.withPython(TestApps.copyOfExampleBackend(tmp.resolve("app")), "3.13");
        try {
            builder.wheelhouse(plain, tmp.resolve("cache"));
            fail("expected no wheel for CPython 3.13");
        } catch (ReleaseException e) {
            assertThat(e.getMessage()).startsWith("wheelhouse: no wheel of ").contains("for CPython 3.13");
        }

        AppDescriptor app = TestApps.withSystemPackages(plain, "3.13",
                Map.of("python3-psycopg2", "psycopg2-binary", "python3-markupsafe", "MarkupSafe"));
        Wheelhouse house = builder.wheelhouse(app, tmp.resolve("cache"));
        assertThat(house.wheels()).anyMatch(w -> w.startsWith("flask-3.1.3-")).anyMatch(w -> w.startsWith("gunicorn-26.2.0-"))
                .anyMatch(w -> w.startsWith("werkzeug-")).anyMatch(w -> w.startsWith("jinja2-"))
                .noneMatch(w -> w.toLowerCase().startsWith("markupsafe")).noneMatch(w -> w.startsWith("psycopg2"));
        assertThat(house.id()).isNotEqualTo(builder.wheelhouseId(TestApps.withPython(plain, "3.11")));
        assertThat(TarContents.entry(house.archive(), "python-version").text()).isEqualTo("3.13\n");
        assertThat(TarContents.entry(house.archive(), "system-site-packages").text()).isEqualTo("markupsafe\npsycopg2-binary\n");
        assertThat(TarContents.entry(house.archive(), "requirements.txt").text()).contains("flask==3.1.3")
                .contains("# provided by a Debian package (backend.system_packages): psycopg2-binary==2.9.13");
    }

    @Test
    void aVenvOfAWheelhouseWithDebianProvidedProjectsImportsThemFromTheSystem(@TempDir Path tmp) throws IOException {
        ReleaseBuilder builder = builder();
        AppDescriptor app = TestApps.withSystemPackages(TestApps.copyOfExampleBackend(tmp.resolve("app")), "3.11",
                Map.of("python3-psycopg2", "psycopg2-binary"));
        Wheelhouse house = builder.wheelhouse(app, tmp.resolve("cache"));
        assertThat(house.wheels()).noneMatch(w -> w.startsWith("psycopg2"));
        String root = Files.createDirectories(tmp.resolve("srv/notes")).toString();
        assertThat(shell.ok(commands.unpackWheelhouse(root, house.id()), house.archive())).isEqualTo("unpacked\n");
        assertThat(shell.ok(commands.buildVenv(root, house.id(), HOST_PYTHON))).isEqualTo("built\n");
        String out = run(root + "/venvs/" + house.id() + "/bin/python", "-c", String.join("; ",
                "import flask, psycopg2, importlib.metadata as m",
                "print(psycopg2.__file__)", "print(flask.__file__)",
                "print([d.metadata['Name'] for d in m.distributions() if d.metadata['Name'].lower() == 'psycopg2-binary'])"));
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).as("Debian's python3-psycopg2").startsWith("/usr/lib/python3/dist-packages/psycopg2/");
        assertThat(lines.get(1)).as("flask still from the wheelhouse").startsWith(root + "/venvs/" + house.id());
        assertThat(lines.get(2)).isEqualTo("[]");
    }

    private String run(String... argv) {
        ExecResult result = shell.run(RemoteCommand.of(List.of(argv)));
        if (!result.ok()) {
            fail(String.join(" ", argv) + " failed (" + result.exitCode() + "): " + result.stderr());
        }
        return result.out();
    }
}

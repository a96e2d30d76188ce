package io.tierlift.onprem.release;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Frontend;
import io.tierlift.provider.Progress;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ReleaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseIdCacheTest {
    private final List<String> log = new ArrayList<>();
    private final Progress progress = (scope, message) -> log.add(scope + ": " + message);
    private final ReleaseBuilder builder = new ReleaseBuilder(new FakeRunner((call, out) -> {
        throw new AssertionError("no process expected, got " + call.argv());
    }), PipSettings.defaults(), progress);

    /** A clock well past every file's times, so entries are remembered. */
    private static ReleaseIdCache settled(Path dir) {
        return new ReleaseIdCache(dir, Clock.fixed(Instant.now().plusSeconds(60), ZoneOffset.UTC));
    }

    @Test
    void anUnchangedBackendIsKnownByItsStampAndGivesTheSameIdAndBytes(@TempDir Path dir) {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        BackendRelease plain = builder.backend(d);

        BackendRelease first = builder.backend(d, ids);
        assertThat(log.get(log.size() - 1)).doesNotContain("unchanged since an earlier run");
        BackendRelease second = builder.backend(d, ids);
        assertThat(log.get(log.size() - 1)).contains("unchanged since an earlier run");

        assertThat(first.id()).isEqualTo(plain.id());
        assertThat(second.id()).isEqualTo(plain.id());
        assertThat(second.requirementsHash()).isEqualTo(plain.requirementsHash());
        assertThat(second.fileCount()).isEqualTo(plain.fileCount());
        assertThat(second.archive()).isEqualTo(plain.archive());
        assertThat(first.archive()).isEqualTo(plain.archive());
    }

    @Test
    void anEditKeepingSizeAndModificationTimeStillGivesANewId(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        String before = builder.backend(d, ids).id();
        Path app = dir.resolve("app/backend/notes/app.py");
        FileTime modified = Files.getLastModifiedTime(app);
        String text = Files.readString(app);
        Files.writeString(app, text.replaceFirst("[a-z]", "Z"));
        Files.setLastModifiedTime(app, modified);

        BackendRelease after = builder.backend(d, ids);

        assertThat(after.id()).isNotEqualTo(before).isEqualTo(builder.backend(d).id());
    }

    @Test
    void addedAndRemovedFilesGiveANewId(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        String before = builder.backend(d, ids).id();
        Path extra = Files.writeString(dir.resolve("app/backend/notes/extra.py"), "X = 1\n");
        String added = builder.backend(d, ids).id();
        Files.delete(extra);
        String removed = builder.backend(d, ids).id();

        assertThat(added).isNotEqualTo(before);
        assertThat(removed).isEqualTo(before);
    }

    @Test
    void freshFilesAreNotRememberedSinceTheirTimesMayNotMoveOnTheNextWrite(@TempDir Path dir) {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        ReleaseIdCache now = new ReleaseIdCache(dir.resolve("cache"), Clock.systemUTC());
        builder.backend(d, now);
        builder.backend(d, now);
        assertThat(log.get(log.size() - 1)).doesNotContain("unchanged since an earlier run");
    }

    @Test
    void aBackendChangedAfterItsIdWasTakenIsNotShippedUnderThatId(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        builder.backend(d, ids);
        BackendRelease known = builder.backend(d, ids);
        Files.writeString(dir.resolve("app/backend/notes/app.py"), "\n# edited during the deploy\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(known::archive).isInstanceOf(ReleaseException.class)
                .hasMessageContaining("changed while deploying release " + known.id());
    }

    @Test
    void aMissingRequirementsFileIsStillReportedWithACache(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        builder.backend(d, ids);
        Files.delete(dir.resolve("app/backend/requirements.txt"));

        assertThatThrownBy(() -> builder.backend(d, ids)).isInstanceOf(ReleaseException.class)
                .hasMessageContaining("backend.requirements");
    }

    @Test
    void anUnchangedSiteIsKnownByItsStampAndItsArchiveMatchesTheId(@TempDir Path dir) throws IOException {
        Path dist = Files.createDirectories(dir.resolve("app/web/dist/assets"));
        Files.writeString(dist.resolve("../index.html"), "<html>hello</html>\n");
        Files.writeString(dist.resolve("app.js"), "console.log(1)\n");
        AppDescriptor d = TestApps.withFrontend(TestApps.at(dir.resolve("app")), new Frontend("web", "false", "web/dist"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        StaticRelease plain = builder.staticSite(d);

        builder.staticSite(d, ids);
        StaticRelease known = builder.staticSite(d, ids);

        assertThat(log.get(log.size() - 1)).contains("unchanged since an earlier run");
        assertThat(known.id()).isEqualTo(plain.id());
        assertThat(known.archive()).isEqualTo(plain.archive());
        assertThat(known.files()).isEqualTo(plain.files());

        Files.writeString(dist.resolve("app.js"), "console.log(2)\n");
        assertThat(known.archive()).as("already made: the bytes stay those of the id").isEqualTo(plain.archive());
        assertThat(builder.staticSite(d, ids).id()).isNotEqualTo(plain.id());
    }

    @Test
    void aSymbolicLinkRepointedIsANewStamp(@TempDir Path dir) throws IOException {
        Path dist = Files.createDirectories(dir.resolve("app/web/dist"));
        Path a = Files.writeString(dir.resolve("a.js"), "aaaa\n");
        Path b = Files.writeString(dir.resolve("b.js"), "bbbb\n");
        Files.setLastModifiedTime(b, Files.getLastModifiedTime(a));
        Files.createSymbolicLink(dist.resolve("app.js"), a);
        ReleaseIdCache ids = settled(dir.resolve("cache"));
        var first = ids.stamp("static", dist, io.tierlift.release.SourceTree.NONE).orElseThrow();
        Files.delete(dist.resolve("app.js"));
        Files.createSymbolicLink(dist.resolve("app.js"), b);
        var second = ids.stamp("static", dist, io.tierlift.release.SourceTree.NONE).orElseThrow();

        assertThat(second.digest()).isNotEqualTo(first.digest());
    }

    @Test
    void aFolderWithABrokenLinkHasNoStampAndTheBuilderReportsIt(@TempDir Path dir) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(dir.resolve("app"));
        Files.createSymbolicLink(dir.resolve("app/backend/notes/gone.py"), dir.resolve("nowhere.py"));
        ReleaseIdCache ids = settled(dir.resolve("cache"));

        assertThat(ids.stamp("backend", dir.resolve("app/backend"), io.tierlift.release.SourceTree.PYTHON_BACKEND)).isEmpty();
        assertThatThrownBy(() -> builder.backend(d, ids)).isInstanceOf(ReleaseException.class).hasMessageContaining("broken symbolic link");
    }
}

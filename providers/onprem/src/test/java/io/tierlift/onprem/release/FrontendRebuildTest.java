package io.tierlift.onprem.release;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Frontend;
import io.tierlift.provider.Progress;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ProcessCommandRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frontend's output folder never goes stale: a change of a source, the lockfile or the build
 * command rebuilds it (with the real shell), and the release says why.
 */
class FrontendRebuildTest {
    /** Copies the sources into dist and counts its runs, as a bundler would produce new output. */
    private static final String BUILD = "mkdir -p dist && cp src/* dist/ && echo built >> ../builds.log";

    private final List<String> log = new ArrayList<>();
    private final Progress progress = (scope, message) -> log.add(scope + ": " + message);
    private final ReleaseBuilder builder = new ReleaseBuilder(new ProcessCommandRunner(), PipSettings.defaults(), progress);

    @TempDir
    Path base;
    private ReleaseIdCache ids;

    @BeforeEach
    void sources() throws IOException {
        Files.createDirectories(base.resolve("web/src"));
        Files.writeString(base.resolve("web/src/index.html"), "<h1>one</h1>");
        Files.writeString(base.resolve("web/package-lock.json"), "{\"lockfileVersion\": 3}");
        Files.createDirectories(base.resolve("web/node_modules/vite"));
        Files.writeString(base.resolve("web/node_modules/vite/index.js"), "1");
        ids = new ReleaseIdCache(base.resolve("cache"));
    }

    private AppDescriptor app(String build) {
        return TestApps.withFrontend(TestApps.at(base), new Frontend("web", build, "web/dist"));
    }

    private int builds() throws IOException {
        Path file = base.resolve("builds.log");
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private String index(StaticRelease release) {
        return TarContents.entry(release.archive(), "index.html").text();
    }

    @Test
    void aMissingOutputIsBuiltAndAnUnchangedOneIsNot() throws IOException {
        StaticRelease first = builder.staticSite(app(BUILD), ids);
        assertThat(builds()).isEqualTo(1);
        assertThat(first.rebuilt()).hasValueSatisfying(why -> assertThat(why).endsWith("web/dist is missing"));
        StaticRelease second = builder.staticSite(app(BUILD), ids);
        assertThat(builds()).isEqualTo(1);
        assertThat(second.rebuilt()).isEmpty();
        assertThat(second.id()).isEqualTo(first.id());
        // node_modules is not a source: reinstalling packages does not rebuild.
        Files.writeString(base.resolve("web/node_modules/vite/index.js"), "2");
        assertThat(builder.staticSite(app(BUILD), ids).rebuilt()).isEmpty();
    }

    @Test
    void aSourceChangeAfterABuildRebuildsAndNamesTheFile() throws IOException {
        StaticRelease first = builder.staticSite(app(BUILD), ids);
        Files.writeString(base.resolve("web/src/index.html"), "<h1>two</h1>");
        StaticRelease second = builder.staticSite(app(BUILD), ids);
        assertThat(builds()).isEqualTo(2);
        assertThat(second.rebuilt()).contains("sources changed since the last build: src/index.html");
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(index(second)).isEqualTo("<h1>two</h1>");
    }

    @Test
    void aLockfileChangeRebuilds() throws IOException {
        builder.staticSite(app(BUILD), ids);
        Files.writeString(base.resolve("web/package-lock.json"), "{\"lockfileVersion\": 3, \"packages\": {}}");
        assertThat(builder.staticSite(app(BUILD), ids).rebuilt()).contains("sources changed since the last build: package-lock.json");
        assertThat(builds()).isEqualTo(2);
    }

    @Test
    void aChangedBuildCommandRebuilds() throws IOException {
        builder.staticSite(app(BUILD), ids);
        String other = BUILD + " && echo '<!-- v2 -->' >> dist/index.html";
        StaticRelease rebuilt = builder.staticSite(app(other), ids);
        assertThat(rebuilt.rebuilt()).contains("the build command changed (was `" + BUILD + "`)");
        assertThat(index(rebuilt)).contains("v2");
    }

    @Test
    void anOutputFolderWithoutARecordIsBuiltFromItsSourcesNotTakenAsBuilt() throws IOException {
        Files.createDirectories(base.resolve("web/dist"));
        Files.writeString(base.resolve("web/dist/index.html"), "<h1>prebuilt, from sources nobody knows</h1>");
        StaticRelease built = builder.staticSite(app(BUILD), ids);
        assertThat(builds()).isEqualTo(1);
        assertThat(built.rebuilt()).contains("tierlift has no record of building " + base.resolve("web/dist") + " from these sources");
        assertThat(index(built)).isEqualTo("<h1>one</h1>");
        assertThat(builder.staticSite(app(BUILD), ids).rebuilt()).isEmpty();
        assertThat(builds()).isEqualTo(1);
    }

    @Test
    void anOutputFolderWithoutARecordWhoseBuildFailsIsNotPublishedAndTheErrorNamesNoBuild() throws IOException {
        Files.createDirectories(base.resolve("web/dist"));
        Files.writeString(base.resolve("web/dist/index.html"), "<h1>prebuilt</h1>");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.staticSite(app("exit 3"), ids))
                .isInstanceOf(io.tierlift.release.ReleaseException.class)
                .hasMessageContaining("frontend build failed: `exit 3` exited with 3")
                .hasMessageContaining("is not known to be built from these sources")
                .hasMessageContaining("pass --no-build to publish that folder as it is");
        assertThat(index(builder.staticSite(app("exit 3"), ids, true))).isEqualTo("<h1>prebuilt</h1>");
    }

    @Test
    void anOutputFolderWithoutItsSourcesIsPublishedAsItIsAndSaysSo() throws IOException {
        Files.createDirectories(base.resolve("elsewhere/dist"));
        Files.writeString(base.resolve("elsewhere/dist/index.html"), "<h1>built elsewhere</h1>");
        AppDescriptor app = TestApps.withFrontend(TestApps.at(base), new Frontend("not-here", BUILD, "elsewhere/dist"));
        StaticRelease release = builder.staticSite(app, ids);
        assertThat(release.rebuilt()).isEmpty();
        assertThat(builds()).isZero();
        assertThat(log).contains("frontend: frontend.path " + base.resolve("not-here") + " does not exist; publishing "
                + base.resolve("elsewhere/dist") + " as it is");
    }

    @Test
    void noBuildPublishesTheOutputAsItIsAndSaysSo() throws IOException {
        builder.staticSite(app(BUILD), ids);
        Files.writeString(base.resolve("web/src/index.html"), "<h1>two</h1>");
        StaticRelease asItIs = builder.staticSite(app(BUILD), ids, true);
        assertThat(builds()).isEqualTo(1);
        assertThat(asItIs.rebuilt()).isEmpty();
        assertThat(index(asItIs)).isEqualTo("<h1>one</h1>");
        assertThat(log).contains("frontend: --no-build: publishing " + base.resolve("web/dist") + " as it is; its sources were not checked");
        // The change is still seen by the next run that checks.
        assertThat(builder.staticSite(app(BUILD), ids).rebuilt()).contains("sources changed since the last build: src/index.html");
    }

    @Test
    void noBuildWithoutAnOutputFolderIsAnErrorNotABuild() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.staticSite(app(BUILD), ids, true))
                .isInstanceOf(io.tierlift.release.ReleaseException.class)
                .hasMessageContaining("--no-build: frontend.dist " + base.resolve("web/dist") + " does not exist");
        assertThat(base.resolve("builds.log")).doesNotExist();
    }

    @Test
    void outputLeftByAFailedFirstBuildIsBuiltAgainNotTakenAsBuilt() throws IOException {
        String failing = "mkdir -p dist && echo half > dist/index.html && exit 1";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.staticSite(app(failing), ids))
                .hasMessageContaining("frontend build failed");
        assertThat(base.resolve("web/dist/index.html")).exists();
        StaticRelease next = builder.staticSite(app(BUILD), ids);
        assertThat(next.rebuilt()).contains("the last build did not finish");
        assertThat(index(next)).isEqualTo("<h1>one</h1>");
    }
}

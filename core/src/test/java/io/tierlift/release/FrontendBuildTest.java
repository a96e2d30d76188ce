package io.tierlift.release;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The one frontend build of every tier, with the real shell: what an offline plan says, and what a build records. */
class FrontendBuildTest {
    private static final String BUILD = "mkdir -p dist && cp src/* dist/ && echo built >> ../builds.log";

    @TempDir
    Path base;
    private final List<String> log = new ArrayList<>();
    private final Progress progress = (scope, message) -> log.add(scope + ": " + message);

    private AppDescriptor app() throws IOException {
        Files.writeString(base.resolve("app.yaml"), """
                app: shop
                frontend: { path: web, dist: web/dist, build: "%s" }
                backend: { path: api, wsgi: "shop:app" }
                database: { name: shop, user: shop, password: "${env:SHOP_DB_PASSWORD}" }
                targets:
                  aws-serverless: { region: eu-west-1 }
                """.formatted(BUILD));
        return new DescriptorLoader().load(base.resolve("app.yaml"), Optional.empty()).descriptor();
    }

    private FrontendBuild build() {
        return new FrontendBuild(new ProcessCommandRunner(), progress, base.resolve("cache"));
    }

    @Test
    void anOfflinePlanSaysWhyItWouldBuildAndBuildsNothing() throws IOException {
        Files.createDirectories(base.resolve("web/src"));
        Files.writeString(base.resolve("web/src/index.html"), "<h1>one</h1>");
        Files.createDirectories(base.resolve("web/dist"));
        Files.writeString(base.resolve("web/dist/index.html"), "<h1>old</h1>");
        AppDescriptor app = app();
        assertThat(build().wouldBuild(app, false)).contains("tierlift has no record of building " + base.resolve("web/dist")
                + " from these sources");
        assertThat(build().wouldBuild(app, true)).isEmpty();
        assertThat(base.resolve("builds.log")).doesNotExist();
        assertThat(base.resolve("cache")).doesNotExist();

        assertThat(build().prepare(app, false)).isPresent();
        assertThat(build().wouldBuild(app, false)).isEmpty();
        Files.writeString(base.resolve("web/src/index.html"), "<h1>two</h1>");
        assertThat(build().wouldBuild(app, false)).contains("sources changed since the last build: src/index.html");
        assertThat(FrontendBuild.planned("aws-iaas", app, "why").address()).isEqualTo("aws-iaas.frontend:build");
    }

    @Test
    void aFrontendFolderHoldingOnlyItsOutputIsPublishedAsItIsAndSaysSo() throws IOException {
        Files.createDirectories(base.resolve("web/dist"));
        Files.writeString(base.resolve("web/dist/index.html"), "<h1>built elsewhere</h1>");
        AppDescriptor app = app();
        assertThat(build().wouldBuild(app, false)).isEmpty();
        assertThat(build().prepare(app, false)).isEmpty();
        assertThat(base.resolve("builds.log")).doesNotExist();
        assertThat(log).contains("frontend: " + base.resolve("web") + " holds nothing but the output folder; publishing "
                + base.resolve("web/dist") + " as it is");
    }
}

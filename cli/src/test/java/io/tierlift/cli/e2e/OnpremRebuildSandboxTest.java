package io.tierlift.cli.e2e;

import io.tierlift.release.ExecResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds that can't go stale and releases that carry only what should run, on namespace hosts: a
 * canary .env and an ignored private key in the backend folder are named by the plan as left out and
 * reach no host; after a first deploy, a changed frontend source makes the plan show the rebuild and
 * the static switch, and the deploy serves the new build through the edge.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremRebuildSandboxTest {
    private static final String CANARY = "canary-" + Long.toHexString(System.nanoTime());
    /** Stands in for a bundler, offline: the page comes from src/, the hashed assets stay. */
    private static final String BUILD = "cp src/index.html dist/index.html";

    private static SandboxWorld world;

    @BeforeAll
    static void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 68, "tl-brebld");
        Path descriptor = world.descriptor;
        String text = Files.readString(descriptor);
        assertThat(text).contains("frontend: { path: frontend, dist: frontend/dist }");
        Files.writeString(descriptor, text.replace("frontend: { path: frontend, dist: frontend/dist }",
                "frontend: { path: frontend, dist: frontend/dist, build: \"" + BUILD + "\" }"));
        Path frontend = world.appDir.resolve("frontend");
        Files.createDirectories(frontend.resolve("src"));
        Files.writeString(frontend.resolve("src/index.html"), page("build one"));
        Files.writeString(frontend.resolve("dist/index.html"), page("build one"));
        Path backend = world.appDir.resolve("backend");
        Files.writeString(backend.resolve(".env"), "DATABASE_URL=postgresql://notes:" + CANARY + "@localhost/notes\n");
        Files.writeString(backend.resolve("deploy_key.pem"),
                "-----BEGIN OPENSSH PRIVATE KEY-----\n" + CANARY + "\n-----END OPENSSH PRIVATE KEY-----\n");
        Files.writeString(backend.resolve(".gitignore"), "*.pem\n");
    }

    @AfterAll
    static void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    private static String page(String marker) throws IOException {
        String built = Files.readString(Path.of("../examples/notes/frontend/dist/index.html"));
        return built.replace("<title>Notes</title>", "<title>Notes</title><meta name=\"build\" content=\"" + marker + "\">");
    }

    @Test
    @Order(1)
    void theFirstPlanNamesWhatTheBackendReleaseLeavesOutAndTheDeployShipsNeither() {
        Cli plan = tierlift("plan", "onprem", "-f", file());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("release:backend").contains("left out: .env (.env* file)")
                .contains("deploy_key.pem (backend .gitignore: *.pem)");

        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        for (String host : new String[]{"app1", "app2", "edge1"}) {
            // The host's own folders: releases and the static site (/srv), archives on their way (/tmp), the edge's config.
            ExecResult found = world.exec(host,
                    "grep -rl " + CANARY + " /srv /tmp /etc/nginx 2>/dev/null; find /srv -name .env -o -name deploy_key.pem");
            assertThat(found.stdout().strip()).as(host).isEmpty();
        }
        assertThat(world.exec("app1", "ls /srv/notes/current/backend/notes/app.py").stdout()).contains("app.py");
        assertThat(edgePage().body()).contains("build one");
    }

    @Test
    @Order(2)
    void aFrontendSourceChangeIsPlannedAsARebuildAndTheStaticSwitchAndServedThroughTheEdge() throws IOException {
        Cli unchanged = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode");
        assertThat(unchanged.exitCode()).as(unchanged.all()).isZero();

        Files.writeString(world.appDir.resolve("frontend/src/index.html"), page("build two"));
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
        assertThat(plan.out()).containsPattern("onprem\\.frontend:build +\\(build: built frontend/dist as s-[0-9a-f]{12} with `"
                        + java.util.regex.Pattern.quote(BUILD) + "`: sources changed since the last build: src/index\\.html\\)")
                .containsPattern("onprem\\.edge1\\.release:static +\\(release: switch to s-[0-9a-f]{12} \\(from s-[0-9a-f]{12}\\)\\)")
                .doesNotContain("release:backend");

        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        SandboxWorld.CurlResult page = edgePage();
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("build two").doesNotContain("build one");
        SandboxWorld.CurlResult health = world.curl("--resolve", "notes.sandbox.test:443:" + world.address("edge1"),
                "https://notes.sandbox.test/api/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void noBuildPublishesTheOutputAsItIsAndSaysSo() throws IOException {
        Files.writeString(world.appDir.resolve("frontend/src/index.html"), page("build three"));
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--no-build", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.all()).contains("--no-build: publishing").contains("its sources were not checked");
        assertThat(Files.readString(world.appDir.resolve("frontend/dist/index.html"))).contains("build two");
    }

    private static SandboxWorld.CurlResult edgePage() {
        return world.curl("--resolve", "notes.sandbox.test:443:" + world.address("edge1"), "https://notes.sandbox.test/");
    }

    private static Cli tierlift(String... args) {
        return Cli.run(world.env(), args);
    }

    private static String file() {
        return world.descriptor.toString();
    }
}

package io.tierlift.cli.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apps tierlift's example is not: fixture apps of different shapes go through {@code init}, then
 * {@code validate} and {@code deploy onprem} on one namespace sandbox, one after another on the same
 * hosts, and each serves its page and its API (a read, a write, a read of the write) through the WAF.
 * Only the on-prem connection settings of the sandbox replace init's placeholders; everything about the
 * app itself is init's.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InitFixtureAppsSandboxTest {
    private static final Path FIXTURES = Path.of("../examples/fixtures/apps");
    private SandboxWorld world;

    @BeforeAll
    void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 67, "tl-breapp");
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    private Map<String, String> env() {
        return Map.of("HOME", System.getProperty("user.home"), "PATH", System.getenv("PATH"));
    }

    @Test
    @Order(1)
    void aFactoryOnlyAppInAPackageWithACreateReactAppBuildDeploysAndServesThroughTheWaf() throws IOException {
        deployAndUse("factory-only", "/api/items");
    }

    @Test
    @Order(2)
    void aFlatModuleAtTheRepositoryRootDeploysAndServesThroughTheWaf() throws IOException {
        deployAndUse("flat-module", "/api/items");
    }

    @Test
    @Order(3)
    void anAppWithAlembicMigrationsIsMigratedByItsReleaseCommandAndServesThroughTheWaf() throws IOException {
        Cli deploy = deployAndUse("alembic-migrations", "/api/entries");
        assertThat(deploy.all()).contains("alembic upgrade head").contains("Running upgrade  -> 0001");
    }

    /** The shape strangers' repositories have most: a factory in a package, a module-level instance, no gunicorn listed. */
    @Test
    @Order(4)
    void aFactoryPackageWhoseRequirementsLackGunicornDeploysWithAPinnedOneAndServesThroughTheWaf() throws IOException {
        Cli deploy = deployAndUse("factory-package-instance", "/api/todos");
        assertThat(deploy.all()).contains("gunicorn is not in").doesNotContain("internal error");
    }

    /** init → validate → deploy, then the page, a write and a read of it through the edge. */
    private Cli deployAndUse(String shape, String collection) throws IOException {
        Path repo = copy(FIXTURES.resolve(shape), world.root.resolve(shape));
        Cli init = Cli.run(env(), "init", repo.toString(), "--yes", "--app", "notes");
        assertThat(init.exitCode()).as(init.all()).isZero();
        Path descriptor = sandboxDescriptor(repo);

        Cli validate = Cli.run(env(), "validate", "-f", descriptor.toString());
        assertThat(validate.exitCode()).as(validate.all()).isZero();
        // The fixtures carry their build but not what makes it (no node_modules, no bundler): published as it is, on purpose.
        Cli deploy = Cli.run(env(), "deploy", "onprem", "-f", descriptor.toString(), "--yes", "--no-build");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.all()).contains("--no-build: publishing");

        String edge = "https://" + world.address("edge1");
        SandboxWorld.CurlResult page = world.curl(edge + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("fixture: " + shape);
        SandboxWorld.CurlResult health = world.curl(edge + "/api/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        String name = shape + " item " + Long.toHexString(System.nanoTime());
        SandboxWorld.CurlResult write = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"name\":\"" + name + "\"}", edge + collection);
        assertThat(write.status()).as(write.body()).isEqualTo(201);
        SandboxWorld.CurlResult read = world.curl(edge + collection);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains(name);
        return deploy;
    }

    /**
     * init's app.yaml with the sandbox's database secrets and on-prem target in place of its placeholders:
     * the app (frontend, backend) is exactly what init wrote.
     */
    private Path sandboxDescriptor(Path repo) throws IOException {
        String drafted = Files.readString(repo.resolve("app.yaml"));
        String sandbox = Files.readString(world.descriptor);
        String app = drafted.substring(0, drafted.indexOf("\ndatabase:\n"));
        String hosts = sandbox.substring(sandbox.indexOf("\ndatabase:\n"));
        Path descriptor = repo.resolve("sandbox-app.yaml");
        Files.writeString(descriptor, app + hosts);
        return descriptor;
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.toString().contains("__pycache__")) {
                    Files.copy(source, target);
                }
            }
        }
        return to;
    }
}

package io.tierlift.cli.init;

import io.tierlift.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tierlift init} on the fixture apps under examples/fixtures/apps, one per common shape of a
 * Flask + React repository: each guess is the value the app needs, printed with the file and line it
 * came from, and the descriptor it writes validates.
 */
class InitFixtureAppsTest {
    static final Path FIXTURES = Path.of("../examples/fixtures/apps");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Run(code, out.toString(), err.toString());
    }

    /** init on a private copy of the fixture; its descriptor then goes through validate. */
    private Run init(String shape) throws IOException {
        Path repo = copy(FIXTURES.resolve(shape), tmp.resolve(shape));
        Run init = run("init", repo.toString(), "--yes");
        assertThat(init.code()).as(init.err()).isZero();
        return init;
    }

    private String descriptor(String shape) throws IOException {
        return Files.readString(tmp.resolve(shape).resolve("app.yaml"));
    }

    private void validates(String shape) {
        Run validate = run("validate", "-f", tmp.resolve(shape).resolve("app.yaml").toString());
        assertThat(validate.code()).as(validate.err()).isZero();
    }

    @Test
    void aFactoryInAFolderWithInitPyAndAModuleLevelInstanceIsServedFromItsOwnFolder() throws IOException {
        Run init = init("factory-package-instance");
        assertThat(init.err())
                .contains("backend.wsgi = app:app (backend/app.py:32)")
                .contains("backend.path = backend (backend/app.py:32); check: backend/__init__.py exists, but the app imports"
                        + " no module through that package, so imports start in backend")
                .contains("backend.requirements = requirements.txt (backend/requirements.txt:1); check: the wheels the app hosts"
                        + " install; it does not list gunicorn")
                .contains("frontend.dist = frontend/dist (frontend/package.json:7)")
                .contains("the UI reads VITE_API_URL when it is built (frontend/src/api.ts:1)")
                .doesNotContain("no requirements.txt").doesNotContain("wsgi.py");
        assertThat(descriptor("factory-package-instance"))
                .contains("path: \"backend\"   # from backend/app.py:32")
                .contains("wsgi: \"app:app\"   # from backend/app.py:32")
                .contains("requirements: \"requirements.txt\"   # from backend/requirements.txt:1")
                .contains("health: \"/api/health\"   # from backend/app.py:9");
        validates("factory-package-instance");
    }

    @Test
    void aFactoryWithoutAnAppIsCalledByGunicornAndItsPackageIsImportedFromItsParent() throws IOException {
        Run init = init("factory-only");
        assertThat(init.err())
                .contains("backend.wsgi = shop:create_app() (api/shop/__init__.py:6); check: an app factory and no module-level app")
                .contains("backend.path = api (api/shop/__init__.py:3); check: api/shop is a package the app imports through")
                .contains("backend.python = 3.11 (api/.python-version:1)")
                .contains("backend.health = /api/health (api/shop/views.py:14)")
                .contains("frontend.dist = web/build (web/package.json:11); check: Create React App writes the site to build/")
                .contains("the UI reads REACT_APP_API_URL when it is built (web/src/index.js:2)");
        assertThat(descriptor("factory-only")).contains("wsgi: \"shop:create_app()\"").contains("dist: \"web/build\"")
                .contains("build: \"npm install && npm run build\"");
        validates("factory-only");
    }

    @Test
    void aFlatModuleAtTheRootIsServedFromTheRoot() throws IOException {
        Run init = init("flat-module");
        assertThat(init.err())
                .contains("backend.wsgi = app:app (app.py:6)")
                .contains("backend.path = . (app.py:6)")
                .contains("backend.requirements = requirements.txt (requirements.txt:1); check: the wheels the app hosts install; it lists gunicorn")
                .contains("backend.python = 3.11 (.python-version:1)")
                .contains("frontend.path = frontend (frontend/package.json:5)");
        assertThat(descriptor("flat-module")).contains("path: \"frontend\"").contains("path: \".\"").contains("dist: \"frontend/dist\"");
        validates("flat-module");
    }

    @Test
    void alembicMigrationsBecomeTheReleaseCommandAndViteOutDirIsRead() throws IOException {
        Run init = init("alembic-migrations");
        assertThat(init.err())
                .contains("backend.wsgi = ledger:app (backend/ledger.py:6)")
                .contains("backend.release_command = alembic upgrade head (backend/alembic.ini:2)")
                .contains("frontend.dist = frontend/public-build (frontend/vite.config.js:2)")
                .contains("frontend.build = npm ci && npm run build (frontend/package.json:5)")
                .doesNotContain("no migrate.py");
        assertThat(descriptor("alembic-migrations")).contains("release_command: \"alembic upgrade head\"   # from backend/alembic.ini:2");
        validates("alembic-migrations");
    }

    @Test
    void flaskMigrateABlueprintHealthRouteAndRequirementsInAFolderAreFound() throws IOException {
        Run init = init("flask-migrate");
        assertThat(init.err())
                .contains("backend.wsgi = wsgi:app (backend/wsgi.py:3)")
                .contains("backend.release_command = flask --app wsgi:app db upgrade (backend/board/__init__.py:4)")
                .contains("backend.requirements = requirements/production.txt (backend/requirements/production.txt:1)")
                .contains("backend.python = 3.12 (backend/runtime.txt:1)")
                .contains("backend.health = /api/healthz (backend/board/routes.py:9)")
                .contains("the UI reads REACT_APP_BACKEND_URL when it is built (frontend/src/config.js:1)");
        assertThat(descriptor("flask-migrate")).contains("requirements: \"requirements/production.txt\"")
                .contains("health: \"/api/healthz\"");
        validates("flask-migrate");
    }

    @Test
    void dependenciesOnlyInPyprojectAreProposedAsTheRequirementsAndTheDraftValidates() throws IOException {
        Run init = init("pyproject-dependencies");
        assertThat(init.err())
                .contains("backend.requirements = pyproject.toml (backend/pyproject.toml:5); check: its [project].dependencies"
                        + " (flask>=3.0, psycopg2-binary>=2.9) are the wheels the app hosts install; they do not list gunicorn")
                .contains("backend.python = 3.11 (backend/pyproject.toml:4)")
                .doesNotContain("write backend/requirements.txt");
        assertThat(descriptor("pyproject-dependencies")).contains("requirements: \"pyproject.toml\"").doesNotContain("TODO: not detected");
        assertThat(init.err()).contains("(valid)");
        validates("pyproject-dependencies");
    }

    @Test
    void aPyprojectWithoutProjectDependenciesIsNamedWithWhatIsMissingAndNotProposed() throws IOException {
        Path repo = copy(FIXTURES.resolve("pyproject-dependencies"), tmp.resolve("poetry-style"));
        Files.writeString(repo.resolve("backend/pyproject.toml"), "[tool.poetry]\nname = \"survey\"\n\n[tool.poetry.dependencies]\nflask = \"^3\"\n");
        Run init = run("init", repo.toString(), "--yes");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.err()).contains("backend/pyproject.toml has no [project].dependencies array").doesNotContain("(valid)");
        Files.writeString(repo.resolve("app.yaml"), Files.readString(repo.resolve("app.yaml"))
                .replaceFirst("requirements: \"[^\"]*\"", "requirements: \"pyproject.toml\""));
        Run validate = run("validate", "-f", repo.resolve("app.yaml").toString());
        assertThat(validate.code()).as(validate.err()).isEqualTo(65);
        assertThat(validate.err()).containsPattern("app\\.yaml:\\d+:\\d+: backend\\.requirements: .*pyproject\\.toml has no \\[project\\]\\.dependencies array");
    }

    static Path copy(Path from, Path to) throws IOException {
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

package io.tierlift.descriptor;

import io.tierlift.diag.Diagnostic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The app a descriptor describes, checked on disk without importing it: each problem at the key that names it. */
class AppSourceCheckTest {
    private static final String DESCRIPTOR = """
            app: todo
            frontend:
              path: web
              build: "npm ci && npm run build"
              dist: web/dist
            backend:
              path: api
              wsgi: "todo.app:app"
              requirements: requirements.txt
            database: { name: todo, user: todo, password: "${env:TODO_DB_PASSWORD}" }
            targets:
              aws-serverless: { region: eu-west-1 }
            """;

    @TempDir
    Path repo;

    @BeforeEach
    void aWorkingApp() throws IOException {
        write("api/requirements.txt", "flask==3.1.3\n");
        write("api/todo/__init__.py", "");
        write("api/todo/app.py", "from flask import Flask\n\napp = Flask(__name__)\n");
        write("web/package.json", "{\"scripts\": {\"build\": \"vite build\"}}");
    }

    @Test
    void aWorkingAppHasNoProblems() {
        assertThat(check(DESCRIPTOR)).isEmpty();
    }

    @Test
    void aMissingWsgiModuleIsReportedAtBackendWsgi() throws IOException {
        Files.delete(repo.resolve("api/todo/app.py"));
        List<Diagnostic> problems = check(DESCRIPTOR);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).format()).startsWith("app.yaml:8:9: backend.wsgi: no module todo.app in ")
                .contains("neither todo/app.py nor todo/app/__init__.py exists");
    }

    @Test
    void aModuleWithoutTheAttributeIsReportedAtBackendWsgi() throws IOException {
        write("api/todo/app.py", "from flask import Flask\n\ndef make():\n    app = Flask(__name__)\n    return app\n");
        assertThat(check(DESCRIPTOR)).singleElement().extracting(Diagnostic::format).asString()
                .startsWith("app.yaml:8:9: backend.wsgi: todo/app.py (module todo.app) does not define 'app' at module level");
    }

    @Test
    void aMissingRequirementsFileIsReportedAtBackendRequirements() throws IOException {
        Files.delete(repo.resolve("api/requirements.txt"));
        assertThat(check(DESCRIPTOR)).singleElement().extracting(Diagnostic::format).asString()
                .startsWith("app.yaml:9:17: backend.requirements: " + repo.resolve("api/requirements.txt") + " does not exist");
    }

    @Test
    void aPyprojectWithProjectDependenciesIsAcceptedAsRequirements() throws IOException {
        write("api/pyproject.toml", "[project]\nname = \"todo\"\ndependencies = [\"flask>=3\"]\n");
        assertThat(check(DESCRIPTOR.replace("requirements: requirements.txt", "requirements: pyproject.toml"))).isEmpty();
    }

    @Test
    void aPyprojectWithoutProjectDependenciesIsRefusedAtBackendRequirements() throws IOException {
        write("api/pyproject.toml", "[project]\nname = \"todo\"\n\n[tool.poetry.dependencies]\nflask = \"^3\"\n");
        assertThat(check(DESCRIPTOR.replace("requirements: requirements.txt", "requirements: pyproject.toml")))
                .singleElement().extracting(Diagnostic::format).asString()
                .startsWith("app.yaml:9:17: backend.requirements: " + repo.resolve("api/pyproject.toml") + " has no [project].dependencies array");
    }

    @Test
    void aMissingBackendFolderIsReportedAtBackendPathAlone() {
        List<Diagnostic> problems = check(DESCRIPTOR.replace("path: api", "path: server"));
        assertThat(problems).singleElement().extracting(Diagnostic::format).asString()
                .startsWith("app.yaml:7:9: backend.path: " + repo.resolve("server") + " is not a folder");
    }

    @Test
    void aFrontendWithoutPackageJsonOrWithoutTheBuildScriptIsReported() throws IOException {
        write("web/package.json", "{\"scripts\": {\"dev\": \"vite\"}}");
        assertThat(check(DESCRIPTOR)).singleElement().extracting(Diagnostic::format).asString()
                .startsWith("app.yaml:4:10: frontend.build: frontend.build runs the script 'build', which ")
                .endsWith("does not define (its scripts: dev)");
        Files.delete(repo.resolve("web/package.json"));
        assertThat(check(DESCRIPTOR)).singleElement().extracting(Diagnostic::format).asString()
                .startsWith("app.yaml:3:9: frontend.path: no package.json in " + repo.resolve("web"));
    }

    @Test
    void aFinishedBuildWithoutItsSourcesIsAWarning() throws IOException {
        Files.delete(repo.resolve("web/package.json"));
        write("web/dist/index.html", "<!doctype html><title>todo</title>");
        assertThat(check(DESCRIPTOR)).singleElement().satisfies(d -> {
            assertThat(d.isError()).isFalse();
            assertThat(d.format()).contains("frontend.path: no package.json in ")
                    .endsWith("the existing build in " + repo.resolve("web/dist") + " is shipped as it is and cannot be rebuilt");
        });
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Files.delete(repo.resolve("api/requirements.txt"));
        Files.delete(repo.resolve("api/todo/app.py"));
        Files.delete(repo.resolve("web/package.json"));
        assertThat(check(DESCRIPTOR)).extracting(Diagnostic::path)
                .containsExactly("frontend.path", "backend.wsgi", "backend.requirements");
    }

    @Test
    void aPackageModuleIsItsInitFile() throws IOException {
        Files.delete(repo.resolve("api/todo/app.py"));
        write("api/todo/__init__.py", "from .factory import create_app\n\napp = create_app()\n");
        assertThat(check(DESCRIPTOR.replace("todo.app:app", "todo:app"))).isEmpty();
    }

    @Test
    void theNamesGunicornCanFindAreRecognisedWithoutImporting() {
        assertThat(AppSourceCheck.definesAtModuleLevel("app = create_app()\n", "app")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("app: Flask = Flask(__name__)\n", "app")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("application = app = Flask(__name__)\n", "app")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("def create_app(config=None):\n    return Flask(__name__)\n", "create_app")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("from .factory import (\n    db,\n    create_app,\n)\n", "create_app")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("from notes.app import app as application\n", "application")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("try:\n    app = Flask(__name__)\nexcept ImportError:\n    raise\n", "app")).isTrue();
        assertThat(AppSourceCheck.definesAtModuleLevel("def factory():\n    app = Flask(__name__)\n    return app\n", "app")).isFalse();
        assertThat(AppSourceCheck.definesAtModuleLevel("class Config:\n    app = 1\n", "app")).isFalse();
        assertThat(AppSourceCheck.definesAtModuleLevel("if app == 1:\n    pass\n", "app")).isFalse();
        assertThat(AppSourceCheck.definesAtModuleLevel("# app = Flask(__name__)\nimport flask\n", "app")).isFalse();
        assertThat(AppSourceCheck.definesAtModuleLevel("from flask import Flask\napplication = Flask(__name__)\n", "app")).isFalse();
    }

    @Test
    void aFactoryCallNamesTheFactory() throws IOException {
        write("api/todo/app.py", "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n");
        LoadedDescriptor loaded = load(DESCRIPTOR);
        assertThat(new AppSourceCheck().check(withWsgi(loaded, "todo.app:create_app()"))).isEmpty();
        assertThat(new AppSourceCheck().check(withWsgi(loaded, "todo.app:make_app()"))).singleElement()
                .extracting(Diagnostic::message).asString().contains("does not define 'make_app'");
    }

    private static LoadedDescriptor withWsgi(LoadedDescriptor loaded, String wsgi) {
        var d = loaded.descriptor();
        var b = d.backend();
        var backend = new io.tierlift.model.Backend(b.path(), wsgi, b.python(), b.requirements(), b.health(), b.releaseCommand(),
                b.port(), b.workers(), b.timeout(), b.gracefulTimeout(), b.env(), b.systemPackages());
        return new LoadedDescriptor(new io.tierlift.model.AppDescriptor(d.app(), d.environment(), d.baseDir(), d.frontend(), backend,
                d.database(), d.targets()), loaded.warnings(), loaded.sourceMap());
    }

    private List<Diagnostic> check(String descriptor) {
        return new AppSourceCheck().check(load(descriptor));
    }

    private LoadedDescriptor load(String descriptor) {
        return new DescriptorLoader().load("app.yaml", descriptor, repo, Optional.empty());
    }

    private void write(String path, String text) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}

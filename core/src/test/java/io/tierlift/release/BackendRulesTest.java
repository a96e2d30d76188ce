package io.tierlift.release;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendRulesTest {
    static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static List<String> released(BackendRules rules, Path backend) {
        return new SourceTree().read(backend, rules).stream().map(SourceFile::path).toList();
    }

    @Test
    void leavesOutWhatShouldNotRunByDefault(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve("app.py"), "app = None\n");
        write(backend.resolve(".env"), "DATABASE_URL=postgresql://canary\n");
        write(backend.resolve(".env.local"), "X=1\n");
        write(backend.resolve(".git/HEAD"), "ref\n");
        write(backend.resolve("node_modules/x/index.js"), "\n");
        write(backend.resolve("pkg/__pycache__/a.cpython-311.pyc"), "\n");
        write(backend.resolve("env/pyvenv.cfg"), "home = /usr/bin\n");
        write(backend.resolve("env/lib/site.py"), "\n");
        write(backend.resolve("tests/test_app.py"), "\n");
        BackendRules rules = BackendRules.of(base, backend, List.of());
        assertThat(released(rules, backend)).containsExactly("app.py");
        assertThat(rules.leftOut()).containsExactly(".env (.env* file)", ".env.local (.env* file)", ".git/ (version control data)",
                "env/ (virtualenv)", "node_modules/ (node_modules)", "pkg/__pycache__/ (bytecode cache)", "tests/ (top-level tests)");
    }

    @Test
    void leavesOutWhatTheGitignoresAndTheTierliftignoreName(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve("app.py"), "\n");
        write(backend.resolve("local_settings.py"), "\n");
        write(backend.resolve("uploads/a.png"), "\n");
        write(backend.resolve("notes.txt"), "\n");
        write(base.resolve(".gitignore"), "backend/local_settings.py\nuploads/\n");
        write(backend.resolve(".tierliftignore"), "notes.txt\n");
        BackendRules rules = BackendRules.of(base, backend, List.of());
        assertThat(released(rules, backend)).containsExactly(".tierliftignore", "app.py");
        assertThat(rules.leftOut()).containsExactly(
                "local_settings.py (the .gitignore of " + base.toAbsolutePath() + ": backend/local_settings.py)",
                "notes.txt (.tierliftignore: notes.txt)",
                "uploads/ (the .gitignore of " + base.toAbsolutePath() + ": uploads/)");
    }

    @Test
    void refusesAFileThatLooksLikeSecretsNamingItsPath(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve("app.py"), "\n");
        write(backend.resolve("config/deploy.key"), KEY);
        write(backend.resolve("prod.env"), "SECRET=1\n");
        BackendRules rules = BackendRules.of(base, backend, List.of());
        List<SourceFile> files = new SourceTree().read(backend, rules);
        assertThatThrownBy(() -> rules.refuseSecrets(files))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("config/deploy.key (holds a private key)")
                .hasMessageContaining("prod.env (looks like a dotenv file)")
                .hasMessageContaining("backend.include");
    }

    @Test
    void shipsASecretLookingFileTheDescriptorIncludesOnPurpose(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve("app.py"), "\n");
        write(backend.resolve("config/deploy.key"), KEY);
        write(backend.resolve(".env.defaults"), "PAGE_SIZE=50\n");
        BackendRules rules = BackendRules.of(base, backend, List.of("config/deploy.key", ".env.defaults"));
        List<SourceFile> files = new SourceTree().read(backend, rules);
        rules.refuseSecrets(files);
        assertThat(files).extracting(SourceFile::path).containsExactly(".env.defaults", "app.py", "config/deploy.key");
    }

    @Test
    void theFingerprintFollowsTheIncludeListAndTheOuterGitignore(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve("app.py"), "\n");
        String plain = BackendRules.of(base, backend, List.of()).fingerprint();
        assertThat(BackendRules.of(base, backend, List.of("a.pem")).fingerprint()).isNotEqualTo(plain);
        write(base.resolve(".gitignore"), "*.log\n");
        assertThat(BackendRules.of(base, backend, List.of()).fingerprint()).isNotEqualTo(plain);
    }

    @Test
    void aNestedGitignoreLeavesOutWhatItNamesRelativeToItsOwnFolder(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve("app.py"), "app = None\n");
        write(backend.resolve("pkg/.gitignore"), "/generated/\n*.log\n!keep.log\n");
        write(backend.resolve("pkg/generated/schema.py"), "\n");
        write(backend.resolve("pkg/run.log"), "\n");
        write(backend.resolve("pkg/keep.log"), "\n");
        write(backend.resolve("pkg/views.py"), "\n");
        // Anchored to pkg/: a generated/ folder elsewhere and a .log outside pkg/ are not its business.
        write(backend.resolve("generated/kept.py"), "\n");
        write(backend.resolve("top.log"), "\n");
        BackendRules rules = BackendRules.of(base, backend, List.of());
        assertThat(released(rules, backend)).containsExactly("app.py", "generated/kept.py", "pkg/.gitignore", "pkg/keep.log",
                "pkg/views.py", "top.log");
        assertThat(rules.leftOut()).containsExactly("pkg/generated/ (pkg/.gitignore: /generated/)", "pkg/run.log (pkg/.gitignore: *.log)");
    }

    @Test
    void aDeeperGitignoreTakesBackWhatAShallowerOneIgnores(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve(".gitignore"), "*.json\n");
        write(backend.resolve("data/.gitignore"), "!fixtures.json\n");
        write(backend.resolve("data/fixtures.json"), "{}\n");
        write(backend.resolve("data/cache.json"), "{}\n");
        write(backend.resolve("app.py"), "\n");
        assertThat(released(BackendRules.of(base, backend, List.of()), backend))
                .containsExactly(".gitignore", "app.py", "data/.gitignore", "data/fixtures.json");
    }

    @Test
    void aGitignoreInsideAnIgnoredFolderIsNotRead(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve(".gitignore"), "build/\n");
        write(backend.resolve("build/.gitignore"), "!*\n");
        write(backend.resolve("build/out.py"), "\n");
        write(backend.resolve("app.py"), "\n");
        assertThat(released(BackendRules.of(base, backend, List.of()), backend)).containsExactly(".gitignore", "app.py");
    }

    @Test
    void anIncludedFolderShipsEverythingInItAndOnlyThat(@TempDir Path base) throws IOException {
        Path backend = base.resolve("backend");
        write(backend.resolve(".gitignore"), "certs/\nconfig/\n");
        write(backend.resolve("certs/upstream-ca.pem"), "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n");
        write(backend.resolve("certs/sub/.env"), "X=1\n");
        write(backend.resolve("config/.env.production"), "Y=2\n");
        write(backend.resolve("config/local.py"), "\n");
        write(backend.resolve("app.py"), "\n");
        BackendRules rules = BackendRules.of(base, backend, List.of("certs", "config/.env.production"));
        List<SourceFile> files = new SourceTree().read(backend, rules);
        rules.refuseSecrets(files);
        // certs/ whole, config/ only for the one file named: the rest of config/ stays ignored with its folder.
        assertThat(files).extracting(SourceFile::path).containsExactly(".gitignore", "app.py", "certs/sub/.env", "certs/upstream-ca.pem",
                "config/.env.production");
        assertThat(rules.leftOut()).containsExactly("config/local.py (backend .gitignore: config/)");
    }
}

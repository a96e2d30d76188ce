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
}

package io.tierlift.onprem.release;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;
import io.tierlift.provider.Progress;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ReleaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a backend release carries: the canary .env and private key never reach its archive. */
class ReleaseRulesTest {
    static final String CANARY = "canary-7f3e9d";
    static final String KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + CANARY + "\n-----END RSA PRIVATE KEY-----\n";

    private final List<String> log = new ArrayList<>();
    private final Progress progress = (scope, message) -> log.add(scope + ": " + message);
    private final ReleaseBuilder builder = new ReleaseBuilder(new FakeRunner((call, out) -> {
        throw new AssertionError("no process expected, got " + call.argv());
    }), PipSettings.defaults(), progress);

    private static AppDescriptor withCanaries(Path base) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(base);
        Files.writeString(base.resolve("backend/.env"), "DATABASE_URL=postgresql://notes:" + CANARY + "@localhost/notes\n");
        Files.writeString(base.resolve("backend/deploy_key.pem"), KEY);
        Files.writeString(base.resolve("backend/.gitignore"), "*.pem\n");
        return d;
    }

    private static void assertNoCanary(byte[] archive) {
        List<String> names = TarContents.names(archive);
        assertThat(names).doesNotContain("backend/.env", "backend/deploy_key.pem").contains("backend/notes/app.py");
        for (String name : names) {
            TarContents.Entry entry = TarContents.entry(archive, name);
            if (!entry.directory()) {
                assertThat(entry.text()).as(name).doesNotContain(CANARY);
            }
        }
    }

    @Test
    void aCanaryEnvAndAnIgnoredPrivateKeyStayOutOfTheArchiveAndTheReleaseNamesThem(@TempDir Path base) throws IOException {
        AppDescriptor d = withCanaries(base);
        BackendRelease release = builder.backend(d);
        assertNoCanary(release.archive());
        assertThat(release.leftOut()).containsExactly(".env (.env* file)", "deploy_key.pem (backend .gitignore: *.pem)",
                "tests/ (top-level tests)");
        assertThat(log).anyMatch(line -> line.contains("left out: .env (.env* file), deploy_key.pem (backend .gitignore: *.pem)"));
    }

    @Test
    void theCachedPathLeavesThemOutToo(@TempDir Path base) throws IOException {
        AppDescriptor d = withCanaries(base);
        ReleaseIdCache ids = new ReleaseIdCache(base.resolve("cache"));
        BackendRelease first = builder.backend(d, ids);
        assertNoCanary(first.archive());
        BackendRelease again = builder.backend(d, ids);
        assertThat(again.id()).isEqualTo(first.id());
        assertNoCanary(again.archive());
        assertThat(again.leftOut()).contains(".env (.env* file)");
    }

    @Test
    void aPrivateKeyNothingLeavesOutIsRefusedWithItsPath(@TempDir Path base) throws IOException {
        AppDescriptor d = withCanaries(base);
        Files.delete(base.resolve("backend/.gitignore"));
        assertThatThrownBy(() -> builder.backend(d))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("deploy_key.pem (holds a private key)")
                .hasMessageContaining(".tierliftignore");
        assertThatThrownBy(() -> builder.backend(d, new ReleaseIdCache(base.resolve("cache"))))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("deploy_key.pem (holds a private key)");
    }

    @Test
    void aFileTheDescriptorIncludesOnPurposeIsShipped(@TempDir Path base) throws IOException {
        AppDescriptor plain = withCanaries(base);
        Files.delete(base.resolve("backend/.gitignore"));
        Backend b = plain.backend();
        Backend including = new Backend(b.path(), b.wsgi(), b.python(), b.requirements(), b.health(), b.releaseCommand(), b.port(),
                b.workers(), b.timeout(), b.gracefulTimeout(), b.env(), b.systemPackages(), List.of("deploy_key.pem"));
        AppDescriptor d = new AppDescriptor(plain.app(), plain.environment(), plain.baseDir(), plain.frontend(), including,
                plain.database(), plain.targets());
        BackendRelease release = builder.backend(d);
        assertThat(TarContents.entry(release.archive(), "backend/deploy_key.pem").text()).isEqualTo(KEY);
        assertThat(TarContents.names(release.archive())).doesNotContain("backend/.env");
    }

    @Test
    void aTierliftignoreChangesWhatTheCachedReleaseHolds(@TempDir Path base) throws IOException {
        AppDescriptor d = TestApps.copyOfExampleBackend(base);
        ReleaseIdCache ids = new ReleaseIdCache(base.resolve("cache"));
        Files.writeString(base.resolve("backend/NOTES.txt"), "dev notes", StandardCharsets.UTF_8);
        BackendRelease with = builder.backend(d, ids);
        assertThat(TarContents.names(with.archive())).contains("backend/NOTES.txt");
        Files.writeString(base.resolve("backend/.tierliftignore"), "NOTES.txt\n", StandardCharsets.UTF_8);
        BackendRelease without = builder.backend(d, ids);
        assertThat(without.id()).isNotEqualTo(with.id());
        assertThat(TarContents.names(without.archive())).doesNotContain("backend/NOTES.txt");
    }
}

package io.tierlift.aws.iaas;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The EC2 release archive follows the same rules as every release: no .env, no private key. */
class BackendReleaseRulesTest {
    private static final String CANARY = "canary-e2c41a";

    @TempDir
    Path dir;

    private AppDescriptor app() throws IOException {
        AppDescriptor example = new DescriptorLoader().load(Path.of("../../examples/notes/app.yaml"), Optional.empty()).descriptor();
        Files.createDirectories(dir.resolve("backend/notes"));
        Files.writeString(dir.resolve("backend/requirements.txt"), "flask==3.1.3\n");
        Files.writeString(dir.resolve("backend/notes/app.py"), "app = None\n");
        Files.writeString(dir.resolve("backend/.env"), "SECRET_KEY=" + CANARY + "\n");
        Files.writeString(dir.resolve("backend/deploy_key.pem"), "-----BEGIN PRIVATE KEY-----\n" + CANARY + "\n-----END PRIVATE KEY-----\n");
        Files.writeString(dir.resolve(".gitignore"), "*.pem\n");
        return new AppDescriptor(example.app(), example.environment(), dir, example.frontend(), example.backend(), example.database(),
                example.targets());
    }

    @Test
    void aCanaryEnvAndAnIgnoredPrivateKeyNeverReachTheArchive() throws IOException {
        Map<String, String> files = untar(BackendRelease.of(app()).archive());
        assertThat(files).containsKeys("notes/app.py", "requirements.txt").doesNotContainKeys(".env", "deploy_key.pem");
        assertThat(files.values()).noneMatch(text -> text.contains(CANARY));
    }

    @Test
    void anUnignoredPrivateKeyIsRefusedWithItsPath() throws IOException {
        AppDescriptor app = app();
        Files.delete(dir.resolve(".gitignore"));
        assertThatThrownBy(() -> BackendRelease.of(app)).isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("deploy_key.pem (holds a private key)");
    }

    @Test
    void aNestedGitignoreAndAnIncludedFolderApplyToTheArchiveAsToEveryRelease() throws IOException {
        AppDescriptor app = app();
        Files.writeString(dir.resolve("backend/notes/.gitignore"), "uploads/\n");
        Files.createDirectories(dir.resolve("backend/notes/uploads"));
        Files.writeString(dir.resolve("backend/notes/uploads/photo.txt"), CANARY + "\n");
        Files.createDirectories(dir.resolve("backend/certs"));
        Files.writeString(dir.resolve("backend/certs/upstream-ca.pem"), "ca\n");
        var b = app.backend();
        AppDescriptor including = new AppDescriptor(app.app(), app.environment(), app.baseDir(), app.frontend(),
                new io.tierlift.model.Backend(b.path(), b.wsgi(), b.python(), b.requirements(), b.health(), b.releaseCommand(), b.port(),
                        b.workers(), b.timeout(), b.gracefulTimeout(), b.env(), b.systemPackages(), java.util.List.of("certs")),
                app.database(), app.targets());
        Map<String, String> files = untar(BackendRelease.of(including).archive());
        assertThat(files).containsKeys("notes/app.py", "notes/.gitignore", "certs/upstream-ca.pem")
                .doesNotContainKeys("notes/uploads/photo.txt", "deploy_key.pem");
    }

    /** Regular files of a ustar archive by name, as text. */
    private static Map<String, String> untar(byte[] tarGz) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            byte[] tar = in.readAllBytes();
            int at = 0;
            while (at + 512 <= tar.length && tar[at] != 0) {
                String name = new String(tar, at, 100, StandardCharsets.UTF_8).replace("\0", "");
                String prefix = new String(tar, at + 345, 155, StandardCharsets.UTF_8).replace("\0", "");
                long size = Long.parseLong(new String(tar, at + 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                if (tar[at + 156] == '0' || tar[at + 156] == 0) {
                    files.put(prefix.isEmpty() ? name : prefix + "/" + name, new String(tar, at + 512, (int) size, StandardCharsets.UTF_8));
                }
                at += 512 + (int) ((size + 511) / 512 * 512);
            }
        }
        return files;
    }
}

package io.tierlift.onprem.release;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;
import io.tierlift.model.Frontend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;

/** The notes example's descriptor, and copies of it pointing at test folders. */
final class TestApps {
    static final Path EXAMPLE_DIR = Path.of("../../examples/notes").toAbsolutePath().normalize();

    static AppDescriptor example() {
        return new DescriptorLoader().load(EXAMPLE_DIR.resolve("app.yaml"), Optional.empty()).descriptor();
    }

    static AppDescriptor at(Path baseDir) {
        AppDescriptor d = example();
        return new AppDescriptor(d.app(), d.environment(), baseDir, d.frontend(), d.backend(), d.database(), d.targets());
    }

    static AppDescriptor withFrontend(AppDescriptor d, Frontend frontend) {
        return new AppDescriptor(d.app(), d.environment(), d.baseDir(), frontend, d.backend(), d.database(), d.targets());
    }

    static AppDescriptor withPython(AppDescriptor d, String python) {
        Backend b = d.backend();
        Backend changed = new Backend(b.path(), b.wsgi(), python, b.requirements(), b.health(), b.releaseCommand(), b.port(),
                b.workers(), b.timeout(), b.gracefulTimeout(), b.env());
        return new AppDescriptor(d.app(), d.environment(), d.baseDir(), d.frontend(), changed, d.database(), d.targets());
    }

    static AppDescriptor withSystemPackages(AppDescriptor d, String python, java.util.Map<String, String> systemPackages) {
        Backend b = d.backend();
        Backend changed = new Backend(b.path(), b.wsgi(), python, b.requirements(), b.health(), b.releaseCommand(), b.port(),
                b.workers(), b.timeout(), b.gracefulTimeout(), b.env(), systemPackages);
        return new AppDescriptor(d.app(), d.environment(), d.baseDir(), d.frontend(), changed, d.database(), d.targets());
    }

    /** Copies the example's backend sources (not caches) into {@code baseDir/backend}. */
    static AppDescriptor copyOfExampleBackend(Path baseDir) {
        copyTree(EXAMPLE_DIR.resolve("backend"), baseDir.resolve("backend"));
        return at(baseDir);
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                if (source.toString().contains("__pycache__")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestApps() {
    }
}

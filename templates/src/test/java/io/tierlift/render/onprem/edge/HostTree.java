package io.tierlift.render.onprem.edge;

import io.tierlift.provider.RenderedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * One host's rendered files written below a temporary root, as they would lie on the host, plus
 * what the deploy step would add (certificates, a static release).
 */
final class HostTree {
    private final Path root;
    private final String host;

    private HostTree(Path root, String host) {
        this.root = root;
        this.host = host;
    }

    static HostTree write(List<RenderedFile> files, String host, Path root) {
        String prefix = host + "/";
        List<RenderedFile> own = files.stream().filter(f -> f.location().startsWith(prefix)).toList();
        if (own.isEmpty()) {
            throw new IllegalArgumentException("nothing was rendered for host " + host);
        }
        try {
            for (RenderedFile file : own) {
                Path target = root.resolve(file.location().substring(prefix.length()));
                Files.createDirectories(target.getParent());
                Files.write(target, file.content());
            }
            Files.createDirectories(root.resolve("srv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HostTree(root, host);
    }

    /** The hosts that got files from the renderer, in order. */
    static List<String> hostsOf(List<RenderedFile> files) {
        return files.stream().map(f -> f.location().substring(0, f.location().indexOf('/'))).distinct().toList();
    }

    Path root() {
        return root;
    }

    String host() {
        return host;
    }

    /** Where an absolute host path lies in the tree. */
    Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    String read(String absolute) {
        try {
            return Files.readString(path(absolute));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeFile(String absolute, String content) {
        try {
            Files.createDirectories(path(absolute).getParent());
            Files.writeString(path(absolute), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A throwaway self-signed certificate and key, made by openssl as the deploy step would. */
    void placeCertificate(Processes processes, String certificate, String key) {
        try {
            Files.createDirectories(path(certificate).getParent());
            Files.createDirectories(path(key).getParent());
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        processes.check(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test",
                "-days", "1", "-keyout", path(key).toString(), "-out", path(certificate).toString()), Duration.ofSeconds(60));
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

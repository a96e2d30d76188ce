package io.tierlift.aws.iaas;

import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.model.AppDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backend folder as a reproducible tar.gz (fixed times and order), named by the hash of its
 * content: the same code gives the same key, so a redeploy uploads nothing and the compute
 * stack's parameter does not change.
 */
public record BackendRelease(String id, byte[] archive) {
    public String key() {
        return "releases/" + id + ".tar.gz";
    }

    public static BackendRelease of(AppDescriptor descriptor) {
        Path folder = descriptor.baseDir().resolve(descriptor.backend().path()).normalize();
        if (!Files.isDirectory(folder)) {
            throw new IaasDeployException("backend folder " + folder + " does not exist");
        }
        List<ArchiveEntry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> !folder.relativize(p).toString().contains("__pycache__"))
                    .forEach(p -> entries.add(ArchiveEntry.file(folder.relativize(p).toString().replace('\\', '/'), p,
                            Files.isExecutable(p))));
        } catch (IOException | UncheckedIOException e) {
            throw new IaasDeployException("cannot read the backend folder " + folder + ": " + e.getMessage(), e);
        }
        byte[] archive = new TarGzWriter().toBytes(entries);
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
            return new BackendRelease(hash.substring(0, 16), archive);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

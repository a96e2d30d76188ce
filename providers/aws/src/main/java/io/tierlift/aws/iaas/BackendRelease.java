package io.tierlift.aws.iaas;

import io.tierlift.archive.ArchiveEntry;
import io.tierlift.archive.TarGzWriter;
import io.tierlift.model.AppDescriptor;
import io.tierlift.release.BackendRules;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.SourceFile;
import io.tierlift.release.SourceTree;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The backend folder as a reproducible tar.gz (fixed times and order), named by the hash of its
 * content: the same code gives the same key, so a redeploy uploads nothing and the compute
 * stack's parameter does not change. What it leaves out and refuses is {@link BackendRules}'.
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
        // The same rules as every release: what should not run is left out, secrets are refused.
        BackendRules rules = BackendRules.of(descriptor.baseDir(), folder, descriptor.backend().include());
        List<ArchiveEntry> entries = new ArrayList<>();
        try {
            List<SourceFile> files = new SourceTree().read(folder, rules);
            rules.refuseSecrets(files);
            files.forEach(f -> entries.add(ArchiveEntry.file(f.path(), f.contentNoCopy(), f.executable())));
        } catch (ReleaseException e) {
            throw new IaasDeployException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
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

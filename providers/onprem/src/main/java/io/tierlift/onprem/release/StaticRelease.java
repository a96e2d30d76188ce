package io.tierlift.onprem.release;

import java.util.List;

/**
 * The frontend build as a release: {@code id} ("s-" + 12 hex) names its content, {@code archive}
 * holds the dist folder's files at the archive root, {@code files} lists them with checksums (what
 * an object-store sync compares against).
 */
public record StaticRelease(String id, byte[] archive, List<StaticFile> files) {
    public StaticRelease {
        archive = archive.clone();
        files = List.copyOf(files);
    }

    @Override
    public byte[] archive() {
        return archive.clone();
    }

    public int archiveSize() {
        return archive.length;
    }
}

package io.tierlift.onprem.release;

/**
 * The backend code as a release: {@code id} ("r-" + 12 hex) names its content, {@code archive} is
 * the tar.gz with everything under {@code backend/}, and {@code requirementsHash} (hex SHA-256 of
 * the requirements file) ties it to the {@link Wheelhouse} built from the same file.
 * {@code requirementsFile} is the file's path inside the unpacked release.
 */
public record BackendRelease(String id, byte[] archive, String requirementsHash, String requirementsFile, int fileCount) {
    public BackendRelease {
        archive = archive.clone();
    }

    @Override
    public byte[] archive() {
        return archive.clone();
    }

    public int archiveSize() {
        return archive.length;
    }
}

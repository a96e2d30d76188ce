package io.tierlift.onprem.release;

import java.util.List;
import java.util.function.Supplier;

/**
 * The backend code as a release: {@code id} ("r-" + 12 hex) names its content, {@code archive} is
 * the tar.gz with everything under {@code backend/}, and {@code requirementsHash} (hex SHA-256 of
 * the requirements file) ties it to the {@link Wheelhouse} built from the same file.
 * {@code requirementsFile} is the file's path inside the unpacked release; {@code leftOut} names
 * what the backend folder holds that the release does not carry, with why.
 *
 * <p>The archive is made the first time it is asked for: a redeploy whose hosts already have this
 * release never packs it.
 */
public final class BackendRelease extends PackedRelease {
    private final String requirementsFile;
    private final int fileCount;
    private final List<String> leftOut;

    public BackendRelease(String id, byte[] archive, String requirementsHash, String requirementsFile, int fileCount) {
        this(id, archive::clone, requirementsHash, requirementsFile, fileCount, List.of());
    }

    BackendRelease(String id, Supplier<byte[]> archive, String requirementsHash, String requirementsFile, int fileCount,
                   List<String> leftOut) {
        super(id, archive, requirementsHash);
        this.requirementsFile = requirementsFile;
        this.fileCount = fileCount;
        this.leftOut = List.copyOf(leftOut);
    }

    public List<String> leftOut() {
        return leftOut;
    }

    public String requirementsFile() {
        return requirementsFile;
    }

    public int fileCount() {
        return fileCount;
    }
}

package io.tierlift.onprem.release;

import java.util.function.Supplier;

/**
 * What the backend code and its wheels have in common: an id that names the content, a tar.gz
 * packed the first time a host needs it (then shared by every host), and the hash of the
 * requirements file, which ties a {@link BackendRelease} to the {@link Wheelhouse} built from it.
 */
public abstract class PackedRelease {
    private final String id;
    private final LazyArchive archive;
    private final String requirementsHash;

    PackedRelease(String id, Supplier<byte[]> archive, String requirementsHash) {
        this.id = id;
        this.archive = new LazyArchive(archive);
        this.requirementsHash = requirementsHash;
    }

    public final String id() {
        return id;
    }

    /** A copy: callers can't change what other hosts receive. */
    public final byte[] archive() {
        return archive.bytes();
    }

    public final int archiveSize() {
        return archive.size();
    }

    public final String requirementsHash() {
        return requirementsHash;
    }
}

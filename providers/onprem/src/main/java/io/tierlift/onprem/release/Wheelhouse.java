package io.tierlift.onprem.release;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every wheel the backend's requirements need on the hosts' Python and platform, so hosts install
 * with {@code pip --no-index}. {@code id} is "w-" + 12 hex of the key (requirements, Python
 * version, platform); {@code archive} holds {@code requirements.txt},
 * {@code python-version} and {@code wheels/*.whl};
 * {@code directory} is the local cache folder it came from. The archive is read from the cache
 * only when a host needs it (hosts that have the virtualenv never do).
 */
public final class Wheelhouse extends PackedRelease {
    private final List<String> wheels;
    private final Path directory;
    private final boolean fromCache;
    private final Optional<String> added;

    public Wheelhouse(String id, byte[] archive, String requirementsHash, List<String> wheels, Path directory, boolean fromCache) {
        this(id, archive::clone, requirementsHash, wheels, directory, fromCache, Optional.empty());
    }

    public Wheelhouse(String id, Supplier<byte[]> archive, String requirementsHash, List<String> wheels, Path directory, boolean fromCache,
               Optional<String> added) {
        super(id, archive, requirementsHash);
        this.wheels = List.copyOf(wheels);
        this.directory = directory;
        this.fromCache = fromCache;
        this.added = added;
    }

    /** A requirement tierlift added to the app's own (the server the hosts run, when the app does not list it). */
    public Optional<String> added() {
        return added;
    }

    public List<String> wheels() {
        return wheels;
    }

    public Path directory() {
        return directory;
    }

    public boolean fromCache() {
        return fromCache;
    }
}

package io.tierlift.onprem.release;

import java.nio.file.Path;
import java.util.List;

/**
 * Every wheel the backend's requirements need on the hosts' Python and platform, so hosts install
 * with {@code pip --no-index}. {@code id} is "w-" + 12 hex of the key (requirements, Python
 * version, platform); {@code archive} holds {@code requirements.txt},
 * {@code python-version} and {@code wheels/*.whl};
 * {@code directory} is the local cache folder it came from.
 */
public record Wheelhouse(String id, byte[] archive, String requirementsHash, List<String> wheels, Path directory,
                         boolean fromCache) {
    public Wheelhouse {
        archive = archive.clone();
        wheels = List.copyOf(wheels);
    }

    @Override
    public byte[] archive() {
        return archive.clone();
    }

    public int archiveSize() {
        return archive.length;
    }
}

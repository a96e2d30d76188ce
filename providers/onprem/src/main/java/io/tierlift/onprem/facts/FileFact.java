package io.tierlift.onprem.facts;

import java.util.Optional;

/** What a host has at one path: nothing, or a file with its checksum, mode and owner. */
public record FileFact(String path, boolean exists, Optional<String> sha256, int mode, String owner, String group) {
    public static FileFact missing(String path) {
        return new FileFact(path, false, Optional.empty(), 0, "", "");
    }
}

package io.tierlift.tier;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where the restored database goes. {@link #NEW}: a new cluster or instance beside the old one, which
 * is kept (stopped on-prem) until {@code restore --finalize}; {@link #IN_PLACE}: over the existing
 * cluster, with the app in maintenance meanwhile, and nothing kept to go back to.
 */
public enum RestoreTarget {
    NEW("new"),
    IN_PLACE("in-place");

    private final String key;

    RestoreTarget(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<RestoreTarget> fromKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}

package io.tierlift.tier;

import java.util.Arrays;
import java.util.Optional;

/** Kinds of database backup: everything, changes since the last full one, or since the last backup of any kind. */
public enum BackupType {
    FULL("full"),
    DIFF("diff"),
    INCR("incr");

    private final String key;

    BackupType(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<BackupType> fromKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}

package io.tierlift.model;

import java.util.Arrays;
import java.util.Optional;

/** What an on-prem host does. Several roles may share one host (compact topologies). */
public enum Role {
    WAF("waf"),
    PROXY("proxy"),
    STATIC("static"),
    APP("app"),
    DB_PRIMARY("db-primary"),
    DB_STANDBY("db-standby"),
    /** Holds the database's backup repository and runs the scheduled backups. */
    BACKUP("backup");

    private final String key;

    Role(String key) {
        this.key = key;
    }

    /** The spelling used in descriptors. */
    public String key() {
        return key;
    }

    public static Optional<Role> fromKey(String key) {
        return Arrays.stream(values()).filter(r -> r.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}

package io.tierlift.migrate;

/** How the data moves: logical replication keeps the app online until cutover; dump is an offline copy. */
public enum Method {
    LOGICAL, DUMP;

    public String key() {
        return name().toLowerCase();
    }
}

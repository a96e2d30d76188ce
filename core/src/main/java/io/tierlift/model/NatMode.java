package io.tierlift.model;

/** One shared NAT gateway (cheaper) or one per availability zone (survives an AZ outage). */
public enum NatMode {
    SINGLE("single"),
    PER_AZ("per-az");

    private final String key;

    NatMode(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }
}

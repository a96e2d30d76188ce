package io.tierlift.provider;

import java.util.Arrays;
import java.util.Optional;

/** The hosting tiers tierlift deploys to. */
public enum Target {
    ONPREM("onprem"),
    AWS_IAAS("aws-iaas"),
    AWS_SERVERLESS("aws-serverless");

    private final String key;

    Target(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<Target> fromKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}

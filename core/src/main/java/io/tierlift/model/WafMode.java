package io.tierlift.model;

import java.util.Arrays;
import java.util.Optional;

/** What ModSecurity does with a request whose anomaly score reaches the threshold. */
public enum WafMode {
    /** Refuse it with 403 (SecRuleEngine On). */
    BLOCK("block"),
    /** Log it and let it through (SecRuleEngine DetectionOnly): a learning period before blocking. */
    DETECT("detect");

    private final String key;

    WafMode(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<WafMode> fromKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }
}

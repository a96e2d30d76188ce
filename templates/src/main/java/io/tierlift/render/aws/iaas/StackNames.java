package io.tierlift.render.aws.iaas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names derived from the app and environment: stacks are {@code <app>-<env>-<stack>} (both AWS tiers). */
public record StackNames(String app, String environment) {
    private static final int HASH_LENGTH = 8;

    public String prefix() {
        return app + "-" + environment;
    }

    public String stack(String key) {
        return prefix() + "-" + key;
    }

    /** A name for tags and descriptions. */
    public String resource(String suffix) {
        return prefix() + "-" + suffix;
    }

    /**
     * A name for a resource whose name AWS limits in length and requires unique in the account
     * (origin access controls and CloudFront functions: 64). App and environment names may be 31
     * characters each, so a long prefix is cut and a hash of the whole prefix keeps it unique.
     */
    public String resource(String suffix, int maxLength) {
        String full = resource(suffix);
        if (full.length() <= maxLength) {
            return full;
        }
        int keep = maxLength - suffix.length() - HASH_LENGTH - 2;
        if (keep < 1) {
            throw new IllegalArgumentException("suffix " + suffix + " leaves no room in " + maxLength + " characters");
        }
        return prefix().substring(0, keep) + "-" + hash(prefix()) + "-" + suffix;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

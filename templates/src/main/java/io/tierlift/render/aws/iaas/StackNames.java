package io.tierlift.render.aws.iaas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names derived from the app, environment and tier: stacks are {@code <app>-<env>-<tier>-<stack>}.
 * The tier is part of every name because a migration runs both AWS tiers side by side, often in
 * one region and account: without it the second tier's deploy would update the first tier's
 * stacks (replacing the very database being migrated) and collide on account-unique names (WAF
 * web ACLs, CloudFront origin access controls and functions).
 */
public record StackNames(String app, String environment, String tier) {
    /** The tier part of aws-iaas names. */
    public static final String IAAS = "iaas";
    /** The tier part of aws-serverless names. */
    public static final String SERVERLESS = "sls";
    private static final int HASH_LENGTH = 8;
    /**
     * Both tiers' data stack output: the log group RDS exports PostgreSQL's log to, named after the
     * instance (aws-iaas) or the cluster (aws-serverless), which only the stack knows.
     */
    public static final String DB_LOG_GROUP_OUTPUT = "DbLogGroupName";

    public String prefix() {
        return app + "-" + environment + "-" + tier;
    }

    /**
     * Both AWS tiers: the WAF's log group (in the WAF's region); AWS WAF logs only to a destination
     * whose name starts with {@code aws-waf-logs-}.
     */
    public String wafLogGroup() {
        return "aws-waf-logs-" + prefix();
    }

    /** aws-iaas: the instances' log group; the CloudWatch agent sends each file's lines as stream {@code <instance>/<source>}. */
    public String appLogGroup() {
        return "/tierlift/" + prefix() + "/app";
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

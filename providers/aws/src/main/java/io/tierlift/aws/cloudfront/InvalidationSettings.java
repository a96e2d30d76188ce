package io.tierlift.aws.cloudfront;

import java.time.Duration;

/**
 * How an invalidation is sent and waited for. CloudFront takes up to 3,000 plain paths per
 * invalidation and usually finishes in one to a few minutes; {@code timeout} bounds the wait so a
 * deploy never hangs on it (the invalidation goes on in CloudFront after tierlift stops waiting).
 */
public record InvalidationSettings(int batchSize, Duration pollInterval, Duration timeout) {
    /** CloudFront's own limit on plain (non-wildcard) paths being invalidated at once. */
    public static final int MAX_PATHS = 3000;

    public InvalidationSettings {
        if (batchSize < 1 || batchSize > MAX_PATHS) {
            throw new IllegalArgumentException("batchSize must be 1.." + MAX_PATHS + ", got " + batchSize);
        }
        if (pollInterval.isNegative() || timeout.isNegative()) {
            throw new IllegalArgumentException("pollInterval and timeout must not be negative");
        }
    }

    public static InvalidationSettings defaults() {
        return new InvalidationSettings(1000, Duration.ofSeconds(10), Duration.ofMinutes(15));
    }

    public InvalidationSettings withPolling(Duration interval, Duration waitAtMost) {
        return new InvalidationSettings(batchSize, interval, waitAtMost);
    }

    public InvalidationSettings withBatchSize(int size) {
        return new InvalidationSettings(size, pollInterval, timeout);
    }
}

package io.tierlift.tier;

import io.tierlift.logs.LogRole;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code logs}: lines written within {@code since} before now, of one role's sources or all
 * ({@code role} empty), of one host or all, only those {@code grep} finds (empty: every line). With
 * {@code follow}, new lines keep coming until {@code control} is stopped.
 */
public record LogsRequest(Optional<LogRole> role, Optional<String> host, Duration since, Optional<Pattern> grep,
                          boolean follow, LogFollow control) {
    public LogsRequest {
        if (since.isNegative()) {
            throw new IllegalArgumentException("since must not be negative: " + since);
        }
    }

    /** Whether {@code line} is one the caller asked for. */
    public boolean wants(String line) {
        return grep.map(p -> p.matcher(line).find()).orElse(true);
    }
}

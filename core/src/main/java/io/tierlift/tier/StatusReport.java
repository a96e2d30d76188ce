package io.tierlift.tier;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What status found: {@code healthy} decides the exit code, {@code rows} are the text lines, and
 * {@code json} the one object printed for {@code --output json} (present only when asked for).
 */
public record StatusReport(boolean healthy, List<String> rows, Optional<JsonNode> json) {
    public StatusReport {
        rows = List.copyOf(rows);
        Objects.requireNonNull(json);
    }
}

package io.tierlift.tier;

import java.util.List;

/** What a destroy would remove and keep, host by host, shown before anything changes. */
public record DestroyPreview(List<String> lines) {
    public DestroyPreview {
        lines = List.copyOf(lines);
    }
}

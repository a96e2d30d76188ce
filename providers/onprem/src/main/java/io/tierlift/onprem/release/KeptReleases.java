package io.tierlift.onprem.release;

import io.tierlift.release.SchemaMigrations;
import io.tierlift.tier.ReleaseEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backend releases one app host keeps, read from {@link ReleaseCommands#list}: newest first (by
 * when each was unpacked or last made live), the live one, and the one the {@code previous} link
 * names (where a plain {@code deploy --rollback} goes).
 */
public record KeptReleases(List<ReleaseEntry> releases, Optional<String> previous) {
    public KeptReleases {
        releases = List.copyOf(releases);
    }

    public static KeptReleases parse(String listing) {
        String current = "none";
        String previous = "none";
        Map<String, Long> times = new LinkedHashMap<>();
        Map<String, List<String>> files = new LinkedHashMap<>();
        for (String line : listing.split("\n")) {
            String[] parts = line.split(" ", 3);
            switch (parts[0]) {
                case "current" -> current = parts[1];
                case "previous" -> previous = parts[1];
                case "release" -> times.put(parts[1], Long.parseLong(parts[2].strip()));
                case "file" -> files.computeIfAbsent(parts[1], id -> new ArrayList<>()).add(parts[2]);
                default -> { }
            }
        }
        List<ReleaseEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Long> release : times.entrySet()) {
            String id = release.getKey();
            entries.add(new ReleaseEntry(id, Optional.of(Instant.ofEpochSecond(release.getValue())), id.equals(current),
                    SchemaMigrations.among(files.getOrDefault(id, List.of()))));
        }
        entries.sort(Comparator.comparing((ReleaseEntry e) -> e.deployedAt().orElseThrow()).reversed()
                .thenComparing(ReleaseEntry::id));
        String kept = previous;
        return new KeptReleases(entries, times.containsKey(kept) ? Optional.of(kept) : Optional.empty());
    }

    public boolean has(String id) {
        return releases.stream().anyMatch(r -> r.id().equals(id));
    }
}

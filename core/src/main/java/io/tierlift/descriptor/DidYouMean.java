package io.tierlift.descriptor;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Suggests the closest known key for a misspelt one (edit distance, case-insensitive). */
final class DidYouMean {
    private DidYouMean() {
    }

    static Optional<String> closest(String typed, Collection<String> known) {
        String lower = typed.toLowerCase().replace('-', '_');
        return known.stream()
                .filter(k -> distance(lower, k.toLowerCase().replace('-', '_')) <= Math.max(2, k.length() / 3))
                .min(Comparator.comparingInt(k -> distance(lower, k.toLowerCase().replace('-', '_'))));
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

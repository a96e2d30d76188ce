package io.tierlift.onprem.ssh;

import java.util.List;
import java.util.Locale;

/** OpenSSH host pattern matching: {@code *} and {@code ?} wildcards, {@code !} negation, no case. */
final class HostPatterns {
    private HostPatterns() {
    }

    /**
     * A {@code Host} line matches when some plain pattern matches and no negated one does
     * (ssh_config(5): a negated match never makes a line apply by itself).
     */
    static boolean matchesHostLine(String host, List<String> patterns) {
        boolean positive = false;
        for (String pattern : patterns) {
            if (pattern.startsWith("!")) {
                if (glob(host, pattern.substring(1))) {
                    return false;
                }
            } else if (glob(host, pattern)) {
                positive = true;
            }
        }
        return positive;
    }

    /** The same rule for a comma-separated list, as in a known_hosts host field. */
    static boolean matchesList(String host, String commaList) {
        return matchesHostLine(host, List.of(commaList.split(",")));
    }

    static boolean glob(String text, String pattern) {
        String t = text.toLowerCase(Locale.ROOT);
        String p = pattern.toLowerCase(Locale.ROOT);
        int ti = 0;
        int pi = 0;
        int starP = -1;
        int starT = 0;
        while (ti < t.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == t.charAt(ti))) {
                ti++;
                pi++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi++;
                starT = ti;
            } else if (starP >= 0) {
                // let the last '*' swallow one more character and retry
                pi = starP + 1;
                ti = ++starT;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}

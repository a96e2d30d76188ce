package io.tierlift.model;

import java.util.List;

/**
 * ModSecurity with the OWASP Core Rule Set. {@link WafMode#DETECT} only logs (DetectionOnly), for a
 * learning period; {@code exclusions} are the CRS rule exclusions tuned from real traffic.
 */
public record WafSettings(boolean crs, int paranoia, WafMode mode, int anomalyThreshold, List<WafExclusion> exclusions) {
    public WafSettings {
        exclusions = List.copyOf(exclusions);
    }

    /** Requests that reach the threshold are refused (SecRuleEngine On). */
    public boolean blocking() {
        return mode == WafMode.BLOCK;
    }
}

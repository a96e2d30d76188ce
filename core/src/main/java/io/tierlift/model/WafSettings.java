package io.tierlift.model;

/** ModSecurity with the OWASP Core Rule Set. {@code blocking=false} only logs (DetectionOnly). */
public record WafSettings(boolean crs, int paranoia, boolean blocking, int anomalyThreshold) {
}

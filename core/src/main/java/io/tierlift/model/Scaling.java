package io.tierlift.model;

/** Auto Scaling Group sizes and the CPU target for target tracking. */
public record Scaling(int min, int max, int desired, int cpuTarget) {
}

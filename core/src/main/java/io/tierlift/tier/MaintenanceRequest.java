package io.tierlift.tier;

/** {@code maintenance on|off}: {@code on} is the state asked for. */
public record MaintenanceRequest(boolean on) {
}

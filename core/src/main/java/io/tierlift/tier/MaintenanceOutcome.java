package io.tierlift.tier;

import java.util.Objects;

/**
 * What {@code maintenance on|off} did: {@code on} is the state the tier is in now, {@code changed}
 * false when it already was in it (nothing was sent), and {@code switchDescription} names the switch
 * as it stands (the flag file on which hosts, the listener rule, the function version).
 */
public record MaintenanceOutcome(boolean on, boolean changed, String switchDescription) {
    public MaintenanceOutcome {
        Objects.requireNonNull(switchDescription);
    }
}

package io.tierlift.tier;

/** {@code status}; {@code json} asks for the machine-readable tree as well as the rows. */
public record StatusRequest(boolean json) {
}

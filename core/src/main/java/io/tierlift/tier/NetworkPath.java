package io.tierlift.tier;

/**
 * A connection one server of a migration opens to another, as checked from the connecting server
 * itself: {@code from} (a host of the tier, named as the descriptor names it) to {@code host}:{@code port}.
 * {@code detail} says what the check saw (the error when it failed).
 */
public record NetworkPath(String from, String host, int port, boolean open, String detail) {
    /** "db1 -> 10.0.9.1:5432": both ends, for messages. */
    public String describe() {
        return from + " -> " + host + ":" + port;
    }
}

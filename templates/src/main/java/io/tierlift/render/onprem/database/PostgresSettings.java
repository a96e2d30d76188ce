package io.tierlift.render.onprem.database;

/** View model of {@code conf.d/tierlift.conf}, the same on primary and standby but for the address. */
public record PostgresSettings(String hostName, String listenAddress, int port, int maxConnections,
                               long slowQueryMillis) {
}

package io.tierlift.render.onprem.database;

/**
 * View model of {@code conf.d/tierlift-standby.conf}. {@code primaryConninfo} names the password
 * file, never the password.
 */
public record StandbySettings(String hostName, String primaryHostName, String primaryConninfo, String slotName) {
}

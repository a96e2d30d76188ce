package io.tierlift.render.onprem.backup;

/** View model of one scheduled backup: a oneshot service and the timer that starts it. */
public record BackupTimer(String unit, String type, String description, String stanza, String onCalendar,
                          String pgbackrest, String user) {
}

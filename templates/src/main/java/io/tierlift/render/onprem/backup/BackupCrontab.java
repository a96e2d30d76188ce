package io.tierlift.render.onprem.backup;

import java.util.List;

/**
 * View model of the backup host's crontab for the database's owner: the scheduled backups for a host
 * without systemd. {@code unscheduled} are the schedules cron cannot express (deploy refuses them there).
 */
public record BackupCrontab(String stanza, String user, List<Line> scheduled, List<Unscheduled> unscheduled) {
    public record Line(String description, String onCalendar, String cron, String pgbackrest, String stanza, String type) {
    }

    public record Unscheduled(String description, String onCalendar) {
    }
}

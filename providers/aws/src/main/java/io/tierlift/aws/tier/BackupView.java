package io.tierlift.aws.tier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.aws.rds.AutomatedBackups;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The automated backups of an RDS instance or Aurora cluster as status shows them, in text or JSON. */
final class BackupView {
    private BackupView() {
    }

    static List<String> rows(AutomatedBackups backups) {
        List<String> out = new ArrayList<>();
        out.add("AUTOMATED BACKUPS of " + backups.resource());
        out.add(String.format("    %-20s %s", "retention", backups.enabled() ? backups.retentionDays() + " days" : "0 days (off)"));
        out.add(String.format("    %-20s %s", "last snapshot", moment(backups.lastSnapshot(), backups.snapshotAge())));
        out.add(String.format("    %-20s %s", "earliest restorable", backups.earliestRestorable().map(BackupView::text).orElse("unknown")));
        out.add(String.format("    %-20s %s", "latest restorable", moment(backups.latestRestorable(), backups.restorableLag())));
        return out;
    }

    /** Times as ISO-8601 UTC strings (null when AWS gave none), ages and lags in whole seconds. */
    static void json(ObjectNode parent, AutomatedBackups backups) {
        ObjectNode n = parent.putObject("backups");
        n.put("resource", backups.resource());
        n.put("enabled", backups.enabled());
        n.put("retentionDays", backups.retentionDays());
        put(n, "lastSnapshot", backups.lastSnapshot());
        put(n, "lastSnapshotAgeSeconds", backups.snapshotAge());
        put(n, "earliestRestorable", backups.earliestRestorable());
        put(n, "latestRestorable", backups.latestRestorable());
        put(n, "latestRestorableLagSeconds", backups.restorableLag());
        n.put("checkedAt", text(backups.checkedAt()));
    }

    private static String moment(Optional<Instant> time, Optional<Duration> age) {
        return time.map(t -> text(t) + " (" + AutomatedBackups.age(age.orElseThrow()) + " ago)").orElse("none");
    }

    private static String text(Instant time) {
        return time.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void put(ObjectNode n, String field, Optional<?> value) {
        if (value.isEmpty()) {
            n.putNull(field);
        } else if (value.get() instanceof Duration d) {
            n.put(field, d.toSeconds());
        } else {
            n.put(field, text((Instant) value.get()));
        }
    }
}

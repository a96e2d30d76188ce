package io.tierlift.migrate;

import java.util.List;

/**
 * Notices a table whose initial copy can never finish: the target recorded the copy as done
 * ("f", catching up) but the source no longer has the table's sync slot. That happens when a
 * run dies between the source dropping the slot and the target recording it; PostgreSQL's sync
 * worker then fails to stream from the missing slot and retries without end. A few polls in a row
 * are required, since the slot also goes away on the normal path just before the table is ready.
 */
final class OrphanedSync {
    private static final int POLLS_IN_A_ROW = 12;

    private final String subscription;
    private int seenInARow;

    OrphanedSync(String subscription) {
        this.subscription = subscription;
    }

    /** {@code states}: per table its name and pg_subscription_rel state, as the copy's wait reads them. */
    boolean seen(Sql source, Sql target, List<String[]> states) {
        boolean catchingUp = states.stream().anyMatch(st -> st[1].equals("f"));
        if (!catchingUp) {
            seenInARow = 0;
            return false;
        }
        long subscriptionId = target.number("SELECT oid FROM pg_subscription WHERE subname = ?", subscription);
        long missing = target.query("SELECT srrelid FROM pg_subscription_rel WHERE srsubid = ?::bigint::oid AND srsubstate = 'f'",
                        rs -> rs.getLong(1), subscriptionId).stream()
                .filter(relid -> source.number("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE ?",
                        "pg\\_" + subscriptionId + "\\_sync\\_" + relid + "\\_%") == 0)
                .count();
        seenInARow = missing > 0 ? seenInARow + 1 : 0;
        if (seenInARow >= POLLS_IN_A_ROW) {
            seenInARow = 0;
            return true;
        }
        return false;
    }
}

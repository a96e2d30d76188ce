package io.tierlift.aws.restore;

import io.tierlift.render.aws.PointInTimeRestore;
import io.tierlift.render.aws.StackSpec;

import java.time.Instant;
import java.util.Optional;

/** What a tier's data stack holds, as a restore sees it: an RDS instance (aws-iaas) or an Aurora cluster (aws-serverless). */
public interface RestorableDatabase {
    /** "RDS instance", "Aurora cluster". */
    String kind();

    /** The data stack's parameters that make its database a restore. */
    PointInTimeRestore parameters();

    /** The database the live data stack holds now, or empty when the stack or its database does not exist. */
    Optional<Live> live(StackSpec data);

    /**
     * Deletes the database the restore kept, with a final snapshot named {@code finalSnapshot}, lifting its
     * deletion protection first; false when it does not exist (any more).
     */
    boolean deleteKept(String region, String id, String finalSnapshot);

    /**
     * One live database: its id, the id a restore names as its source, and the window a point-in-time
     * restore can reach (the earliest end is empty when AWS reports none).
     */
    record Live(String id, String sourceId, int retentionDays, Optional<Instant> earliestRestorable,
                Optional<Instant> latestRestorable) {
    }
}

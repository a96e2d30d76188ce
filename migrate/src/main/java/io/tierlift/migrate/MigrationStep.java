package io.tierlift.migrate;

import java.util.ArrayList;
import java.util.List;

/** One journaled step of a migration, in the order it runs. */
public record MigrationStep(String name, String phase, String summary) {
    public static List<MigrationStep> stepsFor(MigrationSettings s) {
        String pub = s.replicationName();
        MigrationStep preflight = new MigrationStep("preflight", "preflight",
                "check both databases: reachability, settings, roles, slots, extensions, size, keys");
        MigrationStep provision = new MigrationStep("provision", "provision", "deploy the " + s.to() + " tier with an empty database");
        MigrationStep sequences = new MigrationStep("sequences", "cutover", "copy every sequence's position to the target (setval)");
        MigrationStep verify = new MigrationStep("verify", "verify", "row counts and checksums per table and key range, on both servers");
        MigrationStep switchStep = new MigrationStep("switch", "cutover", "send traffic to the " + s.to() + " tier; measure write downtime");
        MigrationStep maintenance = new MigrationStep("maintenance", "cutover", "put the " + s.from() + " app in maintenance (writes stop)");
        if (s.method() != Method.LOGICAL) {
            return List.of(preflight, provision, maintenance,
                    new MigrationStep("dump", "copy", "pg_dump -Fd -j " + s.parallelism() + " of the source into a temporary directory"),
                    new MigrationStep("restore", "copy", "pg_restore -j " + s.parallelism() + " into the target (schema, data, then indexes)"),
                    sequences, verify,
                    new MigrationStep("stop-replication", "cutover", "remember the target's state for rollback"),
                    switchStep);
        }
        List<MigrationStep> steps = new ArrayList<>(List.of(preflight, provision,
                new MigrationStep("schema", "copy", "pg_dump --schema-only of the source, applied to the target in one transaction "
                        + "without its secondary indexes and foreign keys"),
                new MigrationStep("publication", "copy", "CREATE PUBLICATION " + pub + " on the source (FOR ALL TABLES as a superuser, "
                        + "else FOR TABLE each table)"),
                new MigrationStep("subscription", "copy", "CREATE SUBSCRIPTION " + pub + " on the target (slot " + pub + "): initial copy, then changes"),
                new MigrationStep("initial-copy", "copy", "wait until every table's initial copy is done (pg_subscription_rel)"),
                new MigrationStep("indexes", "copy", "build the secondary indexes and foreign keys over the copied rows, "
                        + "then vacuum and analyze"),
                new MigrationStep("pre-verify", "verify", "compare both servers while replication runs, re-checking ranges that "
                        + "writes in flight change; a lasting difference stops here, before writes stop"),
                maintenance,
                new MigrationStep("drain", "cutover", "wait until the subscription has applied the source's last WAL position"),
                sequences));
        if (s.verifyBeforeSwitch()) {
            steps.add(verify);
        } else {
            steps.add(new MigrationStep("pin-snapshot", "cutover", "open a repeatable-read snapshot on both servers: "
                    + "the exact state at the cutover, verified after the switch"));
        }
        steps.add(new MigrationStep("stop-replication", "cutover", "disable the subscription"));
        if (s.reverseReplication()) {
            steps.add(new MigrationStep("reverse-replication", "cutover", "publish the target's changes back to the source "
                    + "(subscription " + s.reverseReplicationName() + " on the source, no copy): a rollback loses no write"));
        }
        steps.add(switchStep);
        if (!s.verifyBeforeSwitch()) {
            steps.add(new MigrationStep("final-verify", "verify", "row counts and checksums of the pinned cutover state, "
                    + "on both servers at once, while the target serves"));
        }
        return List.copyOf(steps);
    }
}

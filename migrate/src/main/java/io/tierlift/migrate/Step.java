package io.tierlift.migrate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/**
 * Every journaled step a migration can take, each running itself on a {@link MigrationRun}.
 * Which of them a migration takes, and in what order, is {@link MigrationStep#stepsFor}'s choice.
 */
public enum Step {
    PREFLIGHT("preflight", Phase.PREFLIGHT) {
        @Override
        String summary(MigrationSettings s) {
            return "check both databases: reachability, settings, roles, slots, extensions, size, keys";
        }

        /** Preflight always runs again: the servers may have changed while the migration waited. */
        @Override
        boolean rerunOnResume(Journal journal) {
            return true;
        }

        @Override
        void run(MigrationRun run) {
            run.preflight().check();
        }
    },
    PROVISION("provision", Phase.PROVISION) {
        @Override
        String summary(MigrationSettings s) {
            return "deploy the " + s.to() + " tier with an empty database";
        }

        @Override
        void run(MigrationRun run) {
            run.tier().provision();
        }
    },
    SCHEMA("schema", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "pg_dump --schema-only of the source, applied to the target in one transaction "
                    + "without its secondary indexes and foreign keys";
        }

        @Override
        void run(MigrationRun run) {
            run.schemaCopy().schema();
        }
    },
    PUBLICATION("publication", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "CREATE PUBLICATION " + s.replicationName() + " on the source (FOR ALL TABLES as a superuser, "
                    + "else FOR TABLE each table)";
        }

        @Override
        void run(MigrationRun run) {
            run.logicalCopy().publication();
        }
    },
    SUBSCRIPTION("subscription", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "CREATE SUBSCRIPTION " + s.replicationName() + " on the target (slot " + s.replicationName()
                    + "): initial copy, then changes";
        }

        @Override
        void run(MigrationRun run) {
            run.logicalCopy().subscription();
        }
    },
    INITIAL_COPY("initial-copy", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "wait until every table's initial copy is done (pg_subscription_rel)";
        }

        @Override
        void run(MigrationRun run) {
            run.logicalCopy().awaitInitialCopy();
        }
    },
    INDEXES("indexes", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "build the secondary indexes and foreign keys over the copied rows, then vacuum and analyze";
        }

        @Override
        void run(MigrationRun run) {
            run.schemaCopy().indexes();
        }
    },
    PRE_VERIFY("pre-verify", Phase.VERIFY) {
        @Override
        String summary(MigrationSettings s) {
            return "compare both servers while replication runs, re-checking ranges that "
                    + "writes in flight change; a lasting difference stops here, before writes stop";
        }

        @Override
        void run(MigrationRun run) {
            run.verification().whileWritesContinue();
        }
    },
    MAINTENANCE("maintenance", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return "put the " + s.from() + " app in maintenance (writes stop)";
        }

        @Override
        void run(MigrationRun run) {
            if (run.plans(PIN_SNAPSHOT)) {
                run.snapshots().connect();
            }
            run.cutover().stopWrites();
        }
    },
    DRAIN("drain", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return "wait until the subscription has applied the source's last WAL position";
        }

        @Override
        void run(MigrationRun run) {
            run.cutover().drain();
        }
    },
    DUMP("dump", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "pg_dump -Fd -j " + s.parallelism() + " of the source into a temporary directory";
        }

        @Override
        void run(MigrationRun run) {
            run.dumpCopy().dump();
        }
    },
    RESTORE("restore", Phase.COPY) {
        @Override
        String summary(MigrationSettings s) {
            return "pg_restore -j " + s.parallelism() + " into the target (schema, data, then indexes)";
        }

        @Override
        void run(MigrationRun run) {
            run.dumpCopy().restore();
        }
    },
    SEQUENCES("sequences", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return "copy every sequence's position to the target (setval)";
        }

        @Override
        void run(MigrationRun run) {
            run.cutover().sequences();
        }
    },
    VERIFY("verify", Phase.VERIFY) {
        @Override
        String summary(MigrationSettings s) {
            return "row counts and checksums per table and key range, on both servers";
        }

        @Override
        void run(MigrationRun run) {
            run.verification().whileWritesStopped();
        }
    },
    PIN_SNAPSHOT("pin-snapshot", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return "open a repeatable-read snapshot on both servers: the exact state at the cutover, verified after the switch";
        }

        /** The snapshots live in this process only: after a crash before the switch they are taken again (writes are still stopped: the same state). */
        @Override
        boolean rerunOnResume(Journal journal) {
            return !journal.done(SWITCH);
        }

        @Override
        void run(MigrationRun run) {
            run.cutover().pinSnapshots();
        }
    },
    STOP_REPLICATION("stop-replication", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return s.method() == Method.LOGICAL ? "disable the subscription" : "remember the target's state for rollback";
        }

        @Override
        void run(MigrationRun run) {
            run.cutover().stopReplication();
        }
    },
    REVERSE_REPLICATION("reverse-replication", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return "publish the target's changes back to the source (subscription " + s.reverseReplicationName()
                    + " on the source, no copy): a rollback loses no write";
        }

        @Override
        void run(MigrationRun run) {
            run.cutover().reverseReplication();
        }
    },
    SWITCH("switch", Phase.CUTOVER) {
        @Override
        String summary(MigrationSettings s) {
            return "send traffic to the " + s.to() + " tier; measure write downtime";
        }

        @Override
        void run(MigrationRun run) {
            run.cutover().switchTraffic();
        }
    },
    FINAL_VERIFY("final-verify", Phase.VERIFY) {
        @Override
        String summary(MigrationSettings s) {
            return "row counts and checksums of the pinned cutover state, on both servers at once, while the target serves";
        }

        @Override
        void run(MigrationRun run) {
            run.verification().afterSwitch();
        }
    };

    private final String journalName;
    private final Phase phase;

    Step(String journalName, Phase phase) {
        this.journalName = journalName;
        this.phase = phase;
    }

    /** The step's name in the journal file, the plan and the progress lines; journals already written hold these names. */
    @JsonValue
    public String journalName() {
        return journalName;
    }

    public Phase phase() {
        return phase;
    }

    @JsonCreator
    static Step fromJournal(String name) {
        return Arrays.stream(values()).filter(s -> s.journalName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown migration step '" + name + "'"));
    }

    /** What the step does, as the plan shows it. */
    abstract String summary(MigrationSettings settings);

    /** Whether a resumed migration runs the step again although the journal has it done. */
    boolean rerunOnResume(Journal journal) {
        return false;
    }

    abstract void run(MigrationRun run);

    @Override
    public String toString() {
        return journalName;
    }
}

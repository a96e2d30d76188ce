package io.tierlift.migrate;

import io.tierlift.provider.Progress;

import java.time.Clock;

/** What every part of one migration works with, whichever step or command it serves. */
record MigrationContext(MigrationSettings settings, Servers servers, PgTools tools, Catalog catalog, Replication replication,
                        TrafficSwitch traffic, Progress progress, Clock clock) {
    Verifier verifier() {
        return new Verifier(settings.verifyChunkWidth());
    }
}

package io.tierlift.migrate;

import io.tierlift.provider.Progress;
import io.tierlift.tier.DatabaseHostAccess;

import java.time.Clock;
import java.util.Optional;

/**
 * What every part of one migration works with, whichever step or command it serves.
 *
 * @param sourceHost superuser access to the source's database host, when its tier has one (on-prem)
 */
record MigrationContext(MigrationSettings settings, Servers servers, PgTools tools, Catalog catalog, Replication replication,
                        TrafficSwitch traffic, Progress progress, Clock clock, Optional<DatabaseHostAccess> sourceHost,
                        Redactor redactor) {
    /**
     * Where the reverse subscription is managed on the source: through the host access when there is
     * one (the migration's role there is the app's, which may not create subscriptions), else over
     * the migration's connection.
     */
    Subscriber sourceSubscriber(Sql source) {
        return sourceHost.map(access -> Subscriber.through(access, redactor)).orElseGet(() -> Subscriber.over(source));
    }

    Verifier verifier() {
        return new Verifier(settings.verifyChunkWidth());
    }
}

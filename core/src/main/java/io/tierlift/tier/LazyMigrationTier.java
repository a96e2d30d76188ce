package io.tierlift.tier;

import java.util.Optional;
import io.tierlift.database.DbEndpoint;
import io.tierlift.provider.Target;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * A migration tier made on first use. A migration between databases the operator names
 * (--source-db, --target-db, --traffic manual, --no-provision) never needs a tier's SSH or AWS
 * clients, and the descriptor need not even describe that tier; nothing is opened that is not used.
 */
public final class LazyMigrationTier implements MigrationTier {
    private final Target kind;
    private final Supplier<MigrationTier> factory;
    private MigrationTier made;

    public LazyMigrationTier(Target kind, Supplier<MigrationTier> factory) {
        this.kind = kind;
        this.factory = factory;
    }

    private synchronized MigrationTier tier() {
        if (made == null) {
            made = factory.get();
        }
        return made;
    }

    @Override
    public Target target() {
        return kind;
    }

    @Override
    public void provision() {
        tier().provision();
    }

    @Override
    public DbEndpoint database() {
        return tier().database();
    }

    @Override
    public void allowLogicalReplication() {
        tier().allowLogicalReplication();
    }

    @Override
    public Optional<String> logicalReplicationChange() {
        return tier().logicalReplicationChange();
    }

    @Override
    public Optional<DatabaseHostAccess> databaseHostAccess() {
        return tier().databaseHostAccess();
    }

    @Override
    public DbEndpoint databaseAsTarget() {
        return tier().databaseAsTarget();
    }

    @Override
    public Optional<NetworkPath> checkDatabasePathTo(String host, int port) {
        return tier().checkDatabasePathTo(host, port);
    }

    @Override
    public Optional<String> reverseSubscriptionRefusal() {
        return tier().reverseSubscriptionRefusal();
    }

    @Override
    public void maintenance(boolean on) {
        tier().maintenance(on);
    }

    @Override
    public void takeTraffic(PrintWriter out) {
        tier().takeTraffic(out);
    }

    @Override
    public synchronized void close() {
        if (made != null) {
            made.close();
        }
    }
}

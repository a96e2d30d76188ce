package io.tierlift.tier;

import java.util.Optional;
import io.tierlift.database.DbEndpoint;
import io.tierlift.provider.Target;

import java.io.PrintWriter;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A migration tier whose provider failures (SSH, SDK, ...) reach the migration as
 * {@link TierFailure}s: {@code translate} turns the provider's exceptions into them and returns
 * any other exception unchanged.
 */
public final class TranslatingMigrationTier implements MigrationTier {
    private final MigrationTier tier;
    private final UnaryOperator<RuntimeException> translate;

    public TranslatingMigrationTier(MigrationTier tier, UnaryOperator<RuntimeException> translate) {
        this.tier = tier;
        this.translate = translate;
    }

    private <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate.apply(e);
        }
    }

    private void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    @Override
    public Target target() {
        return tier.target();
    }

    @Override
    public void provision() {
        run(tier::provision);
    }

    @Override
    public DbEndpoint database() {
        return call(tier::database);
    }

    @Override
    public void allowLogicalReplication() {
        run(tier::allowLogicalReplication);
    }

    @Override
    public Optional<String> logicalReplicationChange() {
        return call(tier::logicalReplicationChange);
    }

    @Override
    public Optional<DatabaseHostAccess> databaseHostAccess() {
        return call(tier::databaseHostAccess).map(access -> new DatabaseHostAccess() {
            @Override
            public String where() {
                return access.where();
            }

            @Override
            public String superuserSql(String sql) {
                return call(() -> access.superuserSql(sql));
            }

            @Override
            public Optional<String> unreachable(String host, int port) {
                return call(() -> access.unreachable(host, port));
            }
        });
    }

    @Override
    public DbEndpoint databaseAsTarget() {
        return call(tier::databaseAsTarget);
    }

    @Override
    public Optional<NetworkPath> checkDatabasePathTo(String host, int port) {
        return call(() -> tier.checkDatabasePathTo(host, port));
    }

    @Override
    public Optional<String> reverseSubscriptionRefusal() {
        return call(tier::reverseSubscriptionRefusal);
    }

    @Override
    public void maintenance(boolean on) {
        run(() -> tier.maintenance(on));
    }

    @Override
    public void takeTraffic(PrintWriter out) {
        run(() -> tier.takeTraffic(out));
    }

    @Override
    public void close() {
        tier.close();
    }
}

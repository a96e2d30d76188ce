package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.tier.NetworkPath;

import java.util.Optional;

/**
 * The one server-to-server connection a logical migration needs: the target's database server opens
 * the subscription to the source database. tierlift itself reaches both databases on its own (and
 * checks that by connecting), but this path starts on another machine, so it is checked from there,
 * before anything changes, and named either way.
 */
public final class NetworkPathCheck {
    private static final String SUBJECT = "network path";

    private NetworkPathCheck() {
    }

    /**
     * What the preflight says about the path from the {@code targetTier}'s database server to
     * {@code source} (as that server sees it): open, closed (a blocker) or not checkable from here.
     */
    public static Preflight.Finding finding(String targetTier, DbEndpoint source, Optional<NetworkPath> checked) {
        String to = source.host() + ":" + source.port();
        if (checked.isEmpty()) {
            return new Preflight.Finding(Preflight.Severity.INFO, SUBJECT, "the " + targetTier + " tier's database server connects "
                    + "to the source database at " + to + " (TCP, for the subscription); not checked from there: tierlift runs no "
                    + "commands on that server, so its firewall rules or security group must allow it");
        }
        NetworkPath path = checked.get();
        if (path.open()) {
            return new Preflight.Finding(Preflight.Severity.INFO, SUBJECT, path.from() + " (the " + targetTier + " db-primary) connects "
                    + "to the source database at " + to + " (TCP, for the subscription): open, checked from " + path.from());
        }
        return new Preflight.Finding(Preflight.Severity.BLOCKER, SUBJECT, path.from() + " (the " + targetTier + " db-primary) cannot "
                + "connect to the source database at " + to + " (TCP, for the subscription), checked from " + path.from() + ": "
                + path.detail() + ". Fix: allow TCP port " + source.port() + " from " + path.from() + " to " + source.host()
                + " (firewalls, routes, the source's security group and pg_hba), or name an address " + path.from()
                + " does reach with --source-db-for-target");
    }

    /** Refuses a closed path: the error names both ends; nothing has changed yet. */
    public static Preflight.Finding require(String targetTier, DbEndpoint source, Optional<NetworkPath> checked) {
        Preflight.Finding finding = finding(targetTier, source, checked);
        if (finding.severity() == Preflight.Severity.BLOCKER) {
            throw new MigrationException("preflight refused the migration:\n  " + finding.describe() + "\nNothing was changed.");
        }
        return finding;
    }
}

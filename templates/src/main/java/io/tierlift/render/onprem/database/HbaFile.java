package io.tierlift.render.onprem.database;

import java.util.List;

/**
 * View model of {@code pg_hba.conf}: the app role may reach the app database from the app hosts,
 * the replication role may replicate from the database hosts. Nothing else comes over the network.
 */
public record HbaFile(String database, String appUser, List<Client> appClients, String replicationUser,
                      List<Client> replicationClients, String migrationUser) {
    /**
     * The role tierlift migrate connects as when it copies a database INTO this tier (it creates
     * the subscription, which needs a superuser): admitted only where the SSH tunnel ends.
     */
    public static final String MIGRATION_USER = "tierlift_migrate";

    public HbaFile(String database, String appUser, List<Client> appClients, String replicationUser, List<Client> replicationClients) {
        this(database, appUser, appClients, replicationUser, replicationClients, MIGRATION_USER);
    }

    public HbaFile {
        appClients = List.copyOf(appClients);
        replicationClients = List.copyOf(replicationClients);
    }

    /** One source host: its name (for the comment) and its address as a /32 network. */
    public record Client(String hostName, String network) {
    }
}

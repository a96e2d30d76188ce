package io.tierlift.render.onprem.backup;

import java.util.List;

/**
 * View model of pgbackrest.conf on the backup host: the encrypted repository, the database hosts
 * it backs up (reached with pgBackRest's TLS protocol), and the server that accepts their WAL.
 */
public record RepositoryConfig(String hostName, String stanza, String listenAddress, int tlsPort, TlsFiles tls,
                               String repositoryPath, int retentionFull, String cipherPass,
                               List<DatabaseHost> databases, boolean backupStandby, List<String> clients) {
    public RepositoryConfig {
        databases = List.copyOf(databases);
        clients = List.copyOf(clients);
    }

    /** One PostgreSQL host as pgBackRest numbers it (pg1, pg2, ...). */
    public record DatabaseHost(int index, String hostName, String address, String dataDir, int port) {
    }
}

package io.tierlift.render.onprem.backup;

/**
 * View model of pgbackrest.conf on a database host: where the repository is (the backup host,
 * over TLS) and the server through which the backup host reaches this PostgreSQL.
 */
public record DatabaseHostConfig(String hostName, String stanza, String listenAddress, int tlsPort, TlsFiles tls,
                                 String repositoryHostName, String repositoryAddress, String dataDir, int port) {
}

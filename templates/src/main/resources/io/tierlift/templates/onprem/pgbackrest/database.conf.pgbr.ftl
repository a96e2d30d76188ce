# pgBackRest on the database host ${hostName}, placed by tierlift; local edits are overwritten.
# WAL and backups of stanza ${stanza} go to the repository on ${repositoryHostName} over
# pgBackRest's TLS protocol; only that host's certificate may use this host's server.
[global]
repo1-host=${repositoryAddress}
repo1-host-type=tls
repo1-host-port=${tlsPort}
repo1-host-ca-file=${tls.caFile}
repo1-host-cert-file=${tls.certFile}
repo1-host-key-file=${tls.keyFile}
log-level-console=info
log-level-file=detail

tls-server-address=${listenAddress}
tls-server-port=${tlsPort}
tls-server-ca-file=${tls.caFile}
tls-server-cert-file=${tls.certFile}
tls-server-key-file=${tls.keyFile}
tls-server-auth=${repositoryAddress}=${stanza}

[${stanza}]
pg1-path=${dataDir}
pg1-port=${port}

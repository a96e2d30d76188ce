# pgBackRest on the backup host ${hostName}, placed by tierlift; local edits are overwritten.
# The repository of stanza ${stanza}, encrypted; the database hosts are reached over pgBackRest's
# TLS protocol and may push WAL here with certificates signed by tierlift's CA for this app.
[global]
repo1-path=${repositoryPath}
repo1-retention-full=${retentionFull}
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=${cipherPass}
# Checkpoint at once when a backup starts rather than waiting for the next scheduled one.
start-fast=y
log-level-console=info
log-level-file=detail

tls-server-address=${listenAddress}
tls-server-port=${tlsPort}
tls-server-ca-file=${tls.caFile}
tls-server-cert-file=${tls.certFile}
tls-server-key-file=${tls.keyFile}
<#list clients as client>
tls-server-auth=${client}=${stanza}
</#list>

[${stanza}]
<#list databases as db>
# ${db.hostName}
pg${db.index}-host=${db.address}
pg${db.index}-host-type=tls
pg${db.index}-host-port=${tlsPort}
pg${db.index}-host-ca-file=${tls.caFile}
pg${db.index}-host-cert-file=${tls.certFile}
pg${db.index}-host-key-file=${tls.keyFile}
pg${db.index}-path=${db.dataDir}
pg${db.index}-port=${db.port}
</#list>
# Copy the data files from the standby when there is one, so backups do not load the primary.
backup-standby=${backupStandby?string("y", "n")}

# pgBackRest on the database host ${hostName}, placed by tierlift; local edits are overwritten.
# The repository of stanza ${stanza} is in the S3-compatible bucket ${bucket} at ${endpoint}, encrypted
# before it leaves this host. This host pushes its WAL there while it is the primary and takes the
# scheduled backups only then (${scheduledBackup} asks PostgreSQL first).
# The bucket's keys are here, readable by postgres alone, so no command line ever carries them.
[global]
repo1-type=s3
repo1-s3-endpoint=${endpointHost}
repo1-storage-port=${endpointPort}
repo1-s3-bucket=${bucket}
repo1-s3-region=${region}
repo1-s3-uri-style=${uriStyle}
repo1-s3-key=${accessKey}
repo1-s3-key-secret=${secretKey}
<#list caFile as file>
repo1-storage-ca-file=${file}
</#list>
repo1-path=${repositoryPath}
repo1-retention-full=${retentionFull}
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=${cipherPass}
# Checkpoint at once when a backup starts rather than waiting for the next scheduled one.
start-fast=y
log-level-console=info
log-level-file=detail

[${stanza}]
pg1-path=${dataDir}
pg1-port=${port}

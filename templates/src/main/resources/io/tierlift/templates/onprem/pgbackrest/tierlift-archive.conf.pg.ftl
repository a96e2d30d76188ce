# WAL archiving of ${hostName}, placed by tierlift; local edits are overwritten.
# Every finished WAL segment goes to the pgBackRest repository, so a restore can reach any moment
# since the oldest backup kept. On a standby this waits: it archives once it is promoted.
archive_mode = on
archive_command = 'pgbackrest --stanza=${stanza} archive-push %p'

#!/bin/sh
# Scheduled backups of stanza ${stanza} on ${hostName}, placed by tierlift; local edits are overwritten.
# Every database host has the schedule, and only the one PostgreSQL calls primary backs up, so after a
# failover the promoted standby takes the next backup with no deploy in between. Takes pgBackRest's
# arguments and runs it as they are.
set -e
in_recovery=$(psql -X -A -t -q -p ${port} -d postgres -c 'SELECT pg_is_in_recovery()')
if [ "$in_recovery" != f ]; then
  echo "PostgreSQL on ${hostName} is a standby: the primary takes the scheduled backup"
  exit 0
fi
exec ${pgbackrest} "$@"

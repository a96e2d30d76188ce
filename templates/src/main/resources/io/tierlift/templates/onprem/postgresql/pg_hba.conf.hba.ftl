# Client authentication, placed by tierlift; local edits are overwritten.
# The same file is placed on the primary and the standby, so it still holds after a failover.
# Only what the topology needs: local administration over the unix socket (peer), the app role
# to its database from the app hosts and from this host's own addresses (samehost: where the SSH
# tunnel of tierlift migrate ends, never another host; a migration into this tier connects there as
# its own role), replication between the database hosts.
# Passwords use SCRAM. Names are quoted so they can never be read as keywords such as "all".
#
# TYPE  DATABASE      USER            ADDRESS               METHOD
local   all           postgres                              peer
local   all           all                                   peer
<#list appClients as client>
host    "${database}"  "${appUser}"  ${client.network}  scram-sha-256  # app host ${client.hostName}
</#list>
host    "${database}"  "${appUser}"  samehost  scram-sha-256  # tierlift migrate: its SSH tunnel ends on this host
host    "${database}"  "${migrationUser}"  samehost  scram-sha-256  # tierlift migrate into this tier (superuser, from here only)
<#list replicationClients as client>
host    replication   "${replicationUser}"  ${client.network}  scram-sha-256  # database host ${client.hostName}
</#list>

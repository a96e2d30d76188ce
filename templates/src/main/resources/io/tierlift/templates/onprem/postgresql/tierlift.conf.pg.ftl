# PostgreSQL settings of ${hostName}, placed by tierlift; local edits are overwritten.
# Debian's postgresql.conf includes conf.d/ last, so these win over its values.

cluster_name = '${hostName}'
# Only the host's own address: local administration goes through the unix socket.
listen_addresses = '${listenAddress}'
port = ${port}
# Enough for every Gunicorn worker of every app host (primary and read URL) plus spare sessions.
max_connections = ${maxConnections}
# A conservative fixed size that fits small database hosts; raise it on bigger ones.
shared_buffers = '256MB'

password_encryption = 'scram-sha-256'
# No TLS between the tiers: the descriptor configures no database certificate and the app and
# replication traffic stays inside the trusted zone. Debian's default (on, with the self-signed
# "snakeoil" certificate) is turned off so the setting is explicit rather than accidental.
ssl = off

# Replication. wal_level = logical (a superset of replica) so a migration to another tier can
# stream changes with logical replication without restarting this server first.
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
# WAL kept for a standby that falls behind without its slot (e.g. during a rebuild)...
wal_keep_size = '1GB'
# ...and the most a slot may hold back, so a standby gone for good cannot fill the disk.
max_slot_wal_keep_size = '16GB'
# Same on primary and standby, so either can serve reads after a failover.
hot_standby = on

# Logging (Debian sends the server's stderr to /var/log/postgresql/).
# %a is the client's application_name: an app that sets it to the request's X-Request-ID (as the
# example does) makes its slow statements findable by that id.
log_line_prefix = '%m [%p] %q%u@%d app=%a '
log_connections = on
log_checkpoints = on
log_lock_waits = on
log_replication_commands = on
# Statements slower than database.slow_query are logged with their duration.
log_min_duration_statement = ${slowQueryMillis}

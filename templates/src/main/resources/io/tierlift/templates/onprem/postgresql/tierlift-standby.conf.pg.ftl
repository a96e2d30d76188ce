# Standby settings of ${hostName}, placed by tierlift; local edits are overwritten.
# It streams from ${primaryHostName}. The password is not here: libpq reads it from the passfile.
# These settings only act while the server is in recovery (standby.signal exists); after a
# promotion they are ignored.

primary_conninfo = '${primaryConninfo}'
primary_slot_name = '${slotName}'
hot_standby = on
# Tell the primary which rows queries here still read, so vacuum there does not cancel them.
hot_standby_feedback = on

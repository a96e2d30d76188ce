# When the ${description} of stanza ${stanza} runs, placed by tierlift; local edits are overwritten.
[Unit]
Description=tierlift ${description} of ${stanza}, scheduled

[Timer]
OnCalendar=${onCalendar}
# A run missed while the host was off starts at boot.
Persistent=true
RandomizedDelaySec=5m

[Install]
WantedBy=timers.target

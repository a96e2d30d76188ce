# ${description?cap_first} of stanza ${stanza}, placed by tierlift; local edits are overwritten.
# Started by ${unit}.timer.
[Unit]
Description=tierlift ${description} of ${stanza} (pgBackRest)
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
User=${user}
Group=${user}
ExecStart=${pgbackrest} --stanza=${stanza} --type=${type} backup

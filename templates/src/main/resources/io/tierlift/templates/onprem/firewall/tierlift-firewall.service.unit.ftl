# Loads tierlift's host firewall (table inet tierlift) at boot, placed by tierlift; local edits are overwritten.
# tierlift applies the rules itself during a deploy; this unit puts them back after a reboot,
# before any network interface is configured, so a rebooted host is never open.
[Unit]
Description=tierlift host firewall (nftables table inet tierlift)
DefaultDependencies=no
Wants=network-pre.target
Before=network-pre.target shutdown.target
Conflicts=shutdown.target
After=local-fs.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${nft} -f ${rulesFile}
ExecReload=${nft} -f ${rulesFile}

[Install]
WantedBy=sysinit.target

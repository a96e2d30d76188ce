# Scheduled backups of stanza ${stanza}, placed by tierlift; local edits are overwritten.
# Installed as ${user}'s crontab only on a host without systemd: with systemd the tierlift-backup-*.timer units run them.
SHELL=/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
<#list scheduled as line>
# ${line.description}: ${line.onCalendar}
${line.cron} cd / && ${line.pgbackrest} --stanza=${line.stanza} --type=${line.type} --log-level-console=off backup
</#list>
<#list unscheduled as entry>
# ${entry.description}: ${entry.onCalendar} has no cron form; only systemd runs it
</#list>

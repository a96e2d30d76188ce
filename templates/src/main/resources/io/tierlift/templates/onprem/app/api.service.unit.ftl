# The ${app} API (Gunicorn), placed by tierlift; local edits are overwritten.
[Unit]
Description=${app} API (Gunicorn)
Wants=network-online.target
After=network-online.target

[Service]
# Gunicorn (20.0 and later) reports readiness to systemd itself.
Type=notify
NotifyAccess=main
User=${user}
Group=${group}
RuntimeDirectory=${runtimeDirectory}
LogsDirectory=${logsDirectory}
# envexec.py adds the variables of the environment file and execs Gunicorn, which keeps the pid.
ExecStart=<#list execStart as arg>"${arg}"<#sep> </#list>
ExecReload=/bin/kill -HUP $MAINPID
# TERM goes to the Gunicorn master only, which stops its workers gracefully; what is left
# after TimeoutStopSec (graceful timeout plus a margin) is killed.
KillMode=mixed
TimeoutStopSec=${stopTimeoutSeconds}
Restart=on-failure
RestartSec=2
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=${logDir}

[Install]
WantedBy=multi-user.target

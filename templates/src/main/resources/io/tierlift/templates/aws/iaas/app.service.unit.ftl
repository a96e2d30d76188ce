[Unit]
Description=${description}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${user}
Group=${user}
WorkingDirectory=${workingDirectory}
RuntimeDirectory=${user}
EnvironmentFile=${environmentFile}
ExecStart="${python}" "${launcher}"
ExecReload=/bin/kill -s HUP $MAINPID
KillMode=mixed
TimeoutStopSec=${stopTimeout}
Restart=always
RestartSec=2
StandardOutput=append:${logFile}
StandardError=append:${logFile}
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes

[Install]
WantedBy=multi-user.target

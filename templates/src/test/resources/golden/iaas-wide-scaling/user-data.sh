#!/bin/bash
# Boot script of the notes-default app instances, rendered by tierlift.
# CloudFormation fills in this first block; the rest is used as written.
TIERLIFT_REGION='${AWS::Region}'
TIERLIFT_STACK='${AWS::StackName}'
TIERLIFT_ARTIFACT_BUCKET='${ArtifactBucketName}'
TIERLIFT_RELEASE_KEY='${ReleaseKey}'
TIERLIFT_DB_HOST='${DbEndpointAddress}'
TIERLIFT_DB_SECRET_ARN='${DbSecretArn}'
TIERLIFT_APP_SECRET_ARN=''
set -euo pipefail
exec >>/var/log/tierlift-boot.log 2>&1

# Tell CloudFormation how the boot went. The Auto Scaling group waits for this signal when it is
# created and on every rolling update, and rolls back when an instance fails or stays silent.
# CloudFormation counts one signal per instance: the unique id is the instance's id, from the
# instance metadata service (IMDSv2, which the launch template requires: a session token first).
# The AWS CLI (part of the image) sends it with the instance role, which may signal this stack.
instance_id=unknown
signal() {
    aws cloudformation signal-resource --region "$TIERLIFT_REGION" --stack-name "$TIERLIFT_STACK" \
        --logical-resource-id 'AppAutoScalingGroup' --unique-id "$instance_id" --status "$1" || true
}
trap 'signal FAILURE' ERR
imds_token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
instance_id=$(curl -fsS -H "X-aws-ec2-metadata-token: $imds_token" http://169.254.169.254/latest/meta-data/instance-id)

dnf install -y python3.11 python3.11-pip amazon-cloudwatch-agent

useradd --system --home-dir '/srv/notes' --shell /sbin/nologin 'notes'
install -d -m 0755 '/srv/notes' '/etc/notes' '/usr/local/libexec'
install -d -m 0755 -o 'notes' -g 'notes' '/var/log/notes'

# The release: a tar.gz of the backend folder that tierlift deploy uploaded.
aws s3 cp --only-show-errors --region "$TIERLIFT_REGION" "s3://$TIERLIFT_ARTIFACT_BUCKET/$TIERLIFT_RELEASE_KEY" /root/release.tar.gz
install -d -m 0755 '/srv/notes/current'
tar -xzf /root/release.tar.gz -C '/srv/notes/current' --no-same-owner
rm -f /root/release.tar.gz
'/usr/bin/python3.11' -m venv '/srv/notes/venv'
'/srv/notes/venv/bin/pip' install --no-cache-dir --requirement '/srv/notes/current/requirements.txt' gunicorn

cat > '/etc/notes/gunicorn.conf.py' <<'TIERLIFT_EOF'
# Gunicorn settings of the notes API, placed by tierlift; local edits are overwritten.
# The same file on every tier that runs Gunicorn (on-prem hosts, EC2 instances).
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which the service's launcher builds from /etc/notes/app-env.json.
import multiprocessing

proc_name = "notes-api"
wsgi_app = "notes.app:app"
chdir = "/srv/notes/current"
bind = "0.0.0.0:8000"
workers = multiprocessing.cpu_count() * 2 + 1
timeout = 30
graceful_timeout = 20
keepalive = 5
pidfile = "/run/notes/gunicorn.pid"
control_socket = "/run/notes/gunicorn.ctl"
accesslog = "-"
errorlog = "-"

# Only the proxies (on EC2: the load balancer, the only peer the security group admits) may set the
# client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "*"
proxy_allow_ips = "*"
TIERLIFT_EOF

cat > '/usr/local/libexec/notes-start' <<'TIERLIFT_EOF'
#!/usr/bin/python3
"""Starts the notes API: builds its environment, runs the release command, then becomes Gunicorn.

Rendered by tierlift. The database credentials (kept by RDS in Secrets Manager) and the app's
secret variables are read at every start, so a restart picks up a rotated password, and are
handed to the release command and Gunicorn in their environment only: they are never written
to disk. The release command (database migrations) runs before this instance serves, so no
instance of a release serves before its schema is there; it runs on every instance's start and
is written to be repeatable and to serialise itself (the example's takes an advisory lock), so
the first instance migrates and the others find nothing left to do.
"""
import json
import os
import subprocess
import urllib.parse

GUNICORN = "/srv/notes/venv/bin/gunicorn"
GUNICORN_CONFIG = "/etc/notes/gunicorn.conf.py"
APP_ENV_FILE = "/etc/notes/app-env.json"
DB_NAME = "notes"
DB_PORT = "5432"
RELEASE_COMMAND = ""
RELEASE_DIR = "/srv/notes/current"
VENV_BIN = "/srv/notes/venv/bin"
SECRET_NAMES = [
]


def read_secret(secret_id):
    result = subprocess.run(
        ["aws", "secretsmanager", "get-secret-value", "--region", os.environ["TIERLIFT_REGION"],
         "--secret-id", secret_id, "--query", "SecretString", "--output", "text"],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def run_release_command(env):
    if not RELEASE_COMMAND:
        return
    release_env = dict(env)
    release_env["PATH"] = VENV_BIN + ":" + env.get("PATH", "/usr/bin:/bin")
    result = subprocess.run(["/bin/sh", "-c", RELEASE_COMMAND], cwd=RELEASE_DIR, env=release_env)
    if result.returncode != 0:
        raise SystemExit("the release command failed (exit " + str(result.returncode) + "); not serving this release")


def main():
    env = dict(os.environ)
    with open(APP_ENV_FILE, encoding="utf-8") as f:
        env.update(json.load(f))
    if SECRET_NAMES:
        values = read_secret(os.environ["TIERLIFT_APP_SECRET_ARN"])
        missing = [name for name in SECRET_NAMES if name not in values]
        if missing:
            raise SystemExit("the app secret lacks " + ", ".join(missing) + "; run tierlift deploy again")
        env.update({name: str(values[name]) for name in SECRET_NAMES})
    db = read_secret(os.environ["TIERLIFT_DB_SECRET_ARN"])
    credentials = urllib.parse.quote(db["username"], safe="") + ":" + urllib.parse.quote(db["password"], safe="")
    # rds.force_ssl is on: connections without TLS are refused.
    url = "postgresql://" + credentials + "@" + os.environ["TIERLIFT_DB_HOST"] + ":" + DB_PORT + "/" + DB_NAME + "?sslmode=require"
    env["DATABASE_URL"] = url
    env["DATABASE_READ_URL"] = url
    run_release_command(env)
    os.execve(GUNICORN, [GUNICORN, "--config", GUNICORN_CONFIG], env)


if __name__ == "__main__":
    main()
TIERLIFT_EOF
chmod 0755 '/usr/local/libexec/notes-start'

cat > '/etc/notes/app-env.json' <<'TIERLIFT_EOF'
{}
TIERLIFT_EOF

# Not secret: where the start script finds the database and the secrets, and which region to ask.
cat > '/etc/notes/boot.env' <<TIERLIFT_EOF
TIERLIFT_REGION=$TIERLIFT_REGION
TIERLIFT_DB_HOST=$TIERLIFT_DB_HOST
TIERLIFT_DB_SECRET_ARN=$TIERLIFT_DB_SECRET_ARN
TIERLIFT_APP_SECRET_ARN=$TIERLIFT_APP_SECRET_ARN
TIERLIFT_EOF

cat > '/etc/systemd/system/notes.service' <<'TIERLIFT_EOF'
[Unit]
Description=notes API (Gunicorn)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=notes
Group=notes
WorkingDirectory=/srv/notes/current
RuntimeDirectory=notes
EnvironmentFile=/etc/notes/boot.env
ExecStart=/usr/bin/python3 "/usr/local/libexec/notes-start"
ExecReload=/bin/kill -s HUP $MAINPID
KillMode=mixed
TimeoutStopSec=25
Restart=always
RestartSec=2
StandardOutput=append:/var/log/notes/gunicorn.log
StandardError=append:/var/log/notes/gunicorn.log
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes

[Install]
WantedBy=multi-user.target
TIERLIFT_EOF

cat > '/etc/notes/cloudwatch-agent.json' <<'TIERLIFT_EOF'
{
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {
            "file_path": "/var/log/notes/gunicorn.log",
            "log_group_name": "/tierlift/notes-default-iaas/app",
            "log_stream_name": "{instance_id}/gunicorn"
          },
          {
            "file_path": "/var/log/tierlift-boot.log",
            "log_group_name": "/tierlift/notes-default-iaas/app",
            "log_stream_name": "{instance_id}/boot"
          }
        ]
      }
    }
  }
}
TIERLIFT_EOF

systemctl daemon-reload
systemctl enable --now 'notes.service'
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:'/etc/notes/cloudwatch-agent.json'

# Healthy means the app answers its health check here, database included; only then signal success.
for attempt in $(seq 1 60); do
    if curl -fsS -o /dev/null 'http://127.0.0.1:8000/healthz'; then
        break
    fi
    sleep 5
done
curl -fsS -o /dev/null 'http://127.0.0.1:8000/healthz'
signal SUCCESS

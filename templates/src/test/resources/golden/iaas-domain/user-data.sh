#!/bin/bash
# Boot script of the notes-default app instances, rendered by tierlift.
# CloudFormation fills in this first block; the rest is used as written.
TIERLIFT_REGION='${AWS::Region}'
TIERLIFT_STACK='${AWS::StackName}'
TIERLIFT_ARTIFACT_BUCKET='${ArtifactBucketName}'
TIERLIFT_RELEASE_KEY='${ReleaseKey}'
TIERLIFT_DB_HOST='${DbEndpointAddress}'
TIERLIFT_DB_SECRET_ARN='${DbSecretArn}'
TIERLIFT_APP_DB_SECRET_ARN='${AppDbSecretArn}'
TIERLIFT_RELEASE_COMMAND_AT_BOOT='${ReleaseCommandAtBoot}'
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
'/srv/notes/venv/bin/pip' install --no-cache-dir '--requirement' '/srv/notes/current/requirements.txt' 'gunicorn==26.2.0'

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
# Gunicorn's default format plus the request id the edge set (X-Request-ID), so one request can be
# followed from the edge's log through this one.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'

# Only the proxies (on EC2: the load balancer, the only peer the security group admits) may set the
# client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "*"
proxy_allow_ips = "*"
TIERLIFT_EOF

cat > '/usr/local/libexec/notes-start' <<'TIERLIFT_EOF'
"""Starts the notes API: its environment, the release step, then Gunicorn; "exec -- CMD" runs CMD in that environment.

Rendered by tierlift; systemd runs it with the virtualenv's Python. Secrets are read at every start
and passed on in the environment only, never written to disk. The release step sets up the app's
database role as the master, then runs the release command as that role (unless the boot
environment turns it off: instances a migration launched); it runs on every start, so
it must be repeatable and serialise itself. Workers read the role's secret again when it is refused.
"""
import base64
import hashlib
import hmac
import importlib
import json
import os
import runpy
import subprocess
import sys
import threading
import time
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

# The app's own database role (both AWS tiers). The app never connects as the master, whose password RDS
# rotates: the release step, as the master, keeps a role with its own secret that owns the schema public
# and its objects, and the app connects as that role.
APP_ROLE = "notes_app"
APP_ROLE_SQL = "\"notes_app\""
ROLE_LOCK_KEY = 0x746C726F6C65
# A refused password makes a process read the secret again, then at most this often while it stays refused.
SECRET_REREAD_SECONDS = 10
MASTER_OWNED = [("TABLE", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind IN ('r','p','f')"),
                ("VIEW", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind = 'v'"),
                ("MATERIALIZED VIEW", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind = 'm'"),
                ("SEQUENCE", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind = 'S'"),
                ("ROUTINE", "pg_proc", "oid::regprocedure", "pronamespace", "proowner", "prokind IN ('f','p')"),
                ("TYPE", "pg_type", "oid::regtype", "typnamespace", "typowner", "typtype IN ('e','d','r')")]


def database_driver(required=True):
    for name in ("psycopg2", "psycopg"):
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    if required:
        raise SystemExit("the app's Python has neither psycopg2 nor psycopg, which set up its database role")


def scram_verifier(password):
    """What pg_authid stores: the server gets this, never the password (no log can show it)."""
    if not password.isascii():
        # PostgreSQL would SASLprep it first; the generated password is letters and digits.
        raise SystemExit("the app's database password must be ASCII")
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 4096)
    key = lambda name: hmac.new(salted, name, "sha256").digest()
    b64 = lambda data: base64.b64encode(data).decode()
    return "SCRAM-SHA-256$4096:%s$%s:%s" % (b64(salt), b64(hashlib.sha256(key(b"Client Key")).digest()), b64(key(b"Server Key")))


def ensure_app_role(master_url, secret):
    """As the master: the role with the secret's password, owning the schema public and its objects."""
    if secret.get("username") != APP_ROLE:
        raise SystemExit("the app's database secret is for " + repr(secret.get("username")) + ", not " + APP_ROLE)
    conn = database_driver().connect(master_url)
    try:
        with conn.cursor() as cur:
            sql = cur.execute
            sql("SELECT pg_advisory_xact_lock(%s)", (ROLE_LOCK_KEY,))
            sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,))
            # A new role has no privilege beyond logging in (and only a superuser may name the attributes in ALTER).
            sql(("ALTER" if cur.fetchone() else "CREATE") + " ROLE " + APP_ROLE_SQL
                + " LOGIN PASSWORD '" + scram_verifier(secret["password"]) + "'")
            # Membership lets the master hand objects over, and keeps its access for migrations and backups.
            sql("GRANT " + APP_ROLE_SQL + " TO CURRENT_USER")
            sql("SELECT pg_has_role(nspowner, 'MEMBER') FROM pg_namespace WHERE nspname = 'public'")
            if cur.fetchone()[0]:
                sql("ALTER SCHEMA public OWNER TO " + APP_ROLE_SQL)
                sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            else:  # before PostgreSQL 15, public belongs to the bootstrap superuser
                sql("GRANT USAGE, CREATE ON SCHEMA public TO " + APP_ROLE_SQL)
            # What the master creates later (a migration's restore) stays usable until the next release step.
            for kind in ("TABLES", "SEQUENCES", "FUNCTIONS", "TYPES"):
                sql("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON " + kind + " TO " + APP_ROLE_SQL)
            # Deploys from before the app had its role left the master owning its objects. Tables first:
            # their sequences go with them.
            for kind, catalog, name, schema, owner, which in MASTER_OWNED:
                sql("SELECT %s::text FROM %s WHERE %s = 'public'::regnamespace AND %s AND %s = "
                    "(SELECT oid FROM pg_roles WHERE rolname = current_user)" % (name, catalog, schema, which, owner))
                for (found,) in cur.fetchall():
                    sql("ALTER " + kind + " " + found + " OWNER TO " + APP_ROLE_SQL)
        conn.commit()
    finally:
        conn.close()


def is_authentication_failure(exc):
    code = getattr(exc, "pgcode", None) or getattr(exc, "sqlstate", None)
    return code in ("28P01", "28000") or "password authentication failed" in str(exc)


class AppDatabaseUrl:
    """DATABASE_URL from the app role's secret. A URL handed out here is replaced by the newest when the app
    connects, and a refused password reads the secret again and retries that connection once."""

    def __init__(self, read_url, variables):
        self.read_url, self.variables, self.issued, self.lock = read_url, variables, set(), threading.Lock()
        self.reread_at = None

    def set(self, url):
        self.issued.add(url)
        self.current = url
        for name in self.variables:
            os.environ[name] = url

    def reread(self, refused):
        with self.lock:
            now = time.monotonic()
            if self.current == refused and (self.reread_at is None or now - self.reread_at >= SECRET_REREAD_SECONDS):
                self.reread_at = now
                self.set(self.read_url())
            return self.current != refused

    def wrap(self, driver):
        connect = driver.connect

        def connect_as_app(*args, **kwargs):
            key = 0 if args else ("dsn" if "dsn" in kwargs else "conninfo")
            if (args[0] if args else kwargs.get(key)) not in self.issued:
                return connect(*args, **kwargs)
            args = list(args)
            for attempt in (1, 2):
                url = self.current
                if args:
                    args[0] = url
                else:
                    kwargs[key] = url
                try:
                    return connect(*args, **kwargs)
                except driver.OperationalError as exc:
                    if attempt == 2 or not is_authentication_failure(exc) or not self.reread(url):
                        raise
                    print("tierlift: the database refused the app role's password; retrying with its secret's",
                          file=sys.stderr, flush=True)

        driver.connect = connect_as_app


def read_secret(secret_id):
    result = subprocess.run(
        ["aws", "secretsmanager", "get-secret-value", "--region", os.environ["TIERLIFT_REGION"],
         "--secret-id", secret_id, "--query", "SecretString", "--output", "text"],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def run_release_command(env):
    if not RELEASE_COMMAND:
        return
    if os.environ.get("TIERLIFT_RELEASE_COMMAND_AT_BOOT") == "false":
        # Instances a migration launched: its copy brings the schema and must find the database empty.
        print("release command not run: the migration copies the schema", file=sys.stderr, flush=True)
        return
    release_env = dict(env)
    release_env["PATH"] = VENV_BIN + ":" + env.get("PATH", "/usr/bin:/bin")
    result = subprocess.run(["/bin/sh", "-c", RELEASE_COMMAND], cwd=RELEASE_DIR, env=release_env)
    if result.returncode != 0:
        raise SystemExit("the release command failed (exit " + str(result.returncode) + "); not serving this release")


def app_environment():
    env = dict(os.environ)
    with open(APP_ENV_FILE, encoding="utf-8") as f:
        env.update(json.load(f))
    if SECRET_NAMES:
        values = read_secret(os.environ["TIERLIFT_APP_SECRET_ARN"])
        missing = [name for name in SECRET_NAMES if name not in values]
        if missing:
            raise SystemExit("the app secret lacks " + ", ".join(missing) + "; run tierlift deploy again")
        env.update({name: str(values[name]) for name in SECRET_NAMES})
    return env


def main():
    env = app_environment()
    app_db_secret = os.environ["TIERLIFT_APP_DB_SECRET_ARN"]
    app_db = read_secret(app_db_secret)
    ensure_app_role(database_url(read_secret(os.environ["TIERLIFT_DB_SECRET_ARN"])), app_db)
    os.environ.update(env)
    app_url = AppDatabaseUrl(lambda: database_url(read_secret(app_db_secret)), ("DATABASE_URL", "DATABASE_READ_URL"))
    app_url.set(database_url(app_db))
    run_release_command(dict(os.environ))
    # Gunicorn runs in this process, so its workers inherit the driver that reads the secret again.
    app_url.wrap(database_driver())
    sys.argv = [GUNICORN, "--config", GUNICORN_CONFIG]
    runpy.run_path(GUNICORN, run_name="__main__")


def database_url(secret):
    credentials = urllib.parse.quote(secret["username"], safe="") + ":" + urllib.parse.quote(secret["password"], safe="")
    # rds.force_ssl is on: connections without TLS are refused.
    return "postgresql://" + credentials + "@" + os.environ["TIERLIFT_DB_HOST"] + ":" + DB_PORT + "/" + DB_NAME + "?sslmode=require"


def exec_command(argv):
    # No release step: the service ran it.
    env = app_environment()
    env["DATABASE_URL"] = env["DATABASE_READ_URL"] = database_url(read_secret(os.environ["TIERLIFT_APP_DB_SECRET_ARN"]))
    env["PATH"] = VENV_BIN + ":" + env["PATH"]
    os.chdir(RELEASE_DIR)
    os.execvpe(argv[0], argv, env)


if __name__ == "__main__":
    if sys.argv[1:3] == ["exec", "--"]:
        exec_command(sys.argv[3:])
    else:
        main()
TIERLIFT_EOF
chmod 0755 '/usr/local/libexec/notes-start'

cat > '/etc/notes/app-env.json' <<'TIERLIFT_EOF'
{
  "NOTES_PAGE_SIZE": "50"
}
TIERLIFT_EOF

# Not secret: where the start script finds the database and the secrets, which region to ask, and
# whether it runs the release command (not on instances a migration launched: its copy brings the schema).
cat > '/etc/notes/boot.env' <<TIERLIFT_EOF
TIERLIFT_REGION=$TIERLIFT_REGION
TIERLIFT_DB_HOST=$TIERLIFT_DB_HOST
TIERLIFT_DB_SECRET_ARN=$TIERLIFT_DB_SECRET_ARN
TIERLIFT_APP_DB_SECRET_ARN=$TIERLIFT_APP_DB_SECRET_ARN
TIERLIFT_APP_SECRET_ARN=$TIERLIFT_APP_SECRET_ARN
TIERLIFT_RELEASE_COMMAND_AT_BOOT=$TIERLIFT_RELEASE_COMMAND_AT_BOOT
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
ExecStart="/srv/notes/venv/bin/python" "/usr/local/libexec/notes-start"
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
    if curl -fsS -o /dev/null 'http://127.0.0.1:8000/api/health'; then
        break
    fi
    sleep 5
done
curl -fsS -o /dev/null 'http://127.0.0.1:8000/api/health'
signal SUCCESS

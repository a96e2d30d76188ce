"""Starts the ${app} API: its environment, the release step, then Gunicorn; "exec -- CMD" runs CMD in that environment.

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

GUNICORN = "${gunicorn}"
GUNICORN_CONFIG = "${gunicornConfig}"
APP_ENV_FILE = "${appEnvFile}"
DB_NAME = "${dbName}"
DB_PORT = "${dbPort}"
RELEASE_COMMAND = "${releaseCommand}"
RELEASE_DIR = "${releaseDir}"
VENV_BIN = "${venvBin}"
SECRET_NAMES = [
<#list secretNames as name>
    "${name}",
</#list>
]

<#include "/aws/db-credentials.py.ftl">


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

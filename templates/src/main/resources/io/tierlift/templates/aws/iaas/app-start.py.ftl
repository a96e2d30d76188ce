#!/usr/bin/python3
"""Starts the ${app} API: builds its environment, runs the release command, then becomes Gunicorn.

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

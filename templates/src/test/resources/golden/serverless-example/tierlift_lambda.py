"""Runs the notes API, unchanged, on AWS Lambda behind API Gateway (HTTP API, payload format 2.0).

Rendered by tierlift. Lambda calls handler(event, context):

* an HTTP API event becomes one WSGI request to the app; the response goes back as API
  Gateway expects it (Set-Cookie values in "cookies", binary bodies base64-encoded);
* the event {"tierlift": "release-command"}, which only principals allowed to invoke the
  function can send (API Gateway events always carry "requestContext"), runs the release
  command and returns its exit code and output ({"tierlift": "app-role"}, sent when a migration
  provisions the function, only sets up the app's database role: the migration copies the
  schema); the event {"tierlift": "exec", "argv": [...],
  "operator": NAME} (tierlift exec) logs who runs what, then runs that command the same way;
* an HTTP request without CloudFront's origin secret in its x-tierlift-origin header gets 403
  before anything else: API Gateway's execute-api name is public, and only CloudFront (behind
  the WAF) knows the secret. The header is removed before the app sees the request;
* while the function's environment has TIERLIFT_MAINTENANCE=on (tierlift sets it through
  UpdateFunctionConfiguration while a migration stops writes), every HTTP request gets 503 with
  the maintenance page: the app and the database are not touched.

At cold start, before the app is imported, DATABASE_URL is built from the secret of the app's own
database role (Secrets Manager; the function's environment holds its ARN, never its value) and the
app's secret variables are read from their secret. When the database refuses that password, the
connection is retried once with the secret read again. The release command's event first sets up
the app's role as the master user (whose secret RDS rotates, read fresh each time), then runs the
command as the app's role. Values already in the environment are left alone, which is how local
tests run it. The origin secret's values labelled AWSCURRENT and AWSPREVIOUS are accepted, read at
cold start and again (at most every ORIGIN_REFRESH_SECONDS) when a request carries neither, so a
rotated value is let in as soon as CloudFront sends it, whichever version of the function serves;
outside Lambda, without an origin secret configured, requests are not checked, so the app can be
run locally.
"""
import base64
import hashlib
import hmac
import importlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

WSGI_MODULE = "notes.app"
WSGI_ATTRIBUTE = "app"
# True when backend.wsgi names an app factory (module:create_app()): called once per cold start.
WSGI_FACTORY = False
RELEASE_COMMAND = "python -m notes.migrate"

# Lambda ends an invocation at its timeout; the release command is stopped a little earlier so
# that its output still comes back.
RELEASE_COMMAND_MARGIN_SECONDS = 2
RELEASE_OUTPUT_LIMIT = 64 * 1024
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml",
              "application/x-www-form-urlencoded")
TASK_ROOT = os.path.dirname(os.path.abspath(__file__))
MAINTENANCE_VARIABLE = "TIERLIFT_MAINTENANCE"
MAINTENANCE_PAGE = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>notes: down for maintenance</title>\n<style>\nbody { font-family: system-ui, sans-serif; max-width: 36rem; margin: 15vh auto; padding: 0 1rem; color: #222; }\nh1 { font-size: 1.5rem; }\n</style>\n</head>\n<body>\n<h1>notes is down for maintenance</h1>\n<p>We are making changes and will be back shortly. Please try again in a few minutes.</p>\n</body>\n</html>\n"

ORIGIN_HEADER = "x-tierlift-origin"

_secrets_client = None
_app_database_url = None
# The origin secret's accepted values as bytes; None: requests are not checked (local runs only).
_origin_values = None
_origin = {"loaded_at": 0.0}
# A request with an unknown value makes the secret be read again, but not more often than this: a
# client sending wrong values must not turn every request into a Secrets Manager call.
ORIGIN_REFRESH_SECONDS = 30
ORIGIN_STAGES = ("AWSCURRENT", "AWSPREVIOUS")


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,63}")


def log(message):
    print("tierlift_lambda: " + message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- configuration from secrets

def secrets_client():
    global _secrets_client
    if _secrets_client is None:
        import boto3  # part of the Lambda runtime, so not packaged

        _secrets_client = boto3.client("secretsmanager")
    return _secrets_client


def read_secret(arn):
    """The JSON object a Secrets Manager secret holds."""
    return json.loads(secrets_client().get_secret_value(SecretId=arn)["SecretString"])


def secret_at_stage(arn, stage):
    """The secret's text labelled stage, or None when no version has that label (never rotated: no AWSPREVIOUS)."""
    try:
        return secrets_client().get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"]
    except Exception as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise


def load_origin_values():
    """The origin secret's current and previous values; on Lambda, an unconfigured secret lets nothing in."""
    global _origin_values
    arn = os.environ.get("TIERLIFT_ORIGIN_SECRET_ARN")
    if arn:
        values = [secret_at_stage(arn, stage) for stage in ORIGIN_STAGES]
        _origin_values = [value.encode("utf-8") for value in values if value]
        _origin["loaded_at"] = time.monotonic()
    elif os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        log("no origin secret is configured (TIERLIFT_ORIGIN_SECRET_ARN): every HTTP request is refused")
        _origin_values = []


def origin_matches(sent):
    # Every value is compared, so the time taken does not tell which one nearly matched.
    return any([hmac.compare_digest(sent, value) for value in _origin_values])


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


def database_url(secret):
    """A libpq URL for the RDS Proxy from a database secret ({"username", "password"})."""
    user = urllib.parse.quote(secret["username"], safe="")
    password = urllib.parse.quote(secret["password"], safe="")
    host = os.environ["TIERLIFT_DB_HOST"]
    port = os.environ.get("TIERLIFT_DB_PORT", "5432")
    name = urllib.parse.quote(os.environ["TIERLIFT_DB_NAME"], safe="")
    # The proxy requires TLS.
    return "postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" + name + "?sslmode=require"


def app_database_url():
    return database_url(read_secret(os.environ["TIERLIFT_APP_DB_SECRET_ARN"]))


def load_app_secrets():
    names = [name for name in os.environ.get("TIERLIFT_APP_SECRET_NAMES", "").split(",") if name]
    missing = [name for name in names if name not in os.environ]
    if not missing:
        return
    values = read_secret(os.environ["TIERLIFT_APP_SECRET_ARN"])
    absent = [name for name in missing if name not in values]
    if absent:
        raise RuntimeError("the app secret lacks " + ", ".join(absent) + "; run tierlift deploy again")
    for name in missing:
        os.environ[name] = str(values[name])


def configure():
    global _app_database_url
    if "DATABASE_URL" not in os.environ and os.environ.get("TIERLIFT_APP_DB_SECRET_ARN"):
        _app_database_url = AppDatabaseUrl(app_database_url, ("DATABASE_URL",))
        _app_database_url.set(app_database_url())
        driver = database_driver(required=False)
        if driver is not None:
            _app_database_url.wrap(driver)
    load_app_secrets()
    load_origin_values()


# ---------------------------------------------------------------- HTTP API event -> WSGI -> response

def native(text):
    """PEP 3333: header values are str holding the bytes as latin-1."""
    return text.encode("utf-8").decode("latin-1")


def request_body(event):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8")


def wsgi_environ(event, body):
    context = event.get("requestContext") or {}
    http = context.get("http") or {}
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    # Payload 2.0 moves the Cookie header into a list.
    if event.get("cookies"):
        headers["cookie"] = "; ".join(event["cookies"])
    # One id per request, as nginx gives one on-prem: a well-formed X-Request-ID the client sent, else
    # API Gateway's own (the requestId of the API's access log).
    if not REQUEST_ID.fullmatch(headers.get("x-request-id", "")):
        headers["x-request-id"] = context.get("requestId", "")
    host = headers.get("host") or context.get("domainName") or "localhost"
    environ = {
        "REQUEST_METHOD": http.get("method", "GET"),
        "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote_to_bytes(event.get("rawPath") or "/").decode("latin-1"),
        "QUERY_STRING": event.get("rawQueryString") or "",
        "SERVER_NAME": host.split(":")[0],
        "SERVER_PORT": headers.get("x-forwarded-port", "443"),
        "SERVER_PROTOCOL": http.get("protocol", "HTTP/1.1"),
        "REMOTE_ADDR": http.get("sourceIp", ""),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": headers.get("x-forwarded-proto", "https"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        if name == "content-type":
            environ["CONTENT_TYPE"] = native(value)
        elif name != "content-length":
            environ["HTTP_" + name.upper().replace("-", "_")] = native(value)
    return environ


def call_app(environ):
    started = {}
    chunks = []

    def start_response(status, response_headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started["status"] = status
        started["headers"] = response_headers
        return chunks.append

    result = application(environ, start_response)
    try:
        for chunk in result:
            if chunk:
                chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return started["status"], started["headers"], b"".join(chunks)


def is_text(merged):
    """Whether a response body goes back as text: a textual type and no Content-Encoding."""
    if "content-encoding" in merged:
        return False
    values = merged.get("content-type", ("", []))[1]
    content_type = values[0].lower() if values else ""
    return content_type.startswith(TEXT_TYPES) or "+json" in content_type or "+xml" in content_type


def http_response(status, response_headers, body):
    cookies = []
    merged = {}  # lower-case name -> (name as the app wrote it, values)
    for name, value in response_headers:
        if name.lower() == "set-cookie":
            cookies.append(value)
        else:
            merged.setdefault(name.lower(), (name, []))[1].append(value)
    response = {
        "statusCode": int(status.split(" ", 1)[0]),
        "headers": {name: ", ".join(values) for name, values in merged.values()},
    }
    if cookies:
        response["cookies"] = cookies
    text = None
    if not body:
        text = ""
    elif is_text(merged):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is None:
        response["body"] = base64.b64encode(body).decode("ascii")
        response["isBase64Encoded"] = True
    else:
        response["body"] = text
        response["isBase64Encoded"] = False
    return response


def from_cloudfront(event):
    """Whether the request carries one of the origin secret's values (compared in constant time)."""
    if _origin_values is None:
        return True
    sent = None
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == ORIGIN_HEADER:
            sent = value.encode("utf-8")
    if sent is None:
        return False
    if origin_matches(sent):
        return True
    if os.environ.get("TIERLIFT_ORIGIN_SECRET_ARN") and time.monotonic() - _origin["loaded_at"] >= ORIGIN_REFRESH_SECONDS:
        # Perhaps rotated since the cold start, and CloudFront already sends the new value.
        try:
            load_origin_values()
        except Exception as exc:  # keep the values we have; the next unknown value tries again
            log("cannot read the origin secret again, keeping the previous values: " + type(exc).__name__)
        return origin_matches(sent)
    return False


def without_origin_header(event):
    """The event without the origin header: the app, its logs and its errors never see the secret."""
    headers = {name: value for name, value in (event.get("headers") or {}).items() if name.lower() != ORIGIN_HEADER}
    return dict(event, headers=headers)


def forbidden():
    return {
        "statusCode": 403,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"error": "forbidden"}),
        "isBase64Encoded": False,
    }


def in_maintenance():
    # Read per request, not at cold start: it is the switch's whole point that it flips while
    # instances are warm (Lambda also starts fresh instances after a configuration change).
    return os.environ.get(MAINTENANCE_VARIABLE, "").strip().lower() == "on"


def maintenance_response():
    return {
        "statusCode": 503,
        "headers": {
            "Content-Type": "text/html; charset=utf-8",
            # Neither CloudFront nor browsers may keep the page once the app is back.
            "Cache-Control": "no-store",
            "Retry-After": "120",
        },
        "body": MAINTENANCE_PAGE,
        "isBase64Encoded": False,
    }


def internal_error():
    return {
        "statusCode": 500,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"error": "internal server error"}),
        "isBase64Encoded": False,
    }


# ---------------------------------------------------------------- the release command

def remaining_seconds(context):
    if context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return None
    return max(1.0, context.get_remaining_time_in_millis() / 1000.0 - RELEASE_COMMAND_MARGIN_SECONDS)


def set_up_app_role():
    """As the master, read fresh: RDS may have rotated its password since this environment started."""
    app_db = read_secret(os.environ["TIERLIFT_APP_DB_SECRET_ARN"])
    ensure_app_role(database_url(read_secret(os.environ["TIERLIFT_DB_SECRET_ARN"])), app_db)
    _app_database_url.set(database_url(app_db))
    log("the app's database role " + APP_ROLE + " is set up")


def run_app_role_setup():
    # Without the master's secret (a local run with DATABASE_URL given), there is no role to set up.
    if _app_database_url is not None and os.environ.get("TIERLIFT_DB_SECRET_ARN"):
        try:
            set_up_app_role()
        except (Exception, SystemExit) as exc:
            return {"exitCode": 1, "output": "cannot set up the app's database role: " + str(exc).strip(), "timedOut": False}
    return {"exitCode": 0, "output": "", "timedOut": False}


def run_release_command(context):
    role = run_app_role_setup()
    if role["exitCode"] != 0:
        return role
    if not RELEASE_COMMAND:
        return {"exitCode": 0, "output": "no release command is configured", "timedOut": False}
    log("running the release command: " + RELEASE_COMMAND)
    return run_in_function(["/bin/sh", "-c", RELEASE_COMMAND], "release command", context, log_output=True)


def run_exec(event, context):
    """tierlift exec: one command (argv, no shell) with the app's environment, recorded in the log first."""
    argv = event.get("argv")
    operator = event.get("operator")
    if not isinstance(argv, list) or not argv or not all(isinstance(word, str) and word and "\0" not in word for word in argv):
        return {"error": "exec needs argv: a non-empty list of non-empty strings"}
    if not isinstance(operator, str) or not operator:
        return {"error": "exec needs operator: who runs the command"}
    # One line per exec in the function's log group (CloudWatch Logs): who ran what, never a value.
    log("exec by " + json.dumps(operator) + ": " + json.dumps(argv))
    # Its output goes back to the operator only: what a command prints (it may print a secret) stays out of the log.
    result = run_in_function(argv, "exec", context, log_output=False)
    log("exec by " + json.dumps(operator) + " ended with exit code " + str(result["exitCode"]))
    return result


def run_in_function(argv, label, context, log_output):
    """Runs argv in the package folder with this Python as "python" and the app's environment; its output and exit code."""
    timeout = remaining_seconds(context)
    with tempfile.TemporaryDirectory(prefix="tierlift-bin-") as bin_dir:
        # A command says "python" as it would on an app host; here that is this very interpreter.
        for name in ("python", "python3"):
            os.symlink(sys.executable, os.path.join(bin_dir, name))
        env = dict(os.environ)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (TASK_ROOT, env.get("PYTHONPATH", "")) if p)
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # the code folder is read-only on Lambda
        # Its own session, so a timeout ends the command and everything it started.
        try:
            process = subprocess.Popen(argv, cwd=TASK_ROOT, env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        except OSError as error:
            # As a shell reports a command it cannot run: 127 not found, 126 not executable.
            code = 127 if isinstance(error, FileNotFoundError) else 126
            return {"exitCode": code, "output": "cannot run " + argv[0] + ": " + (error.strerror or str(error)) + "\n",
                    "timedOut": False}
        timed_out = False
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    text = output.decode("utf-8", errors="replace")
    if timed_out:
        text += "\n[tierlift] the " + label + " was stopped after " + str(int(timeout)) + " s (the function's timeout)\n"
    if log_output:
        for line in text.splitlines():
            log(label + ": " + line)
    if len(text) > RELEASE_OUTPUT_LIMIT:
        text = "[tierlift] output cut to its last " + str(RELEASE_OUTPUT_LIMIT) + " characters\n" + text[-RELEASE_OUTPUT_LIMIT:]
    return {"exitCode": process.returncode, "output": text, "timedOut": timed_out}


def tierlift_action(event, context):
    action = event.get("tierlift")
    if action == "release-command":
        return run_release_command(context)
    if action == "app-role":
        # A migration's provision: the role only, as the migration's copy brings the schema.
        return run_app_role_setup()
    if action == "exec":
        return run_exec(event, context)
    return {"error": "unknown tierlift action: " + repr(action)}


# ---------------------------------------------------------------- entry point

def handler(event, context):
    if isinstance(event, dict) and "tierlift" in event and "requestContext" not in event:
        return tierlift_action(event, context)
    if not from_cloudfront(event):
        # Not through CloudFront, so not through the WAF either.
        return forbidden()
    event = without_origin_header(event)
    if in_maintenance():
        # Before anything reads the secret or reaches the app: no request writes while a
        # migration copies the data.
        return maintenance_response()
    try:
        body = request_body(event)
        environ = wsgi_environ(event, body)
        status, response_headers, payload = call_app(environ)
        # The function's access line, with the id the app saw: the function's log group then
        # holds each request under the same id as the API's access log.
        print("%s %s %s request_id=%s" % (environ["REQUEST_METHOD"], environ["PATH_INFO"], status.split(" ", 1)[0],
                                          environ.get("HTTP_X_REQUEST_ID", "")), file=sys.stderr, flush=True)
        return http_response(status, response_headers, payload)
    except Exception:
        traceback.print_exc()
        return internal_error()


configure()
application = getattr(importlib.import_module(WSGI_MODULE), WSGI_ATTRIBUTE)
if WSGI_FACTORY:
    application = application()

"""Notes API: a small Flask app over PostgreSQL (primary + optional hot standby).

Runtime contract (see ../../README.md): configuration comes only from the
environment (DATABASE_URL, DATABASE_READ_URL), every response carries
X-Served-By, and every error is JSON ``{"error": "..."}`` - never a traceback.
"""
import base64
import re
import socket

import psycopg2
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from . import db

HOSTNAME = socket.gethostname()

LIMIT_DEFAULT = 100
LIMIT_MAX = 500
BODY_MAX_CHARS = 2000

app = Flask(__name__)
# Nothing here legitimately needs a large request; refuse big ones early (413).
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024


class ApiError(Exception):
    """A client error with a message that is safe to show."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def error(message, status):
    return jsonify(error=message), status


@app.errorhandler(ApiError)
def handle_api_error(exc):
    return error(exc.message, exc.status)


@app.errorhandler(HTTPException)
def handle_http_error(exc):
    # Unknown paths (404), wrong methods (405), oversized bodies (413), ...
    response = jsonify(error=exc.name.lower())
    response.status_code = exc.code
    # Keep headers such as Allow on a 405, but not Werkzeug's HTML content type.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


@app.errorhandler(psycopg2.Error)
def handle_database_error(exc):
    # The details (host names, SQL) go to the log, not to the client.
    app.logger.warning("database error: %s", str(exc).strip())
    return error("database unavailable", 503)


@app.errorhandler(Exception)
def handle_unexpected_error(exc):
    app.logger.exception("unhandled error")
    return error("internal server error", 500)


@app.after_request
def add_served_by(response):
    # Lets tests and demos see which app host answered (round-robin checks).
    response.headers["X-Served-By"] = HOSTNAME
    return response


# The id the edge gave the request (X-Request-ID), as nginx accepts it: PostgreSQL keeps at most
# 63 bytes of an application_name.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,63}")


def valid_request_id():
    """The request's id when it has a well-formed one, else None."""
    request_id = request.headers.get("X-Request-ID", "")
    return request_id if REQUEST_ID.fullmatch(request_id) else None


def note_json(row):
    note_id, body, created_at = row
    return {"id": note_id, "body": body, "created_at": created_at.isoformat()}


def parse_limit(raw):
    if raw is None:
        return LIMIT_DEFAULT
    # Stricter than int(): no signs, spaces or underscores.
    if not re.fullmatch(r"[0-9]{1,6}", raw):
        raise ApiError(f"limit must be an integer between 1 and {LIMIT_MAX}")
    limit = int(raw)
    if not 1 <= limit <= LIMIT_MAX:
        raise ApiError(f"limit must be an integer between 1 and {LIMIT_MAX}")
    return limit


def parse_note_body():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError('expected a JSON object like {"body": "..."}')
    body = payload.get("body")
    if not isinstance(body, str):
        raise ApiError('"body" must be a string')
    if not body.strip():
        raise ApiError('"body" must not be empty')
    if len(body) > BODY_MAX_CHARS:
        raise ApiError(f'"body" must be at most {BODY_MAX_CHARS} characters')
    if "\x00" in body:
        # PostgreSQL text cannot hold NUL; reject rather than fail in the driver.
        raise ApiError('"body" must not contain NUL characters')
    return body


def read_body():
    """Return the raw request body, enforcing MAX_CONTENT_LENGTH.

    Werkzeug 3 enforces the limit itself, but Werkzeug 2.2 (Debian 12's) only
    does so for form data, so check here too.
    """
    limit = app.config["MAX_CONTENT_LENGTH"]
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    raw = request.get_data(cache=False)
    if len(raw) > limit:  # e.g. a chunked body without Content-Length
        raise RequestEntityTooLarge()
    return raw


@app.get("/api/health")
def health():
    try:
        with db.cursor(db.primary_dsn(), request_id=valid_request_id()) as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except psycopg2.Error as exc:
        app.logger.warning("health check failed: %s", str(exc).strip())
        return jsonify(status="degraded", database="unavailable", host=HOSTNAME), 503
    return jsonify(status="ok", database="ok", host=HOSTNAME)


@app.get("/api/notes")
def list_notes():
    limit = parse_limit(request.args.get("limit"))
    source = request.args.get("source", "primary")
    if source == "primary":
        # Default reads go to the primary so a POST followed by a GET sees the note.
        dsn = db.primary_dsn()
    elif source == "replica":
        dsn, source = db.read_dsn()
    else:
        raise ApiError('source must be "primary" or "replica"')

    with db.cursor(dsn, readonly=True, request_id=valid_request_id()) as cur:
        cur.execute(
            "SELECT id, body, created_at FROM notes"
            " ORDER BY created_at DESC, id DESC LIMIT %s",
            (limit,),
        )
        rows = cur.fetchall()
    response = jsonify([note_json(row) for row in rows])
    response.headers["X-Read-Source"] = source
    return response


@app.post("/api/notes")
def create_note():
    body = parse_note_body()
    with db.cursor(db.primary_dsn(), request_id=valid_request_id()) as cur:
        cur.execute(
            "INSERT INTO notes (body) VALUES (%s) RETURNING id, body, created_at",
            (body,),
        )
        note = note_json(cur.fetchone())
    response = jsonify(note)
    response.status_code = 201
    response.headers["Location"] = f"/api/notes/{note['id']}"
    return response


@app.get("/api/notes/<int:note_id>")
def get_note(note_id):
    with db.cursor(db.primary_dsn(), readonly=True, request_id=valid_request_id()) as cur:
        cur.execute("SELECT id, body, created_at FROM notes WHERE id = %s", (note_id,))
        row = cur.fetchone()
    if row is None:
        raise ApiError("note not found", 404)
    return jsonify(note_json(row))


@app.route("/api/echo", methods=["GET", "POST"])
def echo():
    """Reflect the request, to prove a proxy or Lambda adapter carries it intact."""
    raw = read_body()
    try:
        body, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    return jsonify(
        method=request.method,
        path=request.path,
        query_string=request.query_string.decode("latin-1"),
        # Lists keep repeated keys (?tag=a&tag=b) visible.
        args=request.args.to_dict(flat=False),
        headers={name: request.headers.get(name) for name in ("Content-Type", "Cookie")},
        cookies=request.cookies.to_dict(),
        body=body,
        body_encoding=encoding,
        body_length=len(raw),
    )

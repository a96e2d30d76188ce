"""Database connection helpers shared by the API and the migration command.

Configuration comes only from the environment:

* ``DATABASE_URL``      libpq URL of the primary. When unset, an empty DSN is
                        passed so libpq falls back to PGHOST, PGUSER, ... .
* ``DATABASE_READ_URL`` optional libpq URL of a hot standby for reads that can
                        tolerate replication lag. Falls back to the primary.

The environment is read on every call (not at import) so the process starts
even when the database is down, and tests can change it per case.
"""
import functools
import os
from contextlib import contextmanager

import psycopg2

CONNECT_TIMEOUT_SECONDS = 5


def primary_dsn():
    return os.environ.get("DATABASE_URL", "")


def read_dsn():
    """Return (dsn, source) for lag-tolerant reads; source is 'replica' or 'primary'."""
    url = os.environ.get("DATABASE_READ_URL", "")
    if url:
        return url, "replica"
    return primary_dsn(), "primary"


def connect(dsn, application_name="notes"):
    # psycopg2 merges keyword arguments into both URL and key=value DSNs.
    return psycopg2.connect(
        dsn,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        application_name=application_name,
    )


class RequestTaggedCursor(psycopg2.extensions.cursor):
    """A cursor that puts ``/* request_id=<id> */`` before every statement it runs.

    PostgreSQL logs a slow statement's text as sent, comment included, so the
    request's id reaches the log even where the server's log_line_prefix cannot
    show application_name (RDS and Aurora fix the prefix).
    """

    def __init__(self, conn, name=None, *, comment=""):
        super().__init__(conn, name)
        self.comment = comment

    def execute(self, query, vars=None):
        return super().execute(self.comment + query, vars)

    def executemany(self, query, vars_list):
        return super().executemany(self.comment + query, vars_list)


def request_comment(request_id):
    # The id has passed the app's REQUEST_ID pattern (letters, digits, "._-"), so
    # it can neither close the comment nor look like a "%s" placeholder.
    return f"/* request_id={request_id} */ " if request_id else ""


@contextmanager
def cursor(dsn, readonly=False, request_id=None):
    """Open a connection for one unit of work: commit on success, always close.

    ``request_id`` (already validated) follows every statement into
    PostgreSQL's log twice: as application_name (``%a`` in an on-prem
    log_line_prefix) and as a leading SQL comment (in the statement text, which
    every tier logs). Without one the connection is just "notes".

    A connection per request keeps the app stateless (and safe under Gunicorn's
    forking and Lambda's freeze/thaw); the notes workload is far too small for
    the connect cost to matter.
    """
    conn = connect(dsn, request_id or "notes")
    try:
        if readonly:
            conn.set_session(readonly=True)
        tagged = functools.partial(RequestTaggedCursor, comment=request_comment(request_id))
        with conn.cursor(cursor_factory=tagged) as cur:
            yield cur
        conn.commit()
    except BaseException:
        # A dropped connection cannot be rolled back; don't let that failure
        # hide the original error.
        if not conn.closed:
            try:
                conn.rollback()
            except psycopg2.Error:
                pass
        raise
    finally:
        conn.close()

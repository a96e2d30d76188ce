"""Database connection helpers shared by the API and the migration command.

Configuration comes only from the environment:

* ``DATABASE_URL``      libpq URL of the primary. When unset, an empty DSN is
                        passed so libpq falls back to PGHOST, PGUSER, ... .
* ``DATABASE_READ_URL`` optional libpq URL of a hot standby for reads that can
                        tolerate replication lag. Falls back to the primary.

The environment is read on every call (not at import) so the process starts
even when the database is down, and tests can change it per case.
"""
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


@contextmanager
def cursor(dsn, readonly=False, application_name="notes"):
    """Open a connection for one unit of work: commit on success, always close.

    ``application_name`` is what PostgreSQL's log lines show for this connection
    (``%a``); the API passes the request's id so a slow statement can be found
    by it.

    A connection per request keeps the app stateless (and safe under Gunicorn's
    forking and Lambda's freeze/thaw); the notes workload is far too small for
    the connect cost to matter.
    """
    conn = connect(dsn, application_name)
    try:
        if readonly:
            conn.set_session(readonly=True)
        with conn.cursor() as cur:
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

"""Release command: apply pending SQL migrations to the primary database.

    python -m notes.migrate

Applies notes/migrations/*.sql in file-name order. Each file runs in its own
transaction together with its row in schema_migrations, so a failed migration
leaves no trace and is retried on the next run. A session-level advisory lock
serialises concurrent runs (e.g. two hosts releasing at once): the second one
waits, then finds everything applied and skips it.

Prints one line per migration; exits 1 with a message on stderr on failure.
"""
import sys
from pathlib import Path

import psycopg2

from . import db

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Arbitrary but fixed key for pg_advisory_lock; only has to be the same for
# every run of this command against one database ("notes" in ASCII).
LOCK_KEY = 0x6E6F746573


class MigrationError(Exception):
    pass


def migration_files():
    files = sorted(MIGRATIONS_DIR.glob("*.sql"), key=lambda path: path.name)
    if not files:
        # A release that silently applies nothing usually means the SQL files
        # were left out of the package; fail loudly instead.
        raise MigrationError(f"no migrations found in {MIGRATIONS_DIR}")
    return files


def migrate(conn, out=sys.stdout):
    """Apply pending migrations on an open connection; return the number applied."""
    files = migration_files()
    applied = 0
    with conn.cursor() as cur:
        # Lock before touching schema_migrations so concurrent runs cannot race
        # on creating it either. The lock is held until unlock or disconnect.
        cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.commit()
        try:
            for path in files:
                version = path.stem
                cur.execute("SELECT 1 FROM schema_migrations WHERE version = %s", (version,))
                if cur.fetchone():
                    conn.rollback()
                    print(f"skipped {version} (already applied)", file=out, flush=True)
                    continue
                sql = path.read_text(encoding="utf-8")
                try:
                    if sql.strip():
                        # No parameters: psycopg2 sends the file as-is, so '%'
                        # needs no escaping and several statements are allowed.
                        cur.execute(sql)
                    cur.execute(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, now())",
                        (version,),
                    )
                    conn.commit()
                except psycopg2.Error as exc:
                    conn.rollback()
                    raise MigrationError(f"migration {version} failed: {str(exc).strip()}") from exc
                applied += 1
                print(f"applied {version}", file=out, flush=True)
        finally:
            try:
                conn.rollback()
                cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
                conn.commit()
            except psycopg2.Error:
                pass  # connection lost: the server dropped the lock with the session
    return applied


def main():
    try:
        migration_files()  # fail before connecting if the package is incomplete
        conn = db.connect(db.primary_dsn(), application_name="notes-migrate")
    except MigrationError as exc:
        print(f"migrate: {exc}", file=sys.stderr)
        return 1
    except psycopg2.Error as exc:
        print(f"migrate: cannot connect to the database: {str(exc).strip()}", file=sys.stderr)
        return 1
    try:
        migrate(conn)
    except MigrationError as exc:
        print(f"migrate: {exc}", file=sys.stderr)
        return 1
    except psycopg2.Error as exc:
        print(f"migrate: database error: {str(exc).strip()}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

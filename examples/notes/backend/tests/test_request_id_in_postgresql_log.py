"""The request's id reaches PostgreSQL's log, against a real PostgreSQL 15.

Run as root (PostgreSQL is started as the postgres user):
/usr/bin/python3 -m unittest discover -s examples/notes/backend/tests

The server logs every statement (log_min_duration_statement = 0), as
database.slow_query 0s makes every tier do. Its log_line_prefix shows
application_name as on-prem does; RDS and Aurora fix their prefix, which is
why the id must also travel in the statement text.
"""
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from unittest import mock

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notes import db, migrate  # noqa: E402
from notes.app import app  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUNUSER = Path("/usr/sbin/runuser")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*argv):
    subprocess.run([str(RUNUSER), "-u", "postgres", "--", *argv], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)


class RequestIdInPostgresqlLogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in (PG_BIN / "initdb", PG_BIN / "pg_ctl", RUNUSER):
            if not os.access(tool, os.X_OK):
                raise AssertionError(f"{tool} is needed (Debian packages postgresql-15, util-linux)")
        if os.geteuid() != 0:
            raise AssertionError("run as root: PostgreSQL is started as the postgres user")
        cls.root = Path(tempfile.mkdtemp(prefix="notes-pg-log-"))
        os.chmod(cls.root, 0o755)
        cls.data = cls.root / "data"
        cls.log = cls.root / "server.log"
        for path in (cls.data, cls.root / "sockets"):
            path.mkdir(mode=0o700)
            shutil.chown(path, "postgres")
        cls.log.touch()
        shutil.chown(cls.log, "postgres")
        cls.started = False
        try:
            as_postgres(str(PG_BIN / "initdb"), "-D", str(cls.data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C")
            cls.port = free_port()
            with open(cls.data / "postgresql.conf", "a") as conf:
                conf.write(
                    "listen_addresses = '127.0.0.1'\n"
                    f"port = {cls.port}\n"
                    f"unix_socket_directories = '{cls.root / 'sockets'}'\n"
                    "log_min_duration_statement = 0\n"
                    "log_line_prefix = '%m [%p] app=%a '\n"
                )
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(cls.data), "-l", str(cls.log), "-w", "-t", "60", "start")
            cls.started = True
            admin = psycopg2.connect(host="127.0.0.1", port=cls.port, user="postgres", dbname="postgres")
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute("CREATE DATABASE notes")
            admin.close()
            cls.url = f"postgresql://postgres@127.0.0.1:{cls.port}/notes"
            conn = db.connect(cls.url, "notes-migrate")
            try:
                migrate.migrate(conn, out=io.StringIO())
            finally:
                conn.close()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.started:
                as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(cls.data), "-m", "fast", "-w", "stop")
                cls.started = False
        finally:
            shutil.rmtree(cls.root)

    def setUp(self):
        env = mock.patch.dict(os.environ, {"DATABASE_URL": self.url})
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("DATABASE_READ_URL", None)
        self.client = app.test_client(use_cookies=False)

    def log_lines_with(self, text):
        """The server log's lines containing text, waiting briefly for the server to write them."""
        deadline = time.monotonic() + 5
        while True:
            lines = [line for line in self.log.read_text().splitlines() if text in line]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)

    def test_every_statement_of_a_request_is_logged_with_its_id_in_the_sql_and_as_application_name(self):
        request_id = "req-" + os.urandom(6).hex()
        created = self.client.post("/api/notes", json={"body": "followed"}, headers={"X-Request-ID": request_id})
        self.assertEqual(created.status_code, 201, created.get_data(as_text=True))
        listed = self.client.get("/api/notes", headers={"X-Request-ID": request_id})
        self.assertEqual(listed.status_code, 200, listed.get_data(as_text=True))

        statements = self.log_lines_with(f"statement: /* request_id={request_id} */ ")
        self.assertTrue(any("INSERT INTO notes" in line for line in statements), statements)
        self.assertTrue(any("SELECT id, body, created_at FROM notes" in line for line in statements), statements)
        for line in statements:
            self.assertIn(f"app={request_id} ", line)
            self.assertIn("duration:", line)

    def test_a_request_without_a_well_formed_id_runs_untagged_statements_as_notes(self):
        for header in ({}, {"X-Request-ID": "bad*/id-" + os.urandom(4).hex()}):
            with self.subTest(header=header):
                marker = os.urandom(6).hex()
                created = self.client.post("/api/notes", json={"body": marker}, headers=header)
                self.assertEqual(created.status_code, 201, created.get_data(as_text=True))
                inserts = self.log_lines_with(marker)
                self.assertEqual(len(inserts), 1, inserts)
                self.assertIn("app=notes ", inserts[0])
                self.assertIn("statement: INSERT INTO notes", inserts[0])
                self.assertNotIn("request_id=", inserts[0])


if __name__ == "__main__":
    unittest.main()

"""Tests that need no running database.

Run: /usr/bin/python3 -m unittest discover -s examples/notes/backend/tests -p test_app.py

DATABASE_URL points at a closed port, so anything that reaches the database
fails fast; validation must therefore happen before any connection is made.
"""
import base64
import io
import logging
import os
import sys
import unittest
from contextlib import redirect_stderr
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notes import migrate  # noqa: E402
from notes.app import app  # noqa: E402

CLOSED_PORT_URL = "postgresql://notes@127.0.0.1:1/notes"


def setUpModule():
    # Every database call here fails on purpose; keep its warnings out of the output.
    app.logger.setLevel(logging.ERROR)


class ApiWithoutDatabaseTest(unittest.TestCase):
    def setUp(self):
        env = mock.patch.dict(os.environ, {"DATABASE_URL": CLOSED_PORT_URL})
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("DATABASE_READ_URL", None)
        # Without a cookie jar, so a raw Cookie header reaches the app unchanged
        # (Werkzeug 2.2's jar replaces it with the jar's own cookies).
        self.client = app.test_client(use_cookies=False)

    def assertJsonError(self, response, status):
        self.assertEqual(response.status_code, status, response.get_data(as_text=True)[:300])
        self.assertEqual(response.mimetype, "application/json")
        self.assertIsInstance(response.get_json().get("error"), str)
        self.assertNotIn("Traceback", response.get_data(as_text=True))

    def post_note(self, payload):
        return self.client.post("/api/notes", json=payload)

    def test_health_is_degraded_when_database_is_down(self):
        response = self.client.get("/api/health")
        self.assertEqual(response.status_code, 503)
        data = response.get_json()
        self.assertEqual(data["status"], "degraded")
        self.assertIn("host", data)
        self.assertNotIn("Traceback", response.get_data(as_text=True))

    def test_every_response_names_the_serving_host(self):
        for response in (
            self.client.get("/api/health"),
            self.client.get("/api/nope"),
            self.post_note({}),
            self.client.get("/api/echo"),
        ):
            self.assertTrue(response.headers.get("X-Served-By"))

    def test_post_rejects_bad_bodies(self):
        for payload in (
            None,
            [],
            {},
            {"body": ""},
            {"body": "   "},
            {"body": 42},
            {"body": "x" * 2001},
            {"body": "a\x00b"},
        ):
            with self.subTest(payload=payload):
                self.assertJsonError(self.post_note(payload), 400)

    def test_post_rejects_non_json(self):
        response = self.client.post("/api/notes", data="body=hi",
                                    content_type="application/x-www-form-urlencoded")
        self.assertJsonError(response, 400)
        response = self.client.post("/api/notes", data="{not json",
                                    content_type="application/json")
        self.assertJsonError(response, 400)

    def test_post_accepts_limits_then_reports_database_down(self):
        # Valid bodies pass validation and only then fail on the database: 503.
        for body in ("x", "x" * 2000):
            with self.subTest(length=len(body)):
                self.assertJsonError(self.post_note({"body": body}), 503)

    def test_list_rejects_bad_limit(self):
        for limit in ("0", "501", "-1", "abc", "1.5", "", " 5", "1_0"):
            with self.subTest(limit=limit):
                self.assertJsonError(self.client.get("/api/notes", query_string={"limit": limit}), 400)

    def test_list_rejects_unknown_source(self):
        self.assertJsonError(self.client.get("/api/notes?source=standby"), 400)

    def test_list_with_database_down_is_503_json(self):
        self.assertJsonError(self.client.get("/api/notes?limit=500"), 503)
        self.assertJsonError(self.client.get("/api/notes?source=replica"), 503)

    def test_unknown_paths_and_methods_are_json(self):
        self.assertJsonError(self.client.get("/api/nope"), 404)
        self.assertJsonError(self.client.get("/api/notes/abc"), 404)
        response = self.client.delete("/api/notes")
        self.assertJsonError(response, 405)
        self.assertIn("POST", response.headers.get("Allow", ""))

    def test_oversized_request_is_413_json(self):
        response = self.client.post("/api/echo", data=b"x" * (1024 * 1024 + 1),
                                    content_type="application/octet-stream")
        self.assertJsonError(response, 413)

    def test_echo_reflects_query_cookies_and_text_body(self):
        # A raw header rather than set_cookie(), whose signature differs
        # between Werkzeug 2.2 (Debian 12) and 3.x (requirements.txt).
        response = self.client.post("/api/echo?tag=a&tag=b&q=x%20y", data="héllo",
                                    content_type="text/plain; charset=utf-8",
                                    headers={"Cookie": "session=abc"})
        self.assertEqual(response.status_code, 200)
        data = response.get_json()
        self.assertEqual(data["method"], "POST")
        self.assertEqual(data["path"], "/api/echo")
        self.assertEqual(data["args"], {"tag": ["a", "b"], "q": ["x y"]})
        self.assertEqual(data["headers"]["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn("session=abc", data["headers"]["Cookie"])
        self.assertEqual(data["cookies"], {"session": "abc"})
        self.assertEqual((data["body"], data["body_encoding"]), ("héllo", "utf-8"))

    def test_echo_base64_encodes_binary_body(self):
        payload = bytes(range(256))
        response = self.client.post("/api/echo", data=payload,
                                    content_type="application/octet-stream")
        data = response.get_json()
        self.assertEqual(data["body_encoding"], "base64")
        self.assertEqual(data["body_length"], 256)
        self.assertEqual(base64.b64decode(data["body"]), payload)


class MigrateWithoutDatabaseTest(unittest.TestCase):
    def test_migrations_ship_inside_the_package_in_order(self):
        names = [path.name for path in migrate.migration_files()]
        self.assertEqual(names[0], "0001_create_notes.sql")
        self.assertEqual(names, sorted(names))
        self.assertGreaterEqual(len(names), 2)

    def test_unreachable_database_exits_nonzero_with_message(self):
        stderr = io.StringIO()
        with mock.patch.dict(os.environ, {"DATABASE_URL": CLOSED_PORT_URL}), redirect_stderr(stderr):
            self.assertEqual(migrate.main(), 1)
        self.assertIn("cannot connect", stderr.getvalue())


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/python3
"""Data copy benchmark: tierlift migrate (logical, dump) against pg_dump/pg_restore -j2 and pgcopydb clone.

Two throwaway PostgreSQL 15 clusters on loopback (the source with wal_level=logical), a generated
database of --size bytes, every method run --runs times, interleaved, with the target database
recreated empty before each run. tierlift's logical runs have a steady writer on the source that
stops when tierlift asks for maintenance and resumes on the target when tierlift switches: the
gap it sees is the write downtime as a client sees it, next to the one tierlift reports.

Writes a JSON summary (for report.py) to --out. Run as root (initdb runs as postgres).
  bench/data.py --tierlift bin/tierlift --size 100MB --runs 3 --out bench/out/data.json
"""
import argparse
import json
import os
import pty
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

PG_BIN = "/usr/lib/postgresql/15/bin"
PASSWORD = "bench-pw"
DB = "bench"
APP = "benchcopy"   # the descriptor's app name: names tierlift's journal, publication, slot and subscription
PARALLEL = 2        # jobs for every tool: pg_dump/pg_restore -j, pgcopydb's table and index jobs, tierlift's sync workers


def log(message):
    print(f"[data {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(argv, env=None, **kwargs):
    """Runs a command, fails naming it and showing its output when it fails."""
    result = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({result.returncode}): {' '.join(argv)}\n{result.stdout[-4000:]}")
    return result.stdout


def require(path, package):
    if not (shutil.which(path) or os.access(path, os.X_OK)):
        raise SystemExit(f"bench: {path} is missing (Debian package {package})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_size(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)B?", text.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text} (e.g. 100MB, 1GB)")
    return int(float(m.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2)])


class Cluster:
    """A PostgreSQL 15 cluster of its own in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(self, root, name, wal_level):
        self.dir = os.path.join(root, name)
        self.port = free_port()
        self.started = False
        os.makedirs(os.path.join(self.dir, "sock"))
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        run(["chown", "-R", "postgres:postgres", self.dir])
        run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/initdb", "-D", self.data(), "-U", "postgres",
             "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8"])
        # The same settings on both sides and for every tool; checkpoints spaced out so a 1 GB load
        # measures copying, not checkpoint storms.
        settings = {
            "listen_addresses": "'127.0.0.1'", "port": str(self.port),
            "unix_socket_directories": f"'{os.path.join(self.dir, 'sock')}'",
            "wal_level": wal_level, "shared_buffers": "256MB", "maintenance_work_mem": "256MB",
            "max_wal_size": "4GB", "checkpoint_timeout": "15min",
            "max_replication_slots": "10", "max_wal_senders": "10",
            "max_logical_replication_workers": "4", "max_sync_workers_per_subscription": str(PARALLEL),
        }
        with open(os.path.join(self.data(), "postgresql.auto.conf"), "a") as f:
            for key, value in settings.items():
                f.write(f"{key} = {value}\n")

    def data(self):
        return os.path.join(self.dir, "data")

    def start(self):
        run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", self.data(), "-l",
             os.path.join(self.dir, "log"), "-w", "-t", "120", "start"])
        self.started = True

    def stop(self):
        if self.started:
            run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", self.data(), "-m", "fast", "-w", "stop"])
            self.started = False

    def url(self, database=DB):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database=DB):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, dbname=database, user="postgres", password=PASSWORD)
        conn.autocommit = True
        return conn

    def execute(self, database, *statements):
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    def scalar(self, database, query, params=()):
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchone()[0]
        finally:
            conn.close()


def generate(source, size):
    """Fills the source's bench database to about `size` bytes, inside the server (generate_series)."""
    source.execute("postgres", f"CREATE DATABASE {DB}")
    source.execute(DB, *table_statements(size))
    return source.scalar(DB, "SELECT pg_database_size(current_database())")


def table_statements(size):
    """SQL that creates and fills the five tables and six sequences (about `size` bytes), then freezes them."""
    # Shares of the size per table, over bytes per row (heap plus indexes) measured on PostgreSQL 15.
    n_events = max(1000, int(size * 0.55 / 157))
    n_accounts = max(100, int(size * 0.08 / 124))
    n_orders = max(1000, int(size * 0.12 / 91))
    n_tags = max(100, int(size * 0.05 / 74))
    n_blobs = max(100, int(size * 0.20 / 463))
    return [
        """CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, name text NOT NULL,
                                 created_at timestamptz NOT NULL, active boolean NOT NULL)""",
        f"""INSERT INTO accounts SELECT g, 'user' || g || '@example.test', 'Account ' || md5(g::text),
                   timestamptz '2024-01-01' + g * interval '1 minute', g % 7 <> 0
              FROM generate_series(1, {n_accounts}) g""",
        """CREATE TABLE events (id bigserial PRIMARY KEY, account_id integer NOT NULL, kind text NOT NULL,
                               created_at timestamptz NOT NULL, amount numeric(12,2), note text)""",
        f"""INSERT INTO events (id, account_id, kind, created_at, amount, note)
            SELECT g, 1 + g % {n_accounts}, (ARRAY['login','view','cart','buy','logout'])[1 + g % 5],
                   timestamptz '2024-01-01' + g * interval '1 second', (g % 100000) / 100.0, md5(g::text)
              FROM generate_series(1, {n_events}) g""",
        "CREATE INDEX events_account_time ON events (account_id, created_at)",
        "SELECT setval('events_id_seq', (SELECT max(id) FROM events))",
        """CREATE TABLE orders (id bigserial PRIMARY KEY, account_id integer NOT NULL, total numeric(12,2) NOT NULL,
                               status text NOT NULL, placed_at timestamptz NOT NULL)""",
        f"""INSERT INTO orders (id, account_id, total, status, placed_at)
            SELECT g, 1 + g % {n_accounts}, (g % 50000) / 10.0, (ARRAY['new','paid','shipped','returned'])[1 + g % 4],
                   timestamptz '2024-01-01' + g * interval '3 seconds'
              FROM generate_series(1, {n_orders}) g""",
        "SELECT setval('orders_id_seq', (SELECT max(id) FROM orders))",
        "CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL, color text NOT NULL)",
        f"""INSERT INTO tags (id, name, color) SELECT g, 'tag-' || g, (ARRAY['red','green','blue'])[1 + g % 3]
              FROM generate_series(1, {n_tags}) g""",
        "SELECT setval('tags_id_seq', (SELECT max(id) FROM tags))",
        # Binary and JSON columns: 256 bytes of hash output (incompressible) and a small document.
        "CREATE TABLE blobs (id bigserial PRIMARY KEY, data bytea NOT NULL, meta jsonb NOT NULL)",
        f"""INSERT INTO blobs (id, data, meta)
            SELECT g, sha256(int8send(g)) || sha256(int8send(g + 1)) || sha256(int8send(g + 2)) || sha256(int8send(g + 3))
                      || sha256(int8send(g + 4)) || sha256(int8send(g + 5)) || sha256(int8send(g + 6)) || sha256(int8send(g + 7)),
                   jsonb_build_object('n', g, 'kind', (ARRAY['image','pdf','note'])[1 + g % 3],
                                      'tags', jsonb_build_array(g % 10, g % 100), 'sum', md5(g::text))
              FROM generate_series(1, {n_blobs}) g""",
        "SELECT setval('blobs_id_seq', (SELECT max(id) FROM blobs))",
        # A sequence of its own (not owned by a column), and the table the steady writer inserts into.
        "CREATE SEQUENCE invoice_numbers START 1000",
        "SELECT setval('invoice_numbers', 424242)",
        "CREATE TABLE writes (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)",
        "VACUUM (ANALYZE, FREEZE)",
        "CHECKPOINT",
    ]


class Writer:
    """A steady writer: one INSERT per commit at a fixed rate, on the source until paused, then on the target."""

    def __init__(self, source, target, rate):
        self.source, self.target, self.interval = source, target, 1.0 / rate
        self.lock = threading.Condition()
        self.where = "source"
        self.commits = {"source": [], "target": []}
        self.errors = []
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        self.thread.start()

    def pause(self):
        """Writes stop (maintenance): returns once no INSERT is in flight."""
        with self.lock:
            self.where = None
            self.lock.notify_all()
        self._wait_idle()

    def resume_on_target(self):
        with self.lock:
            self.where = "target"
            self.lock.notify_all()

    def stop(self):
        with self.lock:
            self.stopping = True
            self.lock.notify_all()
        self.thread.join(30)

    def _wait_idle(self):
        with self.lock:
            while self.busy:
                self.lock.wait()

    busy = False

    def _loop(self):
        conns = {}
        next_at = time.monotonic()
        while True:
            with self.lock:
                while self.where is None and not self.stopping:
                    self.lock.wait()
                if self.stopping:
                    break
                where = self.where
                self.busy = True
            try:
                if where not in conns:
                    conns[where] = (self.source if where == "source" else self.target).connect()
                with conns[where].cursor() as cur:
                    cur.execute("INSERT INTO writes (note) VALUES (%s)", ("steady writer",))
                self.commits[where].append(time.monotonic())
            except psycopg2.Error as e:
                self.errors.append(f"{where}: {str(e).strip()}")
                conns.pop(where, None)
            finally:
                with self.lock:
                    self.busy = False
                    self.lock.notify_all()
            next_at += self.interval
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at, time.monotonic() - self.interval)
        for c in conns.values():
            c.close()

    def summary(self):
        src, tgt = self.commits["source"], self.commits["target"]
        running = (src[-1] - src[0]) if len(src) > 1 else 0
        return {
            "rows_source": len(src), "rows_target": len(tgt), "errors": self.errors[:5], "error_count": len(self.errors),
            "rows_per_s": round((len(src) - 1) / running, 1) if running else 0,
            "gap_ms": round((tgt[0] - src[-1]) * 1000) if src and tgt else None,
        }


class TierliftRun:
    """One `tierlift migrate`: stdout on a terminal (so it waits at each manual step for Enter), events from stderr."""

    MAINTENANCE = re.compile(r"maintenance: writes must stop")
    SWITCH = re.compile(r"^switch: ")
    PROMPT = "Press Enter when done"

    def __init__(self, tierlift, descriptor, source, target, method, writer, workdir):
        self.argv = [tierlift, "--quiet", "--output-events", "json", "migrate", "--from", "onprem", "--to", "aws-iaas",
                     "-f", descriptor, "--yes", "--method", method, "--jobs", str(PARALLEL),
                     # The bench's writer plays the app: tierlift asks it (on the terminal) to stop and to move;
                     # the two throwaway clusters are the databases, so no tier is deployed.
                     "--traffic", "manual", "--no-provision",
                     "--source-db", source.url() + "?password_ref=${env:BENCH_PW}",
                     "--target-db", target.url() + "?password_ref=${env:BENCH_PW}"]
        self.writer = writer
        self.workdir = workdir
        self.events = []     # (seconds since start, scope, message)
        self.stdout = []
        self.marks = {}

    def execute(self):
        # tierlift's dump directory goes to java.io.tmpdir: into the bench's own folder, removed at the end.
        env = dict(os.environ, BENCH_PW=PASSWORD, NO_COLOR="1", JAVA_TOOL_OPTIONS=f"-Djava.io.tmpdir={self.workdir}")
        master, slave = pty.openpty()
        self.t0 = time.monotonic()
        proc = subprocess.Popen(self.argv, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env,
                                text=True, start_new_session=True)
        os.close(slave)
        errors = []
        stderr_thread = threading.Thread(target=self._read_events, args=(proc.stderr, errors), daemon=True)
        stderr_thread.start()
        try:
            self._operate(master)
            code = proc.wait()
        except BaseException:   # interrupted (SIGTERM, an error in the operator): end this tierlift, then report
            proc.kill()
            proc.wait()
            raise
        stderr_thread.join(10)
        os.close(master)
        self.marks["exit"] = time.monotonic() - self.t0
        if code != 0:
            raise RuntimeError(f"tierlift migrate exited {code}:\n" + "".join(errors[-30:]) + "".join(self.stdout[-30:]))

    def _read_events(self, stream, errors):
        for line in stream:
            now = time.monotonic() - self.t0
            try:
                event = json.loads(line)
                self.events.append((now, event["scope"], event["message"]))
            except ValueError:
                errors.append(line)

    def _operate(self, master):
        """Plays the operator: stops the writer at maintenance, moves it to the target at the switch, presses Enter."""
        pending = ""
        while True:
            try:
                chunk = os.read(master, 4096).decode(errors="replace")
            except OSError:   # the terminal closes when tierlift exits
                return
            if not chunk:
                return
            pending += chunk.replace("\r", "")
            while True:
                line_end = pending.find("\n")
                prompt_at = pending.find(self.PROMPT)
                if prompt_at != -1 and (line_end == -1 or prompt_at < line_end):
                    pending = pending[prompt_at + len(self.PROMPT):]
                    os.write(master, b"\n")
                    continue
                if line_end == -1:
                    break
                line, pending = pending[:line_end], pending[line_end + 1:]
                self.stdout.append(line + "\n")
                self._react(line)

    def _react(self, line):
        now = time.monotonic() - self.t0
        if self.MAINTENANCE.search(line) and "maintenance" not in self.marks:
            self.marks["maintenance"] = now
            if self.writer:
                self.writer.pause()
        elif self.SWITCH.search(line) and "switch" not in self.marks:
            self.marks["switch"] = now
            if self.writer:
                self.writer.resume_on_target()

    def result(self):
        copy_scoped = [i for i, e in enumerate(self.events) if e[1] == "copy"]
        if not copy_scoped or copy_scoped[-1] + 1 >= len(self.events):
            raise RuntimeError("tierlift printed no copy phase: " + json.dumps(self.events[-10:]))
        # The copy is done when the first line after the last line of the copy phase appears.
        copy_done = self.events[copy_scoped[-1] + 1][0]
        reported = next((int(m.group(1)) for _, _, msg in self.events
                         for m in [re.search(r"write downtime (\d+) ms", msg)] if m), None)
        # The data itself moving (logical): from the subscription's creation to the last table's "copied" line.
        subscribed = next((at for at, _, msg in self.events if msg.startswith("CREATE SUBSCRIPTION")), None)
        copied = [at for at, _, msg in self.events if re.search(r": copied, \d+ rows", msg)]
        moving = round(copied[-1] - subscribed, 2) if subscribed is not None and copied else None
        return {"copy_s": round(copy_done, 2), "total_s": round(self.marks["exit"], 2), "moving_s": moving,
                "downtime_reported_ms": reported, "phases": self.phases(), "first_event_s": round(self.events[0][0], 2)}

    def phases(self):
        """Time between consecutive scope changes: where the time goes (the last line of each run ends it)."""
        spans = []
        for i, (at, scope, message) in enumerate(self.events):
            nxt = self.events[i + 1][0] if i + 1 < len(self.events) else self.marks["exit"]
            spans.append({"at_s": round(at, 2), "scope": scope, "message": message[:110], "until_next_s": round(nxt - at, 2)})
        return spans


def reset_target(source, target):
    """Drops everything a run left: the target database (after its subscription), the source's slot, publication and writes."""
    if target.scalar("postgres", "SELECT count(*) FROM pg_database WHERE datname = %s", (DB,)):
        conn = target.connect(DB)
        with conn.cursor() as cur:
            cur.execute("SELECT subname FROM pg_subscription")
            for (name,) in cur.fetchall():
                ident = psycopg2.extensions.quote_ident(name, conn)
                cur.execute(f"ALTER SUBSCRIPTION {ident} DISABLE")
                cur.execute(f"ALTER SUBSCRIPTION {ident} SET (slot_name = NONE)")
                cur.execute(f"DROP SUBSCRIPTION {ident}")
        conn.close()
    target.execute("postgres", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}")
    conn = source.connect(DB)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active")
        cur.execute("SELECT pubname FROM pg_publication")
        for (name,) in cur.fetchall():
            cur.execute(f"DROP PUBLICATION {psycopg2.extensions.quote_ident(name, conn)}")
        cur.execute("TRUNCATE writes")
        cur.execute("SELECT setval('writes_id_seq', 1, false)")
    conn.close()
    journal = os.path.expanduser(f"~/.tierlift/migrations/{APP}-onprem-aws-iaas.json")
    if os.path.exists(journal):
        os.remove(journal)
    run(["sync"])


def check_copy(source, target, writer_rows=None):
    """The copy is complete: same row count per table (and every row the writer committed is on the target)."""
    for table in ("accounts", "events", "orders", "tags", "blobs"):
        a = source.scalar(DB, f"SELECT count(*) FROM {table}")
        b = target.scalar(DB, f"SELECT count(*) FROM {table}")
        if a != b:
            raise RuntimeError(f"{table}: {a} rows on the source, {b} on the target")
    if target.scalar(DB, "SELECT last_value FROM invoice_numbers") != 424242:
        raise RuntimeError("the sequence invoice_numbers was not copied")
    if writer_rows is not None:
        on_target = target.scalar(DB, "SELECT count(*) FROM writes")
        if on_target != writer_rows:
            raise RuntimeError(f"the writer committed {writer_rows} rows but the target holds {on_target}")


def timed(argv, env):
    start = time.monotonic()
    run(argv, env=env)
    return time.monotonic() - start


def pg_dump_restore(source, target, workdir):
    env = dict(os.environ, PGPASSWORD=PASSWORD)
    dump_dir = os.path.join(workdir, "dump")
    shutil.rmtree(dump_dir, ignore_errors=True)
    dump = timed([f"{PG_BIN}/pg_dump", "-Fd", "-j", str(PARALLEL), "-f", dump_dir, "-d", source.url()], env)
    restore = timed([f"{PG_BIN}/pg_restore", "-j", str(PARALLEL), "-d", target.url(), dump_dir], env)
    shutil.rmtree(dump_dir)
    return {"copy_s": round(dump + restore, 2), "total_s": round(dump + restore, 2),
            "dump_s": round(dump, 2), "restore_s": round(restore, 2)}


def pgcopydb_clone(source, target, workdir):
    env = dict(os.environ, PGPASSWORD=PASSWORD, PATH=f"{PG_BIN}:{os.environ['PATH']}")
    work = os.path.join(workdir, "pgcopydb")
    shutil.rmtree(work, ignore_errors=True)
    took = timed(["pgcopydb", "clone", "--source", source.url(), "--target", target.url(), "--dir", work,
                  "--table-jobs", str(PARALLEL), "--index-jobs", str(PARALLEL)], env)
    shutil.rmtree(work, ignore_errors=True)
    return {"copy_s": round(took, 2), "total_s": round(took, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tierlift", required=True)
    parser.add_argument("--size", type=parse_size, default=parse_size("1GB"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--writer-rate", type=int, default=200, help="rows per second of the steady writer")
    parser.add_argument("--methods", default="tierlift-logical,tierlift-dump,pg_dump-restore,pgcopydb")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    for tool, package in ((f"{PG_BIN}/initdb", "postgresql-15"), (f"{PG_BIN}/pg_dump", "postgresql-client-15"),
                          ("pgcopydb", "pgcopydb")):
        require(tool, package)
    methods = args.methods.split(",")

    root = tempfile.mkdtemp(prefix="tierlift-bench-data-")
    os.chmod(root, 0o755)
    clusters = []
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        source, target = Cluster(root, "source", "logical"), Cluster(root, "target", "replica")
        clusters = [source, target]
        source.start()
        target.start()
        descriptor = os.path.join(root, "app.yaml")
        with open(descriptor, "w") as f:
            f.write(f"app: {APP}\nbackend: {{ path: ., wsgi: \"app:app\" }}\n"
                    f"database: {{ name: {DB}, user: postgres, password: \"${{env:BENCH_PW}}\" }}\n"
                    "targets:\n  aws-iaas: { region: eu-west-1, allow_http: true }\n")
        log(f"generating about {args.size >> 20} MiB on the source (port {source.port}); target on port {target.port}")
        started = time.monotonic()
        size = generate(source, args.size)
        log(f"generated {size / 2**20:.0f} MiB in {time.monotonic() - started:.0f} s")

        results = {m: [] for m in methods}
        for i in range(args.runs):
            for method in methods:   # interleaved, so drift in the machine's load hits every method alike
                reset_target(source, target)
                log(f"run {i + 1}/{args.runs}: {method}")
                if method.startswith("tierlift-"):
                    writer = Writer(source, target, args.writer_rate) if method == "tierlift-logical" else None
                    if writer:
                        writer.start()
                    migration = TierliftRun(args.tierlift, descriptor, source, target, method.split("-")[1], writer, root)
                    try:
                        migration.execute()
                    finally:
                        if writer:
                            writer.stop()
                    result = migration.result()
                    if writer:
                        result["writer"] = writer.summary()
                        check_copy(source, target, writer.summary()["rows_source"] + writer.summary()["rows_target"])
                    else:
                        check_copy(source, target)
                elif method == "pg_dump-restore":
                    result = pg_dump_restore(source, target, root)
                    check_copy(source, target)
                elif method == "pgcopydb":
                    result = pgcopydb_clone(source, target, root)
                    check_copy(source, target)
                else:
                    raise SystemExit(f"bench: unknown method {method}")
                log(f"  copy {result['copy_s']} s, total {result['total_s']} s"
                    + (f", downtime reported {result['downtime_reported_ms']} ms" if "downtime_reported_ms" in result else "")
                    + (f", writer {result['writer']}" if "writer" in result else ""))
                results[method].append(result)
        reset_target(source, target)
        summary = {"size_bytes": size, "runs": args.runs, "parallel": PARALLEL, "writer_rate": args.writer_rate,
                   "results": results}
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)
        log(f"wrote {args.out}")
    finally:
        signal.signal(signal.SIGTERM, previous)
        for c in clusters:
            try:
                c.stop()
            except Exception as e:   # keep cleaning up; say what could not be stopped
                log(f"could not stop {c.dir}: {e}")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

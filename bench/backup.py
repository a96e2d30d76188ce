#!/usr/bin/python3
"""Backup and point-in-time restore: tierlift (pgBackRest) against pg_basebackup + WAL replay, side by side.

Brings up a sandbox fleet of its own (edge, one app host, a primary db1, a hot standby db2 and a
backup host bak1 holding pgBackRest's encrypted repository), deploys the example app with
database.backup, and loads --size bytes of generated tables (bench/data.py's) into the app's
database on db1, in a schema `bench`. Per run, on the same hosts and network:

  backup   `tierlift backup now onprem --type full` (pgBackRest on bak1 copies db2's files over TLS:
           gzip level 6, AES-256-CBC) against pg_basebackup run on bak1 from the same standby
           (-X stream -c fast, tar with gzip level 6 on the server; and plain, uncompressed).
  restore  rows updated (about a tenth of the size), a mark, the time T, more updates and a mark;
           `tierlift restore onprem --to-time T` against the pg_basebackup copy unpacked into a
           scratch data directory on db1 replaying WAL from a plain directory up to T.

Both kinds of restore are checked: the mark written before T is there, the one after it is not.
Writes a JSON summary (for report.py) to --out. Run as root (the sandbox uses network namespaces).
  bench/backup.py --tierlift bin/tierlift --root . --work bench/out/backup --size 1GB --runs 1 --out bench/out/backup.json
"""
import argparse
import datetime
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402  (the generator of the data-copy benchmark)

# A bridge and subnet of this benchmark's own: the e2e tests use 10.240.x, the other benchmarks 10.239.0.
BRIDGE = "tl-brbbak"
NET = "10.238.0"
HOSTS = {"edge1": ".10", "app1": ".11", "db1": ".21", "db2": ".22", "bak1": ".30"}
PG_BIN = "/usr/lib/postgresql/15/bin"
BASEBACKUP_DIR = "/var/lib/postgresql/bench-basebackup"   # on bak1
WAL_DIR = "/var/lib/postgresql/bench-wal"                  # on db1: the baseline's plain WAL archive
SCRATCH = "/var/lib/postgresql/bench-restore"              # on db1: the baseline's restored data directory
SCRATCH_PORT = 5499
COPY_ROLE = "bench_copy"


def log(message):
    print(f"[backup {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def address(host):
    return NET + HOSTS[host]


class Fleet:
    def __init__(self, state):
        self.ssh_config = os.path.join(state, "ssh_config")

    def sh(self, host, script, stdin=None, check=True):
        """Runs a shell script on a sandbox host over the sandbox's SSH; returns its stdout."""
        result = subprocess.run(["ssh", "-F", self.ssh_config, host, script], input=stdin, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if check and result.returncode != 0:
            raise RuntimeError(f"on {host} ({result.returncode}): {script}\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
        return result.stdout

    def psql(self, host, sql, database="notes", port=5432):
        argv = ["runuser", "-u", "postgres", "--", f"{PG_BIN}/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                "-p", str(port), "-d", database]
        return self.sh(host, shlex.join(argv), stdin=sql).strip()


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy so far (every process, the sandbox hosts included)."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(action):
    """Runs action(); returns its result, its wall seconds and the machine's busy CPU seconds meanwhile."""
    cpu, started = machine_busy_seconds(), time.monotonic()
    result = action()
    return result, round(time.monotonic() - started, 2), round(machine_busy_seconds() - cpu, 1)


def time_v(path):
    """CPU and peak memory of a command run under /usr/bin/time -v."""
    text = open(path).read()
    value = lambda label: float(re.search(re.escape(label) + r": ([\d.]+)", text).group(1))
    return {"cpu_s": round(value("User time (seconds)") + value("System time (seconds)"), 1),
            "max_rss_mib": round(value("Maximum resident set size (kbytes)") / 1024)}


def run_tierlift(argv, env=None):
    """A tierlift command under /usr/bin/time -v; fails with its output when it fails."""
    stats = "/tmp/bench-backup-time.txt"
    result = subprocess.run(["/usr/bin/time", "-v", "-o", stats] + argv, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    return result, time_v(stats)


def lsn(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def segment_names(timeline, start_lsn, last_name, segment_size):
    """WAL segment file names of a timeline from the one holding start_lsn through last_name."""
    per_id = 0x100000000 // segment_size
    first = start_lsn // segment_size
    last = int(last_name[8:16], 16) * per_id + int(last_name[16:24], 16)
    if int(last_name[:8], 16) != timeline:
        raise RuntimeError(f"the WAL to replay changes timeline ({timeline} → {last_name[:8]}); the baseline expects one")
    return [f"{timeline:08X}{n // per_id:08X}{n % per_id:08X}" for n in range(first, last + 1)]


def descriptor_text(state):
    hosts = "\n".join(f"      {name}: {{ address: {address(name)}, zone: {'dmz' if name == 'edge1' else 'trusted'}, "
                      f"roles: [{roles}] }}"
                      for name, roles in (("edge1", "waf, proxy, static"), ("app1", "app"), ("db1", "db-primary"),
                                          ("db2", "db-standby"), ("bak1", "backup")))
    return f"""app: notes
frontend: {{ path: frontend, dist: frontend/dist }}
backend: {{ path: backend, wsgi: "notes.app:app", health: /api/health, release_command: "python -m notes.migrate" }}
database:
  name: notes
  user: notes
  password: "${{file:{state}/secrets/notes-db-password}}"
  replication_password: "${{file:{state}/secrets/notes-replication-password}}"
  backup:
    key: "${{file:{state}/secrets/notes-backup-key}}"
targets:
  onprem:
    ssh: {{ user: root, config: {state}/ssh_config, known_hosts: {state}/known_hosts, identity: {state}/id_ed25519 }}
    domain: notes.bench.test
    admin_networks: [{NET}.0/24]
    hosts:
{hosts}
"""


class Bench:
    def __init__(self, args, fleet, descriptor):
        self.args, self.fleet, self.descriptor = args, fleet, descriptor
        self.data_dir = None

    # ---- setup -------------------------------------------------------------------------------
    def load(self):
        statements = ["CREATE SCHEMA bench", "SET search_path = bench"] + data.table_statements(self.args.size) + [
            "CREATE TABLE marks (phase text PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"]
        self.fleet.psql("db1", ";\n".join(statements) + ";\n")
        self.data_dir = self.fleet.psql("db1", "SHOW data_directory")
        self.segment_size = int(self.fleet.psql("db1", "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"))
        self.events = int(self.fleet.psql("db1", "SELECT count(*) FROM bench.events"))

    def cluster_bytes(self):
        return int(self.fleet.psql("db1", "SELECT sum(pg_database_size(oid)) FROM pg_database"))

    def settle(self, timeout=1800):
        """Waits until the standby has replayed and the archive holds everything the primary wrote so far."""
        target = self.fleet.psql("db1", "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        ready = f"ls {shlex.quote(self.data_dir)}/pg_wal/archive_status | grep -c '[.]ready$' || true"
        while time.monotonic() < deadline:
            behind = float(self.fleet.psql("db2", f"SELECT pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn())"))
            waiting = int(self.fleet.sh("db1", ready).strip() or 0)
            if behind <= 0 and waiting == 0:
                return
            time.sleep(2)
        raise RuntimeError(f"the standby or the WAL archive did not catch up with {target} in {timeout} s")

    def allow_basebackup(self):
        """pg_basebackup on bak1 reaches db2's PostgreSQL: a replication role, one pg_hba line and one firewall
        rule of the benchmark's own (tierlift's topology lets only pgBackRest's TLS port through from bak1)."""
        password = secrets.token_hex(16)
        self.fleet.psql("db1", f"CREATE ROLE {COPY_ROLE} WITH LOGIN REPLICATION PASSWORD '{password}'")
        hba = f"{self.data_dir.replace('/var/lib/postgresql', '/etc/postgresql')}/pg_hba.conf"
        line = f'host replication "{COPY_ROLE}" {address("bak1")}/32 scram-sha-256  # benchmark only'
        self.fleet.sh("db2", f"echo {shlex.quote(line)} >> {shlex.quote(hba)} && pg_ctlcluster 15 main reload && "
                             f"nft insert rule inet tierlift input ip saddr {address('bak1')} tcp dport 5432 accept")
        pgpass = f"{address('db2')}:5432:*:{COPY_ROLE}:{password}"
        self.fleet.sh("bak1", f"umask 077 && echo {shlex.quote(pgpass)} > /var/lib/postgresql/.bench-pgpass && "
                              "chown postgres:postgres /var/lib/postgresql/.bench-pgpass")

    def warm_standby_cache(self):
        """Both tools start with db2's data files in the page cache: each backup reads them once beforehand."""
        self.fleet.sh("db2", f"find {shlex.quote(self.data_dir)} -type f -exec cat {{}} + > /dev/null")

    # ---- backup ------------------------------------------------------------------------------
    def tierlift_backup(self):
        self.warm_standby_cache()
        argv = [self.args.tierlift, "backup", "now", "onprem", "-f", self.descriptor, "--type", "full"]
        (result, process), wall, machine_cpu = timed(lambda: run_tierlift(argv))
        if result.returncode != 0:
            raise RuntimeError(f"tierlift backup now failed ({result.returncode}):\n{result.stdout}{result.stderr[-4000:]}")
        listed = subprocess.run([self.args.tierlift, "backup", "list", "onprem", "-f", self.descriptor, "--output", "json"],
                                stdout=subprocess.PIPE, text=True, check=True).stdout
        backup = json.loads(listed)[-1]
        pgbackrest_s = (datetime.datetime.fromisoformat(backup["finished"].replace("Z", "+00:00"))
                        - datetime.datetime.fromisoformat(backup["started"].replace("Z", "+00:00"))).total_seconds()
        return {"wall_s": wall, "machine_cpu_s": machine_cpu, "tierlift_process": process, "id": backup["id"],
                "database_bytes": backup["database_bytes"], "stored_bytes": backup["repository_bytes"],
                "pgbackrest_own_s": pgbackrest_s}

    def basebackup(self, kind):
        self.warm_standby_cache()
        target = BASEBACKUP_DIR + ("" if kind == "tar-gzip" else "-" + kind)
        argv = [f"{PG_BIN}/pg_basebackup", "-h", address("db2"), "-U", COPY_ROLE, "-w", "-D", target,
                "-X", "stream", "-c", "fast"]
        argv += ["-Ft", "--compress=server-gzip:6"] if kind == "tar-gzip" else ["-Fp"]
        script = (f"rm -rf {shlex.quote(target)} && runuser -u postgres -- env PGPASSFILE=/var/lib/postgresql/.bench-pgpass "
                  + shlex.join(argv))
        _, wall, machine_cpu = timed(lambda: self.fleet.sh("bak1", script))
        stored = int(self.fleet.sh("bak1", f"du -sb {shlex.quote(target)} | cut -f1"))
        if kind == "tar-gzip":
            log("pg_basebackup wrote: " + " ".join(self.fleet.sh("bak1", f"ls -l {shlex.quote(target)}").split()))
        if kind != "tar-gzip":
            self.fleet.sh("bak1", f"rm -rf {shlex.quote(target)}")   # only the compressed copy is restored
        return {"wall_s": wall, "machine_cpu_s": machine_cpu, "stored_bytes": stored, "dir": target}

    # ---- the WAL to replay -------------------------------------------------------------------
    def write_after_backup(self, run):
        """Updates about a tenth of the size, a mark, T, more updates, a mark; returns T and the WAL in between."""
        start = self.fleet.psql("db1", "SELECT pg_current_wal_lsn()")
        # events holds 55% of the size: updating 18% of its rows rewrites about a tenth of the data.
        before_rows, after_rows = int(self.events * 0.18), int(self.events * 0.09)
        offset = (run * (before_rows + after_rows)) % max(1, self.events - before_rows - after_rows)
        self.fleet.psql("db1", f"UPDATE bench.events SET note = md5(note), amount = amount + 1 "
                               f"WHERE id > {offset} AND id <= {offset + before_rows};"
                               f"INSERT INTO bench.marks (phase) VALUES ('before-{run}')")
        at_t = self.fleet.psql("db1", "SELECT pg_current_wal_lsn()")
        # T is a whole second strictly after the first mark's commit and strictly before the second's.
        time.sleep(1.1)
        t = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        while datetime.datetime.now(datetime.timezone.utc) < t + datetime.timedelta(seconds=1.1):
            time.sleep(0.1)
        self.fleet.psql("db1", f"INSERT INTO bench.marks (phase) VALUES ('after-{run}');"
                               f"UPDATE bench.events SET note = md5(note) "
                               f"WHERE id > {offset + before_rows} AND id <= {offset + before_rows + after_rows}")
        last = self.fleet.psql("db1", "SELECT pg_walfile_name(pg_switch_wal())")
        self.settle()
        marks = self.fleet.psql("db1", f"SELECT phase || ' ' || at FROM bench.marks WHERE phase LIKE '%-{run}' ORDER BY at")
        log(f"marks on db1: {marks.splitlines()}; T = {t.isoformat()}")
        return {"t": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "wal_to_t_bytes": lsn(at_t) - lsn(start),
                "wal_after_t_bytes": int(float(self.fleet.psql(
                    "db1", f"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{at_t}')"))), "last_segment": last}

    # ---- restore -----------------------------------------------------------------------------
    def baseline_restore(self, run, base, wal):
        """The pg_basebackup copy unpacked into a scratch data directory on db1, replaying to T."""
        manifest = json.loads(self.fleet.sh("bak1", f"cat {shlex.quote(base['dir'])}/backup_manifest"))
        ranges = manifest["WAL-Ranges"][0]
        names = segment_names(ranges["Timeline"], lsn(ranges["Start-LSN"]), wal["last_segment"], self.segment_size)
        if ranges["Timeline"] > 1:   # after an earlier run's restore: recovery reads the timeline's history too
            names.insert(0, f"{ranges['Timeline']:08X}.history")
        # Preparation, not timed: the WAL from the copy's start to past T into a plain directory on db1, from
        # the WAL that WAL archiving already put in pgBackRest's repository (one archive_command per cluster).
        fetch = (f"rm -rf {WAL_DIR} {SCRATCH} && install -d -o postgres -g postgres -m 700 {WAL_DIR} && "
                 f"for s in {' '.join(names)}; do runuser -u postgres -- pgbackrest --stanza=notes --log-level-console=error "
                 f"archive-get $s {WAL_DIR}/$s || exit 1; done")
        _, fetch_s, _ = timed(lambda: self.fleet.sh("db1", fetch))
        settings = "\n".join([
            f"port = {SCRATCH_PORT}", "listen_addresses = ''", "unix_socket_directories = '/var/run/postgresql'",
            "shared_buffers = '256MB'", "max_connections = 100", "wal_level = logical", "max_wal_senders = 10",
            "max_replication_slots = 10", "hot_standby = off", "archive_mode = off",
            f"restore_command = 'cp {WAL_DIR}/%f \"%p\"'",
            f"recovery_target_time = '{wal['t'].replace('T', ' ').replace('Z', '+00')}'", "recovery_target_action = 'promote'", ""])

        def unpack():
            # bak1 → this machine → db1 over the sandbox's SSH, as a plain copy between two hosts would go.
            unpack_script = (f"install -d -o postgres -g postgres -m 700 {SCRATCH} {SCRATCH}/pg_wal && "
                             f"runuser -u postgres -- tar -xzf - -C {SCRATCH}")
            sender = subprocess.Popen(["ssh", "-F", self.fleet.ssh_config, "bak1", f"cat {base['dir']}/base.tar.gz"],
                                      stdout=subprocess.PIPE)
            receiver = subprocess.run(["ssh", "-F", self.fleet.ssh_config, "db1", unpack_script], stdin=sender.stdout,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            sender.stdout.close()
            if sender.wait() != 0 or receiver.returncode != 0:
                raise RuntimeError(f"copying the base backup to db1 failed: {receiver.stderr}")
            self.fleet.sh("db1", f"rm -f {SCRATCH}/standby.signal && runuser -u postgres -- touch {SCRATCH}/recovery.signal && "
                                 f"runuser -u postgres -- tee {SCRATCH}/postgresql.conf > /dev/null && "
                                 f"echo 'local all all peer' | runuser -u postgres -- tee {SCRATCH}/pg_hba.conf > /dev/null",
                          stdin=settings)

        def replay():
            started = self.fleet.sh("db1", f"cd / && runuser -u postgres -- {PG_BIN}/pg_ctl -D {SCRATCH} -l {SCRATCH}.log "
                                           f"-w -t 3600 start || {{ tail -n 30 {SCRATCH}.log; exit 1; }}", check=False)
            if "server started" not in started:
                raise RuntimeError(f"the baseline's restored server did not start on db1:\n{started}")
            # pg_ctl -w returns once the postmaster is up, while recovery may still run: connections are
            # refused until it ends (hot_standby is off), then pg_is_in_recovery() turns false at the promotion.
            probe = shlex.join(["runuser", "-u", "postgres", "--", f"{PG_BIN}/psql", "-X", "-At", "-p", str(SCRATCH_PORT),
                                "-d", "postgres", "-c", "SELECT pg_is_in_recovery()"])
            deadline = time.monotonic() + 3600
            while self.fleet.sh("db1", f"cd / && {probe} 2>/dev/null", check=False).strip() != "f":
                if time.monotonic() > deadline:
                    raise RuntimeError("the baseline's restored server on db1 was still in recovery after an hour")
                time.sleep(0.2)

        cpu, started = machine_busy_seconds(), time.monotonic()
        _, unpack_s, _ = timed(unpack)
        _, replay_s, _ = timed(replay)
        wall, machine_cpu = round(time.monotonic() - started, 2), round(machine_busy_seconds() - cpu, 1)
        marks = self.fleet.psql("db1", "SELECT string_agg(phase, ',' ORDER BY phase) FROM bench.marks", port=SCRATCH_PORT)
        self.fleet.sh("db1", f"runuser -u postgres -- {PG_BIN}/pg_ctl -D {SCRATCH} -m immediate -w stop; "
                             f"rm -rf {SCRATCH} {SCRATCH}.log {WAL_DIR}")
        self.check_marks("the pg_basebackup restore", marks, run)
        return {"wall_s": wall, "machine_cpu_s": machine_cpu, "unpack_s": unpack_s, "replay_s": replay_s,
                "wal_fetch_untimed_s": fetch_s, "wal_segments": len(names)}

    @staticmethod
    def check_marks(who, marks, run):
        phases = set((marks or "").split(","))
        if f"before-{run}" not in phases or f"after-{run}" in phases:
            raise RuntimeError(f"{who} did not stop at T: marks {sorted(phases)}")

    def tierlift_restore(self, run, wal):
        """`tierlift restore onprem --to-time T`, or why it was not measured."""
        argv = [self.args.tierlift, "restore", "onprem", "-f", self.descriptor, "--to-time", wal["t"],
                "--target", self.args.restore_target]
        # Its journal goes to a home of the benchmark's own, never to the operator's ~/.tierlift.
        env = dict(os.environ, HOME=os.path.join(self.args.work, "home"))
        preview = subprocess.run(argv + ["--preview"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        if preview.returncode != 0:
            reason = preview.stdout.strip().splitlines()[-1] if preview.stdout.strip() else f"exit {preview.returncode}"
            return {"not_measured": reason}
        (result, process), wall, machine_cpu = timed(lambda: run_tierlift(argv + ["--yes", "--output-events", "json"], env=env))
        if result.returncode != 0:
            raise RuntimeError(f"tierlift restore failed ({result.returncode}):\n{result.stdout}{result.stderr[-4000:]}")
        # Each progress step with the time until the next one: where the restore's time goes.
        events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
        steps = [{"scope": e["scope"], "message": e["message"], "at_s": e["elapsed_s"],
                  "until_next_s": round((events[i + 1]["elapsed_s"] if i + 1 < len(events) else wall) - e["elapsed_s"], 2)}
                 for i, e in enumerate(events)]
        marks = self.fleet.psql("db1", "SELECT string_agg(phase, ',' ORDER BY phase) FROM bench.marks")
        self.check_marks("tierlift restore", marks, run)
        if self.args.restore_target == "new":
            # Not timed: drops the old cluster the restore kept, so the next run starts as this one did.
            data.run(argv[:3] + ["-f", self.descriptor, "--finalize", "--yes"], env=env)
        return {"wall_s": wall, "machine_cpu_s": machine_cpu, "tierlift_process": process, "steps": steps,
                "output": result.stdout.strip().splitlines()[-3:]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tierlift", required=True)
    parser.add_argument("--root", required=True, help="the repository (for the example app)")
    parser.add_argument("--work", required=True)
    parser.add_argument("--size", type=data.parse_size, default=data.parse_size("1GB"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--restore-target", choices=("new", "in-place"), default="new")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)
    for tool in ("/usr/bin/time", f"{PG_BIN}/pg_basebackup", "pgbackrest"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} is missing (Debian packages time, postgresql-15, pgbackrest)")

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(os.path.join(args.work, "app", "frontend"))
    shutil.copytree(os.path.join(args.root, "examples/notes/backend"), os.path.join(args.work, "app/backend"))
    shutil.copytree(os.path.join(args.root, "examples/notes/frontend/dist"), os.path.join(args.work, "app/frontend/dist"))
    state = os.path.join(args.work, "sandbox")
    descriptor = os.path.join(args.work, "app", "app.yaml")
    with open(descriptor, "w") as f:
        f.write(descriptor_text(state))
    fleet = Fleet(state)
    sandbox = [args.tierlift, "sandbox"]
    where = ["--state-dir", state, "--bridge", BRIDGE]
    subprocess.run(sandbox + ["down"] + where, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        log("sandbox up and first deploy")
        data.run(sandbox + ["up", "-f", descriptor] + where)
        data.run([args.tierlift, "deploy", "onprem", "-f", descriptor, "--yes"])
        bench = Bench(args, fleet, descriptor)
        log(f"loading {args.size} bytes into db1")
        _, load_s, _ = timed(bench.load)
        bench.settle()
        size = bench.cluster_bytes()
        log(f"loaded in {load_s} s; cluster {size} bytes; standby and archive caught up")
        bench.allow_basebackup()
        runs = []
        for i in range(args.runs):
            run = {}
            # The order alternates so neither tool always goes first.
            order = ["tierlift", "tar-gzip", "plain"] if i % 2 == 0 else ["plain", "tar-gzip", "tierlift"]
            for tool in order:
                run[tool] = bench.tierlift_backup() if tool == "tierlift" else bench.basebackup(tool)
                log(f"run {i + 1} backup {tool}: {run[tool]}")
            wal = bench.write_after_backup(i)
            run["wal"] = wal
            run["restore-baseline"] = bench.baseline_restore(i, run["tar-gzip"], wal)
            log(f"run {i + 1} restore baseline: {run['restore-baseline']}")
            run["restore-tierlift"] = bench.tierlift_restore(i, wal)
            log(f"run {i + 1} restore tierlift: {run['restore-tierlift']}")
            runs.append(run)
        with open(args.out, "w") as f:
            json.dump({"size_bytes": size, "requested_bytes": args.size, "load_s": load_s, "runs": runs,
                       "restore_target": args.restore_target, "hosts": {h: address(h) for h in HOSTS}}, f, indent=1)
        log(f"wrote {args.out}")
    finally:
        subprocess.run(sandbox + ["down"] + where, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()

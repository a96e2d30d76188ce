#!/usr/bin/python3
"""Rolling deploy under load: wrk through the edge proxy before and during an app release.

Brings up a sandbox fleet of its own (edge with WAF + proxy + static, two app hosts, a primary and
a hot standby), deploys the example app, then per run: wrk for a baseline period; a changed backend
file; wrk again while `tierlift deploy onprem` rolls the release over the app hosts one at a time
(wrk is stopped with SIGINT, which makes it print its totals, half a second after the deploy ends).
Writes a JSON summary (for report.py) to --out. Run as root (the sandbox uses network namespaces).
  bench/rolling.py --tierlift bin/tierlift --work bench/out/rolling --runs 3 --out bench/out/rolling.json
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

BRIDGE = "tl-brbench"   # the deploy benchmark's bridge and subnet: bench/run holds /tmp/bench.lock, so they never overlap
NET = "10.239.0"


def log(message):
    print(f"[rolling {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(argv, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({result.returncode}): {' '.join(argv)}\n{result.stdout[-4000:]}")
    return result.stdout


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def millis(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(output):
    """Requests, non-2xx/3xx responses, socket errors and latency percentiles from `wrk --latency`."""
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    if not requests:
        raise RuntimeError("wrk printed no totals:\n" + output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M))
    if "50" not in percentiles or "99" not in percentiles:
        raise RuntimeError("wrk printed no latency distribution:\n" + output)
    return {
        "requests": int(requests.group(1)),
        "seconds": millis(requests.group(2) + requests.group(3)) / 1000,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in socket.groups()) if socket else 0,
        "socket_errors_by_kind": dict(zip(("connect", "read", "write", "timeout"), map(int, socket.groups()))) if socket else {},
        "p50_ms": millis(percentiles["50"]), "p99_ms": millis(percentiles["99"]),
    }


def save(folder, name, text):
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)


def wrk_argv(url, seconds):
    # wrk does not verify the sandbox's self-signed certificate; 2 threads, 8 connections.
    return ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "10s", url]


def command(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def under_load(url, action):
    """wrk from 1 s before an action until 0.5 s after it; returns wrk's figures, the action's result and its time."""
    load = subprocess.Popen(wrk_argv(url, 600), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1)
        started = time.monotonic()
        result = action()
        took = time.monotonic() - started
        time.sleep(0.5)
    finally:
        load.send_signal(signal.SIGINT)   # wrk stops and prints what it measured
        output, _ = load.communicate(timeout=30)
    return parse_wrk(output), result, took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tierlift", required=True)
    parser.add_argument("--root", required=True, help="the repository (for the example app)")
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=int, default=10, help="seconds of load before each release")
    parser.add_argument("--path", default="/api/notes?limit=5", help="what wrk requests (through WAF, proxy, app, database)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is missing (Debian package wrk)")

    fleet = os.path.abspath(args.work)
    shutil.rmtree(fleet, ignore_errors=True)
    os.makedirs(os.path.join(fleet, "app", "frontend"))
    shutil.copytree(os.path.join(args.root, "examples/notes/backend"), os.path.join(fleet, "app/backend"))
    shutil.copytree(os.path.join(args.root, "examples/notes/frontend/dist"), os.path.join(fleet, "app/frontend/dist"))
    state = os.path.join(fleet, "sandbox")
    descriptor = os.path.join(fleet, "app", "app.yaml")
    with open(descriptor, "w") as f:
        f.write(f"""app: notes
frontend: {{ path: frontend, dist: frontend/dist }}
backend: {{ path: backend, wsgi: "notes.app:app", health: /api/health, release_command: "python -m notes.migrate" }}
database:
  name: notes
  user: notes
  password: "${{file:{state}/secrets/notes-db-password}}"
  replication_password: "${{file:{state}/secrets/notes-replication-password}}"
targets:
  onprem:
    ssh: {{ user: root, config: {state}/ssh_config, known_hosts: {state}/known_hosts, identity: {state}/id_ed25519 }}
    domain: notes.bench.test
    waf: {{ crs: true, paranoia: 1 }}
    # All of wrk's load comes from one client address: lift the per-client limit (20/s by default) out of its way.
    edge: {{ rate_limit: 100000, rate_burst: 100000 }}
    admin_networks: [{NET}.0/24]
    hosts:
      edge1: {{ address: {NET}.10, zone: dmz,     roles: [waf, proxy, static] }}
      app1:  {{ address: {NET}.11, zone: trusted, roles: [app] }}
      app2:  {{ address: {NET}.12, zone: trusted, roles: [app] }}
      db1:   {{ address: {NET}.21, zone: trusted, roles: [db-primary] }}
      db2:   {{ address: {NET}.22, zone: trusted, roles: [db-standby] }}
""")
    sandbox = [args.tierlift, "sandbox"]
    where = ["--state-dir", state, "--bridge", BRIDGE]
    subprocess.run(sandbox + ["down"] + where, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        log("sandbox up and first deploy")
        run(sandbox + ["up", "-f", descriptor] + where)
        run([args.tierlift, "deploy", "onprem", "-f", descriptor, "--yes"])
        url = f"https://{NET}.10{args.path}"
        run(wrk_argv(url, 3))   # warm-up: connections, the app's first queries
        deploy_argv = [args.tierlift, "deploy", "onprem", "-f", descriptor, "--yes"]
        runs = []
        for i in range(args.runs):
            before_output = run(wrk_argv(url, args.baseline))
            save(fleet, f"wrk-{i + 1}-before.txt", before_output)
            before = parse_wrk(before_output)
            app_py = os.path.join(fleet, "app/backend/notes/app.py")
            with open(app_py, "a") as f:
                f.write(f"\n# release marker {time.time_ns()}\n")
            during, deploy, deploy_s = under_load(url, lambda: command(deploy_argv))
            save(fleet, f"deploy-{i + 1}.log", deploy.stderr)
            if deploy.returncode != 0 or "healthy" not in deploy.stderr:
                raise RuntimeError(f"the release deploy failed ({deploy.returncode}):\n{deploy.stderr[-4000:]}")
            restarted = sorted(set(re.findall(r"^\[[^]]*\] (app\d+)\s+\| \S+ healthy", deploy.stderr, re.M)))
            runs.append({"before": before, "during": during, "deploy_s": round(deploy_s, 2), "restarted": restarted})
            log(f"run {i + 1}/{args.runs}: before {before}; during {during}; deploy {deploy_s:.1f} s, restarted {restarted}")
        # Controls, to tell where failures and latency come from: the same load while (a) a deploy that
        # changes nothing runs (tierlift's own CPU and SSH on this 2-core machine, no restart, no reload),
        # (b) only the edge's nginx reloads gracefully, twice, as a release does after each app host.
        controls = {}
        noop, deploy, took = under_load(url, lambda: command(deploy_argv))
        if deploy.returncode != 0 or "No changes" not in deploy.stderr:
            raise RuntimeError(f"the no-op deploy changed something or failed:\n{deploy.stderr[-4000:]}")
        controls["no-op deploy (no restart, no reload)"] = dict(noop, action_s=round(took, 2))
        reload_argv = ["ssh", "-F", os.path.join(state, "ssh_config"), "edge1", "nginx", "-s", "reload"]

        def two_reloads():
            results = []
            for _ in range(2):
                results.append(command(reload_argv))
                time.sleep(3)
            return results

        reloads, results, took = under_load(url, two_reloads)
        if any(r.returncode != 0 for r in results):
            raise RuntimeError("reloading nginx on edge1 failed:\n" + "".join(r.stderr for r in results))
        controls["two graceful nginx reloads on the edge, 3 s apart"] = dict(reloads, action_s=round(took, 2))
        log(f"controls: {controls}")
        with open(args.out, "w") as f:
            json.dump({"runs": runs, "controls": controls, "path": args.path, "baseline_s": args.baseline,
                       "wrk": " ".join(wrk_argv(url, "D"))}, f, indent=1)
        log(f"wrote {args.out}")
    finally:
        subprocess.run(sandbox + ["down"] + where, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()

"""Writes one section of bench/RESULTS.md from what bench/run measured, keeping the other sections.

  report.py RESULTS.md deploy  "COMMAND" bench/out/results.tsv RUNS
  report.py RESULTS.md data    "COMMAND" bench/out/data.json
  report.py RESULTS.md rolling "COMMAND" bench/out/rolling.json
  report.py RESULTS.md backup  "COMMAND" bench/out/backup.json

Each section is fenced by <!-- section:NAME --> ... <!-- /section:NAME --> and says on which machine,
when and with which command it was measured, as the parts are run separately (bench/run --data).
"""
import datetime
import json
import os
import platform
import re
import statistics
import sys

SECTIONS = ("deploy", "data", "rolling", "backup")


def machine(command, runs_note):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    return (f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
            f"date {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; command `{command}`; {runs_note}; "
            f"load average at the end {load} (other work shares this machine; ratios are side by side in one run).\n")


def spread(values, fmt="{:.1f}"):
    """median (min–max)"""
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def deploy_section(command, tsv, runs):
    rows = [line.rstrip("\n").split("\t") for line in open(tsv) if line.strip()]
    by_case = {}
    for case, tool, stats in rows:
        median, low, high = (int(x) for x in stats.split())
        by_case.setdefault(case, []).append((tool, median, low, high))
    out = ["## Redeploys and CLI latency\n", machine(command, f"median of {runs} runs (min–max), wall time")]
    for case, tools in by_case.items():
        out.append(f"### {case}\n")
        base = next((m for t, m, _, _ in tools if t == "tierlift"), None)
        out.append("| tool | median ms | min–max ms | ratio to tierlift |\n|---|---|---|---|")
        for tool, median, low, high in tools:
            ratio = f"{median / base:.2f}x" if base else ""
            out.append(f"| {tool} | {median} | {low}–{high} | {ratio} |")
        out.append("")
    return "\n".join(out)


LABELS = {
    "tierlift-logical": "tierlift migrate --method logical (steady writer on)",
    "tierlift-dump": "tierlift migrate --method dump",
    "pg_dump-restore": "pg_dump -Fd -j2, then pg_restore -j2",
    "pgcopydb": "pgcopydb clone (2 table jobs, 2 index jobs)",
}


def data_section(command, path):
    d = json.load(open(path))
    mib = d["size_bytes"] / 2**20
    res = d["results"]
    copy = {m: statistics.median(r["copy_s"] for r in runs) for m, runs in res.items()}
    out = ["## Data copy between two PostgreSQL 15 servers\n",
           machine(command, f"median of {d['runs']} runs (min–max), methods interleaved, target recreated empty before each"),
           f"Database: {mib:.0f} MiB on disk (`pg_database_size`): five tables (events with a primary key and a secondary "
           f"index, accounts, orders, tags, blobs with bytea and jsonb), six sequences, generated inside the server. "
           f"Two clusters on loopback with the same settings (shared_buffers 256MB, max_wal_size 4GB, fsync on); "
           f"{d['parallel']} parallel jobs for every tool. \"copy\" is from the command's start until the target holds "
           f"all the data (tierlift: the end of its copy phase, JVM start, preflight, schema and the target's VACUUM ANALYZE "
           f"included); throughput is the source's size over that time.\n",
           "| method | copy s | MiB/s | total s | tierlift logical's throughput relative to it |",
           "|---|---|---|---|---|"]
    base = copy.get("tierlift-logical")
    for method, runs in res.items():
        ratio = f"{copy[method] / base:.2f}x" if base and method != "tierlift-logical" else ""
        out.append(f"| {LABELS.get(method, method)} | {spread([r['copy_s'] for r in runs])} | "
                   f"{spread([mib / r['copy_s'] for r in runs])} | {spread([r['total_s'] for r in runs])} | {ratio} |")
    out.append("")
    if "tierlift-logical" in res:
        logical = res["tierlift-logical"]
        writers = [r["writer"] for r in logical]
        out += ["### Cutover under a steady writer (tierlift --method logical)\n",
                "| | median (min–max) |", "|---|---|",
                f"| write downtime tierlift reports (maintenance on → traffic on the target) | "
                f"{spread([r['downtime_reported_ms'] for r in logical], '{:.0f}')} ms |",
                f"| gap the writer sees (last commit on the source → first on the target) | "
                f"{spread([w['gap_ms'] for w in writers], '{:.0f}')} ms |",
                f"| writer rate (one INSERT per commit, target {d['writer_rate']}/s) | "
                f"{spread([w['rows_per_s'] for w in writers])} rows/s |",
                f"| writer errors, rows missing on the target | {sum(w['error_count'] for w in writers)}, 0 (checked after each run) |",
                ""]
        median_run = sorted(logical, key=lambda r: r["total_s"])[len(logical) // 2]
        out += ["### Where the time goes (tierlift --method logical, median run)\n",
                "Consecutive progress lines grouped by phase; \"start\" is the JVM's start and the descriptor's loading, "
                "before the first line.\n",
                "| phase | from s | seconds |", "|---|---|---|",
                f"| start | 0.0 | {median_run['first_event_s']:.2f} |"]
        for scope, at, seconds in grouped(median_run["phases"]):
            out.append(f"| {scope} | {at:.2f} | {seconds:.2f} |")
        moving = [r["moving_s"] for r in logical if r.get("moving_s")]
        if moving:
            out += ["", f"The rows themselves moving (subscription created → last table copied): {spread(moving, '{:.2f}')} s, "
                        f"{spread([mib / m for m in moving])} MiB/s; the rest of the copy column is JVM start, preflight, "
                        "schema and the target's VACUUM ANALYZE."]
        out += ["", "Longest single steps (periodic progress lines left out):\n"]
        steps = [p for p in median_run["phases"] if not re.search(r"so far$|\(\d+%\)", p["message"])]
        for p in sorted(steps, key=lambda p: -p["until_next_s"])[:5]:
            out.append(f"- {p['until_next_s']:.2f} s after `{p['scope']} | {p['message']}`")
        out.append("")
    return "\n".join(out)


def grouped(phases):
    groups = []
    for p in phases:
        if groups and groups[-1][0] == p["scope"]:
            groups[-1][2] += p["until_next_s"]
        else:
            groups.append([p["scope"], p["at_s"], p["until_next_s"]])
    return groups


def rolling_section(command, path):
    d = json.load(open(path))
    runs = d["runs"]
    before = [r["before"] for r in runs]
    during = [r["during"] for r in runs]
    failed = lambda w: w["non_2xx"] + w["socket_errors"]
    out = ["## Rolling deploy under load\n",
           machine(command, f"{len(runs)} releases, median (min–max)"),
           f"`{d['wrk']}` through the edge host (ModSecurity + CRS, proxy) to `{d['path']}` (app hosts and PostgreSQL), "
           f"{d['baseline_s']} s before each release, then from 1 s before `tierlift deploy onprem` of a changed backend "
           f"file until 0.5 s after it returned (both app hosts restarted one at a time).\n",
           "| | before | during the release |", "|---|---|---|",
           f"| requests | {spread([w['requests'] for w in before], '{:.0f}')} | {spread([w['requests'] for w in during], '{:.0f}')} |",
           f"| requests/s | {spread([w['requests'] / w['seconds'] for w in before])} | "
           f"{spread([w['requests'] / w['seconds'] for w in during])} |",
           f"| non-2xx/3xx responses | {sum(w['non_2xx'] for w in before)} | {sum(w['non_2xx'] for w in during)} (all runs) |",
           f"| socket errors (connect/read/write/timeout) | {sum(w['socket_errors'] for w in before)} | "
           f"{sum(w['socket_errors'] for w in during)} (all runs) |",
           f"| p50 ms | {spread([w['p50_ms'] for w in before])} | {spread([w['p50_ms'] for w in during])} |",
           f"| p99 ms | {spread([w['p99_ms'] for w in before])} | {spread([w['p99_ms'] for w in during])} |",
           f"| p99 during / p99 before (per release) | | {spread([b['p99_ms'] and d_['p99_ms'] / b['p99_ms'] for b, d_ in zip(before, during)], '{:.2f}')}x |",
           f"| deploy wall time s | | {spread([r['deploy_s'] for r in runs])} |",
           f"| failed requests (non-2xx + socket errors) per release | {', '.join(str(failed(w)) for w in before)} | "
           f"{', '.join(str(failed(w)) for w in during)} |",
           ""]
    controls = d.get("controls", {})
    if controls:
        base = statistics.median(w["p99_ms"] for w in before)
        out += ["Controls under the same load, once each, to tell where failures and latency come from:\n",
                "| while | seconds | requests | non-2xx | socket errors | p50 ms | p99 ms | p99 / median p99 before |",
                "|---|---|---|---|---|---|---|---|"]
        for name, w in controls.items():
            out.append(f"| {name} | {w['action_s']:.1f} | {w['requests']} | {w['non_2xx']} | {w['socket_errors']} | "
                       f"{w['p50_ms']:.1f} | {w['p99_ms']:.1f} | {w['p99_ms'] / base:.2f}x |")
        out.append("")
    return "\n".join(out)


BACKUP_LABELS = {
    "tierlift": "`tierlift backup now onprem --type full` (pgBackRest: gzip 6 + AES-256-CBC into bak1's repository)",
    "tar-gzip": "`pg_basebackup -Ft --compress=server-gzip:6 -X stream -c fast` (gzip 6 on db2, not encrypted)",
    "plain": "`pg_basebackup -Fp -X stream -c fast` (plain files, not compressed, not encrypted)",
}


def backup_section(command, path):
    d = json.load(open(path))
    mib = d["size_bytes"] / 2**20
    runs = d["runs"]
    first = runs[0]
    out = ["## Backup and point-in-time restore\n",
           machine(command, f"median of {len(runs)} run{'s' if len(runs) > 1 else ''} (min–max), the tools' order alternating "
                            "between runs" if len(runs) > 1 else "one run (each step takes tens of seconds or more)"),
           f"Database: {mib:.0f} MiB (the sum of `pg_database_size` on db1: the app's database with bench/data.py's five "
           f"generated tables in a schema of their own, plus the cluster's other databases), PostgreSQL 15 with a hot standby. "
           f"A sandbox fleet of its own: edge, app host, primary db1, standby db2 and backup host bak1 ({NET_NOTE}), "
           f"deployed by tierlift with `database.backup`. Throughput is the database's size over the wall time. Before each "
           f"backup the standby's data files are read once, so every tool starts with them in the page cache. "
           f"\"machine CPU\" is what the whole machine spent meanwhile (every sandbox host's processes, and other work on this "
           f"machine); the tierlift process's own CPU and peak memory come from `/usr/bin/time -v`.\n",
           "### Backup of the standby (db2) to the backup host (bak1)\n",
           "| tool | wall s | MiB/s | stored MiB | machine CPU s | tierlift process CPU s, max RSS | wall relative to tierlift |",
           "|---|---|---|---|---|---|---|"]
    base = statistics.median(r["tierlift"]["wall_s"] for r in runs)
    for tool in ("tierlift", "tar-gzip", "plain"):
        rows = [r[tool] for r in runs]
        process = (f"{spread([r['tierlift_process']['cpu_s'] for r in rows])} s, "
                   f"{spread([r['tierlift_process']['max_rss_mib'] for r in rows], '{:.0f}')} MiB") if tool == "tierlift" else ""
        ratio = "" if tool == "tierlift" else f"{statistics.median(r['wall_s'] for r in rows) / base:.2f}x"
        out.append(f"| {BACKUP_LABELS[tool]} | {spread([r['wall_s'] for r in rows])} | {spread([mib / r['wall_s'] for r in rows])} | "
                   f"{spread([r['stored_bytes'] / 2**20 for r in rows], '{:.0f}')} | {spread([r['machine_cpu_s'] for r in rows])} | "
                   f"{process} | {ratio} |")
    own = [r["tierlift"]["pgbackrest_own_s"] for r in runs]
    out += ["",
            f"pgBackRest's own start-to-stop time in the repository (whole seconds): {spread(own, '{:.0f}')} s; the rest of "
            "tierlift's wall time is the JVM, the SSH session to bak1 and listing the backup. Both tools read db2's files and "
            "ask the primary for the backup's start and stop points (pgBackRest with `backup-standby=y` and `start-fast=y`, "
            "pg_basebackup with a fast restartpoint on the standby). pgBackRest also checksums every file into a manifest and "
            "checks page checksums where the cluster has them; pg_basebackup writes a manifest with CRC32C checksums. \"stored\" is "
            "the backup's size in pgBackRest's repository (the WAL archive apart) and, for pg_basebackup, the directory it "
            "wrote (the gzip copy: base.tar.gz plus pg_wal.tar, the WAL streamed during the copy, which it leaves "
            "uncompressed). For the "
            "baseline, db2 let bak1's address reach PostgreSQL's port through one extra firewall rule and pg_hba line (tierlift's "
            "topology only lets pgBackRest's TLS port through).\n"]
    wal = [r["wal"] for r in runs]
    baseline = [r["restore-baseline"] for r in runs]
    out += ["### Restore to a point in time T\n",
            f"After the backups: updates of {spread([w['wal_to_t_bytes'] / 2**20 for w in wal], '{:.0f}')} MiB of WAL (about a "
            f"tenth of the data rewritten), a mark row, T (a whole second), then {spread([w['wal_after_t_bytes'] / 2**20 for w in wal], '{:.0f}')} "
            "MiB more WAL and a second mark. A restore must stop at T: the first mark is there and the second is not "
            "(checked after every restore). Throughput is the database's size over the wall time: for the baseline until "
            "the restored server accepts writes (no longer in recovery), for tierlift until the command returns (the app "
            "serving the restored primary, the standby streaming from it, archiving checked on the new timeline).\n",
            "| method | wall s | MiB/s | of which copy + unpack s | of which WAL replay and promotion s | machine CPU s | "
            "tierlift process CPU s, max RSS |",
            "|---|---|---|---|---|---|---|"]
    tierlift = [r["restore-tierlift"] for r in runs]
    label = f"`tierlift restore onprem --to-time T --target {d['restore_target']} --yes`"
    if any("not_measured" in t for t in tierlift):
        out.append(f"| {label} | not measured: {tierlift[0].get('not_measured', '')} | | | | | |")
    else:
        out.append(f"| {label} | {spread([t['wall_s'] for t in tierlift])} | {spread([mib / t['wall_s'] for t in tierlift])} | | | "
                   f"{spread([t['machine_cpu_s'] for t in tierlift])} | {spread([t['tierlift_process']['cpu_s'] for t in tierlift])} s, "
                   f"{spread([t['tierlift_process']['max_rss_mib'] for t in tierlift], '{:.0f}')} MiB |")
    out += [f"| pg_basebackup's gzip copy unpacked into a scratch data directory on db1, `restore_command` copying from a "
            f"plain WAL directory, `recovery_target_time = T`, promote | {spread([b['wall_s'] for b in baseline])} | "
            f"{spread([mib / b['wall_s'] for b in baseline])} | {spread([b['unpack_s'] for b in baseline])} | "
            f"{spread([b['replay_s'] for b in baseline])} | {spread([b['machine_cpu_s'] for b in baseline])} | |",
            "",
            f"The baseline's copy streams from bak1 through this machine's SSH to `tar -xz` on db1. Its WAL archive is a plain "
            f"directory on db1 holding the {spread([b['wal_segments'] for b in baseline], '{:.0f}')} segments from the copy's "
            f"start to past T, fetched beforehand from the WAL that archiving had put in pgBackRest's repository "
            f"(`pgbackrest archive-get`, {spread([b['wal_fetch_untimed_s'] for b in baseline])} s, not counted): a cluster has "
            "one `archive_command`, and this keeps the baseline's replay free of decryption, decompression and the network, "
            "which tierlift's restore pays for. The baseline includes neither the app's maintenance nor switching it to the "
            "restored server nor rebuilding the standby.\n"]
    measured = [t for t in tierlift if "steps" in t]
    if measured:
        median_run = sorted(measured, key=lambda t: t["wall_s"])[len(measured) // 2]
        writable = [next((p["at_s"] for p in t["steps"] if p["message"].startswith("recovery ended")), None) for t in measured]
        writes = (f"; its restored primary accepted writes {spread(writable)} s after the command started (the progress "
                  "event \"recovery ended\"), where the baseline's wall time ends" if all(w is not None for w in writable) else "")
        out += [f"The tierlift restore includes all three{writes}. Its longest steps (median run, from its progress events):\n"]
        for step in sorted(median_run["steps"], key=lambda p: -p["until_next_s"])[:6]:
            out.append(f"- {step['until_next_s']:.1f} s after `{step['scope']} | {step['message']}`")
        out.append("")
    return "\n".join(out)


NET_NOTE = "network namespaces on one bridge of this machine"


def replace_section(document, name, body):
    start, end = f"<!-- section:{name} -->", f"<!-- /section:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in document:
        return re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, document, flags=re.S)
    # New sections go in the order of SECTIONS, after the ones before them.
    later = [s for s in SECTIONS[SECTIONS.index(name) + 1:] if f"<!-- section:{s} -->" in document]
    if later:
        at = document.index(f"<!-- section:{later[0]} -->")
        return document[:at] + block + "\n\n" + document[at:]
    return document.rstrip() + "\n\n" + block + "\n"


def main():
    results_md, name, command = sys.argv[1], sys.argv[2], sys.argv[3]
    if name == "deploy":
        body = deploy_section(command, sys.argv[4], sys.argv[5])
    elif name == "data":
        body = data_section(command, sys.argv[4])
    elif name == "rolling":
        body = rolling_section(command, sys.argv[4])
    elif name == "backup":
        body = backup_section(command, sys.argv[4])
    else:
        raise SystemExit(f"report.py: unknown section {name}; one of {', '.join(SECTIONS)}")
    document = open(results_md).read() if os.path.exists(results_md) else "# Benchmark results\n"
    with open(results_md, "w") as f:
        f.write(replace_section(document, name, body))
    print(body)


if __name__ == "__main__":
    main()

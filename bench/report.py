"""Turns bench/out/results.tsv into bench/RESULTS.md: medians with min–max, and ratios to tierlift."""
import datetime
import os
import platform
import sys

results, runs = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(results) if line.strip()]
by_case = {}
for case, tool, stats in rows:
    median, low, high = (int(x) for x in stats.split())
    by_case.setdefault(case, []).append((tool, median, low, high))

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
load = open("/proc/loadavg").read().split()[:3]
print("# Benchmark results\n")
print(f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
      f"date {datetime.date.today()}; command `bench/run`; median of {runs} runs (min–max), wall time; "
      f"load average at the end {' '.join(load)} (the fleets themselves count; ratios are side by side in one run).\n")
for case, tools in by_case.items():
    print(f"## {case}\n")
    base = next((m for t, m, _, _ in tools if t == "tierlift"), None)
    print("| tool | median ms | min–max ms | ratio to tierlift |\n|---|---|---|---|")
    for tool, median, low, high in tools:
        ratio = f"{median / base:.2f}x" if base else ""
        print(f"| {tool} | {median} | {low}–{high} | {ratio} |")
    print()

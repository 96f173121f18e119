#!/usr/bin/env python3
"""Lines up a latency run's loads with what the machine probes saw meanwhile.

Reads the CSV of `steward-bench ingest --latency-log FILE` and, when present, the logs of
scripts/probes/cpu-probe.c (FILE's stem + .cpu), scripts/probes/fsync-probe.c (+ .fsync),
scripts/probes/proc-cpu.py (+ .procs) and scripts/probes/pg-activity.sql (+ .act), started
alongside the bench. Per load (requests more than 1.5 s apart start a new one) it prints
the p50 and p99 of its 100-observation batches, how many took over 25 ms, and:
- cpu: the median CPU time of the probe's fixed unit of work. It counts the thread's own CPU
  clock, so waiting for a core is left out; if the host slows the VM down (another guest on the
  same core, its caches), it rises.
- steal: ticks the hypervisor reported taking from this VM (/proc/stat) during the load.
- fsync: p50 / max of the probe's 8 kB write + fdatasync, which a commit's WAL flush meets (at
  10 a second, a load holds about 80, too few for a p99 apart from the max).
- cores: the cores PostgreSQL and the server used during the load.
- new WAL files (with --pg-wal DIR, the cluster's pg_wal): when each WAL segment file created
  during the load was born. PostgreSQL zero-fills and flushes a new 16 MB segment while commits
  wait; recycled segments keep their old birth time (BENCHMARKS.md, session 29).
With --grid N, it also prints load N's slowest batch per 100 ms, five windows a line. With
--stall N, what PostgreSQL's busy backends were doing (pg-activity.sql's samples) from shortly
before load N's slowest batch began until it was answered. With --clusters N, load N's clusters
of batches over 35 ms (a batch less than 150 ms after the last one joins its cluster): when each
began, its size, its worst and the time since the previous one began, to tell a periodic cause
(a timer, the kernel's writeback) from isolated stalls.

Usage: scripts/latency-probes.py FILE.csv [--grid N] [--stall N] [--clusters N] [--pg-wal DIR]
"""
import argparse
import csv
import os
import statistics
import subprocess
from datetime import datetime


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else 0.0


def read_probe(path, fields, separator=","):
    """A probe's log as tuples of integers, leaving out partial lines (the probe was killed)."""
    if not os.path.exists(path):
        return []
    lines = (line.split(separator) for line in open(path))
    return [tuple(int(x) for x in f) for f in lines if len(f) == fields and all(x.strip() for x in f)]


parser = argparse.ArgumentParser()
parser.add_argument("file")
parser.add_argument("--grid", type=int, help="print this load's slowest batch per 100 ms (0 is the first)")
parser.add_argument("--stall", type=int, help="print PostgreSQL's activity around this load's slowest batch")
parser.add_argument("--clusters", type=int, help="print this load's clusters of batches over 35 ms")
parser.add_argument("--pg-wal", help="a PostgreSQL cluster's pg_wal: print the WAL files created during each load")
args = parser.parse_args()

stem = os.path.splitext(args.file)[0]
cpu = read_probe(stem + ".cpu", 5)        # ms, cpu ns, wall ns, steal ticks, idle ticks
fsync = read_probe(stem + ".fsync", 4)    # ms, µs, Dirty kB, Writeback kB
procs = read_probe(stem + ".procs", 3, " ")  # ms, PostgreSQL ticks, server ticks (1/100 s each)
rows = sorted((int(r["start_ms"]), int(r["observations"]), r["format"], float(r["milliseconds"]))
              for r in csv.DictReader(open(args.file)))


def wal_births(directory):
    """Birth times (ms since 1970) of the WAL segment files in `directory` (stat's %w: ns precision)."""
    names = [os.path.join(directory, f) for f in os.listdir(directory) if len(f) == 24 and f.isalnum()]
    out = subprocess.run(["stat", "-c", "%w", *names], capture_output=True, text=True, check=True).stdout
    births = []
    for line in out.splitlines():
        day, time, zone = line.split()
        births.append(datetime.fromisoformat(f"{day}T{time[:15]}{zone[:3]}:{zone[3:]}").timestamp() * 1000)
    return births


births = wal_births(args.pg_wal) if args.pg_wal else []
loads, current = [], []
for row in rows:
    if current and row[0] - current[-1][0] > 1500:
        loads.append(current)
        current = []
    current.append(row)
if current:
    loads.append(current)


def batches_of_100(load):
    """(start ms, ms taken) of the load's 100-observation batches."""
    return [(start, ms) for start, size, _, ms in load if size == 100]


for n, load in enumerate(loads):
    begin, end = load[0][0], load[-1][0]
    small = [ms for _, ms in batches_of_100(load)]
    kind = "mixed" if any(size != 100 for _, size, _, _ in load) else "all 100"
    line = (f"load {n} {load[0][2]} {kind}: {len(small)} batches of 100, p50 {percentile(small, 0.5):.2f} "
            f"p99 {percentile(small, 0.99):.2f} ms, {sum(1 for ms in small if ms > 25)} over 25 ms")
    during = [c for c in cpu if begin <= c[0] <= end]
    if during:
        line += (f" | cpu {statistics.median(c[1] for c in during) / 1000:.0f} µs,"
                 f" steal {during[-1][3] - during[0][3]} ticks")
    syncs = [f[1] / 1000 for f in fsync if begin <= f[0] <= end]
    if syncs:
        line += f" | fsync {percentile(syncs, 0.5):.2f} / {max(syncs):.1f} ms"
    used = [p for p in procs if begin < p[0] <= end]
    if len(used) > 1:
        seconds = (used[-1][0] - used[0][0]) / 1000
        line += (f" | cores: postgres {sum(p[1] for p in used[1:]) / 100 / seconds:.2f},"
                 f" server {sum(p[2] for p in used[1:]) / 100 / seconds:.2f}")
    if args.pg_wal:
        new = sorted((b - begin) / 1000 for b in births if begin <= b <= end)
        line += f" | new WAL files: {len(new)}" + (" at " + " ".join(f"{t:.2f}" for t in new) + " s" if new else "")
    print(line)

if args.grid is not None:
    load = loads[args.grid]
    windows = {}
    for start, ms in batches_of_100(load):
        key = (start - load[0][0]) // 100
        windows[key] = max(windows.get(key, 0.0), ms)
    last = max(windows) + 1
    for first in range(0, last, 5):
        print(f"{first / 10:5.1f} s " + " ".join(f"{windows.get(k, 0.0):6.1f}" for k in range(first, min(last, first + 5))))

if args.clusters is not None:
    load = loads[args.clusters]
    clusters = []
    for start, ms in batches_of_100(load):
        if ms <= 35:
            continue
        if clusters and start - clusters[-1][-1][0] < 150:
            clusters[-1].append((start, ms))
        else:
            clusters.append([(start, ms)])
    previous = None
    for c in clusters:
        began = c[0][0]
        gap = f", {(began - previous) / 1000:.2f} s after the previous" if previous is not None else ""
        print(f"{(began - load[0][0]) / 1000:6.2f} s: {len(c)} batches over 35 ms, worst {max(ms for _, ms in c):.1f} ms{gap}")
        previous = began

if args.stall is not None:
    load = loads[args.stall]
    small = batches_of_100(load)
    worst = max(small, key=lambda r: r[1])
    # The stall began with the first slow batch shortly before the slowest one.
    began = min((start for start, ms in small if worst[0] - 300 <= start <= worst[0] and ms > 25), default=worst[0])
    print(f"load {args.stall}: slowest {worst[1]:.1f} ms at {(worst[0] - load[0][0]) / 1000:.2f} s,"
          f" slow batches since {(began - load[0][0]) / 1000:.2f} s")
    print("      s    pid backend        state    wait                           ms statement")
    activity = [line.rstrip("\n").split("|") for line in open(stem + ".act")] if os.path.exists(stem + ".act") else []
    for f in activity:
        if len(f) == 8 and f[0].isdigit() and began - 200 <= int(f[0]) <= worst[0] + worst[1]:
            print(f"{(int(f[0]) - load[0][0]) / 1000:7.3f} {f[1]:>6} {f[2][:14]:14} {f[3][:8]:8}"
                  f" {(f[4] + ' ' + f[5])[:28]:28} {f[6]:>4} {f[7]}")

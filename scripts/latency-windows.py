#!/usr/bin/env python3
"""Where the slow requests of a latency run were, to line them up with a database's log.

Reads the CSV that `steward-bench ingest --latency-log FILE` writes and prints, per format, the
p99 and the 100 ms windows (UTC start times) whose slowest request took longer than --over ms.

Usage: scripts/latency-windows.py FILE [--over 40]
"""
import argparse
import csv
import datetime

parser = argparse.ArgumentParser()
parser.add_argument("file")
parser.add_argument("--over", type=float, default=40, help="milliseconds (default 40)")
args = parser.parse_args()

rows = list(csv.DictReader(open(args.file)))
for fmt in sorted({r["format"] for r in rows}):
    runs = sorted((int(r["start_ms"]), float(r["milliseconds"])) for r in rows if r["format"] == fmt)
    took = sorted(ms for _, ms in runs)
    windows = {}
    for start, ms in runs:
        key = start // 100 * 100
        windows[key] = max(windows.get(key, 0), ms)
    slow = [f"{datetime.datetime.fromtimestamp(k / 1000, datetime.timezone.utc):%H:%M:%S.%f}"[:-5] + f" {ms:.0f}"
            for k, ms in sorted(windows.items()) if ms > args.over]
    print(f"{fmt}: {len(took)} requests, p99 {took[int(len(took) * 0.99)]:.1f} ms; 100 ms windows over {args.over:g} ms:")
    print("  " + ("  ".join(slow) if slow else "none"))

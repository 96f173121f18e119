#!/usr/bin/env python3
"""Which tables' pages each group commit writes to SQLite's WAL, for 100-observation batches.

Starts `steward serve` on a fresh data directory, registers the benchmark's 20 products of 5
datasets, pushes --fill batches of 100 observations, waits for the writer to checkpoint, pushes
--batches more one at a time, then kills the server with SIGKILL so the WAL stays as written,
and prints each commit the WAL holds since it last started over.
Each WAL frame names the page it holds; `dbstat` on the database file says which table or index
owns that page ("new page" for pages the file did not have yet).

    scripts/wal-pages.py --steward .build-release/release/steward --fill 300 --batches 4

Used for the WAL figures in BENCHMARKS.md (session 11). Needs only Python's standard library.
"""
import argparse, collections, json, os, shutil, signal, sqlite3, struct, subprocess, tempfile, time, urllib.request

args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
args.add_argument("--steward", default=".build-release/release/steward")
args.add_argument("--fill", type=int, default=300, help="100-observation batches pushed before measuring")
args.add_argument("--batches", type=int, default=4, help="100-observation batches measured")
args.add_argument("--port", type=int, default=9123)
opts = args.parse_args()

data = tempfile.mkdtemp(prefix="steward-wal-")
base = f"http://127.0.0.1:{opts.port}"
token = subprocess.run([opts.steward, "token", "create", "--role", "admin", "--data", data],
                       capture_output=True, text=True, check=True).stdout.strip().split("\n")[-1]
server = subprocess.Popen([opts.steward, "serve", "--data", data, "--port", str(opts.port), "--log-level", "error"])


def call(method, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    urllib.request.urlopen(request).read()


def batch(seed):
    """The benchmark's mix (steward-bench's `observations`): freshness, volume, quality, usage."""
    observations, now = [], time.time()
    for i in range(100):
        n = seed * 7919 + i
        p, d = n % 20, (n // 20) % 5
        t = now + i / 1e6
        at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)
        o = {"product": f"bench/product-{p}", "observedAt": at,
             "dataset": {"namespace": "postgres://bench-db:5432/bench", "name": f"public.table_{p}_{d}"}}
        o.update([{"kind": "freshness", "lastUpdatedAt": at},
                  {"kind": "volume", "rowCount": 1_000_000 + n},
                  {"kind": "quality", "check": f"not_null_{i % 7}", "status": "pass", "value": i % 3, "threshold": 0},
                  {"kind": "usage", "consumer": f"consumer-{i % 4}", "reads": i % 50, "rowsRead": i * 10,
                   "windowStart": at, "windowEnd": at},
                  {"kind": "quality", "check": "row_count_in_range", "status": "pass", "value": n % 1000,
                   "threshold": 10, "message": "ok"}][i % 5].items())
        observations.append(o)
    call("POST", "/api/v1/observations", {"batchId": f"wal-{seed}-{now}", "domain": "bench",
                                          "agent": {"id": "bench-agent", "version": "1"}, "observations": observations})


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/readyz"); break
        except Exception:
            time.sleep(0.1)
    for p in range(20):
        call("PUT", f"/api/v1/products/bench/product-{p}", {
            "domain": "bench", "name": f"product-{p}", "owner": "team-bench", "tier": "gold", "classification": "internal",
            "datasets": [{"namespace": "postgres://bench-db:5432/bench", "name": f"public.table_{p}_{d}"} for d in range(5)]})
    for b in range(opts.fill):
        batch(1000 + b)
    # Two pauses, so the writer's housekeeping finishes and the next commit starts the WAL over.
    batch(1); time.sleep(1.5)
    batch(2); time.sleep(1.5)
    for b in range(opts.batches):
        batch(100 + b)
finally:
    server.send_signal(signal.SIGKILL)
    server.wait()

wal = open(os.path.join(data, "steward.sqlite-wal"), "rb").read()
page_size, salt = struct.unpack(">I", wal[8:12])[0], wal[16:24]
frames, commits, offset = [], [0], 32
while offset + 24 + page_size <= len(wal) and wal[offset + 8:offset + 16] == salt:
    page, size_after_commit = struct.unpack(">II", wal[offset:offset + 8])
    frames.append(page)
    offset += 24 + page_size
    if size_after_commit:
        commits.append(len(frames))
copy = os.path.join(data, "without-wal.sqlite")
shutil.copy(os.path.join(data, "steward.sqlite"), copy)
owner = dict(sqlite3.connect(copy).execute("SELECT pageno, name FROM dbstat"))
for start, end in zip(commits, commits[1:]):
    pages = collections.Counter(owner.get(p, "new page") for p in frames[start:end])
    print(f"commit of {end - start} pages:", ", ".join(f"{name} {n}" for name, n in pages.most_common()))
shutil.rmtree(data)

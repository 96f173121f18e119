#!/usr/bin/env python3
"""PostgreSQL's CPU per stored observation for Steward's group insert, without HTTP or the server.

Runs the server's own statement (GroupInsert, read from PostgresStore+Observations.swift),
prepared, with array parameters, in one session, on a database that `steward serve` has migrated
and the bench has filled (its products and datasets are used). Then, with --derive, the
deriver's statement until nothing is pending. Prints the CPU of the session's backend per row
(from /proc, so the cluster must run on this machine), and what PostgreSQL's other processes
used meanwhile. A precise instrument where the bench is noisy: one statement's cost without the
server, the load generator or the VM's drift between rounds. psycopg encodes some arrays
differently from postgres-nio, so compare statements with it, not its figures with the server's.

    pip install "psycopg[binary]"
    scripts/probes/pg-insert-cost.py URL --rows 100 --statements 1200 [--derive] [--sql FILE]

A statement of one's own (--sql) takes the same 16 parameters; compare variants in one sitting,
alternated, as for the bench. Each run stores new batches (ids are random), so the database grows.
"""
import argparse
import importlib.util
import os
import random
import re
import time

import psycopg
from psycopg.types.numeric import Float8, Int2, Int8

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "../../Sources/StewardStorePostgres")
_spec = importlib.util.spec_from_file_location("proc_cpu", os.path.join(HERE, "proc-cpu.py"))
proc_cpu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(proc_cpu)


def swift_sql(file, marker):
    """The first triple-quoted string after `marker` in a Swift source file."""
    text = open(os.path.join(SOURCE, file)).read()
    return re.search(re.escape(marker) + r'.*?"""\n(.*?)"""', text, re.S).group(1)


def derive_sql():
    sql = swift_sql("PostgresStore+Pending.swift", "func derivePending")
    newest = swift_sql("PostgresStore+Pending.swift", "static func newestPerKey")
    rows = "g g CROSS JOIN LATERAL (SELECT * FROM observations o WHERE o.id BETWEEN g.first_id AND g.last_id OFFSET 0) x"
    newest = newest.replace(r"\(rows)", rows)
    return sql.replace('\\(unescaped: Self.newestPerKey(of: Self.observations(of: "g")))', newest) \
              .replace(r"\(Self.deriveChunk)", "256")


def cpu(backend):
    """Seconds of CPU of this session's backend, and of PostgreSQL's other processes (WAL writer,
    checkpointer, autovacuum: a rough figure, as a process that ends meanwhile takes its time along)."""
    own = others = 0
    for pid, (who, ticks) in proc_cpu.sample().items():
        if who != "postgres":
            continue
        if int(pid) == backend:
            own += ticks
        else:
            others += ticks
    hz = os.sysconf("SC_CLK_TCK")
    return own / hz, others / hz


def spent(backend, before):
    after = cpu(backend)
    return after[0] - before[0], after[1] - before[1]


def statements(conn, rows, count):
    """`count` parameter sets of `rows` observations each, one batch per statement, newer times."""
    streams = conn.execute("SELECT d.product_id, d.id FROM datasets d").fetchall()
    now = int(time.time() * 1e6)
    tag = random.getrandbits(48)
    out = []
    for s in range(count):
        p, d, k, sub, t, st, v, pl = [], [], [], [], [], [], [], []
        for i in range(rows):
            product, dataset = random.choice(streams)
            kind = random.choice([1, 2, 3, 4])
            p.append(Int8(product)); d.append(Int8(dataset)); k.append(Int2(kind))
            sub.append(f"not_null_{random.randint(0, 9)}" if kind == 3 else "")
            t.append(Int8(now + (s * rows + i) * 10))
            st.append("pass" if kind == 3 else ""); v.append(Float8(1.0 if kind == 3 else float("nan")))
            pl.append('{"check":"not_null_3","status":"pass","value":1,"threshold":0}')
        seen = Int8(now)
        out.append((["bench"], [f"probe-{tag}-{s}"], ["probe-agent"], ["1.0"], [seen], [Int8(rows)], [seen],
                    p, d, k, sub, t, st, v, pl, [Int8(1)] * rows))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--rows", type=int, default=100, help="observations per statement")
    ap.add_argument("--statements", type=int, default=1000)
    ap.add_argument("--sql", help="a file holding another statement to measure instead")
    ap.add_argument("--derive", action="store_true", help="then derive what is pending, measured apart")
    ap.add_argument("--label", default="", help="printed first, to tell alternated runs apart")
    a = ap.parse_args()
    sql = open(a.sql).read() if a.sql else swift_sql("PostgresStore+Observations.swift", "struct GroupInsert")
    with psycopg.connect(a.url, autocommit=True) as conn:
        conn.execute("SET jit = off")  # as the server's connections
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        params = statements(conn, a.rows, a.statements)
        with psycopg.RawCursor(conn) as cur:  # $n placeholders, as in the Swift source
            cur.execute(sql, params[0], prepare=True, binary=True)  # prepared once, as postgres-nio does
            before = cpu(backend)
            for p in params[1:]:
                cur.execute(sql, p, prepare=True, binary=True)
            own, others = spent(backend, before)
        n = a.rows * (a.statements - 1)
        print(f"{a.label} insert, {a.rows} rows per statement: {1e6 * own / n:.2f} us of the backend's CPU per row "
              f"({own:.2f} s for {n} rows; PostgreSQL's other processes {others:.2f} s)")
        if a.derive:
            pending = conn.execute("SELECT coalesce(sum(last_id - first_id + 1), 0)::bigint FROM pending_groups").fetchone()[0]
            before = cpu(backend)
            statement = derive_sql()
            while conn.execute(statement).fetchone()[0] > 0:
                pass
            own, others = spent(backend, before)
            print(f"{a.label} derive: {1e6 * own / max(pending, 1):.2f} us of the backend's CPU per row "
                  f"({own:.2f} s for {pending} rows; PostgreSQL's other processes {others:.2f} s)")


if __name__ == "__main__":
    main()

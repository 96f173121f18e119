#!/usr/bin/env python3
"""CPU used by PostgreSQL and by steward serve, every 200 ms, for scripts/latency-probes.py.

Run beside the bench: scripts/probes/proc-cpu.py > RUN.procs
One line per 200 ms: epoch ms, then the clock ticks (1/100 s) each used since the previous
line, PostgreSQL's processes together, then the server's (a process named steward…, but not
steward-bench). Processes that started meanwhile count from zero.
"""
import os
import time


def sample():
    ticks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        if name == "postgres":
            who = "postgres"
        elif name.startswith("steward") and name != "steward-bench":
            who = "server"
        else:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks[pid] = (who, int(fields[11]) + int(fields[12]))  # utime + stime
    return ticks


def main():
    previous = sample()
    while True:
        time.sleep(0.2)
        current = sample()
        used = {"postgres": 0, "server": 0}
        for pid, (who, t) in current.items():
            used[who] += t - previous[pid][1] if pid in previous else t
        print(int(time.time() * 1000), used["postgres"], used["server"], flush=True)
        previous = current


if __name__ == "__main__":  # pg-insert-cost.py imports `sample`
    main()

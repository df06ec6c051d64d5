"""Fleet scan at scale: a 100,000-GPU b300-quad-plane fabric (Parquet snapshots) advanced by one
hourly scan, then `netdiag scan` of the second snapshot against the first kept in the history store.
Prints the wall time, CPU time and peak RSS of each scan (each in its own process) beside the
targets of issue 15 for the scan against the previous snapshot: <= 60 s and <= 6 GB on 2 cores.

    python benchmarks/bench_scan.py [--gpus 100000] [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 60.0
TARGET_MB = 6144

_RUN = """
import json, resource, sys, time
from netdiag.inventory import load
from netdiag import jobs
fab, state, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.monotonic()
c0 = time.process_time()
inv = load(f"{fab}/devices.csv", f"{fab}/cabling.csv")
t1 = time.monotonic()
res = jobs.scan(inv, state, snapshot_dir=f"{fab}/scan-{k:03d}/snapshot", prom=f"{state}.prom", jsonl=f"{state}.jsonl")
t2 = time.monotonic()
print(json.dumps({"scan": k, "inventory_s": round(t1 - t0, 1), "scan_s": round(t2 - t1, 1), "total_s": round(t2 - t0, 1),
                  "cpu_s": round(time.process_time() - c0, 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "findings": len(res.sweep.findings), "events": len(res.events), "window_s": res.window_s,
                  "ports": int(len(res.sweep.snapshot.ports))}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpus", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-scan-"))
    fab = work / "fab"
    if not (fab / "scan-001" / "snapshot").exists():
        t = time.monotonic()
        subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", "b300-quad-plane", "--gpus",
                        str(a.gpus), "--seed", "1", "--faults", "30", "--miswires", "4", "--format", "parquet",
                        "--scans", "2", "--interval", "3600", "--out", str(fab)], check=True)
        print(f"simulate {a.gpus} GPUs x 2 scans: {time.monotonic() - t:.0f} s")
    state = work / "state" / "state.db"
    shutil.rmtree(state.parent, ignore_errors=True)
    for k in (0, 1):
        out = subprocess.run([sys.executable, "-c", _RUN, str(fab), str(state), str(k)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        label = "first scan (no history)" if k == 0 else "scan against the previous snapshot"
        print(f"{label}: {r['total_s']} s total ({r['inventory_s']} s inventory, {r['scan_s']} s scan; "
              f"{r['cpu_s']} s CPU), peak RSS {r['peak_rss_mb']} MB, {r['ports']} ports, {r['findings']} findings, "
              f"{r['events']} events")
    print(f"target (issue 15): scan against the previous snapshot <= {TARGET_S:.0f} s (measured {r['total_s']} s: "
          f"{'met' if r['total_s'] <= TARGET_S else 'NOT met'}), <= {TARGET_MB} MB (measured {r['peak_rss_mb']} MB: "
          f"{'met' if r['peak_rss_mb'] <= TARGET_MB else 'NOT met'})")
    if not a.keep and a.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

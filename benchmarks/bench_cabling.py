"""Cabling check at fleet scale: simulate a b300-quad-plane fabric as a Parquet snapshot, then time
`netdiag cabling` on it (loading devices.csv + cabling.csv, reading the snapshot, checking every link).
Prints wall time and peak memory per stage. Run: python benchmarks/bench_cabling.py [--gpus 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from netdiag import jobs
from netdiag.inventory import load
out = sys.argv[1]
inv = load(out + "/devices.csv", out + "/cabling.csv")
t1 = time.perf_counter()
res = jobs.cabling(inv, snapshot_dir=out + "/snapshot")
t2 = time.perf_counter()
truth = json.load(open(out + "/truth.json"))["faults"]
got = sorted((f.kind, tuple(sorted(s["ref"] for s in f.suspects))) for f in res.findings)
exp = sorted((t["kind"], tuple(sorted(t["links"]))) for t in truth)
print(json.dumps({"load_s": t1 - t0, "check_s": t2 - t1, "total_s": t2 - t0, "cables": len(res.status),
                  "findings": len(res.findings), "correct": got == exp,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gpus", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--preset", default="b300-quad-plane")
    ap.add_argument("--miswires", type=int, default=20)
    args = ap.parse_args()
    print(f"{'gpus':>7} {'cables':>8} {'simulate s':>10} {'load s':>7} {'check s':>8} {'total s':>8} "
          f"{'peak MB':>8} correct")
    for gpus in args.gpus:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", args.preset, "--gpus", str(gpus),
                            "--seed", "1", "--miswires", str(args.miswires), "--format", "parquet", "--out", d],
                           check=True, capture_output=True)
            sim_s = time.perf_counter() - t0
            r = subprocess.run([sys.executable, "-c", CHILD, d], check=True, capture_output=True, text=True, cwd=ROOT)
            m = json.loads(r.stdout.strip().splitlines()[-1])
            print(f"{gpus:7d} {m['cables']:8d} {sim_s:10.1f} {m['load_s']:7.1f} {m['check_s']:8.1f} {m['total_s']:8.1f} "
                  f"{m['peak_rss_mb']:8.0f} {m['correct']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

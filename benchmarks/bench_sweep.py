"""`netdiag sweep --capture` end to end against the read-and-split floor, measured in one run.

The floor is what any reader of the capture must do: read every file and split its lines in Python
(one process). The sweep is the real command in a fresh process (parse on every core unless --jobs,
analysis, JSON out). Both are timed twice, interleaved (floor, sweep, floor, sweep), so that load
from other jobs on the machine hits both alike; the best of each is compared with the target
(sweep <= 3x floor, issue 15). Wall time and CPU time (the sweep's including its workers) are
printed, and the machine's load average, so a figure measured on a busy machine says so.
With --phases, one more run in a fresh process is timed phase by phase (imports, inventory, capture
index, parsing, analysis, JSON), so that a ratio above target says which part is over.
Run: python benchmarks/bench_sweep.py [--gpus 2000] [--preset gb300-dual-plane] [--capture DIR --inventory F --plan F]
     [--jobs N] [--phases]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0


def floor(capture: Path) -> tuple[float, float, int]:
    """(wall s, CPU s, bytes): read every file of the capture and split its lines."""
    t0, c0, n = time.perf_counter(), time.process_time(), 0
    for root, _dirs, files in os.walk(capture):
        for f in files:
            b = (Path(root) / f).read_bytes()
            n += len(b)
            b.decode("utf-8", "replace").splitlines()
    return time.perf_counter() - t0, time.process_time() - c0, n


def sweep(capture: Path, inv: Path, plan: Path, jobs: int | None) -> tuple[float, float, float, int]:
    """(wall s, CPU s of the process and its workers, peak RSS MB of the largest process, exit)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    args = [sys.executable, "-m", "netdiag.cli", "sweep", "--capture", str(capture), "--inventory", str(inv),
            "--plan", str(plan), "--json"] + (["--jobs", str(jobs)] if jobs else [])
    t0 = time.perf_counter()
    r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1, 2, 3):
        sys.exit(f"sweep failed ({r.returncode}): {r.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, r.returncode


def phases(capture: Path, inv: Path, plan: Path, jobs: int | None) -> dict[str, tuple[float, float]]:
    """{phase: (wall s, CPU s incl. worker processes)} of one sweep run in a fresh process, phase by
    phase: where the time beyond parsing goes."""
    code = f"""
import json, resource, sys, time
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
out, t, c = {{}}, time.perf_counter(), cpu()
def lap(name):
    global t, c
    t2, c2 = time.perf_counter(), cpu()
    out[name] = (t2 - t, c2 - c)
    t, c = t2, c2
from netdiag import jobs, workers
from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.inventory import load
from netdiag.render import text
lap("imports")
workers.configure({jobs!r})
inv = load({str(inv)!r}, {str(plan)!r})
lap("inventory and plan")
cap = read_capture({str(capture)!r})
lap("read capture index")
ing = ingest(cap)
lap("parse (ingest)")
res = jobs.analyse(ing.snapshot, ing.devices, inv, None)
lap("analysis")
res.findings = text.worst_first(res.findings)
json.dumps(res.to_json(), indent=2, allow_nan=False)
lap("JSON out")
print(json.dumps(out))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        sys.exit(f"phases failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpus", type=int, default=2000)
    ap.add_argument("--preset", default="gb300-dual-plane")
    ap.add_argument("--faults", type=int, default=44)
    ap.add_argument("--capture", type=Path, help="an existing capture instead of simulating one")
    ap.add_argument("--inventory", type=Path)
    ap.add_argument("--plan", type=Path)
    ap.add_argument("--jobs", type=int, help="sweep --jobs (default: every core)")
    ap.add_argument("--phases", action="store_true", help="also time one run phase by phase (in a fresh process)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        if a.capture:
            cap, inv, plan = a.capture, a.inventory, a.plan
        else:
            subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", a.preset, "--gpus", str(a.gpus),
                            "--seed", "1", "--faults", str(a.faults), "--miswires", "8", "--out", d],
                           check=True, capture_output=True, cwd=ROOT)
            cap, inv, plan = Path(d) / "capture", Path(d) / "devices.csv", Path(d) / "cabling.csv"
        floors, sweeps = [], []
        for _ in range(2):
            floors.append(floor(cap))
            sweeps.append(sweep(cap, inv, plan, a.jobs))
        fw = min(f[0] for f in floors)
        fc = min(f[1] for f in floors)
        sw = min(s[0] for s in sweeps)
        sc = min(s[1] for s in sweeps)
        mb = floors[0][2] / 1e6
        print(f"capture: {cap} ({mb:.0f} MB); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"floor (read + split lines, 1 process): wall {fw:.2f} s, CPU {fc:.2f} s ({mb / fw:.0f} MB/s)")
        print(f"sweep --capture (jobs {a.jobs or 'all cores'}): wall {sw:.2f} s, CPU {sc:.2f} s, "
              f"peak RSS {max(s[2] for s in sweeps):.0f} MB, exit {sweeps[-1][3]}")
        ratio = sw / fw
        print(f"ratio sweep / floor: wall {ratio:.1f}x, CPU {sc / fc:.1f}x (target <= {TARGET_RATIO:.0f}x wall: "
              f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})")
        if a.phases:
            ph = phases(cap, inv, plan, a.jobs)
            print(f"one run phase by phase (jobs {a.jobs or 'all cores'}; CPU includes worker processes):")
            for name, (w, c) in ph.items():
                print(f"  {name:22s} wall {w:6.2f} s  CPU {c:6.2f} s  ({w / fw:4.1f}x the floor's wall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

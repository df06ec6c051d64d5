"""Localization accuracy on simulated fabrics, through the platforms' real output formats.

For each preset x seed: `netdiag simulate` writes devices.csv, cabling.csv, truth.json and a capture
(SONiC / Cumulus / EOS / Linux / ibdiagnet text and JSON), `netdiag sweep` analyses it with the
plan, and the findings are scored against the truth (netdiag.simulate.score): precision (findings
of warning or worse that match an injected fault), recall (faults with a matching finding) and
top-1 localization (a finding's first suspect is the faulty part), per fault kind and overall,
with the time each sweep took; then the independent scenario sources (`--independent v1,v2,v3`,
default v1). Run: python benchmarks/bench_accuracy.py [--gpus 576] [--seeds 1 2 3] [--independent v1,v2,v3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netdiag.simulate.presets import PRESETS  # noqa: E402
from netdiag.simulate.score import score  # noqa: E402


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True, text=True, cwd=ROOT)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gpus", type=int, default=576)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--faults", type=int, default=22)
    ap.add_argument("--miswires", type=int, default=4)
    ap.add_argument("--presets", nargs="+", default=sorted(PRESETS))
    ap.add_argument("--evidence-faults", type=int, default=0,
                    help="also inject this many evidence-class faults and capture noise (faults_evidence.py)")
    args = ap.parse_args()
    kinds = defaultdict(lambda: [0, 0, 0])
    tot_findings = tot_matched = 0
    print(f"{'preset':18s} {'seed':>4} {'faults':>6} {'findings':>8} {'prec':>6} {'recall':>6} {'top1':>6} {'sweep s':>7}")
    for preset in args.presets:
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as d:
                r = run("simulate", "--preset", preset, "--gpus", str(args.gpus), "--seed", str(seed), "--faults",
                        str(args.faults), "--miswires", str(args.miswires), "--format", "capture", "--out", d,
                        *(["--evidence-faults", str(args.evidence_faults)] if args.evidence_faults else []))
                if r.returncode:
                    print(r.stderr[-1500:])
                    return 1
                t0 = time.perf_counter()
                r = run("sweep", "--inventory", f"{d}/devices.csv", "--plan", f"{d}/cabling.csv",
                        "--capture", f"{d}/capture", "--json")
                dt = time.perf_counter() - t0
                out = json.loads(r.stdout)
                truth = json.loads(Path(d, "truth.json").read_text())["faults"]
            sc = score(out["findings"], truth)
            for t in truth:   # evidence-class faults: reported per class as well
                if t.get("evidence_class"):
                    one = score(out["findings"], [t])
                    k = f"evidence:{t['evidence_class']}"
                    kinds[k][0] += 1
                    kinds[k][1] += one["recall"] == 1.0
                    kinds[k][2] += one["top1"] == 1.0
            tot_findings += sc["findings"]
            tot_matched += sc["matched_findings"]
            for k, v in sc["per_kind"].items():
                kinds[k][0] += v["faults"]
                kinds[k][1] += v["found"]
                kinds[k][2] += v["top1"]
            print(f"{preset:18s} {seed:4d} {sc['faults']:6d} {sc['findings']:8d} {sc['precision']:6.3f} "
                  f"{sc['recall']:6.3f} {sc['top1']:6.3f} {dt:7.1f}")
    per_class = {k: kinds.pop(k) for k in [k for k in kinds if k.startswith("evidence:")]}
    faults = sum(v[0] for v in kinds.values())
    print()
    print(f"{'fault kind':22s} {'faults':>6} {'recall':>6} {'top1':>6}")
    for k, (n, found, top) in sorted(kinds.items()):
        print(f"{k:22s} {n:6d} {found / n:6.3f} {top / n:6.3f}")
    print(f"{'overall':22s} {faults:6d} {sum(v[1] for v in kinds.values()) / faults:6.3f} "
          f"{sum(v[2] for v in kinds.values()) / faults:6.3f}   precision {tot_matched / max(tot_findings, 1):.3f} "
          f"({tot_matched}/{tot_findings})")
    for k, (n, found, top) in sorted(per_class.items()):
        print(f"{k:34s} {n:6d} {found / n:6.3f} {top / n:6.3f}")
    return 0


def independent_table(suite: str = "v1") -> str:
    """The same questions asked of the independent scenario sources (benchmarks/scenarios: v1, v2)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.bench_independent import run, table
    return table(run(suite=suite))


def independent_v3(per_shape: int) -> int:
    """The third sources (benchmarks/scenarios_v3e: Ethernet, scenarios_v3i: InfiniBand), written by
    authors who never read the localizer or the other sources; prints its own table."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks import bench_independent_v3
    return bench_independent_v3.main(["--scenarios", str(per_shape)])


if __name__ == "__main__":
    # --independent v1,v2,v3 (default v1): which independent sources to score after the simulator
    argv = sys.argv[1:]
    which = ["v1"]
    if "--independent" in argv:
        i = argv.index("--independent")
        which = argv[i + 1].split(",")
        del argv[i:i + 2]
        sys.argv[1:] = argv
    rc = main()
    for w in which:
        print()
        if w == "v3":
            independent_v3(2)
        else:
            print(independent_table(w))
    raise SystemExit(rc)

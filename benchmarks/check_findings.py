"""Speed edits must not change a single finding: analyse one Parquet snapshot with the code of a git
ref (default `main`) and with this tree, and compare the findings JSON byte for byte.

For each preset a fabric is simulated once (with this tree's simulator) as a Parquet snapshot, or
`--fabric DIR` (devices.csv, cabling.csv, snapshot/) is used as it is. Both analyses run in their
own process (`netdiag.jobs.load_observed` + `jobs.analyse`, as `netdiag sweep --snapshot` does);
the ref's tree comes from `git archive`. Prints the CPU time of each side, and exits 1 on any
difference, naming the first differing finding.

    python benchmarks/check_findings.py [--ref main] [--gpus 1000] [--presets b300-quad-plane ...]
    python benchmarks/check_findings.py --fabric /path/to/fabric
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_RUN = r"""
import json, sys, time
c0 = time.process_time()
from netdiag import jobs
from netdiag.inventory import load
fab, out = sys.argv[1], sys.argv[2]
inv = load(fab + "/devices.csv", fab + "/cabling.csv")
snap, devices = jobs.load_observed(snapshot_dir=fab + "/snapshot")
res = jobs.analyse(snap, devices, inv)
with open(out, "w") as fh:
    json.dump([f.to_json() for f in res.findings], fh, sort_keys=True, indent=1, default=str)
print(json.dumps({"cpu_s": time.process_time() - c0, "findings": len(res.findings)}))
"""


def _tree(ref: str, into: Path) -> Path:
    """The files of `ref` (git archive) under `into`."""
    tar = into / "ref.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], stdout=fh, check=True)
    with tarfile.open(tar) as t:
        t.extractall(into / "tree", filter="data")
    return into / "tree"


def _analyse(code: Path, fab: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    r = subprocess.run([sys.executable, "-c", _RUN, str(fab), str(out)], env=env, capture_output=True, text=True,
                       cwd=code)
    if r.returncode:
        raise SystemExit(f"analysis with {code} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def compare(ref_json: Path, new_json: Path) -> str | None:
    """None when both findings files are identical, else a description of the first difference."""
    a, b = ref_json.read_bytes(), new_json.read_bytes()
    if a == b:
        return None
    fa, fb = json.loads(a), json.loads(b)
    if len(fa) != len(fb):
        return f"{len(fa)} findings with the ref, {len(fb)} with this tree"
    for i, (x, y) in enumerate(zip(fa, fb)):
        if x != y:
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            return f"finding {i} ({x.get('id')}) differs in {', '.join(keys)}"
    return "the files differ in formatting only"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default="main", help="git ref to compare with (default main)")
    ap.add_argument("--gpus", type=int, default=1000)
    ap.add_argument("--presets", nargs="+", default=["b300-quad-plane", "gb300-dual-plane", "ib-ndr"])
    ap.add_argument("--faults", type=int, default=44)
    ap.add_argument("--miswires", type=int, default=8)
    ap.add_argument("--fabric", type=Path, help="an existing fabric directory (devices.csv, cabling.csv, snapshot/)")
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="check-findings-") as d:
        d = Path(d)
        ref_tree = _tree(args.ref, d)
        fabrics = []
        if args.fabric:
            fabrics.append((str(args.fabric), args.fabric))
        else:
            for p in args.presets:
                fab = d / p
                subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", p, "--gpus",
                                str(args.gpus), "--seed", "1", "--faults", str(args.faults), "--miswires",
                                str(args.miswires), "--format", "parquet", "--out", str(fab)],
                               check=True, capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
                fabrics.append((f"{p} {args.gpus} GPUs", fab))
        for label, fab in fabrics:
            old = _analyse(ref_tree, fab, d / "ref.json")
            new = _analyse(ROOT, fab, d / "new.json")
            diff = compare(d / "ref.json", d / "new.json")
            bad += diff is not None
            print(f"{label}: {new['findings']} findings; CPU {old['cpu_s']:.1f} s ({args.ref}) vs {new['cpu_s']:.1f} s "
                  f"(this tree): {'IDENTICAL' if diff is None else 'DIFFERENT: ' + diff}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

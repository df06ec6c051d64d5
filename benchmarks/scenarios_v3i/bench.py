"""Score netdiag on the InfiniBand scenario source (benchmarks/scenarios_v3i).

Generates scenarios of every shape (2-plane with 4-8 faults, 4-plane with 10-16), some fault-free
and one in eight with a dark plane, runs the real CLI on each (`netdiag sweep --capture DIR/capture
--inventory DIR/devices.csv --plan DIR/cabling.csv --json`) and scores the findings with
benchmarks/scenarios/score.py (the scorer every independent source shares). Prints precision /
recall / top-1 per shape group, per shape and per fault class, and the findings on fault-free fabrics.

    python -m benchmarks.scenarios_v3i.bench [--scenarios 16] [--workers 2] [--shapes S,...]
                                             [--keep DIR] [--json FILE] [--misses]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from benchmarks.scenarios.score import score, totals  # noqa: E402
from benchmarks.scenarios_v3i.generate import generate  # noqa: E402

SHAPES_2 = ["ib2-ndr", "ib2-dgx", "ib2-split", "ib2-ndr-128"]
SHAPES_4 = ["ib4-ndr", "ib4-dgx", "ib4-split", "ib4-ndr-256"]
#: for a shared runner (benchmarks/bench_independent_v3.py): shape -> plane count
SHAPES = {**{s: 2 for s in SHAPES_2}, **{s: 4 for s in SHAPES_4}}


def _shape_fn(shape: str):
    def fn(seed: int, out: Path, n_faults: int, gpus: int | None = None) -> dict:
        # one scenario in five with faults also has a dark plane (a plane-wide event)
        return generate(shape, seed, out, n_faults=n_faults, fault_free=n_faults == 0,
                        dark_plane=n_faults > 0 and seed % 5 == 0, gpus=gpus)
    return fn


def register_v3i(register) -> None:
    """Add this source's shapes to a shared runner's registry (benchmarks/bench_independent_v3.py):
    register(name, fn(seed, out_dir, n_faults, gpus) -> truth, group, faults=(lo, hi), gpus=(...))."""
    from benchmarks.scenarios_v3i.model import SHAPES as MODEL_SHAPES
    for name, p in MODEL_SHAPES.items():
        register(name, _shape_fn(name), f"{p['planes']}-plane", faults=p["faults"], gpus=(p["gpus"],))


def plan(n: int, shapes: list[str] | None = None) -> list[dict]:
    """Alternating 2-plane / 4-plane shapes; scenarios 6 and 7 of every 8 fault-free, 5 with a dark plane."""
    out = []
    for i in range(n):
        if shapes:
            shape = shapes[i % len(shapes)]
        else:
            group = SHAPES_2 if i % 2 == 0 else SHAPES_4
            shape = group[(i // 2 + i // 8) % len(group)]      # every shape gets faulty, fault-free and dark-plane turns
        out.append({"shape": shape, "seed": 3000 + i, "fault_free": i % 8 in (6, 7), "dark_plane": i % 8 == 5})
    return out


def run_one(spec: dict, root: Path) -> dict:
    d = root / f"{spec['shape']}-{spec['seed']}{'-ff' if spec['fault_free'] else ''}"
    t0 = time.process_time()
    generate(spec["shape"], spec["seed"], d, fault_free=spec["fault_free"], dark_plane=spec["dark_plane"])
    gen_cpu = time.process_time() - t0
    env = dict(os.environ, PYTHONPATH=str(_ROOT))
    t1 = time.time()
    p = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--capture", str(d / "capture"),
                        "--inventory", str(d / "devices.csv"), "--plan", str(d / "cabling.csv"), "--json"],
                       capture_output=True, text=True, env=env, timeout=900)
    wall = time.time() - t1
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return {"scenario": str(d), "shape": spec["shape"], "error": f"exit {p.returncode}: {p.stderr[-2000:]}"}
    (d / "findings.json").write_text(p.stdout)
    r = score(d, doc.get("findings", []))
    truth = json.loads((d / "truth.json").read_text())
    cls = {f["id"]: f.get("class", f["kind"]) for f in truth["faults"]}
    unused = set(truth.get("noise_ports", []))
    for f in r["false"]:
        if not f["link"] and f["first"][1] in unused:
            f["noise"] = ["unused_hca_port"]
    for o in r["faults"]:
        o["class"] = cls.get(o["id"], o["kind"])
        o["note"] = next(f["note"] for f in truth["faults"] if f["id"] == o["id"])
    r.update(fault_free=spec["fault_free"], planes=truth["planes"], gen_cpu_s=round(gen_cpu, 2),
             sweep_wall_s=round(wall, 1), exit=p.returncode,
             failed_outputs=sum(len(x.get("failed") or []) for x in doc.get("devices", [])))
    return r


def _fmt(x):
    return "  -  " if x is None else f"{x:.3f}"


def table(results: list[dict]) -> str:
    ok = [r for r in results if "error" not in r]
    lines = []
    groups = [("2-plane", [r for r in ok if r["planes"] == 2]), ("4-plane", [r for r in ok if r["planes"] == 4])]
    groups += [(f"  {s}", [r for r in ok if r["shape"] == s]) for s in SHAPES_2 + SHAPES_4]
    groups.append(("all", ok))
    lines.append(f"{'group':<16} {'scen':>4} {'faults':>6} {'finds':>6} {'false':>5} {'dup':>4} {'prec':>6} {'recall':>6} {'top1':>6}")
    for name, rs in groups:
        if not rs:
            continue
        t = totals(rs)
        lines.append(f"{name:<16} {t['scenarios']:>4} {t['faults']:>6} {t['findings']:>6} {t['false_findings']:>5} "
                     f"{t['duplicates']:>4} {_fmt(t['precision']):>6} {_fmt(t['recall']):>6} {_fmt(t['top1']):>6}")
    lines.append("")
    lines.append(f"{'fault class':<26} {'n':>4} {'recall':>6} {'top1':>6}   (2-plane n/r/t | 4-plane n/r/t)")
    classes = sorted({o["class"] for r in ok for o in r["faults"]})
    for c in classes:
        os_ = [o for r in ok for o in r["faults"] if o["class"] == c]
        part = []
        for pl in (2, 4):
            po = [o for r in ok if r["planes"] == pl for o in r["faults"] if o["class"] == c]
            part.append(f"{len(po)}/{_fmt(sum(o['detected'] for o in po) / len(po)) if po else '-'}/"
                        f"{_fmt(sum(o['top1'] for o in po) / len(po)) if po else '-'}")
        lines.append(f"{c:<26} {len(os_):>4} {sum(o['detected'] for o in os_) / len(os_):>6.3f} "
                     f"{sum(o['top1'] for o in os_) / len(os_):>6.3f}   {part[0]} | {part[1]}")
    by_noise: dict[str, int] = {}
    for r in ok:
        for f in r["false"]:
            tag = "lifetime_counters" if "lifetime_counters" in f["noise"] else (",".join(f["noise"]) or "no noise on its links")
            by_noise[tag] = by_noise.get(tag, 0) + 1
    lines.append("")
    lines.append("false findings by the noise on their links: " +
                 (", ".join(f"{k} {v}" for k, v in sorted(by_noise.items(), key=lambda kv: -kv[1])) or "none"))
    t = totals(ok)
    good = t["findings"] - t["false_findings"]
    for tag in [k for k in by_noise if k != "no noise on its links"]:
        if t["findings"] - by_noise[tag]:
            lines.append(f"precision without the {tag} false findings: {good / (t['findings'] - by_noise[tag]):.3f}")
    noisy = sum(v for k, v in by_noise.items() if k != "no noise on its links")
    if t["findings"] - noisy:
        lines.append(f"precision without any noise-caused false finding: {good / (t['findings'] - noisy):.3f}")
    ff = [r for r in ok if r["fault_free"]]
    lines.append("")
    lines.append(f"fault-free fabrics: {len(ff)}, findings on them: {sum(r['findings'] for r in ff)}")
    errs = [r for r in results if "error" in r]
    if errs:
        lines.append(f"sweeps that failed: {len(errs)}")
        for r in errs:
            lines.append(f"  {r['scenario']}: {r['error'][:300]}")
    failed = sum(r.get("failed_outputs", 0) for r in ok)
    lines.append(f"outputs netdiag could not read: {failed}")
    return "\n".join(lines)


def misses(results: list[dict]) -> str:
    lines = []
    for r in results:
        if "error" in r:
            continue
        name = Path(r["scenario"]).name
        for o in r["faults"]:
            if not o["top1"]:
                got = o["got"] or {}
                lines.append(f"MISS {name} {o['class']} truth {o['component']} {o['ref']}: "
                             f"{'detected' if o['detected'] else 'not detected'}; got {got.get('kind')} "
                             f"{got.get('first')} | {o['note']}")
        for f in r["false"]:
            lines.append(f"FALSE {name} {f['kind']} {f['link']} first {f['first']} noise={f['noise']} | "
                         f"{(f['evidence'] or [''])[0][:200]}")
    return "\n".join(lines)


def run(n: int, workers: int, keep: Path | None, shapes: list[str] | None) -> list[dict]:
    root = keep or Path(tempfile.mkdtemp(prefix="v3i-"))
    root.mkdir(parents=True, exist_ok=True)
    specs = plan(n, shapes)
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(lambda s: run_one(s, root), specs))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenarios", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shapes", default="")
    ap.add_argument("--keep", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--misses", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.time()
    res = run(a.scenarios, a.workers, a.keep, [s for s in a.shapes.split(",") if s] or None)
    print(table(res))
    if a.misses:
        print()
        print(misses(res))
    print(f"\n{len(res)} scenarios in {time.time() - t0:.0f} s wall (under load)")
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())


#: the name benchmarks/bench_independent_v3.py looks for
register_shapes = register_v3i

"""Score netdiag on the third independent scenario sources (v3e: Ethernet fabrics; v3i: InfiniBand).

Generates N scenarios per shape into a temporary folder, runs the real CLI on each
(`python -m netdiag.cli sweep --capture DIR/capture --inventory DIR/devices.csv --plan DIR/cabling.csv
--json`), scores it with benchmarks/scenarios/score.py (the same matching rules as the other sources)
and prints precision / recall / top-1 per shape group (2-plane, 4-plane, other), per fault class and in
total, with the duplicates; `--misses` lists every miss (truth vs netdiag's first suspect and kind) and
every false finding.

    python benchmarks/bench_independent_v3.py [--scenarios 4] [--shapes 2p-sonic,4p-nxos] [--misses]
                                              [--keep DIR] [--json FILE] [--workers 2]

Shapes are a registry: `SHAPES[name] = callable(seed, out_dir, n_faults, gpus) -> truth dict` (the callable
writes devices.csv, cabling.csv, truth.json with a `shape` member, and capture/), with
`SHAPE_FAULTS[name] = (min, max)` faults per scenario and `SHAPE_GROUP[name]` in 2-plane/4-plane/other.
Another source adds its shapes with `register(name, fn, group, faults=(lo, hi), gpus=(...))`, either here
or from its own package (`register_shapes(register)`, see `_load_other_sources`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from benchmarks.scenarios.score import score, totals  # noqa: E402
from benchmarks.scenarios_v3e.generate import generate as _v3e_generate  # noqa: E402

SHAPES: dict = {}
SHAPE_GROUP: dict = {}
SHAPE_FAULTS: dict = {}
SHAPE_GPUS: dict = {}


def register(name: str, fn, group: str, faults=(4, 8), gpus=(64, 128)):
    """Add a shape: fn(seed, out_dir: Path, n_faults: int, gpus: int) -> truth dict (writes the folder)."""
    SHAPES[name] = fn
    SHAPE_GROUP[name] = group
    SHAPE_FAULTS[name] = faults
    SHAPE_GPUS[name] = gpus


def _v3e(shape):
    return lambda seed, out, n, gpus: _v3e_generate(shape, seed, out, n, gpus)


def _load_other_sources():
    """Other sources register their shapes from their own package without editing this file: a
    `register_shapes(register)` function in `benchmarks.scenarios_v3i` (or its `bench` module) is called
    when present."""
    import importlib
    for mod in ("benchmarks.scenarios_v3i", "benchmarks.scenarios_v3i.bench"):
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name and mod.startswith(e.name):
                continue  # that package or module is not there: nothing to register
            raise
        fn = getattr(m, "register_shapes", None)
        if callable(fn):
            fn(register)
            return


register("2p-sonic", _v3e("2p-sonic"), "2-plane", (4, 8), (64, 128))
register("2p-nxos", _v3e("2p-nxos"), "2-plane", (4, 8), (64, 128))
register("4p-sonic", _v3e("4p-sonic"), "4-plane", (10, 16), (64, 128))
register("4p-nxos", _v3e("4p-nxos"), "4-plane", (10, 16), (64, 128))
register("2p-junos", _v3e("2p-junos"), "2-plane", (4, 8), (64, 128))
register("4p-junos", _v3e("4p-junos"), "4-plane", (10, 16), (64, 128))
register("2p-cumulus", _v3e("2p-cumulus"), "2-plane", (4, 8), (64, 128))
register("4p-cumulus", _v3e("4p-cumulus"), "4-plane", (10, 16), (64, 128))
register("2p-junos-portid", _v3e("2p-junos-portid"), "other", (4, 8), (64, 128))
register("2p-breakout", _v3e("2p-breakout"), "2-plane", (4, 8), (64, 128))
register("4p-breakout", _v3e("4p-breakout"), "4-plane", (10, 16), (64, 128))
_load_other_sources()


def plan(shapes: list[str], n: int, base_seed: int) -> list[dict]:
    """n scenarios per shape; every fourth one fault-free."""
    out = []
    for s in shapes:
        lo, hi = SHAPE_FAULTS[s]
        g = SHAPE_GPUS[s]
        for i in range(n):
            seed = base_seed + 97 * i + 7 * len(s)
            nf = 0 if i % 4 == 3 else lo + (seed % (hi - lo + 1))
            out.append({"shape": s, "seed": seed, "faults": nf, "gpus": g[i % len(g)]})
    return out


def run_one(job: dict, root: Path) -> dict:
    d = root / f"{job['shape']}-s{job['seed']}"
    if d.exists():
        shutil.rmtree(d)
    t0 = time.process_time()
    w0 = time.time()
    SHAPES[job["shape"]](job["seed"], d, job["faults"], job["gpus"])
    gen_cpu = time.process_time() - t0
    gen_wall = time.time() - w0
    env = dict(os.environ, PYTHONPATH=str(_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    w1 = time.time()
    p = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--capture", str(d / "capture"),
                        "--inventory", str(d / "devices.csv"), "--plan", str(d / "cabling.csv"), "--json"],
                       capture_output=True, text=True, env=env, timeout=900)
    sweep_wall = time.time() - w1
    try:
        doc = json.loads(p.stdout)
    except json.JSONDecodeError:
        return {"job": job, "error": f"sweep exit {p.returncode}: {p.stderr.strip()[-400:]}"}
    r = score(d, doc.get("findings", []))
    r["job"] = job
    r["parse_failures"] = [{"device": x["name"], "failed": x["failed"]} for x in doc.get("devices", []) if x.get("failed")]
    r["gen_cpu_s"], r["gen_wall_s"], r["sweep_wall_s"] = gen_cpu, gen_wall, sweep_wall
    r["exit"] = p.returncode
    return r


def _fmt(t: dict) -> str:
    f = lambda v: "  -  " if v is None else f"{v:.3f}"  # noqa: E731
    return (f"P {f(t['precision'])}  R {f(t['recall'])}  top1 {f(t['top1'])}  "
            f"(scenarios {t['scenarios']}, faults {t['faults']}, findings {t['findings']}, false {t['false_findings']}, "
            f"dup {t['duplicates']})")


def report(results: list[dict], misses: bool) -> dict:
    ok = [r for r in results if "error" not in r]
    for r in results:
        if "error" in r:
            print(f"ERROR {r['job']}: {r['error']}")
    groups = {}
    for r in ok:
        groups.setdefault(SHAPE_GROUP[r["job"]["shape"]], []).append(r)
    summary = {"total": totals(ok), "groups": {g: totals(rs) for g, rs in groups.items()}, "shapes": {}, "classes": {}}
    print("== per shape group")
    for g in sorted(groups):
        print(f"  {g:<8} {_fmt(summary['groups'][g])}")
    print("== per shape")
    for s in sorted({r["job"]["shape"] for r in ok}):
        t = totals([r for r in ok if r["job"]["shape"] == s])
        summary["shapes"][s] = t
        print(f"  {s:<10} {_fmt(t)}")
    print("== per fault class (recall / top-1)")
    cls = {}
    for r in ok:
        for o in r["faults"]:
            cls.setdefault(o["kind"], []).append(o)
    for k in sorted(cls):
        os_ = cls[k]
        summary["classes"][k] = {"n": len(os_), "recall": sum(o["detected"] for o in os_) / len(os_),
                                 "top1": sum(o["top1"] for o in os_) / len(os_)}
        print(f"  {k:<22} n={len(os_):<3} recall {summary['classes'][k]['recall']:.3f}  top1 {summary['classes'][k]['top1']:.3f}")
    ff = [r for r in ok if r["job"]["faults"] == 0]
    print(f"== fault-free fabrics: {len(ff)}, findings on them: {sum(r['findings'] for r in ff)}")
    pf = [(r["job"]["shape"], r["job"]["seed"], x) for r in ok for x in r["parse_failures"]]
    print(f"== devices with outputs that failed to parse: {len(pf)}")
    for s, seed, x in pf[:10]:
        print(f"   {s} s{seed} {x['device']}: {x['failed'][:1]}")
    main_groups = [r for r in ok if SHAPE_GROUP[r["job"]["shape"]] in ("2-plane", "4-plane")]
    if len(main_groups) != len(ok):
        summary["total_2_4_plane"] = totals(main_groups)
        print(f"== total of the 2-plane and 4-plane groups   {_fmt(summary['total_2_4_plane'])}")
    print(f"== total   {_fmt(summary['total'])}")
    if ok:
        print(f"== generation CPU per scenario: mean {sum(r['gen_cpu_s'] for r in ok) / len(ok):.2f} s; "
              f"sweep wall per scenario: mean {sum(r['sweep_wall_s'] for r in ok) / len(ok):.1f} s (under load)")
    if misses:
        print("== misses (truth -> netdiag's best matching finding: kind, first suspect)")
        for r in ok:
            for o in r["faults"]:
                if not o["top1"]:
                    got = o["got"]
                    g = "NOTHING" if got is None else f"{got['kind']} {got['first'][0]} {got['first'][1]}"
                    print(f"  {r['job']['shape']} s{r['job']['seed']} {o['kind']}: {o['component']} {o['ref']} "
                          f"-> {g}")
        print("== false findings (kind, cable, first suspect, noise on that link, evidence)")
        for r in ok:
            for f in r["false"]:
                print(f"  {r['job']['shape']} s{r['job']['seed']} {f['kind']} {f['link']} {f['first']} noise={f['noise']} "
                      f"{(f['evidence'] or [''])[0][:160]}")
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=4, help="scenarios per shape")
    ap.add_argument("--shapes", default=None, help="comma-separated shape names (default: all registered)")
    ap.add_argument("--seed", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--keep", default=None, help="keep the scenario folders here")
    ap.add_argument("--json", default=None, help="write the per-scenario results here")
    a = ap.parse_args(argv)
    shapes = a.shapes.split(",") if a.shapes else list(SHAPES)
    for s in shapes:
        if s not in SHAPES:
            ap.error(f"unknown shape {s!r}; known: {', '.join(SHAPES)}")
    root = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="v3-scn-"))
    root.mkdir(parents=True, exist_ok=True)
    jobs = plan(shapes, a.scenarios, a.seed)
    try:
        with ThreadPoolExecutor(max_workers=a.workers) as ex:
            results = list(ex.map(lambda j: run_one(j, root), jobs))
        summary = report(results, a.misses)
        if a.json:
            Path(a.json).write_text(json.dumps({"summary": summary, "results": results}, indent=1, default=str))
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

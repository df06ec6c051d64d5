"""Isolation plan and topology export on a large planned fabric: prints seconds per stage.

    python benchmarks/bench_isolate.py [--gpus 32768] [--findings 300]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from act_fabrics import link_finding, part_finding  # noqa: E402

from netdiag.act.isolate import Rules, plan_isolation  # noqa: E402
from netdiag.act.topology import build  # noqa: E402
from netdiag.fabric.graph import FabricGraph  # noqa: E402
from netdiag.inventory import DeviceInfo, Inventory  # noqa: E402
from netdiag.simulate import presets, topology  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="gb300-dual-plane")
    ap.add_argument("--gpus", type=int, default=32768)
    ap.add_argument("--findings", type=int, default=300)
    a = ap.parse_args()
    t = time.perf_counter()
    top = topology.build(presets.get(a.preset), a.gpus)
    cols = ("name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u")
    devs = {r[0]: DeviceInfo(*r) for r in top.devices[list(cols)].astype(str).itertuples(index=False, name=None)}
    inv = Inventory(devs, plan=top.cables[["cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m",
                                           "plane", "path"]].reset_index(drop=True))
    g = FabricGraph(inv)
    print(f"fabric: {a.preset} {a.gpus} GPUs, {len(inv.plan)} links, {len(devs)} devices "
          f"({time.perf_counter() - t:.2f} s to build)")
    rng = np.random.default_rng(1)
    cables = inv.plan["cable_id"].to_numpy()
    findings = [link_finding(c) for c in rng.choice(cables, a.findings, replace=False)]
    leaf = next(n for n, d in devs.items() if d.role == "leaf")
    findings.append(part_finding("switch", leaf, g.links_sharing("switch", leaf)[:3]))
    t = time.perf_counter()
    plan = plan_isolation(findings, g, Rules())
    t_plan = time.perf_counter() - t
    s = plan.summary
    print(f"plan: {t_plan:.2f} s for {len(findings)} findings: {s['isolated']} isolated (cap {s['cap']}), "
          f"{s['drained']} drained, {s['unsafe']} unsafe")
    t = time.perf_counter()
    topo = build(g, {x["cable_id"] for x in plan.isolate}, {d["host"] for d in plan.drain})
    print(f"topology: {time.perf_counter() - t:.2f} s, {len(topo.hosts)} hosts, {len(topo.switches)} switches")


if __name__ == "__main__":
    main()

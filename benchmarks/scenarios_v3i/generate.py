"""Generate one InfiniBand scenario folder: devices.csv, cabling.csv, truth.json, capture/.

    python -m benchmarks.scenarios_v3i.generate --shape ib2-ndr --seed 1 --out DIR [--faults N]
                                                [--fault-free] [--dark-plane]

Deterministic per (shape, seed, options).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

from benchmarks.scenarios_v3i import render
from benchmarks.scenarios_v3i.faults import inject
from benchmarks.scenarios_v3i.model import SHAPES, apply_physics, build

TS = "2026-11-30 03:10:42"
ISO = "2026-11-30T03:10:42.000Z"
IBDIAG_FILES = ("log", "net_dump", "ibnetdiscover", "pm", "cables", "db_csv")


def _write_device(cap: Path, name: str, platform: str, outputs: list[tuple[str, str, int, str]],
                  ok: bool = True, error: str | None = None, address: str | None = None):
    d = cap / "devices" / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "device.json").write_text(json.dumps({"name": name, "platform": platform, "address": address,
                                               "ok": ok, "error": error}, indent=1))
    index = []
    for i, (cmd, text, status, err) in enumerate(outputs, 1):
        f = f"{i:04d}.txt"
        (d / f).write_text(text)
        if err:
            (d / f"{i:04d}.err").write_text(err)
        index.append({"command": cmd, "file": f, "exit_status": status, "started": ISO,
                      "duration_s": 0.2, "error": None})
    (d / "index.json").write_text(json.dumps(index, indent=1))


def generate(shape: str, seed: int, out: Path, n_faults: int | None = None, fault_free: bool = False,
             dark_plane: bool = False, gpus: int | None = None, kinds: list[str] | None = None) -> dict:
    rng = random.Random(f"v3i/{shape}/{seed}/{n_faults}/{fault_free}/{dark_plane}")
    fab = build(shape, rng, gpus)
    lo, hi = SHAPES[shape]["faults"]
    n = 0 if fault_free else (n_faults if n_faults is not None else rng.randint(lo, hi))
    faults, unreachable, noise = inject(fab, rng, n, kinds=kinds, dark_plane=dark_plane and not fault_free)
    apply_physics(fab, rng)
    _derive_states(fab)
    out.mkdir(parents=True, exist_ok=True)
    cap = out / "capture"
    # ---- inventory and plan
    with open(out / "devices.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"])
        for i, h in enumerate(fab.hosts):
            if h.ufm is not None:
                w.writerow([h.name, "ibdiagnet", f"10.9.0.{10 + h.ufm}", "fabric_manager", h.ufm, "dc2", "B", "01", "mgmt01", 10 + 2 * h.ufm])
            else:
                row = 2 + i // 16
                w.writerow([h.name, "ib-host", f"10.9.{row}.{1 + i % 16}", "gpu_host", "", "dc2", "B",
                            "%02d" % row, "r%02d-%02d" % (row, 1 + (i % 16) // 4), 2 + 5 * (i % 4)])
        for j, sw in enumerate(fab.switches.values()):
            w.writerow([sw.name, "ibdiagnet", "", sw.role, sw.plane, "dc2", "B", "01", "net%02d" % (1 + sw.plane),
                        40 - 2 * (j % 16)])
    with open(out / "cabling.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m", "plane"])
        for lk in fab.links:
            w.writerow([lk.cable_id, lk.a.device, lk.a.port, lk.b.device, lk.b.port, "fiber", lk.length_m, lk.plane])
    # ---- capture
    sm_lid = {pl: fab.switches[f"ib-p{pl}-spine01"].lid for pl in range(fab.planes)}
    for lk in fab.links:
        if lk.a.kind == "host":
            lk.a.sm_lid = sm_lid[lk.plane]
    names = []
    fw = "28.42.1000"
    for h in fab.hosts:
        names.append(h.name)
        if h.ufm is not None:
            v = render.PlaneView(fab, h.ufm)
            cas = v.ca_ports()
            n_links = sum(1 for sw in v.switches for e in sw.ports.values() if v.far(e) is not None)
            n_links = (n_links + len(cas)) // 2
            texts = {"log": render.log(v, TS, n_links, len(cas)), "net_dump": render.net_dump(v, TS),
                     "ibnetdiscover": render.ibnetdiscover(v, TS), "pm": render.pm(v, TS),
                     "cables": render.cables(v, TS), "db_csv": render.db_csv(v, TS, 300, rng)}
            outs = [(f"cat /var/tmp/ibdiagnet2/ibdiagnet2.{x}", texts[x], 0, "") for x in IBDIAG_FILES]
            if not v.switches:      # its whole plane is dark: the run failed and left no files
                outs = [(f"cat /var/tmp/ibdiagnet2/ibdiagnet2.{x}", "", 1,
                         f"cat: /var/tmp/ibdiagnet2/ibdiagnet2.{x}: No such file or directory\n") for x in IBDIAG_FILES]
            _write_device(cap, h.name, "ibdiagnet", outs, address=f"10.9.0.{10 + h.ufm}")
            continue
        if not h.reachable:
            _write_device(cap, h.name, "ib-host", [], ok=False,
                          error=f"unreachable: ssh: connect to host {h.name} port 22: No route to host")
            continue
        outs = [("ibstat", render.ibstat(h, fw), 0, "")]
        for ca, e in h.cas.items():
            if e.vanished:
                continue
            outs.append((f"mlxlink -d {ca} -p 1 -m -c -e", render.mlxlink(e, fw, rng), 0, ""))
            if e.state == "Down":
                outs.append((f"perfquery -x -C {ca} -P 1", "", 255,
                             "ibwarn: [4127] _do_madrpc: recv failed: Invalid argument\n"
                             "ibwarn: [4127] mad_rpc: _do_madrpc failed; dport (Lid 0)\n"
                             "perfquery: iberror: [pid 4127] main: failed: perfquery\n"))
            else:
                outs.append((f"perfquery -x -C {ca} -P 1", render.perfquery(e), 0, ""))
        _write_device(cap, h.name, "ib-host", outs)
    (cap / "capture.json").write_text(json.dumps({"format": "netdiag-capture/1", "started": ISO, "finished": ISO,
                                                  "tool_version": "scenarios_v3i", "devices": names}, indent=1))
    truth = {"source": "scenarios_v3i", "shape": shape, "planes": fab.planes, "seed": seed,
             "gpus": sum(1 for h in fab.hosts if h.ufm is None) * 8, "unreachable": unreachable,
             "faults": faults, "noise_ports": noise.pop("_unused_ports", []), "noise_links": noise}
    (out / "truth.json").write_text(json.dumps(truth, indent=1))
    return truth


def _derive_states(fab):
    """A link with a dark lane in use cannot train: both ends down (unless a fault trained it narrower)."""
    for lk in fab.links:
        b = lk.actual_b or lk.b
        for x in (lk.a, b):
            if x.vanished or x.module is None:
                continue
            if any(x.rx_los[i] for i in range(x.width)) and x.state != "Down":
                for e in (lk.a, b):
                    e.state, e.phys = "Down", "Polling"
        if lk.a.state == "Down" or b.state == "Down":
            for e in (lk.a, b):
                if not e.vanished:
                    e.state = "Down"
                    if e.phys == "LinkUp":
                        e.phys = "Polling"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="ib2-ndr", choices=sorted(SHAPES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--faults", type=int, default=None)
    ap.add_argument("--fault-free", action="store_true")
    ap.add_argument("--dark-plane", action="store_true")
    ap.add_argument("--gpus", type=int, default=None)
    a = ap.parse_args(argv)
    t = generate(a.shape, a.seed, a.out, a.faults, a.fault_free, a.dark_plane, a.gpus)
    print(json.dumps({"faults": len(t["faults"]), "unreachable": t["unreachable"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

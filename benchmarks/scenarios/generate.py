"""Write one independent scenario: devices.csv, cabling.csv, capture/ and truth.json.

    python -m benchmarks.scenarios.generate --shape 2plane --seed 7 --out scn
    python -m benchmarks.scenarios.generate --shape 4plane --seed 3 --faults 0 --out clean

The capture follows the capture-directory format (docs/capture.md): one folder per device with
device.json, index.json and the raw output of each command as the platform driver issues it.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.scenarios import faults as F
from benchmarks.scenarios import render_cumulus as RC
from benchmarks.scenarios import render_eos as RE
from benchmarks.scenarios import render_linux as RL
from benchmarks.scenarios import render_sonic as RS
from benchmarks.scenarios.fabric import settle_link
from benchmarks.scenarios.shapes import SHAPES, Fabric, build

DEFAULT_GPUS = {"2plane": 64, "2plane-custom": 32, "2plane-twin": 64, "2plane-breakout": 64, "2plane-nvue": 64,
                "4plane": 64, "4plane-custom": 32, "4plane-breakout": 32, "4plane-nvue": 32}

def make(shape: str, seed: int, gpus: int | None = None, n_faults: int = 6, cabling: bool = False,
         dark_plane: bool = False, classes: list[str] | None = None,
         suite: str = "v1") -> tuple[Fabric, list[dict], list[str]]:
    """Build a fabric, add noise, inject faults and settle the physics. Returns (fabric, truth, notes).
    `suite` v2 adds its fault classes and noise and crowds faults onto shared devices (README.md)."""
    rng = random.Random(f"{shape}/{seed}" if suite == "v1" else f"{suite}/{shape}/{seed}")
    fab = build(shape, gpus or DEFAULT_GPUS.get(shape, 64), rng)
    fab.suite = suite
    used: set = set()
    notes = F.add_noise(fab, rng, used)
    if suite == "v2":
        notes += F.add_v2_noise(fab, rng, used)
    truth: list[dict] = []
    wanted: list[str] = ["dark_plane"] if dark_plane else []
    pool = classes or list(F.V2_FAULTS if suite == "v2" else F.LINK_FAULTS)
    # a shuffled cycle over the classes, so every class appears as often as the count allows;
    # a class with no eligible link on this shape (no twin-port module, no harness) is passed over
    order = pool[:]
    rng.shuffle(order)
    for kind in wanted:
        try:
            _add(truth, F.ALL_FAULTS[kind](fab, rng, used), fab)
        except F.NoCandidate:
            notes.append(f"fault {kind} skipped: no eligible link")
    k = 0
    misses = 0
    while len(truth) < n_faults + (1 if dark_plane else 0) and misses < len(order):
        kind = order[k % len(order)]
        k += 1
        try:
            _add(truth, F.ALL_FAULTS[kind](fab, rng, used), fab)
            misses = 0
        except F.NoCandidate:
            misses += 1
    if cabling:
        for kind, fault in F.CABLING_FAULTS.items():
            try:
                _add(truth, fault(fab, rng, used), fab)
            except F.NoCandidate:
                notes.append(f"cabling fault {kind} skipped: no eligible link")
    if suite == "v2":
        notes += F.add_v2_late_noise(fab, rng, used)
    notes += F.add_counter_noise(fab, rng, used)
    for link in fab.links:
        settle_link(link, rng)
    for i, t in enumerate(truth):
        t["id"] = f"F{i + 1:02d}"
        _cage_name(fab, t)
        if suite == "v2" and t["component"] in ("transceiver", "port") and ":" in t["ref"] \
                and fab.devices[t["ref"].split(":")[0]].without_thresholds:
            t["note"] += ("; this device prints no thresholds for its modules: judge against its peers "
                          "(same module type: Tx about +1 dBm, bias 45-70 mA, 31-62 C)")
    return fab, truth, notes


def _cage_name(fab: Fabric, t: dict) -> None:
    """An EOS module in cage N serves Ethernet N/1 (and N/5 when split): `DEVICE:EthernetN` names the
    same part as `DEVICE:EthernetN/1` (EOS's own inventory keys modules by slot), so it is an `also` ref."""
    if t["component"] != "transceiver" or ":" not in t["ref"]:
        return
    dev, port = t["ref"].split(":", 1)
    m = re.fullmatch(r"(Ethernet\d+)/1", port)
    if m and dev in fab.devices and fab.devices[dev].platform == "eos":
        t.setdefault("also", []).append(f"{dev}:{m.group(1)}")


def _add(truth: list, got, fab: Fabric) -> None:
    """Record a fault's truth entry (or entries); suite v2 remembers the leaves and hosts it touched so that
    later faults crowd there."""
    for t in got if isinstance(got, list) else [got]:
        truth.append(t)
        if fab.suite != "v2":
            continue
        for cid in t["links"][:4]:
            link = next((l for l in fab.links if l.cable_id == cid), None)
            for e in (link.a, link.b) if link else ():
                if fab.devices[e.device].role != "spine" and e.device not in fab.focus:
                    fab.focus.append(e.device)


def _neighbors(fab: Fabric) -> dict:
    """device -> [(local end, far device, far end)] for links up (LLDP needs a working link)."""
    out: dict = {n: [] for n in fab.devices}
    for link in fab.links:
        if not link.a.oper_up:
            continue
        da, db = fab.devices[link.a.device], fab.devices[link.b.device]
        out[da.name].append((link.a, db, link.b))
        out[db.name].append((link.b, da, link.a))
    return out


def write(fab: Fabric, truth: list[dict], notes: list[str], out: Path, seed: int) -> None:
    rng = random.Random(f"render/{fab.shape}/{seed}")
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    with open(tmp / "devices.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"])
        for d in fab.devices.values():
            w.writerow([d.name, d.platform, d.address, d.role, d.plane, "dc1", "A", d.row, d.rack, d.u])
    with open(tmp / "cabling.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m", "plane", "path",
                    "a_cage", "b_cage"])
        for l in fab.links:
            b_dev, b_port = l.planned_b or (l.b.device, l.b.port)
            a_cage = l.a.module.cage if l.a.module and l.a.module.cage else ""
            b_cage = l.b.module.cage if l.b.module and l.b.module.cage and not l.planned_b else ""
            w.writerow([l.cable_id, l.a.device, l.a.port, b_dev, b_port, l.media, f"{l.length_m:g}", l.plane,
                        ";".join(l.path), a_cage, b_cage])
    start = datetime(2026, 11, 30, 6, 0, 0, tzinfo=timezone.utc) + timedelta(hours=seed % 24)
    neighbors = _neighbors(fab)
    cap = tmp / "capture"
    (cap / "devices").mkdir(parents=True)
    for d in fab.devices.values():
        ddir = cap / "devices" / d.name
        ddir.mkdir()
        (ddir / "device.json").write_text(json.dumps(
            {"name": d.name, "platform": d.platform, "address": d.address, "ok": d.reachable,
             "error": d.error}, indent=1) + "\n")
        outputs = _outputs(d, neighbors[d.name], rng) if d.reachable else []
        index = []
        t = start
        for k, (cmd, text) in enumerate(outputs, 1):
            fname = f"{k:04d}.txt"
            (ddir / fname).write_text(text)
            dur = round(rng.uniform(0.05, 1.5), 3)
            index.append({"command": cmd, "file": fname, "exit_status": 0,
                          "started": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                          "duration_s": dur, "error": None})
            t += timedelta(seconds=dur)
        (ddir / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    iso = start.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    (cap / "capture.json").write_text(json.dumps(
        {"format": "netdiag-capture/1", "started": iso, "finished": iso,
         "tool_version": "benchmarks.scenarios (independent scenario generator)",
         "devices": list(fab.devices)}, indent=1) + "\n")
    (tmp / "truth.json").write_text(json.dumps(
        {"source": "benchmarks.scenarios", **({"suite": fab.suite} if fab.suite != "v1" else {}),
         "shape": fab.shape, "planes": fab.planes, "seed": seed,
         "links": len(fab.links), "devices": len(fab.devices), "faults": truth, "noise": notes,
         "noise_links": {cid: sorted(kinds) for cid, kinds in sorted(fab.noise.items())}},
        indent=1) + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def _outputs(d, nbrs, rng) -> list[tuple[str, str]]:
    if d.platform == "linux":
        out = []
        if not d.without_ip_link:
            out.append(("ip -j -s -d link show", RL.ip_link(d, rng)))
        out.append(("lldpctl -f json", RL.lldpctl_json(d, nbrs) if nbrs else '{\n  "lldp": {}\n}\n'))
        for port, end in d.ends.items():
            if end.vanished:
                continue
            out.append((f"ethtool {port}", RL.ethtool_link(end)))
            out.append((f"ethtool -m {port}", RL.ethtool_module(end, d)))
            out.append((f"ethtool -S {port}", RL.ethtool_stats(end)))
            out.append((f"ethtool -I --show-fec {port}", RL.ethtool_fec(end)))
        return out
    if d.platform == "cumulus":
        out = [("nv show interface", RC.interfaces(d, nbrs)),
               ("nv show platform transceiver", RC.transceiver_brief(d)),
               ("lldpctl -f json", RL.lldpctl_json(d, nbrs) if nbrs else '{\n  "lldp": {}\n}\n')]
        for e in sorted(d.ends.values(), key=lambda e: [int(x) for x in e.port[3:].replace("s", " ").split()]):
            out += [(f"nv show interface {e.port} link phy-detail", RC.phy_detail(e)),
                    (f"nv show interface {e.port} counters errors", RC.counters_errors(e)),
                    (f"nv show platform transceiver {e.port}", RC.transceiver(e, d))]
            if e.module.kind != "dac":
                out.append((f"nv show platform transceiver {e.port} channel", RC.transceiver_channel(e, d)))
        return out
    if d.platform == "eos":
        return [("show interfaces status | json", RE.interfaces_status(d)),
                ("show interfaces transceiver detail | json", RE.transceiver_detail(d)),
                ("show interfaces transceiver dom thresholds | json", RE.dom_thresholds(d)),
                ("show interfaces phy detail | json", RE.phy_detail(d)),
                ("show interfaces counters errors | json", RE.counters_errors(d)),
                ("show lldp neighbors detail | json", RE.lldp_detail(d, nbrs))]
    out = [("show interfaces status", RS.interfaces_status(d)),
           ("show interfaces transceiver eeprom --dom", RS.transceiver_eeprom(d)),
           ("show interfaces transceiver status", RS.transceiver_status(d)),
           ("show interfaces counters -a", RS.counters_all(d, rng)),
           ("show interfaces counters errors", RS.counters_errors(d)),
           ("show interfaces counters fec-stats", RS.fec_stats(d)),
           ("show lldp table", RS.lldp_table(d, nbrs))]
    for e in sorted(d.ends.values(), key=lambda e: int(e.port[8:])):
        if e.admin_up:
            out.append((f"show interfaces counters fec-histogram {e.port}", RS.fec_histogram(e)))
    return out


def generate(shape: str, seed: int, out: Path, gpus: int | None = None, n_faults: int = 6,
             cabling: bool = False, dark_plane: bool = False, classes: list[str] | None = None,
             suite: str = "v1") -> dict:
    """Generate and write one scenario; returns its truth document."""
    fab, truth, notes = make(shape, seed, gpus, n_faults, cabling, dark_plane, classes, suite)
    write(fab, truth, notes, Path(out), seed)
    return json.loads((Path(out) / "truth.json").read_text())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scenarios.generate", description=__doc__.split("\n")[0])
    ap.add_argument("--shape", choices=sorted(SHAPES), default="2plane")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gpus", type=int, default=None, help="about this many GPUs (one NIC per GPU)")
    ap.add_argument("--faults", type=int, default=6, help="link/device faults to inject (0: fault-free)")
    ap.add_argument("--cabling", action="store_true",
                    help="also swap two cables and plug one into a wrong port (score with `netdiag cabling`)")
    ap.add_argument("--dark-plane", action="store_true", help="also take one plane's switches down")
    ap.add_argument("--classes", default="", help="comma-separated fault classes to draw from: "
                    + ",".join(F.V2_FAULTS))
    ap.add_argument("--suite", choices=["v1", "v2"], default="v1",
                    help="v2: its extra fault classes and noise, faults crowding onto shared devices")
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args(argv)
    classes = [c for c in a.classes.split(",") if c] or None
    for c in classes or []:
        if c not in F.ALL_FAULTS:
            ap.error(f"--classes: unknown fault class {c!r}")
    truth = generate(a.shape, a.seed, a.out, a.gpus, a.faults, a.cabling, a.dark_plane, classes, a.suite)
    print(f"{a.out}: {truth['devices']} devices, {truth['links']} links, {len(truth['faults'])} faults "
          f"({', '.join(t['kind'] for t in truth['faults']) or 'none'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

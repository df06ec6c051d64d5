"""The simulator: a planned fabric, what is physically there (cabling faults), healthy readings,
injected faults, ground truth (docs/simulate.md). Deterministic per seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netdiag.model import Snapshot
from netdiag.simulate import state, topology
from netdiag.simulate.presets import Preset

PLAN_COLUMNS = ["cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m", "plane", "path"]
CABLING_KINDS = ("swapped", "miswire", "wrong_plane", "missing")


@dataclass
class Fabric:
    preset: Preset
    seed: int
    taken_at: str
    devices: pd.DataFrame            # devices.csv
    plan: pd.DataFrame               # cabling.csv (+ tier, cages, lanes, speed)
    links: pd.DataFrame              # what is physically cabled (+ `up`)
    truth: list[dict] = field(default_factory=list)
    snapshot: Snapshot | None = None
    unreachable: list[str] = field(default_factory=list)   # devices whose collection fails (noise)


def _spare_ports(plan: pd.DataFrame, devices: pd.DataFrame, preset: Preset) -> dict[str, list[tuple[str, str]]]:
    """Per leaf: logical ports with no planned cable, as (port, cage)."""
    used = set(zip(plan["b_device"], plan["b_port"])) | set(zip(plan["a_device"], plan["a_port"]))
    out: dict[str, list[tuple[str, str]]] = {}
    leaves = devices.loc[devices["role"] == "leaf", "name"].tolist()
    cages = np.arange(preset.leaf_ports // preset.ports_per_cage)
    c, s = (a.ravel() for a in np.meshgrid(cages, np.arange(preset.ports_per_cage), indexing="ij"))
    names = topology.switch_port_names(preset.switch_platform, c, s, preset.ports_per_cage)
    cage_names = topology.switch_cage_names(preset.switch_platform, c)
    for leaf in leaves:
        out[leaf] = [(p, cg) for p, cg in zip(names, cage_names) if (leaf, p) not in used]
    return out


def inject_cabling_faults(fab: Fabric, count: int, rng: np.random.Generator) -> None:
    """Change `fab.links` so that `count` cabling faults exist, kinds in turn; record the truth."""
    if count <= 0:
        return
    links = fab.links
    host = links.index[links["tier"] == "host"].to_numpy()
    spare = _spare_ports(fab.plan, fab.devices, fab.preset)
    touched: set[int] = set()
    planes = sorted(fab.plan["plane"].unique())
    order = rng.permutation(host)
    pos = 0

    def pick(pred=lambda i: True):
        nonlocal pos
        while pos < len(order):
            i = int(order[pos])
            pos += 1
            if i not in touched and pred(i):
                touched.add(i)
                return i
        raise RuntimeError("fabric too small for the cabling faults asked")

    for k in range(count):
        kind = CABLING_KINDS[k % len(CABLING_KINDS)]
        if kind == "wrong_plane" and len(planes) < 2:
            kind = "miswire"
        i = pick()
        cid = links.at[i, "cable_id"]
        if kind == "swapped":
            leaf = links.at[i, "b_device"]
            same = links.index[(links["b_device"] == leaf) & (links["tier"] == "host")].to_numpy()
            cands = [int(j) for j in same if int(j) not in touched and j != i]
            if not cands:
                kind = "miswire"
            else:
                j = cands[int(rng.integers(len(cands)))]
                touched.add(j)
                for col in ("b_port", "b_cage"):
                    links.at[i, col], links.at[j, col] = links.at[j, col], links.at[i, col]
                cj = links.at[j, "cable_id"]
                fab.truth.append({"id": f"cabling-{k}", "kind": "swapped", "component": "cable",
                                  "ref": min(cid, cj), "links": sorted([cid, cj]),
                                  "action": f"swap cables {cid} and {cj} at {leaf} as the plan says"})
                continue
        if kind == "missing":
            links.at[i, "up"] = False
            fab.truth.append({"id": f"cabling-{k}", "kind": "missing", "component": "cable", "ref": cid,
                              "links": [cid], "action": f"connect cable {cid} as planned"})
            continue
        if kind == "wrong_plane":
            plane = links.at[i, "plane"]
            other = [p for p in planes if p != plane][int(rng.integers(len(planes) - 1))]
            leaf = links.at[i, "b_device"].replace(f"leaf-p{plane}-", f"leaf-p{other}-")
        else:
            leaf = links.at[i, "b_device"]
        free = spare.get(leaf) or []
        if not free:
            raise RuntimeError(f"no spare port on {leaf} for a {kind}")
        port, cage = free.pop(0)
        planned = f"{links.at[i, 'b_device']}:{links.at[i, 'b_port']}"
        links.at[i, "b_device"], links.at[i, "b_port"], links.at[i, "b_cage"] = leaf, port, cage
        fab.truth.append({"id": f"cabling-{k}", "kind": kind, "component": "cable", "ref": cid, "links": [cid],
                          "action": f"move cable {cid} from {leaf}:{port} to {planned}"})


def healthy_counters(e: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(e)
    up = e["up"].to_numpy(dtype=bool)
    pkts = rng.integers(10**8, 10**10, n)
    return pd.DataFrame({
        "device": e["device"].to_numpy(), "port": e["port"].to_numpy(),
        "rx_packets": np.where(up, pkts, 0), "tx_packets": np.where(up, pkts + rng.integers(0, 10**6, n), 0),
        "rx_bytes": np.where(up, pkts * 4096, 0), "tx_bytes": np.where(up, pkts * 4096, 0),
        "rx_crc_errors": 0, "rx_errors": 0, "tx_errors": 0, "rx_discards": 0, "tx_discards": 0,
        "symbol_errors": 0, "fec_corrected_cw": np.where(up, rng.poisson(30, n), 0), "fec_uncorrectable_cw": 0,
        "link_down_events": rng.integers(0, 3, n),
        "raw_ber": np.where(up, np.round(10 ** rng.uniform(-10, -7.5, n), 14), np.nan), "effective_ber": 0.0,
    })


def neighbors_of(e: pd.DataFrame, protocol: str) -> pd.DataFrame:
    seen = e[e["up"].to_numpy(dtype=bool)]
    return pd.DataFrame({"device": seen["device"].to_numpy(), "port": seen["port"].to_numpy(),
                         "remote_device": seen["far_device"].to_numpy(), "remote_port": seen["far_port"].to_numpy(),
                         "protocol": protocol})


def simulate(preset: Preset, gpus: int, seed: int, miswires: int = 0, faults: int = 0,
             taken_at: str = "2026-11-28T03:00:00Z", events: tuple[str, ...] = (),
             evidence_faults: int = 0, kinds: tuple[str, ...] | None = None) -> Fabric:
    """Build the plan, cable it (with `miswires` cabling faults), fill healthy readings, inject
    `faults` component faults (see faults.py), and assemble the snapshot."""
    rng = np.random.default_rng(seed)
    top = topology.build(preset, gpus)
    links = top.cables.copy()
    links["up"] = True
    fab = Fabric(preset, seed, taken_at, top.devices, top.cables, links)
    inject_cabling_faults(fab, miswires, rng)
    mods, L, e = state.healthy(fab.links, rng, taken_at)
    counters = healthy_counters(e, rng)
    protocol = "ibnetdiscover" if preset.switch_platform == "ib" else "lldp"
    neighbors = neighbors_of(e, protocol)
    work = {"mods": mods, "lanes": L, "ends": e, "counters": counters, "neighbors": neighbors}
    if faults:
        from netdiag.simulate import faults as faultlib
        faultlib.inject(fab, work, faults, rng, kinds=kinds)
    for ev in events:  # fabric-wide events (faults_events.py), e.g. a dark plane
        from netdiag.simulate import faults_events
        faults_events.apply(ev, fab, work, rng)
    if evidence_faults:  # evidence-class faults and noise (faults_evidence.py)
        from netdiag.simulate import faults_evidence
        faults_evidence.inject(fab, work, evidence_faults, rng)
    snap = state.snapshot(work["mods"], work["lanes"], work["ends"], work["counters"], work["neighbors"], taken_at)
    if evidence_faults:
        faults_evidence.finish(fab, snap)
    if fab.unreachable:  # never collected: none of its rows exist
        gone = set(fab.unreachable)
        for t in ("ports", "modules", "lanes", "counters", "neighbors"):
            df = snap.table(t)
            setattr(snap, t, df[~df["device"].isin(gone)].reset_index(drop=True))
    fab.snapshot = snap
    return fab

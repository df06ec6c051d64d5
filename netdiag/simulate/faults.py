"""Component faults for the simulator, each with its ground truth (docs/simulate.md), and noise that
must not become findings.

A fault edits the simulator's working frames (per-lane optics, modules, counters, link state,
neighbors) the way the broken part shows in real readings:

| kind                 | what the readings show                                   | truth component / ref |
|----------------------|----------------------------------------------------------|-----------------------|
| dirty_connector      | one strand loses 9-13 dB: low Rx at one end only         | connector / cable_id  |
| damaged_fiber        | both strands lose 9-13 dB: low Rx at both ends           | cable / cable_id      |
| decaying_transmitter | one lane's Tx 8-10 dB low, bias up; far Rx low           | transceiver / DEV:CAGE|
| bad_transceiver      | receive errors at one end, optical power normal          | transceiver / DEV:CAGE|
| hot_module           | module 72-80 °C                                          | transceiver / DEV:CAGE|
| dead_link            | no light either way, link down, no LLDP, Tx normal        | cable / cable_id      |
| bad_dac_aoc          | errors on a copper or AOC assembly                        | cable / cable_id      |
| twin_port_module     | both logical ports of one twin-port module err            | transceiver / DEV:CAGE|
| breakout_cable       | every leg of one breakout harness errs                   | cable / harness id    |
| failing_switch       | most links of one switch err at the switch                | switch / DEV          |
| flapping_link        | a host link went down 15-60 times (counted at both ends)  | cable / cable_id      |

Noise (never findings): modules without DOM, modules with no thresholds, an unreachable device.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netdiag.errors import UserInputError

KINDS = ("dirty_connector", "damaged_fiber", "decaying_transmitter", "bad_transceiver", "hot_module", "dead_link",
         "bad_dac_aoc", "twin_port_module", "breakout_cable", "failing_switch", "flapping_link")

ACTIONS = {
    "dirty_connector": "inspect and clean both connectors of the strand into {rx_end}, then replace the fiber",
    "damaged_fiber": "clean both ends, then replace cable {cable}",
    "decaying_transmitter": "replace the module at {ref}",
    "bad_transceiver": "reseat, then replace the module at {ref}",
    "hot_module": "check airflow; reseat, then replace the module at {ref}",
    "dead_link": "reseat, then replace cable {cable}",
    "bad_dac_aoc": "replace cable assembly {cable}",
    "twin_port_module": "replace the twin-port module at {ref}",
    "breakout_cable": "replace breakout harness {ref}",
    "failing_switch": "RMA switch {ref}",
    "flapping_link": "reseat, then replace cable {cable}",
}


class _Picker:
    """Chooses links for faults: never the same link twice, never a cabling-fault link."""

    def __init__(self, fab, work, rng):
        self.fab, self.work, self.rng = fab, work, rng
        links = fab.links
        self.links = links
        self.used: set[str] = {c for t in fab.truth for c in t["links"]}
        self.used_devices: set[str] = set()
        plat = dict(zip(fab.devices["name"], fab.devices["platform"]))
        self.plat = plat

    def free(self, mask) -> pd.DataFrame:
        cand = self.links[np.asarray(mask, dtype=bool) & self.links["up"].to_numpy(dtype=bool)]
        cand = cand[~cand["cable_id"].isin(self.used)]
        cand = cand[~cand["a_device"].isin(self.used_devices) & ~cand["b_device"].isin(self.used_devices)]
        return cand

    def one(self, mask) -> pd.Series | None:
        cand = self.free(mask)
        if cand.empty:
            return None
        row = cand.iloc[int(self.rng.integers(len(cand)))]
        self.used.add(row["cable_id"])
        return row

    def cage(self, device: str, port: str) -> str:
        """The module's ref, DEVICE:CAGE, from the simulator's own cabling (never the localizer's naming)."""
        L = self.links
        for end in ("a", "b"):
            m = (L[f"{end}_device"] == device).to_numpy() & (L[f"{end}_port"] == port).to_numpy()
            if m.any():
                return f"{device}:{L.loc[m, f'{end}_cage'].iloc[0]}"
        raise KeyError(f"{device}:{port} is not cabled")


def _ends(work, device, port):
    e = work["ends"]
    return (e["device"] == device).to_numpy() & (e["port"] == port).to_numpy()


def _lanes(work, device, port):
    L = work["lanes"]
    return (L["device"] == device).to_numpy() & (L["port"] == port).to_numpy()


def _add_errors(work, rng, device, port, severe=True):
    """Receive errors at device:port: FEC-uncorrectable codewords, CRC and symbol errors, high BER."""
    c = work["counters"]
    m = (c["device"] == device).to_numpy() & (c["port"] == port).to_numpy()
    n = int(m.sum())
    if not n:
        return
    c.loc[m, "fec_uncorrectable_cw"] = rng.integers(50, 5000, n) if severe else 0
    c.loc[m, "rx_crc_errors"] = rng.integers(100, 20000, n)
    c.loc[m, "symbol_errors"] = rng.integers(1000, 10**6, n)
    c.loc[m, "fec_corrected_cw"] = rng.integers(10**6, 10**8, n)
    c.loc[m, "raw_ber"] = np.round(10 ** rng.uniform(-4.9, -4.3, n), 10)


def _loss(work, device, port, db, lanes=None):
    m = _lanes(work, device, port)
    if lanes is not None:
        m &= work["lanes"]["lane"].isin(lanes).to_numpy()
    work["lanes"].loc[m, "loss_db"] += db


def _down(work, cable_id):
    e = work["ends"]
    m = (e["cable_id"] == cable_id).to_numpy()
    e.loc[m, "up"] = False
    L = work["lanes"]
    L.loc[(L["cable_id"] == cable_id).to_numpy(), "up"] = False
    dn = set(zip(e.loc[m, "device"], e.loc[m, "port"]))
    nb = work["neighbors"]
    keep = [(d, p) not in dn for d, p in zip(nb["device"], nb["port"])]
    work["neighbors"] = nb[keep].reset_index(drop=True)


def inject(fab, work: dict, count: int, rng: np.random.Generator, noise: bool = True,
           kinds: tuple[str, ...] | None = None) -> None:
    """Inject `count` faults, kinds in turn (skipping kinds the fabric cannot have), plus noise.
    `kinds` picks from KINDS and faults_inference.KINDS (default: KINDS)."""
    from netdiag.simulate import faults_inference

    pick = _Picker(fab, work, rng)
    links = fab.links
    optical = links["media"].isin(["fiber"]).to_numpy()
    assembly = links["media"].isin(["dac", "aoc", "acc"]).to_numpy()
    wanted = tuple(kinds) if kinds else KINDS
    unknown = [k for k in wanted if k not in KINDS and k not in faults_inference.KINDS]
    if unknown:
        raise UserInputError(f"unknown fault kind(s) {', '.join(unknown)}; known: "
                         f"{', '.join(KINDS + faults_inference.KINDS)}")
    kinds = [k for k in wanted if (_possible(k, fab, optical, assembly) if k in KINDS
                                   else faults_inference.possible(k, fab))]
    if not kinds:
        raise RuntimeError(f"preset {fab.preset.name} cannot have any of the fault kinds {', '.join(wanted)}")
    made = 0
    attempt = 0
    while made < count and attempt < count * 4 + len(kinds):
        kind = kinds[attempt % len(kinds)]
        attempt += 1
        t = (_inject_one(kind, fab, work, pick, rng, optical, assembly) if kind in KINDS
             else faults_inference.inject_one(kind, fab, work, pick, rng))
        if t is not None:
            t["id"] = f"fault-{made}"
            fab.truth.append(t)
            made += 1
    if noise:
        _noise(fab, work, pick, rng, optical)


def _possible(kind, fab, optical, assembly) -> bool:
    p = fab.preset
    if kind in ("dirty_connector", "damaged_fiber", "decaying_transmitter", "bad_transceiver", "hot_module"):
        return bool(optical.any())
    if kind == "bad_dac_aoc":
        return bool(assembly.any())
    if kind == "twin_port_module":
        return p.ports_per_cage >= 2 and bool(optical.any())
    if kind == "breakout_cable":
        return p.host_breakout
    return True


def _inject_one(kind, fab, work, pick: _Picker, rng, optical, assembly) -> dict | None:
    links = fab.links
    if kind in ("dirty_connector", "damaged_fiber", "decaying_transmitter", "bad_transceiver", "hot_module",
                "dead_link", "flapping_link"):
        if kind == "flapping_link":  # switch OS outputs netdiag reads carry no link-down counter: host links
            mask = (links["tier"] == "host").to_numpy()
        elif kind == "dead_link":
            mask = np.ones(len(links), bool)
        else:
            mask = optical
        row = pick.one(mask)
        if row is None:
            return None
        cid = row["cable_id"]
        ends = [(row["a_device"], row["a_port"]), (row["b_device"], row["b_port"])]
        x = int(rng.integers(2))
        (dx, px), (dy, py) = ends[x], ends[1 - x]
        if kind == "dirty_connector":
            _loss(work, dx, px, rng.uniform(9.0, 13.0))
            _add_errors(work, rng, dx, px, severe=False)
            return {"kind": kind, "component": "connector", "ref": cid, "links": [cid],
                    "action": ACTIONS[kind].format(rx_end=f"{dx}:{px}")}
        if kind == "damaged_fiber":
            _loss(work, dx, px, rng.uniform(9.0, 13.0))
            _loss(work, dy, py, rng.uniform(9.0, 13.0))
            return {"kind": kind, "component": "cable", "ref": cid, "links": [cid], "action": ACTIONS[kind].format(cable=cid)}
        if kind == "decaying_transmitter":
            L = work["lanes"]
            m = _lanes(work, dx, px)
            lanes = sorted(L.loc[m, "lane"].unique())
            lane = lanes[int(rng.integers(len(lanes)))]
            mm = m & (L["lane"] == lane).to_numpy()
            L.loc[mm, "tx_dbm"] -= rng.uniform(8.0, 10.0)
            L.loc[mm, "bias_ma"] *= 1.45
            ref = pick.cage(dx, px)
            return {"kind": kind, "component": "transceiver", "ref": ref, "links": [cid], "action": ACTIONS[kind].format(ref=ref)}
        if kind == "bad_transceiver":
            _add_errors(work, rng, dx, px)
            ref = pick.cage(dx, px)
            return {"kind": kind, "component": "transceiver", "ref": ref, "links": [cid], "action": ACTIONS[kind].format(ref=ref)}
        if kind == "hot_module":
            mods = work["mods"]
            m = (mods["device"] == dx).to_numpy() & (mods["port"] == px).to_numpy()
            mods.loc[m, "temperature_c"] = round(float(rng.uniform(76.5, 82.0)), 2)
            ref = pick.cage(dx, px)
            return {"kind": kind, "component": "transceiver", "ref": ref, "links": [cid], "action": ACTIONS[kind].format(ref=ref)}
        if kind == "dead_link":
            _down(work, cid)
            return {"kind": kind, "component": "cable", "ref": cid, "links": [cid], "action": ACTIONS[kind].format(cable=cid)}
        if kind == "flapping_link":
            c = work["counters"]
            for d, p in ends:
                m = (c["device"] == d).to_numpy() & (c["port"] == p).to_numpy()
                c.loc[m, "link_down_events"] = int(rng.integers(15, 60))
            return {"kind": kind, "component": "cable", "ref": cid, "links": [cid], "action": ACTIONS[kind].format(cable=cid)}
    if kind == "bad_dac_aoc":
        row = pick.one(assembly)
        if row is None:
            return None
        cid = row["cable_id"]
        _add_errors(work, rng, row["a_device"], row["a_port"])
        _add_errors(work, rng, row["b_device"], row["b_port"])
        return {"kind": kind, "component": "cable", "ref": cid, "links": [cid], "action": ACTIONS[kind].format(cable=cid)}
    if kind == "twin_port_module":
        # a switch cage with several logical ports, all optical, none used by another fault
        cand = pick.free(optical & links["b_device"].str.startswith(("leaf", "spine")).to_numpy())
        if cand.empty:
            return None
        cand = cand.assign(cage=cand["b_device"] + ":" + cand["b_cage"])
        sizes = links.assign(cage=links["b_device"] + ":" + links["b_cage"]).groupby("cage").size()
        free_sizes = cand.groupby("cage").size()
        full = free_sizes[(free_sizes >= 2) & (free_sizes == sizes.reindex(free_sizes.index))].index
        if not len(full):
            return None
        cage = full[int(rng.integers(len(full)))]
        legs = cand[cand["cage"] == cage]
        for r in legs.itertuples(index=False):
            _add_errors(work, rng, r.b_device, r.b_port)
            pick.used.add(r.cable_id)
        dev, _, cg = cage.partition(":")
        ref = f"{dev}:{cg}"
        return {"kind": kind, "component": "transceiver", "ref": ref, "links": sorted(legs["cable_id"]),
                "action": ACTIONS[kind].format(ref=ref)}
    if kind == "breakout_cable":
        harness = links["harness"]
        cand = pick.free(harness.notna().to_numpy())
        if cand.empty:
            return None
        h = cand["harness"]
        counts = h.value_counts()
        total = harness.value_counts()
        full = [x for x in counts.index if counts[x] == total[x]]
        if not full:
            return None
        ref = full[int(rng.integers(len(full)))]
        legs = cand[h == ref]
        for r in legs.itertuples(index=False):
            _add_errors(work, rng, r.a_device, r.a_port)
            _add_errors(work, rng, r.b_device, r.b_port)
            pick.used.add(r.cable_id)
        return {"kind": kind, "component": "cable", "ref": ref, "links": sorted(legs["cable_id"]),
                "action": ACTIONS[kind].format(ref=ref)}
    if kind == "failing_switch":
        leaves = fab.devices.loc[fab.devices["role"] == "leaf", "name"]
        used_links = links[links["cable_id"].isin(pick.used)]
        touched = set(used_links["a_device"]) | set(used_links["b_device"])
        cand = [x for x in leaves if x not in touched and x not in pick.used_devices]
        if not cand:
            return None
        sw = cand[int(rng.integers(len(cand)))]
        mine = links[((links["a_device"] == sw) | (links["b_device"] == sw)) & links["up"]]
        hit = mine.sample(frac=float(rng.uniform(0.6, 0.9)), random_state=int(rng.integers(2**31)))
        for r in hit.itertuples(index=False):
            port = r.a_port if r.a_device == sw else r.b_port
            _add_errors(work, rng, sw, port)
        pick.used.update(mine["cable_id"])
        pick.used_devices.add(sw)
        return {"kind": kind, "component": "switch", "ref": sw, "links": sorted(hit["cable_id"]),
                "action": ACTIONS[kind].format(ref=sw)}
    return None


def _noise(fab, work, pick: _Picker, rng, optical) -> None:
    """Readings that are unknown, not bad: no DOM, no thresholds, one device unreachable."""
    mods = work["mods"]
    links = fab.links
    clean = links[optical & ~links["cable_id"].isin(pick.used) & links["up"].to_numpy(dtype=bool)]
    if len(clean) >= 4:
        sel = clean.sample(n=min(len(clean) // 50 + 2, 40), random_state=int(rng.integers(2**31)))
        half = len(sel) // 2
        for r in sel.iloc[:half].itertuples(index=False):   # modules that report no diagnostics
            m = (mods["device"] == r.a_device).to_numpy() & (mods["port"] == r.a_port).to_numpy()
            mods.loc[m, ["temperature_c", "voltage_v"]] = np.nan
            mods.loc[m, "dom_supported"] = False
            # it still transmits: the far end's Rx stays as measured by the far module
            work["lanes"].loc[_lanes(work, r.a_device, r.a_port), "no_dom"] = True
        thr = [c for c in mods.columns if c.endswith(("_alarm", "_warn"))]
        for r in sel.iloc[half:].itertuples(index=False):   # modules with no thresholds (N/A)
            m = (mods["device"] == r.b_device).to_numpy() & (mods["port"] == r.b_port).to_numpy()
            mods.loc[m, thr] = np.nan
    if fab.preset.switch_platform == "ib":
        return  # ibdiagnet reads the whole fabric in-band: no device is collected on its own
    hosts = fab.devices.loc[fab.devices["role"] == "gpu_host", "name"]
    used_links = links[links["cable_id"].isin(pick.used)]
    touched = set(used_links["a_device"]) | set(used_links["b_device"])
    cand = [h for h in hosts if h not in touched]
    if cand:
        fab.unreachable.append(cand[int(rng.integers(len(cand)))])

"""A simulated fabric advanced in time: one snapshot per scan, `interval_s` apart, with ground truth
per scan. Built on the simulator without changing it: the same seed simulated without component
faults gives the fabric's healthy readings (fault injection draws its random numbers last), and the
faulted simulation gives each fault's full effect. A scan mixes the two:

- counters grow: traffic by a day's worth of the healthy counts scaled to the interval, a fault's
  errors by its injected counts every scan it is active (errors *now*, not since boot);
- faults appear: by default every fault is active from scan 0 except the last non-ramping one,
  which appears at scan 1;
- faults worsen: a decaying transmitter's lane falls linearly in dB from its healthy Tx at scan 0
  to the injected level at the last scan (the far end's Rx with it), so it crosses its alarm late;
- modules get replaced: at `swap_at` (default scans // 2) the module of the first bad_transceiver
  fault is swapped (new serial, port counters cleared, one link-down at both ends) and the fault is
  fixed; the second bad_transceiver's module is swapped too but its errors continue: the fault was
  really the cable, and the truth from then on says so.

`truth` per scan lists the faults active at that scan (docs/simulate.md) with `since_scan`, and the
scan's repair events.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from netdiag import units
from netdiag.model import KEYS, Snapshot, conform
from netdiag.simulate import engine
from netdiag.simulate.presets import Preset

_TRAFFIC = ("rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "fec_corrected_cw")
_ERRORS = ("rx_crc_errors", "rx_errors", "tx_errors", "symbol_errors", "fec_uncorrectable_cw", "link_down_events")


@dataclass
class Timeline:
    fabric: engine.Fabric            # the faulted fabric (its snapshot: every fault at full effect)
    healthy: Snapshot                # same seed, no component faults
    scans: int
    interval_s: float
    schedule: list[dict] = field(default_factory=list)   # per truth fault: start, ramp, swap_at, fixes, ports

    def taken_at(self, k: int) -> str:
        t0 = datetime.fromisoformat(self.fabric.taken_at.replace("Z", "+00:00"))
        return (t0 + timedelta(seconds=self.interval_s * k)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ends(fab: engine.Fabric, cables: list[str]) -> set[tuple[str, str]]:
    lk = fab.links[fab.links["cable_id"].isin(cables)]
    return set(zip(lk["a_device"], lk["a_port"])) | set(zip(lk["b_device"], lk["b_port"]))


def _cage_port(fab: engine.Fabric, ref: str, cable: str) -> tuple[str, str]:
    """The (device, port) of link `cable` that sits in the cage `ref` (DEVICE:CAGE)."""
    dev, _, cage = ref.partition(":")
    r = fab.links[fab.links["cable_id"] == cable].iloc[0]
    if r["a_device"] == dev and r["a_cage"] == cage:
        return r["a_device"], r["a_port"]
    return r["b_device"], r["b_port"]


def build(preset: Preset, gpus: int, seed: int, scans: int, interval_s: float, miswires: int = 0,
          faults: int = 0, swap_at: int | None = None) -> Timeline:
    """Simulate the fabric twice (healthy and faulted, same seed) and schedule the faults."""
    if scans < 1:
        raise ValueError("scans must be at least 1")
    fab = engine.simulate(preset, gpus, seed, miswires=miswires, faults=faults)
    healthy = engine.simulate(preset, gpus, seed, miswires=miswires, faults=0).snapshot
    swap_at = max(1, scans // 2) if swap_at is None else swap_at
    sched = []
    bad_tx = 0
    for t in fab.truth:
        if t["kind"] in engine.CABLING_KINDS:
            continue
        s = {"id": t["id"], "start": 0, "ramp": t["kind"] == "decaying_transmitter", "swap_at": None,
             "fixes": None, "ports": _ends(fab, t["links"]), "swap_port": None}
        if t["kind"] == "bad_transceiver" and bad_tx < 2 and swap_at < scans:
            s.update(swap_at=swap_at, fixes=bad_tx == 0, swap_port=_cage_port(fab, t["ref"], t["links"][0]))
            bad_tx += 1
        sched.append(s)
    late = [s for s in sched if not s["ramp"] and s["swap_at"] is None]
    if late and scans > 1:
        late[-1]["start"] = 1
    return Timeline(fab, healthy, scans, float(interval_s), sched)


def _key(df: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([df["device"], df["port"]])


def _mix(faulty: pd.DataFrame, healthy: pd.DataFrame, calm: set, gone: set) -> pd.DataFrame:
    """Rows of `faulty`, except ports in `calm` (faults not active) which take their healthy rows."""
    if not calm:
        return faulty
    calm_idx = pd.MultiIndex.from_tuples(sorted(calm), names=["device", "port"])
    f = faulty[~_key(faulty).isin(calm_idx)]
    h = healthy[_key(healthy).isin(calm_idx) & ~healthy["device"].isin(gone)]
    return pd.concat([f, h], ignore_index=True)


def snapshot_at(tl: Timeline, k: int) -> tuple[Snapshot, dict]:
    """The fabric as scan `k` sees it, and that scan's truth document."""
    fab, H, F = tl.fabric, tl.healthy, tl.fabric.snapshot
    gone = set(fab.unreachable)
    by_id = {t["id"]: t for t in fab.truth}
    calm, active, events, truth = set(), [], [], []
    for s in tl.schedule:
        fixed = s["swap_at"] is not None and s["fixes"] and k >= s["swap_at"]
        if k < s["start"] or fixed:
            calm |= s["ports"]
        else:
            active.append(s)
        if s["swap_at"] is not None and k == s["swap_at"]:
            events.append({"type": "module_replaced", "fault": s["id"], "ref": by_id[s["id"]]["ref"],
                           "port": ":".join(s["swap_port"]), "fixes": bool(s["fixes"])})
    tables = {t: _mix(F.table(t), H.table(t), calm, gone) for t in ("ports", "modules", "lanes", "neighbors")}
    frac = k / (tl.scans - 1) if tl.scans > 1 else 1.0
    ramp_ports = set().union(*(s["ports"] for s in active if s["ramp"])) if any(s["ramp"] for s in active) else set()
    if ramp_ports:
        tables["lanes"] = _ramp_lanes(tables["lanes"], H.lanes, ramp_ports, frac)
    tables["counters"] = _counters_at(tl, k, active, calm, gone)
    swapped = [s for s in tl.schedule if s["swap_at"] is not None and k >= s["swap_at"]]
    if swapped:
        mods = tables["modules"].copy()
        for s in swapped:
            dev, port = s["swap_port"]
            m = (mods["device"] == dev).to_numpy() & (mods["port"] == port).to_numpy()
            mods.loc[m, "serial"] = "SIMR" + hashlib.sha1(f"{dev}:{port}:{s['swap_at']}".encode()).hexdigest()[:10].upper()
        tables["modules"] = mods
    for s in active:
        t = dict(by_id[s["id"]])
        if s["swap_at"] is not None and not s["fixes"] and k >= s["swap_at"]:
            cid = t["links"][0]
            t.update(kind="damaged_cable", component="cable", ref=cid,
                     action=f"replace cable {cid}: errors stayed on the port after the module was replaced")
        truth.append({**t, "since_scan": s["start"]})
    truth += [t for t in fab.truth if t["kind"] in engine.CABLING_KINDS]
    snap = Snapshot(**{t: conform(t, df.sort_values(list(KEYS[t][:2]), kind="stable").reset_index(drop=True))
                       for t, df in tables.items()}, taken_at=tl.taken_at(k))
    doc = {"preset": fab.preset.name, "seed": fab.seed, "scan": k, "taken_at": snap.taken_at,
           "interval_s": tl.interval_s, "faults": truth, "events": events, "unreachable": fab.unreachable}
    return snap, doc


def _ramp_lanes(lanes: pd.DataFrame, healthy: pd.DataFrame, ports: set, frac: float) -> pd.DataFrame:
    """Lanes of `ports` moved from healthy to injected readings by `frac` (power in dB, bias linearly)."""
    idx = pd.MultiIndex.from_tuples(sorted(ports), names=["device", "port"])
    m = _key(lanes).isin(idx)
    sub = lanes[m]
    key = ["device", "port", "lane"]
    h = sub[key].merge(healthy[key + ["tx_power_mw", "rx_power_mw", "tx_bias_ma"]], on=key, how="left")
    out = lanes.copy()
    for col in ("tx_power_mw", "rx_power_mw"):
        a = units.mw_to_dbm_array(h[col].to_numpy(dtype="float64", na_value=np.nan))
        b = units.mw_to_dbm_array(sub[col].to_numpy(dtype="float64", na_value=np.nan))
        with np.errstate(invalid="ignore"):
            v = np.round(units.dbm_to_mw_array(a + frac * (b - a)), 4)
        out.loc[m, col] = np.where(np.isfinite(a) & np.isfinite(b), v, sub[col].to_numpy(dtype="float64", na_value=np.nan))
    a = h["tx_bias_ma"].to_numpy(dtype="float64", na_value=np.nan)
    b = sub["tx_bias_ma"].to_numpy(dtype="float64", na_value=np.nan)
    out.loc[m, "tx_bias_ma"] = np.round(a + frac * (b - a), 3)
    return out


def _counters_at(tl: Timeline, k: int, active: list[dict], calm: set, gone: set) -> pd.DataFrame:
    H, F = tl.healthy.counters, tl.fabric.snapshot.counters
    base = H[~H["device"].isin(gone)].reset_index(drop=True)
    f = F.set_index(["device", "port"]).reindex(_key(base))
    scale = tl.interval_s / 86400.0
    out = base.copy()
    n_active = pd.Series(0.0, index=_key(base))
    swap_reset = {}
    for s in active:
        n = k - s["start"] + 1
        if s["swap_at"] is not None and k >= s["swap_at"]:
            swap_reset[s["swap_port"]] = s
            n = k - s["swap_at"] + 1
        for p in s["ports"]:
            if p in n_active.index:
                n_active.loc[p] = max(n_active.loc[p], n)
    for s in tl.schedule:   # a fixed swap: its port was cleared, and stays healthy
        if s["swap_at"] is not None and s["fixes"] and k >= s["swap_at"]:
            swap_reset[s["swap_port"]] = s
    na = n_active.to_numpy()
    for c in _TRAFFIC + _ERRORS:
        h0 = base[c].to_numpy(dtype="float64", na_value=0.0)
        f0 = f[c].to_numpy(dtype="float64", na_value=np.nan)
        inc = np.nan_to_num(np.clip(f0 - h0, 0, None))
        traffic = h0 * scale if c in _TRAFFIC else 0.0
        out[c] = np.round(h0 + traffic * k + inc * na).astype("int64")
    out["raw_ber"] = np.where(na > 0, f["raw_ber"].to_numpy(dtype="float64"), base["raw_ber"].to_numpy(dtype="float64"))
    for (dev, port), s in swap_reset.items():
        since = k - s["swap_at"] + 1
        m = (out["device"] == dev).to_numpy() & (out["port"] == port).to_numpy()
        for c in _TRAFFIC + _ERRORS:
            h0 = base.loc[m, c].to_numpy(dtype="float64", na_value=0.0)
            f0 = f[c].to_numpy(dtype="float64", na_value=0.0)[m]
            err = 0.0 if s["fixes"] else np.clip(f0 - h0, 0, None) * since
            out.loc[m, c] = np.round((h0 * scale * since if c in _TRAFFIC else 0.0) + err).astype("int64")
        out.loc[m, "link_down_events"] = 1
        far = [p for p in s["ports"] if p != (dev, port)]
        for fd, fp in far:   # the far end saw the link go down once too
            mf = (out["device"] == fd).to_numpy() & (out["port"] == fp).to_numpy()
            out.loc[mf, "link_down_events"] = out.loc[mf, "link_down_events"] + 1
    return out


def write_timeline(tl: Timeline, out: str | Path, fmt: str = "auto", capture_limit_gpus: int = 10_000) -> Path:
    """DIR/devices.csv, cabling.csv, truth.json (scan 0 with the schedule) and DIR/scan-NNN/ each
    holding capture/ (or snapshot/ for parquet) and that scan's truth.json."""
    from netdiag.simulate.write import write_capture, write_inventory, write_snapshot, write_truth

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fab = tl.fabric
    write_inventory(fab, out)
    write_truth(fab, out)
    gpus = int(fab.devices["role"].eq("gpu_host").sum()) * fab.preset.gpus_per_node
    parquet = fmt == "parquet" or (fmt == "auto" and gpus > capture_limit_gpus)
    for k in range(tl.scans):
        snap, doc = snapshot_at(tl, k)
        d = out / f"scan-{k:03d}"
        d.mkdir(parents=True, exist_ok=True)
        if parquet:
            write_snapshot(snap, d / "snapshot")
        else:
            write_capture(replace(fab, snapshot=snap, taken_at=snap.taken_at), d / "capture")
        (d / "truth.json").write_text(json.dumps(doc, indent=1, default=list))
    return out

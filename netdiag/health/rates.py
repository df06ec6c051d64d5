"""Rates from two snapshots (docs/thresholds.md): counter deltas with resets, wraps and saturated
counters handled; BER measured from error deltas over the window and the link rate; link-down
deltas on both ends of planned links. Vectorised over the counters table.

A counter lower than before was reset: its delta is at least the new value (`reset`). A counter of a
saturating width (`<name>_bits`) at all-ones is a lower bound (`saturated`). A counter of a wrapping
width, lower than before from the top half of its range, wrapped. Unknown stays unknown: a port
without a previous row, or a counter missing in either snapshot, has a NaN delta.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from netdiag.health.rules import SYMPTOM_COLUMNS
from netdiag.model import COUNTER_COLUMNS, INT64_MAX, Snapshot, conform


def seconds_between(earlier: str | None, later: str | None) -> float | None:
    """Seconds from one ISO-8601 UTC time to another, None when either is unknown."""
    if not earlier or not later:
        return None
    a = datetime.fromisoformat(earlier.replace("Z", "+00:00"))
    b = datetime.fromisoformat(later.replace("Z", "+00:00"))
    return (b - a).total_seconds()


def _f(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="float64", na_value=np.nan)


def counter_deltas(prev: pd.DataFrame, cur: pd.DataFrame, dt_s: float, cfg: dict) -> pd.DataFrame:
    """Per (device, port) of `cur`: `dt_s`, the delta of every counter over the window (float, NaN
    when unknown), `has_prev`, and `reset` / `saturated` / `wrapped` (any counter of the row).

    `cfg` is history.toml's [rates] table (saturating_widths, wrapping_widths)."""
    keys = ["device", "port"]
    cols = [c for c in COUNTER_COLUMNS if c in cur.columns]
    p = prev[keys + cols + [f"{c}_bits" for c in cols]].drop_duplicates(keys)
    m = cur[keys + cols + [f"{c}_bits" for c in cols]].merge(p, on=keys, how="left", suffixes=("", "_prev"),
                                                             indicator=True)
    has_prev = (m["_merge"] == "both").to_numpy()
    out = {"device": m["device"].to_numpy(), "port": m["port"].to_numpy(),
           "dt_s": np.full(len(m), float(dt_s)), "has_prev": has_prev}
    sat_w = set(int(x) for x in cfg.get("saturating_widths", ()))
    wrap_w = set(int(x) for x in cfg.get("wrapping_widths", ()))
    reset = np.zeros(len(m), bool)
    sat = np.zeros(len(m), bool)
    wrapped = np.zeros(len(m), bool)
    for c in cols:
        now, old = _f(m[c]), _f(m[f"{c}_prev"])
        bits = np.fmax(_f(m[f"{c}_bits"]), _f(m[f"{c}_bits_prev"]))
        with np.errstate(invalid="ignore", over="ignore"):
            full = np.where(np.isnan(bits), np.nan, np.exp2(np.nan_to_num(bits)))
            lower = now < old
            can_wrap = np.isin(bits, list(wrap_w)) & (old >= full / 2) & (full / 2 <= INT64_MAX)
            is_wrap = lower & can_wrap
            is_reset = lower & ~is_wrap
            is_sat = np.isin(bits, list(sat_w)) & (now >= full - 1)
            d = np.where(is_wrap, now + full - old, np.where(is_reset, now, now - old))
        out[c] = d
        reset |= is_reset
        sat |= is_sat
        wrapped |= is_wrap
    out.update(reset=reset, saturated=sat, wrapped=wrapped)
    return pd.DataFrame(out)


def windowed_counters(cur: pd.DataFrame, deltas: pd.DataFrame) -> pd.DataFrame:
    """The counters table with each counter replaced by its delta over the window, for ports seen in
    both snapshots (rules then judge errors *now*, not since boot). Ports seen for the first time keep
    their cumulative values: with no earlier snapshot they are judged as a single snapshot is."""
    out = cur.copy()
    hp = deltas["has_prev"].to_numpy(dtype=bool)
    for c in COUNTER_COLUMNS:
        if c not in deltas.columns:
            continue
        d = deltas[c].to_numpy(dtype="float64")
        v = np.minimum(np.where(hp, np.round(d), _f(cur[c])), float(2**62))
        out[c] = pd.Series(v, index=out.index).astype("Int64")
    return conform("counters", out)


def measured_ber(deltas: pd.DataFrame, ports: pd.DataFrame) -> pd.DataFrame:
    """Per port: `speed_gbps`, `window_bits` (rate x window), `symbol_ber` (uncorrected symbol errors
    per bit) and `pre_fec_ber` (FEC-corrected bits per bit), NaN when unknown, and `ber_floor`, the
    lowest BER the window can resolve (one error in the window)."""
    sp = deltas[["device", "port"]].merge(ports[["device", "port", "speed_gbps"]].drop_duplicates(["device", "port"]),
                                          on=["device", "port"], how="left")["speed_gbps"]
    speed = _f(sp)
    bits = speed * 1e9 * deltas["dt_s"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        bits = np.where(bits > 0, bits, np.nan)
        sym = deltas["symbol_errors"].to_numpy(dtype="float64") / bits if "symbol_errors" in deltas else np.nan
        pre = deltas["fec_corrected_bits"].to_numpy(dtype="float64") / bits if "fec_corrected_bits" in deltas else np.nan
    return pd.DataFrame({"device": deltas["device"].to_numpy(), "port": deltas["port"].to_numpy(),
                         "speed_gbps": speed, "window_bits": bits, "symbol_ber": sym, "pre_fec_ber": pre,
                         "ber_floor": 1.0 / bits})


def ber_symptoms(ber: pd.DataFrame, has_prev: np.ndarray, cfg: dict) -> pd.DataFrame:
    """Measured BER over its [error, warning] limits from `cfg` ([rates] symbol_ber, pre_fec_ber).
    A limit is asserted only when the window is long enough for it: window bits >= 1 / limit
    (docs/thresholds.md), so a lone error in a short window never claims a high BER. Rules are named
    `symbol_ber` and `raw_ber` (pre-FEC) like the device-reported ones, so localization reads them
    as receive errors."""
    parts = []
    for col, rule in (("symbol_ber", "symbol_ber"), ("pre_fec_ber", "raw_ber")):
        err, warn = (float(x) for x in cfg[col])
        v = ber[col].to_numpy(dtype="float64")
        wb = ber["window_bits"].to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            crit = has_prev & (v > err) & (wb >= 1.0 / err)
            wrn = has_prev & (v > warn) & ~crit & (wb >= 1.0 / warn)
        for mask, sev, thr in ((crit, "critical", err), (wrn, "warning", warn)):
            sel = ber[mask]
            if len(sel):
                parts.append(pd.DataFrame({
                    "device": sel["device"].to_numpy(), "port": sel["port"].to_numpy(),
                    "lane": pd.array([pd.NA] * len(sel), dtype="Int64"), "rule": rule, "severity": sev,
                    "value": sel[col].to_numpy(dtype="float64"), "threshold": thr, "unit": "",
                    "detail": "measured from counter deltas"}))
    if not parts:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def link_rates(plan: pd.DataFrame, deltas: pd.DataFrame, ber: pd.DataFrame) -> pd.DataFrame:
    """Per planned cable: link-down deltas at each end, `link_down_both` (rose on both ends, the
    UFM flap rule), worst measured symbol and pre-FEC BER of its two ends, and the window."""
    per = deltas[["device", "port", "link_down_events", "dt_s"]].assign(
        symbol_ber=ber["symbol_ber"].to_numpy(), pre_fec_ber=ber["pre_fec_ber"].to_numpy())
    per = per.drop_duplicates(["device", "port"]).set_index(["device", "port"])
    a = per.reindex(pd.MultiIndex.from_arrays([plan["a_device"], plan["a_port"]]))
    b = per.reindex(pd.MultiIndex.from_arrays([plan["b_device"], plan["b_port"]]))
    ad, bd = _f(a["link_down_events"]), _f(b["link_down_events"])
    with np.errstate(invalid="ignore"):
        return pd.DataFrame({
            "cable_id": plan["cable_id"].to_numpy(), "a_device": plan["a_device"].to_numpy(),
            "a_port": plan["a_port"].to_numpy(), "b_device": plan["b_device"].to_numpy(),
            "b_port": plan["b_port"].to_numpy(), "plane": plan["plane"].to_numpy(),
            "a_link_down": ad, "b_link_down": bd, "link_down_both": (ad > 0) & (bd > 0),
            "symbol_ber": np.fmax(_f(a["symbol_ber"]), _f(b["symbol_ber"])),
            "pre_fec_ber": np.fmax(_f(a["pre_fec_ber"]), _f(b["pre_fec_ber"])),
            "dt_s": np.fmax(_f(a["dt_s"]), _f(b["dt_s"])),
        })


def module_swaps(prev: Snapshot, cur: Snapshot) -> pd.DataFrame:
    """(device, port) whose module serial changed between the snapshots (both known): a repair."""
    keys = ["device", "port"]
    a = prev.modules[keys + ["serial"]].dropna(subset=["serial"]).drop_duplicates(keys)
    b = cur.modules[keys + ["serial"]].dropna(subset=["serial"]).drop_duplicates(keys)
    m = b.merge(a, on=keys, suffixes=("", "_old"))
    m = m[m["serial"] != m["serial_old"]]
    return pd.DataFrame({"device": m["device"].to_numpy(), "port": m["port"].to_numpy(),
                         "old_serial": m["serial_old"].to_numpy(), "new_serial": m["serial"].to_numpy()})

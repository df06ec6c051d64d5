"""Trends over scans: least-squares slopes of per-lane Rx/Tx power (dB/day) and module temperature
(°C/day) over the stored scans, projected to the module's own alarm thresholds, so a decaying
transmitter or a warming module is raised before it fails.

One group-by computes the sums for every (device, port, lane, sensor) at once. A trend is raised
when the fit has enough points, the slope is steep enough (history.toml [trends]) and clearly not
noise (slope over its standard error), and the projected crossing is within the horizon. Trend
symptoms carry the rule of the threshold they are heading for (`tx_power_low`, `rx_power_low`,
`module_temperature_high`) at severity warning, so localization reads them like the reading itself
(a falling far Tx is a decaying transmitter) and the finding keeps its id when the alarm is crossed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netdiag import units
from netdiag.health.rules import SYMPTOM_COLUMNS, effective_thresholds
from netdiag.model import Snapshot

_SENSORS = {  # optics column -> (rule, threshold column, direction: -1 falls to a low alarm, +1 rises)
    "tx_dbm": ("tx_power_low", "tx_power_mw_low_alarm", -1),
    "rx_dbm": ("rx_power_low", "rx_power_mw_low_alarm", -1),
    "temperature_c": ("module_temperature_high", "temperature_c_high_alarm", +1),
}


def optics_table(snap: Snapshot) -> pd.DataFrame:
    """What a scan keeps for trends: per lane Tx/Rx in dBm (no light -> NaN, it has no slope) and per
    module (lane 0) the temperature; float32, a few bytes per lane."""
    L = snap.lanes
    tx = L["tx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    rx = L["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        tx_dbm = np.where(tx > 0, units.mw_to_dbm_array(tx), np.nan)
        rx_dbm = np.where(rx > 0, units.mw_to_dbm_array(rx), np.nan)
    lanes = pd.DataFrame({"device": L["device"].to_numpy(), "port": L["port"].to_numpy(),
                          "lane": L["lane"].to_numpy(dtype="int64", na_value=0).astype("int16"),
                          "tx_dbm": tx_dbm.astype("float32"), "rx_dbm": rx_dbm.astype("float32"),
                          "temperature_c": np.float32(np.nan)})
    M = snap.modules
    mods = pd.DataFrame({"device": M["device"].to_numpy(), "port": M["port"].to_numpy(), "lane": np.int16(0),
                         "tx_dbm": np.float32(np.nan), "rx_dbm": np.float32(np.nan),
                         "temperature_c": M["temperature_c"].to_numpy(dtype="float64", na_value=np.nan).astype("float32")})
    return pd.concat([lanes, mods[mods["temperature_c"].notna()]], ignore_index=True)


def slopes(history: pd.DataFrame, now_iso: str) -> pd.DataFrame:
    """Least-squares fit per (device, port, lane, sensor) over `history` (optics tables with
    `taken_at`): n, slope per day, its t value (inf for a perfect line), and the latest value."""
    if history.empty:
        return pd.DataFrame(columns=["device", "port", "lane", "sensor", "n", "slope", "t", "last"])
    now = pd.Timestamp(now_iso)
    days = ((pd.to_datetime(history["taken_at"], utc=True) - now).dt.total_seconds() / 86400.0).to_numpy()
    out = []
    for sensor in _SENSORS:
        y = history[sensor].to_numpy(dtype="float64")
        ok = ~np.isnan(y)
        if not ok.any():
            continue
        h = history.loc[ok, ["device", "port", "lane"]]
        x, yy = days[ok], y[ok]
        f = h.assign(n=1.0, x=x, y=yy, xx=x * x, xy=x * yy, yy=yy * yy)
        g = f.groupby(["device", "port", "lane"], sort=False, observed=True)
        s = g[["n", "x", "y", "xx", "xy", "yy"]].sum()
        last = f.assign(_x=x).sort_values("_x", kind="stable").groupby(["device", "port", "lane"], sort=False)["y"].last()
        n = s["n"].to_numpy()
        sxx = s["xx"].to_numpy() - s["x"].to_numpy() ** 2 / n
        sxy = s["xy"].to_numpy() - s["x"].to_numpy() * s["y"].to_numpy() / n
        syy = s["yy"].to_numpy() - s["y"].to_numpy() ** 2 / n
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = np.where(sxx > 0, sxy / sxx, np.nan)
            sse = np.clip(syy - slope * sxy, 0.0, None)
            se = np.sqrt(sse / np.maximum(n - 2, 1) / sxx)
            # rounding of the readings (4 decimals in mW) is not noise worth a t-test
            t = np.where(se > 1e-6 * np.maximum(np.abs(slope), 1e-12), np.abs(slope) / se, np.inf)
        r = s.index.to_frame(index=False)
        r["sensor"] = sensor
        r["n"] = n.astype(int)
        r["slope"] = slope
        r["t"] = t
        r["last"] = last.reindex(s.index).to_numpy()
        out.append(r)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def trend_symptoms(fits: pd.DataFrame, snap: Snapshot, thresholds_cfg: dict, cfg: dict) -> pd.DataFrame:
    """Trends heading for an alarm within the horizon, as warning symptoms (see module doc).
    `thresholds_cfg` is thresholds.toml (fallback thresholds), `cfg` history.toml [trends]."""
    if fits is None or fits.empty:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    steep = np.where(fits["sensor"] == "temperature_c", fits["slope"], -fits["slope"]) >= np.where(
        fits["sensor"] == "temperature_c", cfg["min_c_per_day"], cfg["min_db_per_day"])
    fits = fits[(fits["n"] >= cfg["min_points"]).to_numpy() & steep & (fits["t"] >= cfg["min_t"]).to_numpy()]
    if fits.empty:   # most of a healthy fleet: nothing heading anywhere, no threshold join needed
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    mods = snap.modules.merge(fits[["device", "port"]].drop_duplicates(), on=["device", "port"])
    thr = effective_thresholds(mods, thresholds_cfg).drop_duplicates(["device", "port"])
    f = fits.merge(thr, on=["device", "port"], how="inner")
    parts = []
    for sensor, (rule, thr_col, direction) in _SENSORS.items():
        g = f[f["sensor"] == sensor]
        if g.empty:
            continue
        limit_raw = g[thr_col].to_numpy(dtype="float64")
        if sensor == "temperature_c":
            limit, minimum, unit_per_day = limit_raw, cfg["min_c_per_day"], "C/day"
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                limit = units.mw_to_dbm_array(limit_raw)
            minimum, unit_per_day = cfg["min_db_per_day"], "dB/day"
        slope = g["slope"].to_numpy(dtype="float64")
        last = g["last"].to_numpy(dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            heading = direction * slope
            days = (limit - last) / slope
            raise_ = ((g["n"].to_numpy() >= cfg["min_points"]) & (heading >= minimum) & (g["t"].to_numpy() >= cfg["min_t"])
                      & (days > 0) & (days <= cfg["horizon_days"]))
        sel = g[raise_]
        if sel.empty:
            continue
        d, s, n = days[raise_], slope[raise_], sel["n"].to_numpy()
        if sensor == "temperature_c":
            value, threshold, unit = last[raise_], limit_raw[raise_], "C"
            lane = pd.array([pd.NA] * len(sel), dtype="Int64")
        else:
            value, threshold, unit = units.dbm_to_mw_array(last[raise_]), limit_raw[raise_], "mW"
            lane = pd.array(sel["lane"].to_numpy(dtype="int64"), dtype="Int64")
        word = "high" if direction > 0 else "low"
        detail = [f"{word} alarm projected in {x:.1f} days (trend {v:+.2f} {unit_per_day} over {k} scans)"
                  for x, v, k in zip(d, s, n)]
        parts.append(pd.DataFrame({"device": sel["device"].to_numpy(), "port": sel["port"].to_numpy(), "lane": lane,
                                   "rule": rule, "severity": "warning", "value": value, "threshold": threshold,
                                   "unit": unit, "detail": detail}))
    if not parts:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    return pd.concat(parts, ignore_index=True)

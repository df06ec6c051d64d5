"""Trends over scans: least-squares slopes of per-lane Rx/Tx power (dB/day) and module temperature
(°C/day) over the stored scans, projected to the module's own alarm thresholds, so a decaying
transmitter or a warming module is raised before it fails.

One group-by computes the sums for every (device, port, lane, sensor) at once. A trend is raised
when the fit has enough points, the slope is steep enough (history.toml [trends]) and clearly not
noise (slope over its standard error), the fit spans enough days for a change the DOM can resolve
(history.toml min_span_days, min_change_db), optical power is corrected for the module's
temperature, and the projected crossing is within the horizon. Trend
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


def _with_temperature(history: pd.DataFrame) -> np.ndarray:
    """Per history row: its module's temperature at that scan (the lane-0 row of the same scan)."""
    t = history.loc[history["lane"] == 0, ["device", "port", "taken_at", "temperature_c"]].dropna(subset=["temperature_c"])
    if t.empty:
        return np.full(len(history), np.nan)
    t = t.drop_duplicates(["device", "port", "taken_at"]).rename(columns={"temperature_c": "_T"})
    return history[["device", "port", "taken_at"]].merge(t, on=["device", "port", "taken_at"], how="left")["_T"].to_numpy(
        dtype="float64")


def slopes(history: pd.DataFrame, now_iso: str) -> pd.DataFrame:
    """Least-squares fit per (device, port, lane, sensor) over `history` (optics tables with
    `taken_at`): n, slope per day, its t value (inf for a perfect line), the latest value, the span
    of the fit in days and the change the slope makes over it.

    Optical power is fitted against time *and* the module's temperature (y = a + b.day + c.T) when
    the temperature varies: laser output and DOM readings follow temperature (diurnal or load
    cycles), and that is not ageing. The slope is then b, the drift at constant temperature."""
    if history.empty:
        return pd.DataFrame(columns=["device", "port", "lane", "sensor", "n", "slope", "t", "last", "span_days", "change"])
    now = pd.Timestamp(now_iso)
    days = ((pd.to_datetime(history["taken_at"], utc=True) - now).dt.total_seconds() / 86400.0).to_numpy()
    temp = _with_temperature(history)
    out = []
    for sensor in _SENSORS:
        y = history[sensor].to_numpy(dtype="float64")
        ok = ~np.isnan(y)
        if not ok.any():
            continue
        h = history.loc[ok, ["device", "port", "lane"]]
        x, yy = days[ok], y[ok]
        T = temp[ok] if sensor != "temperature_c" else np.full(len(x), np.nan)
        has_t = ~np.isnan(T)
        Tz = np.where(has_t, T, 0.0)
        f = h.assign(n=1.0, x=x, y=yy, xx=x * x, xy=x * yy, yy=yy * yy, nt=has_t.astype(float), T=Tz, TT=Tz * Tz,
                     xT=x * Tz, yT=yy * Tz)
        g = f.groupby(["device", "port", "lane"], sort=False, observed=True)
        s = g[["n", "x", "y", "xx", "xy", "yy", "nt", "T", "TT", "xT", "yT"]].sum()
        xr = g["x"].agg(["min", "max"])
        last = f.assign(_x=x).sort_values("_x", kind="stable").groupby(["device", "port", "lane"], sort=False)["y"].last()
        n = s["n"].to_numpy()
        sx, sy = s["x"].to_numpy(), s["y"].to_numpy()
        sxx = s["xx"].to_numpy() - sx ** 2 / n
        sxy = s["xy"].to_numpy() - sx * sy / n
        syy = s["yy"].to_numpy() - sy ** 2 / n
        sT = s["T"].to_numpy()
        sTT = s["TT"].to_numpy() - sT ** 2 / n
        sxT = s["xT"].to_numpy() - sx * sT / n
        syT = s["yT"].to_numpy() - sy * sT / n
        with np.errstate(invalid="ignore", divide="ignore"):
            slope1 = np.where(sxx > 0, sxy / sxx, np.nan)
            sse1 = np.clip(syy - slope1 * sxy, 0.0, None)
            se1 = np.sqrt(sse1 / np.maximum(n - 2, 1) / sxx)
            # temperature-corrected fit where every point has a temperature that varies (> 0.5 C)
            det = sxx * sTT - sxT ** 2
            use_t = (s["nt"].to_numpy() == n) & (n >= 4) & (sTT > 0.25 * n) & (det > 1e-9 * np.maximum(sxx * sTT, 1e-300))
            b = np.where(use_t, (sxy * sTT - sxT * syT) / det, np.nan)
            c = np.where(use_t, (syT * sxx - sxT * sxy) / det, np.nan)
            sse2 = np.clip(syy - b * sxy - c * syT, 0.0, None)
            se2 = np.sqrt(sse2 / np.maximum(n - 3, 1) * sTT / det)
            slope = np.where(use_t, b, slope1)
            se = np.where(use_t, se2, se1)
            # rounding of the readings (4 decimals in mW) is not noise worth a t-test
            t = np.where(se > 1e-6 * np.maximum(np.abs(slope), 1e-12), np.abs(slope) / se, np.inf)
        span = (xr["max"] - xr["min"]).to_numpy()
        r = s.index.to_frame(index=False)
        r["sensor"] = sensor
        r["n"] = n.astype(int)
        r["slope"] = slope
        r["t"] = t
        r["last"] = last.reindex(s.index).to_numpy()
        r["span_days"] = span
        r["change"] = slope * span
        r["temperature_corrected"] = use_t
        out.append(r)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def trend_symptoms(fits: pd.DataFrame, snap: Snapshot, thresholds_cfg: dict, cfg: dict) -> pd.DataFrame:
    """Trends heading for an alarm within the horizon, as warning symptoms (see module doc).
    `thresholds_cfg` is thresholds.toml (fallback thresholds), `cfg` history.toml [trends]."""
    if fits is None or fits.empty:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    steep = np.where(fits["sensor"] == "temperature_c", fits["slope"], -fits["slope"]) >= np.where(
        fits["sensor"] == "temperature_c", cfg["min_c_per_day"], cfg["min_db_per_day"])
    # a trend needs a span of days and a change the DOM can resolve: readings repeat to about
    # +-0.2 dB and are accurate to about +-1 dB (SFF-8636 / CMIS), temperature to about +-3 C
    is_t = (fits["sensor"] == "temperature_c").to_numpy()
    span = fits["span_days"].to_numpy(dtype="float64") if "span_days" in fits else np.full(len(fits), np.inf)
    change = np.abs(fits["change"].to_numpy(dtype="float64")) if "change" in fits else np.full(len(fits), np.inf)
    resolvable = (span >= cfg.get("min_span_days", 0.0)) & (
        change >= np.where(is_t, cfg.get("min_change_c", 0.0), cfg.get("min_change_db", 0.0)))
    fits = fits[(fits["n"] >= cfg["min_points"]).to_numpy() & steep & (fits["t"] >= cfg["min_t"]).to_numpy() & resolvable]
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

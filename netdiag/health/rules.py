"""Single-snapshot health rules: canonical tables -> symptoms, vectorised over the tables.

A symptom is one measured value that breaks one threshold (or one asserted flag) at one
device/port/lane. Missing data never becomes a symptom: NaN compares false, unknown admin state
does not make a dark lane, unknown thresholds fall back to the packaged defaults.

Symptom columns: device, port, lane (nullable), rule, severity, value, threshold, unit, detail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from netdiag import units
from netdiag.health import load_toml
from netdiag.model import THRESHOLD_LEVELS, Snapshot, threshold_column

SYMPTOM_COLUMNS = ["device", "port", "lane", "rule", "severity", "value", "threshold", "unit", "detail"]
SEVERITY_RANK = {"critical": 2, "warning": 1, "info": 0}

# sensor in the modules/lanes tables -> (fallback key in thresholds.toml, converter from TOML units)
_SENSORS = {
    "rx_power_mw": ("rx_power_dbm", units.dbm_to_mw),
    "tx_power_mw": ("tx_power_dbm", units.dbm_to_mw),
    "tx_bias_ma": ("tx_bias_ma", float),
    "temperature_c": ("temperature_c", float),
    "voltage_v": ("voltage_v", float),
}
_UNITS = {"rx_power_mw": "mW", "tx_power_mw": "mW", "tx_bias_ma": "mA", "temperature_c": "C", "voltage_v": "V"}
_RULE_PREFIX = {"rx_power_mw": "rx_power", "tx_power_mw": "tx_power", "tx_bias_ma": "tx_bias",
                "temperature_c": "module_temperature", "voltage_v": "module_voltage"}


def load_thresholds(override: str | Path | None = None) -> dict:
    """The packaged thresholds.toml, deep-merged with a user's TOML file when given."""
    return load_toml("thresholds.toml", override)


def effective_thresholds(modules: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Per module: the thresholds to judge it by, for each sensor and level.

    The module's own set is used when all four levels are present, ordered and not all zero;
    otherwise the fallback set from the config. Returns device, port and `<sensor>_<level>` columns
    (same units as the tables) plus `<sensor>_source` ('module' or 'default')."""
    out = modules[["device", "port"]].copy()
    fb = cfg["optics"]["fallback"]
    for sensor, (key, conv) in _SENSORS.items():
        cols = [threshold_column(sensor, lv) for lv in THRESHOLD_LEVELS]
        m = modules[cols].to_numpy(dtype="float64", na_value=np.nan).copy()
        # a module that publishes only its alarm levels (ibdiagnet's cable records do): warn levels
        # derived inside them, 2 dB for optical power, 5 % of the alarm band for the other sensors
        only_alarms = np.isnan(m[:, 1]) & np.isnan(m[:, 2]) & ~np.isnan(m[:, 0]) & ~np.isnan(m[:, 3]) & (m[:, 0] > m[:, 3])
        if only_alarms.any():
            if sensor in ("rx_power_mw", "tx_power_mw"):
                m[only_alarms, 1] = m[only_alarms, 0] / 10 ** 0.2
                m[only_alarms, 2] = m[only_alarms, 3] * 10 ** 0.2
            else:
                band = m[only_alarms, 0] - m[only_alarms, 3]
                m[only_alarms, 1] = m[only_alarms, 0] - 0.05 * band
                m[only_alarms, 2] = m[only_alarms, 3] + 0.05 * band
        hi_a, hi_w, lo_w, lo_a = m[:, 0], m[:, 1], m[:, 2], m[:, 3]
        with np.errstate(invalid="ignore"):
            valid = (~np.isnan(m).any(axis=1)) & (lo_a <= lo_w) & (lo_w <= hi_w) & (hi_w <= hi_a) & (hi_a > lo_a)
            valid &= ~(m == 0).all(axis=1)
        for i, lv in enumerate(THRESHOLD_LEVELS):
            out[threshold_column(sensor, lv)] = np.where(valid, m[:, i], conv(fb[key][lv]))
        out[f"{sensor}_source"] = np.where(valid, "module", "default")
    return out


def _emit(frame: pd.DataFrame, mask, rule: str, severity: str, value_col: str, thr, unit: str,
          detail: str = "") -> pd.DataFrame:
    sel = frame[np.asarray(mask, dtype=bool)]
    if sel.empty:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    thr_vals = sel[thr].to_numpy() if isinstance(thr, str) else np.full(len(sel), thr, dtype="float64")
    return pd.DataFrame({
        "device": sel["device"].to_numpy(), "port": sel["port"].to_numpy(),
        "lane": sel["lane"].to_numpy() if "lane" in sel else pd.array([pd.NA] * len(sel), dtype="Int64"),
        "rule": rule, "severity": severity,
        "value": sel[value_col].to_numpy(dtype="float64", na_value=np.nan) if value_col else np.nan,
        "threshold": thr_vals, "unit": unit, "detail": detail,
    })


def _compare(frame: pd.DataFrame, sensor: str, prefix: str, unit: str, extra_mask=True) -> list[pd.DataFrame]:
    """Alarm (critical) and warning (warning) breaches of `sensor` against effective thresholds."""
    v = frame[sensor].to_numpy(dtype="float64", na_value=np.nan)
    col = {lv: frame[threshold_column(sensor, lv)].to_numpy(dtype="float64", na_value=np.nan)
           for lv in THRESHOLD_LEVELS}
    with np.errstate(invalid="ignore"):
        lo_alarm = (v < col["low_alarm"]) & extra_mask
        lo_warn = (v < col["low_warn"]) & ~lo_alarm & extra_mask
        hi_alarm = (v > col["high_alarm"]) & extra_mask
        hi_warn = (v > col["high_warn"]) & ~hi_alarm & extra_mask
    return [
        _emit(frame, lo_alarm, f"{prefix}_low", "critical", sensor, threshold_column(sensor, "low_alarm"), unit, "low alarm"),
        _emit(frame, lo_warn, f"{prefix}_low", "warning", sensor, threshold_column(sensor, "low_warn"), unit, "low warning"),
        _emit(frame, hi_alarm, f"{prefix}_high", "critical", sensor, threshold_column(sensor, "high_alarm"), unit, "high alarm"),
        _emit(frame, hi_warn, f"{prefix}_high", "warning", sensor, threshold_column(sensor, "high_warn"), unit, "high warning"),
    ]


def _lanes_in_use(lanes: pd.DataFrame) -> np.ndarray:
    """Lanes the port really uses. CMIS decoders print a bank of 8 even for 4 used lanes; those
    unused lanes read 0 Tx, 0 bias and 0 Rx. A port whose lit lanes are exactly a leading 1, 2 or 4
    and whose remaining lanes are all-zero uses only the leading ones. Lanes beyond the module's
    media_lanes or the port's lane count are unused too."""
    lane = lanes["lane"].to_numpy(dtype="float64", na_value=np.nan)
    tx = lanes["tx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    rx = lanes["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    bias = lanes["tx_bias_ma"].to_numpy(dtype="float64", na_value=np.nan)
    zero = (np.nan_to_num(tx, nan=0.0) == 0) & (np.nan_to_num(rx, nan=0.0) == 0) & (np.nan_to_num(bias, nan=0.0) == 0)
    lit_lane = np.where(~zero, lane, 0.0)
    key = [lanes["device"], lanes["port"]]
    max_lit = pd.Series(lit_lane).groupby(key, sort=False).transform("max").to_numpy()
    n_lanes = pd.Series(lane).groupby(key, sort=False).transform("max").to_numpy()
    trailing_unused = np.isin(max_lit, (1, 2, 4)) & (max_lit < n_lanes) & (lane > max_lit)
    in_use = ~trailing_unused
    for cap_col in ("media_lanes", "port_lanes"):
        if cap_col in lanes:
            cap = lanes[cap_col].to_numpy(dtype="float64", na_value=np.nan)
            in_use &= ~(lane > cap)
    return in_use


def lane_symptoms(snap: Snapshot, thr: pd.DataFrame, cfg: dict) -> list[pd.DataFrame]:
    lanes = snap.lanes
    if lanes.empty:
        return []
    f = lanes.merge(thr, on=["device", "port"], how="left")
    mods = snap.modules[["device", "port", "media_lanes", "present", "media"]]
    f = f.merge(mods, on=["device", "port"], how="left")
    ports = snap.ports[["device", "port", "admin_up", "lanes"]].rename(columns={"lanes": "port_lanes"})
    f = f.merge(ports, on=["device", "port"], how="left")
    # ports with no module row still get fallback thresholds
    fb = cfg["optics"]["fallback"]
    for sensor, (key, conv) in _SENSORS.items():
        for lv in THRESHOLD_LEVELS:
            c = threshold_column(sensor, lv)
            f[c] = f[c].fillna(conv(fb[key][lv]))
    # copper (DAC/ACC) has no optics: its power readings (often -inf or 0) say nothing
    in_use = _lanes_in_use(f) & ~f["media"].isin(["dac", "acc"]).to_numpy()
    admin = f["admin_up"].astype("boolean")
    admin_up = admin.fillna(False).to_numpy(dtype=bool)
    admin_not_down = admin.fillna(True).to_numpy(dtype=bool)
    rx = f["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        dark = rx <= cfg["lanes"]["dark_mw"]
        lit_rx = rx > cfg["lanes"]["dark_mw"]
    # a port with some lanes lit and some dark is partially dark whatever its admin state says
    some_lit = pd.Series(lit_rx & in_use).groupby([f["device"], f["port"]], sort=False).transform("any").to_numpy()
    dark_finding = dark & in_use & (admin_up | (admin_not_down & some_lit))
    out = [_emit(f, dark_finding, "dark_lane", "critical", "rx_power_mw", cfg["lanes"]["dark_mw"], "mW",
                 "no light received")]
    judged = in_use & admin_not_down
    out += _compare(f, "rx_power_mw", "rx_power", "mW", judged & ~dark)
    powered = judged & (admin_up | f["admin_up"].isna().to_numpy())  # an admin-down port may turn its laser off
    tx_low = _compare(f, "tx_power_mw", "tx_power", "mW", powered)
    out += tx_low + _tx_imbalance(f, powered, cfg, tx_low)
    out += _compare(f, "tx_bias_ma", "tx_bias", "mA", powered)
    for flag, sev in (("rx_los", "critical"), ("rx_lol", "critical"), ("tx_fault", "critical"),
                      ("tx_los", "warning"), ("tx_lol", "warning")):
        asserted = f[flag].astype("boolean").fillna(False).to_numpy(dtype=bool)
        out.append(_emit(f, asserted & judged & (admin_up | some_lit), flag, sev, None, np.nan, "",
                         "flag asserted by the module"))
    out += _flag_only_symptoms(f, judged)
    return out


def _tx_imbalance(f: pd.DataFrame, judged: np.ndarray, cfg: dict, already: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """One lane's transmitter far weaker than the module's strongest lane: an ageing laser, whatever
    the thresholds say (some outputs carry no Tx thresholds). Never an average: the lane is the finding."""
    gap = cfg["lanes"].get("tx_imbalance_db")
    if not gap or f.empty:
        return []
    tx = f["tx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        dbm = np.where(tx > 0, 10.0 * np.log10(tx), np.nan)
    s = pd.Series(np.where(judged, dbm, np.nan), index=f.index)
    key = [f["device"], f["port"]]
    med = s.groupby(key, sort=False).transform("max").to_numpy()  # the module's strongest lane
    n = s.notna().groupby(key, sort=False).transform("sum").to_numpy()
    weak = judged & (n >= 2) & (dbm < med - gap)
    flagged = pd.concat([a[["device", "port", "lane"]] for a in already if len(a)], ignore_index=True) if any(
        len(a) for a in already) else None
    if flagged is not None and weak.any():
        known = pd.MultiIndex.from_frame(flagged.astype({"lane": "Int64"}))
        here = pd.MultiIndex.from_arrays([f["device"], f["port"], f["lane"].astype("Int64")])
        weak &= ~here.isin(known)
    g = f.assign(_thr=np.power(10.0, (med - gap) / 10.0))
    return [_emit(g, weak, "tx_power_low", "warning", "tx_power_mw", "_thr", "mW",
                  f"more than {gap:g} dB below the module's other lanes")]


def _flag_only_symptoms(f: pd.DataFrame, judged: np.ndarray) -> list[pd.DataFrame]:
    """Alarm/warning flags the module asserts for a reading the output did not give a value for."""
    has = f["alarms"].map(lambda a: bool(a) if isinstance(a, list) else False).to_numpy(dtype=bool) & judged
    if not has.any():
        return []
    rows = []
    for rec in f.loc[has, ["device", "port", "lane", "alarms", "rx_power_mw", "tx_power_mw", "tx_bias_ma"]].itertuples(index=False):
        for a in rec.alarms:
            for prefix, col in (("rx_power", "rx_power_mw"), ("tx_power", "tx_power_mw"), ("tx_bias", "tx_bias_ma")):
                if a.startswith(prefix + "_") and pd.isna(getattr(rec, col)):
                    direction = "low" if "_low_" in a else "high"
                    sev = "critical" if a.endswith("alarm") else "warning"
                    rows.append({"device": rec.device, "port": rec.port, "lane": rec.lane,
                                 "rule": f"{prefix}_{direction}", "severity": sev, "value": np.nan,
                                 "threshold": np.nan, "unit": "", "detail": f"module flag {a}"})
    return [pd.DataFrame(rows, columns=SYMPTOM_COLUMNS)] if rows else []


def module_symptoms(snap: Snapshot, thr: pd.DataFrame, cfg: dict) -> list[pd.DataFrame]:
    mods = snap.modules
    if mods.empty:
        return []
    f = mods[["device", "port", "present", "temperature_c", "voltage_v"]].merge(thr, on=["device", "port"], how="left")
    present = f["present"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    out = _compare(f, "temperature_c", "module_temperature", "C", present)
    out += _compare(f, "voltage_v", "module_voltage", "V", present)
    t = f["temperature_c"].to_numpy(dtype="float64", na_value=np.nan)
    hw = f[threshold_column("temperature_c", "high_warn")].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        hot = present & (t >= cfg["temperature"]["hot_c"]) & ~(t > hw)
    out.append(_emit(f, hot, "module_temperature_high", "warning", "temperature_c", cfg["temperature"]["hot_c"],
                     "C", "hot module"))
    return out


def port_symptoms(snap: Snapshot, cfg: dict) -> list[pd.DataFrame]:
    p = snap.ports
    if p.empty:
        return []
    down = (p["admin_up"].astype("boolean").fillna(False) & (p["oper_up"].astype("boolean") == False)).fillna(False)  # noqa: E712
    # a port with nothing plugged in is not a link: only a cage holding a module or cable counts
    plugged = snap.modules.loc[snap.modules["present"].astype("boolean").fillna(False).to_numpy(dtype=bool),
                               ["device", "port"]]
    keys = pd.MultiIndex.from_arrays([p["device"], p["port"]])
    has = keys.isin(pd.MultiIndex.from_frame(plugged)) | keys.isin(
        pd.MultiIndex.from_frame(snap.lanes[["device", "port"]].drop_duplicates()))
    out = [_emit(p, down.to_numpy(dtype=bool) & has, "link_down", "critical", None, np.nan, "",
                 "admin up, link down, a module is plugged in")]
    sev = cfg["counters"].get("carrier_changes", "off")
    if sev != "off":
        v = p["carrier_changes"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        out.append(_emit(p, v > 0, "carrier_changes", sev, "carrier_changes", 0.0, "count"))
    return out


def counter_symptoms(snap: Snapshot, cfg: dict, device_platforms: dict[str, str] | None) -> list[pd.DataFrame]:
    c = snap.counters
    if c.empty:
        return []
    out = []
    for col, sev in cfg["counters"].items():
        if sev == "off" or col not in c.columns:
            continue
        v = c[col].astype("Float64").fillna(0).to_numpy(dtype="float64")
        out.append(_emit(c, v > 0, col, sev, col, 0.0, "count", "non-zero since last clear"))
    return out + _ber_symptoms(c, ("raw_ber", "effective_ber", "symbol_ber"), snap, cfg, device_platforms)


def _ber_symptoms(frame: pd.DataFrame, columns, snap: Snapshot, cfg: dict,
                  device_platforms: dict[str, str] | None) -> list[pd.DataFrame]:
    """Device-reported BER (port or lane) over the limits of the port's technology and media."""
    if frame.empty:
        return []
    present = [b for b in columns if frame[b].notna().any()]
    if not present:
        return []
    # only rows that report some BER need a profile (the merge is the expensive part)
    rows = frame[frame[present].notna().any(axis=1)]
    prof = ber_profiles(rows, snap, device_platforms)
    frame = rows
    out = []
    for ber in present:
        v = frame[ber].to_numpy(dtype="float64", na_value=np.nan)
        err = prof.map({p: v[ber][0] for p, v in cfg["ber"].items()}).to_numpy(dtype="float64")
        warn = prof.map({p: v[ber][1] for p, v in cfg["ber"].items()}).to_numpy(dtype="float64")
        f = frame.assign(_err=err, _warn=warn)
        with np.errstate(invalid="ignore"):
            out.append(_emit(f, v > err, ber, "critical", ber, "_err", "", "over error limit"))
            out.append(_emit(f, (v > warn) & ~(v > err), ber, "warning", ber, "_warn", "", "over warning limit"))
    return out


def ber_profiles(frame: pd.DataFrame, snap: Snapshot, device_platforms: dict[str, str] | None) -> pd.Series:
    """Which BER table applies to each row of `frame` (device, port): infiniband (dac or optical)
    or ethernet, from the device's platform, the port's name and the module's media."""
    plat = frame["device"].map(device_platforms or {}).astype("object").fillna("").astype(str)
    ib = plat.str.startswith("ib") | frame["port"].astype(str).str.match(r"^mlx\d+_\d+/\d+$")
    media = frame[["device", "port"]].merge(snap.modules[["device", "port", "media"]].drop_duplicates(["device", "port"]),
                                            on=["device", "port"], how="left")["media"].to_numpy()
    dac = np.isin(media, ["dac", "acc"])
    return pd.Series(np.where(ib, np.where(dac, "infiniband_dac", "infiniband"), "ethernet"), index=frame.index)


def symptoms(snap: Snapshot, cfg: dict | None = None, device_platforms: dict[str, str] | None = None) -> pd.DataFrame:
    """All symptoms of one snapshot, worst first."""
    cfg = cfg or load_thresholds()
    thr = effective_thresholds(snap.modules, cfg)
    parts = lane_symptoms(snap, thr, cfg) + module_symptoms(snap, thr, cfg) + port_symptoms(snap, cfg)
    parts += counter_symptoms(snap, cfg, device_platforms)
    parts += _ber_symptoms(snap.lanes, ("raw_ber",), snap, cfg, device_platforms)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    s = pd.concat(parts, ignore_index=True)
    s["lane"] = s["lane"].astype("Int64")
    s["_rank"] = s["severity"].map(SEVERITY_RANK)
    s = s.sort_values(["_rank", "device", "port", "lane"], ascending=[False, True, True, True], kind="stable")
    return s.drop(columns="_rank").reset_index(drop=True)

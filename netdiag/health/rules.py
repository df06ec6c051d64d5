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
from netdiag.health import evidence, load_toml
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


def _fallback_arrays(classes: np.ndarray, cfg: dict, key: str, conv) -> dict[str, np.ndarray]:
    """Per row: the fallback value of each level for sensor `key`, from [optics.class.<class>.<key>]
    when the module's class has one, else [optics.fallback.<key>]."""
    fb = cfg["optics"]["fallback"][key]
    out = {lv: np.full(len(classes), float(conv(fb[lv]))) for lv in THRESHOLD_LEVELS}
    for cls, table in cfg["optics"].get("class", {}).items():
        if key not in table:
            continue
        m = classes == cls
        if m.any():
            for lv in THRESHOLD_LEVELS:
                if lv in table[key]:
                    out[lv][m] = float(conv(table[key][lv]))
    return out


def effective_thresholds(modules: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Per module: the thresholds to judge it by, for each sensor and level.

    Each level the module publishes is checked on its own (present, and for optical power above
    0 mW: a 0 mW low alarm is -inf dBm and would silence the lane); a bad level is replaced by the
    fallback of the module's class (docs/thresholds.md). The set is then used when it is ordered
    (low_alarm <= low_warn <= high_warn <= high_alarm, not all zero); otherwise the whole fallback
    set of the class applies. Returns device, port and `<sensor>_<level>` columns (same units as
    the tables) plus `<sensor>_source` ('module', 'mixed' or 'default') and `module_class`."""
    classes = evidence.module_class(modules)
    # the columns gathered, then one frame; text columns as Python strings (object), not copied into
    # Arrow text (6 columns of 1.7 M rows at 100k GPUs)
    idx = modules.index
    cols_out = {"device": modules["device"], "port": modules["port"],
                "module_class": pd.Series(np.asarray(classes, dtype=object), index=idx, dtype=object)}
    for sensor, (key, conv) in _SENSORS.items():
        cols = [threshold_column(sensor, lv) for lv in THRESHOLD_LEVELS]
        m = modules[cols].to_numpy(dtype="float64", na_value=np.nan).copy()
        # a module that publishes only its alarm levels (ibdiagnet's cable records, NVUE do): warn
        # levels derived inside them, 2 dB above the low alarm for optical power (light fading
        # before it fails), the high alarm itself for the high side (strong light is not wear: a
        # launch 1-2 dB under the high alarm is in spec; overload is judged at the alarm), 5 % of
        # the alarm band for the other sensors
        only_alarms = np.isnan(m[:, 1]) & np.isnan(m[:, 2]) & ~np.isnan(m[:, 0]) & ~np.isnan(m[:, 3]) & (m[:, 0] > m[:, 3])
        if only_alarms.any():
            if sensor in ("rx_power_mw", "tx_power_mw"):
                m[only_alarms, 1] = m[only_alarms, 0]
                m[only_alarms, 2] = m[only_alarms, 3] * 10 ** 0.2
            else:
                band = m[only_alarms, 0] - m[only_alarms, 3]
                m[only_alarms, 1] = m[only_alarms, 0] - 0.05 * band
                m[only_alarms, 2] = m[only_alarms, 3] + 0.05 * band
        fb = _fallback_arrays(classes, cfg, key, conv)
        published = ~np.isnan(m).all(axis=1) & ~(m == 0).all(axis=1)
        with np.errstate(invalid="ignore"):
            level_ok = ~np.isnan(m)
            if sensor in ("rx_power_mw", "tx_power_mw", "tx_bias_ma"):
                level_ok &= m > 0          # 0 mW / 0 mA is no threshold (and -inf dBm silences the lane)
        filled = m.copy()
        for i, lv in enumerate(THRESHOLD_LEVELS):
            filled[:, i] = np.where(level_ok[:, i], m[:, i], fb[lv])
        hi_a, hi_w, lo_w, lo_a = filled[:, 0], filled[:, 1], filled[:, 2], filled[:, 3]
        with np.errstate(invalid="ignore"):
            ordered = (lo_a <= lo_w) & (lo_w <= hi_w) & (hi_w <= hi_a) & (hi_a > lo_a)
        valid = published & ordered
        for i, lv in enumerate(THRESHOLD_LEVELS):
            cols_out[threshold_column(sensor, lv)] = pd.Series(np.where(valid, filled[:, i], fb[lv]), index=idx)
        cols_out[f"{sensor}_source"] = pd.Series(np.array(["module", "mixed", "default"], dtype=object)[
            np.where(valid, np.where(level_ok.all(axis=1), 0, 1), 2)], index=modules.index, dtype=object)
    return pd.DataFrame(cols_out, index=modules.index, copy=False)


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


def _lanes_in_use(lanes: pd.DataFrame, cfg: dict | None = None) -> np.ndarray:
    """Lanes the port really uses (health.evidence.lanes_in_use)."""
    return evidence.lanes_in_use(lanes, cfg or load_thresholds())


def lane_symptoms(snap: Snapshot, thr: pd.DataFrame, cfg: dict,
                  narrow: pd.DataFrame | None = None) -> list[pd.DataFrame]:
    """Per-lane optics symptoms. `narrow` (evidence.ib_reduced_width): IB ports trained narrower
    than they should: their lanes up to the expected width are judged (the failed lane is not
    unused)."""
    lanes = snap.lanes
    if lanes.empty:
        return []
    f = lanes.merge(thr, on=["device", "port"], how="left")
    mods = snap.modules[["device", "port", "media_lanes", "present", "media", "module_state"]]
    f = f.merge(mods, on=["device", "port"], how="left")
    ports = snap.ports[["device", "port", "admin_up", "oper_up", "lanes", "speed_gbps"]].rename(
        columns={"lanes": "port_lanes"})
    if narrow is not None and len(narrow):
        ports = ports.merge(narrow[["device", "port", "expected"]], on=["device", "port"], how="left")
        exp = ports.pop("expected").to_numpy(dtype="float64", na_value=np.nan)
        pl = ports["port_lanes"].to_numpy(dtype="float64", na_value=np.nan)
        ports["port_lanes"] = pd.array(np.where(np.isnan(exp), pl, exp), dtype="Float64").astype("Int64")
    f = f.merge(ports, on=["device", "port"], how="left")
    # a breakout whose sub-ports own fewer module lanes than host lanes (400G-DR4 split 4 x 100G):
    # each sub-port owns its media lanes; names still step by host lanes
    bml = evidence.breakout_media_lanes(snap)
    if bml:
        kn = f["port_lanes"].to_numpy(dtype="float64", na_value=np.nan)
        f["_name_lanes"] = kn
        f["port_lanes"] = pd.array(evidence.breakout_lanes_of(f["device"], f["port"], kn, bml), dtype="Float64").astype("Int64")
    # a module printed whole under each port it serves: each port judges its own lane group,
    # numbered within the port to tell which of them it uses (symptoms keep the module's lane)
    owned, offset = evidence.shared_lane_offset(f, evidence.module_share(snap.modules),
                                                f["port_lanes"].to_numpy(dtype="float64", na_value=np.nan))
    f, offset = f[owned].reset_index(drop=True), offset[owned]
    # ports with no module row still get fallback thresholds
    fb = cfg["optics"]["fallback"]
    for sensor, (key, conv) in _SENSORS.items():
        for lv in THRESHOLD_LEVELS:
            c = threshold_column(sensor, lv)
            f[c] = f[c].fillna(conv(fb[key][lv]))
    floor = evidence.dark_floor_mw(cfg)
    # copper (DAC/ACC) has no optics: its power readings (often -inf or 0) say nothing
    known_ports = pd.MultiIndex.from_frame(snap.ports[["device", "port"]]) if len(snap.ports) else None
    fl = f.assign(lane=f["lane"].to_numpy(dtype="float64", na_value=np.nan) - offset) if offset.any() else f
    in_use = evidence.lanes_in_use(fl, cfg, known_ports) & ~f["media"].isin(["dac", "acc"]).to_numpy()
    # the port each lane belongs to (a breakout module's lanes read on its first sub-port belong to
    # the siblings): lanes are compared with the other lanes of their own port only
    f = f.assign(_owner=_lane_owner(f, known_ports))
    admin = evidence.admin_state(f, floor)          # 1 up (reported or inferred), 0 down, NaN unknown
    admin_up = admin == 1.0
    admin_not_down = ~(admin == 0.0)
    dark = evidence.dark_lanes(f, cfg)
    rx = f["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        lit_rx = (rx > floor) & ~dark
    los = f["rx_los"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    # a port with some lanes lit and some dark is partially dark whatever its admin state says; a
    # module's own LOS flag is evidence even when the admin state is unknown
    some_lit = pd.Series(lit_rx & in_use).groupby([f["device"], f["_owner"]], sort=False).transform("any").to_numpy()
    dark_finding = dark & in_use & (admin_up | (admin_not_down & (some_lit | los)))
    f = f.assign(_dark_thr=np.where(los & ~(rx <= floor), np.nan, floor))
    out = [_emit(f, dark_finding, "dark_lane", "critical", "rx_power_mw", "_dark_thr", "mW",
                 "no light received")]
    judged = in_use & admin_not_down
    rx_judged = judged & ~dark
    out += _compare(f, "rx_power_mw", "rx_power", "mW", rx_judged)
    powered = judged & (admin_up | np.isnan(admin))  # an admin-down port may turn its laser off
    tx_low = _compare(f, "tx_power_mw", "tx_power", "mW", powered)
    out += tx_low + _tx_imbalance(f, powered, cfg, tx_low)
    out += _tx_vs_peers(f, powered, cfg, out, snap.modules)
    out += _rx_imbalance(f, rx_judged, cfg, out)
    out += _compare(f, "tx_bias_ma", "tx_bias", "mA", powered)
    # rx_los is read into dark_lane above; LOL and faults as flags. Tx LOS/LOL are the module's
    # host side (the electrical signal from the ASIC): they point at this port, not the far module.
    for flag, sev, detail in (("rx_los", "critical", "flag asserted by the module"),
                              ("rx_lol", "critical", "flag asserted by the module"),
                              ("tx_fault", "critical", "flag asserted by the module"),
                              ("tx_los", "critical", "host-side loss of signal: no electrical signal from the port/ASIC"),
                              ("tx_lol", "critical", "host-side loss of lock on the signal from the port/ASIC")):
        asserted = f[flag].astype("boolean").fillna(False).to_numpy(dtype=bool)
        out.append(_emit(f, asserted & judged & (admin_up | some_lit | np.isnan(admin)), flag, sev, None, np.nan, "",
                         detail))
    out += _flag_only_symptoms(f, judged)
    return _to_owner_ports(out, snap)


def _lane_owner(f: pd.DataFrame, known: pd.MultiIndex | None) -> np.ndarray:
    """Per lane row of `f` (device, port, lane, port_lanes): the port that owns the lane
    (health.evidence.breakout_owner for lanes past the port's lane count, else the port)."""
    port = f["port"].to_numpy(dtype=object)
    if known is None or "port_lanes" not in f:
        return port
    lane = f["lane"].to_numpy(dtype="float64", na_value=np.nan)
    k = f["port_lanes"].to_numpy(dtype="float64", na_value=np.nan)
    kn = f["_name_lanes"].to_numpy(dtype="float64", na_value=np.nan) if "_name_lanes" in f else k
    with np.errstate(invalid="ignore"):
        beyond = (k > 0) & (lane > k)
    if not beyond.any():
        return port
    idx = np.flatnonzero(beyond)
    out = port.copy()
    sub = f.iloc[idx]
    out[idx] = evidence.breakout_owner(sub["device"], sub["port"], lane[idx], k[idx], known, kn[idx])
    return out


def _to_owner_ports(parts: list[pd.DataFrame], snap: Snapshot) -> list[pd.DataFrame]:
    """A breakout module's lanes are read on its first sub-port: lane symptoms past that port's lane
    count move to the sibling sub-port that owns the lane (health.evidence.breakout_owner)."""
    parts = [p for p in parts if len(p)]
    if not parts or snap.ports.empty:
        return parts
    pl = snap.ports[["device", "port", "lanes"]].drop_duplicates(["device", "port"])
    known = pd.MultiIndex.from_frame(pl[["device", "port"]])
    lanes = pl["lanes"].to_numpy(dtype="float64", na_value=np.nan)
    bml = evidence.breakout_media_lanes(snap)
    out = []
    for p in parts:
        lane = p["lane"].to_numpy(dtype="float64", na_value=np.nan)
        # each part's ports looked up in the one index of the ports table (a merge per part
        # re-hashed every port of the fabric)
        at = known.get_indexer(pd.MultiIndex.from_arrays([p["device"], p["port"]]))
        kn = np.where(at >= 0, lanes[at], np.nan)
        k = evidence.breakout_lanes_of(p["device"], p["port"], kn, bml)
        with np.errstate(invalid="ignore"):
            if not ((k > 0) & (lane > k)).any():
                out.append(p)
                continue
        owner = evidence.breakout_owner(p["device"], p["port"], lane, k, known, kn)
        out.append(p.assign(port=owner))
    return out


def _rx_imbalance(f: pd.DataFrame, judged: np.ndarray, cfg: dict, already: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """One lane's Rx far weaker than the port's strongest lane ([lanes].rx_imbalance_db): loss on that
    strand (an MPO fiber, a dirty ferrule) even when the module's thresholds are wide or unknown."""
    gap = cfg["lanes"].get("rx_imbalance_db")
    if not gap or f.empty:
        return []
    rx = f["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        dbm = np.where(rx > 0, 10.0 * np.log10(rx), np.nan)
    s = pd.Series(np.where(judged, dbm, np.nan), index=f.index)
    key = [f["device"], f["_owner"] if "_owner" in f else f["port"]]
    best = s.groupby(key, sort=False).transform("max").to_numpy()
    n = s.notna().groupby(key, sort=False).transform("sum").to_numpy()
    weak = judged & (n >= 2) & (dbm < best - gap)
    if not weak.any():
        return []
    weak &= ~_flagged_lanes(f, already)
    g = f.assign(_thr=np.power(10.0, (best - gap) / 10.0))
    return [_emit(g, weak, "rx_power_low", "warning", "rx_power_mw", "_thr", "mW",
                  f"more than {gap:g} dB below the port's strongest lane (Rx imbalance)")]


def _flagged_lanes(f: pd.DataFrame, already: list[pd.DataFrame]) -> np.ndarray:
    """Per lane row of `f`: does a symptom frame of `already` hold its (device, port, lane)?"""
    flagged = [a[["device", "port", "lane"]] for a in already if len(a)]
    if not flagged:
        return np.zeros(len(f), dtype=bool)
    known = pd.MultiIndex.from_frame(pd.concat(flagged, ignore_index=True).astype({"lane": "Int64"}))
    here = pd.MultiIndex.from_arrays([f["device"], f["port"], f["lane"].astype("Int64")])
    return np.asarray(here.isin(known), dtype=bool)


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
    key = [f["device"], f["_owner"] if "_owner" in f else f["port"]]
    med = s.groupby(key, sort=False).transform("max").to_numpy()  # the module's strongest lane
    n = s.notna().groupby(key, sort=False).transform("sum").to_numpy()
    weak = judged & (n >= 2) & (dbm < med - gap)
    if weak.any():
        weak &= ~_flagged_lanes(f, already)
    g = f.assign(_thr=np.power(10.0, (med - gap) / 10.0))
    return [_emit(g, weak, "tx_power_low", "warning", "tx_power_mw", "_thr", "mW",
                  f"more than {gap:g} dB below the module's other lanes")]


def _tx_vs_peers(f: pd.DataFrame, judged: np.ndarray, cfg: dict, already: list[pd.DataFrame],
                 modules: pd.DataFrame) -> list[pd.DataFrame]:
    """A module that publishes no Tx thresholds (judged against the class fallback, far too wide for
    a laser that lost most of its power) is compared with its peers: the modules of the same part
    number on the same device. A lane [lanes].tx_peer_drop_db under the peers' median Tx is a weak
    transmitter (all lanes of a decaying module drop together, so the module's own lanes cannot
    show it). Needs [lanes].tx_peer_min_modules peers; 0 dB turns the rule off."""
    gap = cfg["lanes"].get("tx_peer_drop_db")
    need = int(cfg["lanes"].get("tx_peer_min_modules", 4))
    if not gap or f.empty or "tx_power_mw_source" not in f or modules.empty or "part_number" not in modules:
        return []
    pn = modules[["device", "port", "part_number"]].drop_duplicates(["device", "port"])
    part = f[["device", "port"]].merge(pn, on=["device", "port"], how="left")["part_number"]
    part = part.astype(object).where(part.notna() & (part.astype(str).str.strip() != ""), None).to_numpy(dtype=object)
    tx = f["tx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        dbm = np.where(tx > 0, 10.0 * np.log10(tx), np.nan)
    use = judged & pd.notna(part) & ~np.isnan(dbm)
    if not use.any():
        return []
    g = pd.DataFrame({"device": f["device"].to_numpy(), "part": part, "port": f["port"].to_numpy(),
                      "dbm": np.where(use, dbm, np.nan)})
    key = [g["device"], g["part"]]
    med = g.groupby(key, sort=False, dropna=False)["dbm"].transform("median").to_numpy()
    mods = g[use].drop_duplicates(["device", "part", "port"]).groupby(["device", "part"], sort=False).size()
    n = pd.MultiIndex.from_arrays(key).map(mods.to_dict()).to_numpy(dtype="float64", na_value=0.0) \
        if len(mods) else np.zeros(len(g))
    unpublished = (f["tx_power_mw_source"].astype(object) == "default").to_numpy(dtype=bool)
    weak = use & unpublished & (n >= need) & (dbm < med - gap)
    if not weak.any():
        return []
    weak &= ~_flagged_lanes(f, [a for a in already if len(a) and (a["rule"] == "tx_power_low").any()])
    h = f.assign(_thr=np.power(10.0, (med - gap) / 10.0))
    return [_emit(h, weak, "tx_power_low", "warning", "tx_power_mw", "_thr", "mW",
                  f"more than {gap:g} dB below the median Tx of the modules of its type on this device (the "
                  "module publishes no Tx thresholds)")]


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


def loss_budget_symptoms(snap: Snapshot, thr: pd.DataFrame, cfg: dict, already: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Link loss per lane: the far end's Tx (found through LLDP, port ids mapped through the far
    device's port table) minus this end's Rx, over the loss budget of this module's class
    ([lanes.loss_budget_db]): loss on that strand even when the Rx thresholds are missing or wide.
    Lanes already low or dark are not repeated."""
    budgets = cfg["lanes"].get("loss_budget_db")
    L, nb = snap.lanes, snap.neighbors
    if not budgets or L.empty or nb.empty:
        return []
    from netdiag.fabric.cabling import canonical_far_ports

    pairs = canonical_far_ports(nb[["device", "port", "remote_device", "remote_port", "remote_port_descr"]], snap.ports)
    pairs = pairs.dropna(subset=["remote_device", "remote_port"]).drop_duplicates(["device", "port"], keep=False)
    if pairs.empty:
        return []
    # lanes matched by their number within each port (a twin-port module's second port drives
    # module lanes 5-8 against the far module's 1-4)
    L = evidence.owned_lanes(snap)
    near = L[["device", "port", "lane", "port_lane", "rx_power_mw"]].merge(
        pairs[["device", "port", "remote_device", "remote_port"]], on=["device", "port"])
    far = L[["device", "port", "port_lane", "tx_power_mw"]].rename(
        columns={"device": "remote_device", "port": "remote_port", "tx_power_mw": "far_tx_mw"})
    f = near.merge(far, on=["remote_device", "remote_port", "port_lane"])
    if f.empty:
        return []
    f = f.merge(thr[["device", "port", "module_class"]], on=["device", "port"], how="left")
    mods = snap.modules[["device", "port", "media"]].drop_duplicates(["device", "port"])
    f = f.merge(mods, on=["device", "port"], how="left")
    rx = f["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
    tx = f["far_tx_mw"].to_numpy(dtype="float64", na_value=np.nan)
    floor = evidence.dark_floor_mw(cfg)
    cls = f["module_class"].astype(object).fillna("default").to_numpy()
    codes, classes = pd.factorize(cls, use_na_sentinel=False)   # the budget once per module class
    per_class = pd.Series([budgets.get(c, budgets.get("default")) for c in classes], dtype=object)
    budget = per_class.to_numpy(dtype="float64", na_value=np.nan)[codes] if len(classes) else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = 10 * np.log10(tx) - 10 * np.log10(rx)
        over = (rx > floor) & (tx > floor) & (loss > budget) & ~f["media"].isin(["dac", "acc", "aoc"]).to_numpy()
    if over.any():
        over &= ~_flagged_lanes(f, already)
    if not over.any():
        return []
    g = f.assign(_thr=tx / 10 ** (budget / 10.0))
    e = _emit(g, over, "rx_power_low", "warning", "rx_power_mw", "_thr", "mW", "")
    e["detail"] = [f"link loss {lo:.1f} dB over the {b:g} dB budget ({c}; far Tx {10 * np.log10(t):.2f} dBm at {d}:{p})"
                   for lo, b, c, t, d, p in zip(loss[over], budget[over], cls[over], tx[over],
                                                f["remote_device"].to_numpy()[over], f["remote_port"].to_numpy()[over])]
    return [e]


def port_admin(snap: Snapshot, cfg: dict) -> np.ndarray:
    """Per ports row: 1 admin up (reported or inferred from a lit transmitter / ModuleReady), 0 down,
    NaN unknown (health.evidence.admin_state)."""
    p = snap.ports
    keys = ["device", "port"]
    tx = snap.lanes.groupby(keys, sort=False)["tx_power_mw"].max().rename("tx_power_mw") if len(snap.lanes) else None
    f = p[keys + ["admin_up"]]
    if tx is not None:
        f = f.merge(tx.reset_index(), on=keys, how="left")
    else:
        f = f.assign(tx_power_mw=np.nan)
    f = f.merge(snap.modules[keys + ["module_state"]].drop_duplicates(keys), on=keys, how="left")
    return evidence.admin_state(f, evidence.dark_floor_mw(cfg))


def port_symptoms(snap: Snapshot, cfg: dict) -> list[pd.DataFrame]:
    p = snap.ports
    if p.empty:
        return []
    admin = port_admin(snap, cfg)
    down = (admin == 1.0) & (p["oper_up"].astype("boolean") == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    # a port with nothing plugged in is not a link: only a cage holding a module or cable counts
    plugged = snap.modules.loc[snap.modules["present"].astype("boolean").fillna(False).to_numpy(dtype=bool),
                               ["device", "port"]]
    keys = pd.MultiIndex.from_arrays([p["device"], p["port"]])
    # a breakout sub-port counts when a lane of its cage's module belongs to it (module data sits on
    # the first sub-port)
    # (lanes with an optical reading or flag: a PHY's per-lane error counts, which mlxlink prints for
    # an empty cage too, say nothing of a module being there)
    lo = evidence.lanes_by_owner(snap)
    optic = [c for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma", "rx_los", "tx_los", "tx_fault", "rx_lol", "tx_lol")
             if c in lo.columns]
    if optic and len(lo):
        lo = lo.loc[lo[optic].notna().any(axis=1).to_numpy()]
    owned = lo[["device", "port"]].drop_duplicates()
    has = keys.isin(pd.MultiIndex.from_frame(plugged)) | keys.isin(pd.MultiIndex.from_frame(owned))
    sel = down & has
    out = [_emit(p, sel, "link_down", "critical", None, np.nan, "", "")]
    if len(out[0]):   # the wording for the selected ports only (not a text column over every port)
        inferred = p["admin_up"].isna().to_numpy()[sel]
        out[0]["detail"] = np.where(inferred, "admin state not reported (inferred up: the module transmits or is "
                                    "ready), link down, a module is plugged in",
                                    "admin up, link down, a module is plugged in").astype(object)
    sev = cfg["counters"].get("carrier_changes", "off")
    if sev != "off":
        v = p["carrier_changes"].astype("Float64").fillna(0).to_numpy(dtype="float64")
        out.append(_emit(p, v > 0, "carrier_changes", sev, "carrier_changes", 0.0, "count"))
    return out


def counter_symptoms(snap: Snapshot, cfg: dict, device_platforms: dict[str, str] | None) -> list[pd.DataFrame]:
    """Counters read once are counts since the last clear. Each configured counter is judged:
    - as a rate where the platform reports the time since the clear (evidence.lifetime_rate_severity);
      otherwise at its configured severity, the detail saying it is a lifetime count;
    - CRC/FCS errors on a port whose PHY reports its own FEC/symbol counters clean are corrupted
      frames forwarded from upstream (cut-through), not this link: info, not a fault."""
    c = snap.counters
    if c.empty:
        return []
    out = []
    secs = c["time_since_clear_s"].to_numpy(dtype="float64", na_value=np.nan)
    frames = c["rx_packets"].to_numpy(dtype="float64", na_value=np.nan)
    downs = c["link_down_events"].to_numpy(dtype="float64", na_value=np.nan)
    wsecs = (c["window_s"].to_numpy(dtype="float64", na_value=np.nan) if "window_s" in c.columns
             else np.full(len(c), np.nan))
    phy_known, phy_bad = evidence.phy_local(c, snap.fec_histogram)
    crc_like = set(cfg.get("counter_semantics", {}).get("forwardable", ["rx_crc_errors"]))
    for col, sev in cfg["counters"].items():
        if not isinstance(sev, str) or sev == "off" or col not in c.columns:
            continue
        v = c[col].astype("Float64").fillna(0).to_numpy(dtype="float64")
        wcol = f"{col}_window"
        win = (c[wcol].to_numpy(dtype="float64", na_value=np.nan) if wcol in c.columns
               else np.full(len(c), np.nan))
        idx = np.flatnonzero((v > 0) | (win > 0))   # only the non-zero rows are judged (a fleet is mostly zeros)
        if not len(idx):
            continue
        sevs, per_h, per_f = evidence.lifetime_rate_severity(v[idx], secs[idx], sev, cfg, frames[idx], downs[idx])
        detail = np.array([
            f"lifetime count: {h:.3g} per hour since the last clear" if h == h else
            f"lifetime count: {fr:.3g} per received frame since the last clear (no time base)" if fr == fr else
            "lifetime count since the last clear, within the errors link bring-ups produce (no time base)"
            if sv == "info" else "lifetime count since the last clear, no time base reported"
            for h, fr, sv in zip(per_h, per_f, sevs)], dtype=object)
        if wcol in c.columns:   # the change between two readings the tool took itself overrides the lifetime view
            sevs, detail = evidence.window_severity(win[idx], wsecs[idx], sev, cfg, sevs, detail)
        if col in crc_like:
            fwd = phy_known[idx] & ~phy_bad[idx]
            sevs = np.where(fwd, "info", sevs)
            detail = np.where(fwd, "CRC errors while this port's FEC/symbol counters are clean: corrupted frames "
                                   "forwarded from upstream (cut-through), not this link", detail)
        g = c.iloc[idx].assign(_detail=detail)
        for level in ("critical", "warning", "info"):
            m = sevs == level
            if m.any():
                e = _emit(g, m, col, level, col, 0.0, "count")
                e["detail"] = g["_detail"].to_numpy()[m]
                out.append(e)
    return (out + _ber_symptoms(c, ("raw_ber", "effective_ber", "symbol_ber"), snap, cfg, device_platforms)
            + _estimated_ber_symptoms(snap, cfg, device_platforms)
            + _gross_rx_error_symptoms(snap, cfg, phy_known, phy_bad))


_FEC_OFF = {"none", "off", "no", "disabled", "n/a"}


def _gross_rx_error_symptoms(snap: Snapshot, cfg: dict, phy_known: np.ndarray, phy_bad: np.ndarray) -> list[pd.DataFrame]:
    """Generic receive errors (SONiC RX_ERR, `ip -s link` rx errors) count every bad frame, forwarded
    or not, so they are judged only where the port's own PHY counters say nothing (FEC off, so its
    FEC counters stay zero whatever the line does; or none reported) and only at a share of the
    received frames far above what frames forwarded by cut-through switches reach ([gross_rx_errors])."""
    g = cfg.get("gross_rx_errors") or {}
    c = snap.counters
    sev = g.get("severity", "off")
    if sev == "off" or c.empty or "rx_errors" not in c or "rx_packets" not in c:
        return []
    v = c["rx_errors"].to_numpy(dtype="float64", na_value=np.nan)
    frames = c["rx_packets"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = v / frames
        big = (v >= float(g.get("min_count", 1000))) & (share >= float(g.get("per_frame", 1e-5)))
    if not big.any():
        return []
    fec_off = np.zeros(len(c), bool)
    p = snap.ports
    if len(p) and "fec" in p:   # looked up for the few rows with gross counts only
        idx = np.flatnonzero(big)
        fec = p.drop_duplicates(["device", "port"]).set_index(["device", "port"])["fec"].astype(object)
        f = fec.reindex(pd.MultiIndex.from_arrays([c["device"].to_numpy()[idx], c["port"].to_numpy()[idx]]))
        fec_off[idx] = [isinstance(x, str) and x.strip().lower() in _FEC_OFF for x in f.to_numpy(dtype=object)]
    silent_phy = ~phy_known | fec_off       # nothing this port's PHY says can clear it
    m = big & silent_phy & ~phy_bad         # PHY errors are judged by their own rules
    if not m.any():
        return []
    sub = c[m].assign(_share=share[m], _thr=float(g.get("per_frame", 1e-5)))
    e = _emit(sub, np.ones(len(sub), bool), "rx_errors", sev, "_share", "_thr", "per frame")
    e["detail"] = [f"{s:.2g} of the received frames errored since the last clear, with no FEC/symbol counter "
                   "to tell local errors from forwarded ones (FEC off or not reported); far above what "
                   "cut-through forwarding produces" for s in sub["_share"].to_numpy(dtype="float64")]
    return [e]


def _estimated_ber_symptoms(snap: Snapshot, cfg: dict, device_platforms: dict[str, str] | None) -> list[pd.DataFrame]:
    """Lifetime pre-FEC BER estimated from corrected bits where the port reports none
    (evidence.lifetime_pre_fec_ber), judged against raw_ber limits times [ber_estimate].margin."""
    est = evidence.lifetime_pre_fec_ber(snap.counters, cfg)
    if est.empty:
        return []
    out = _ber_symptoms(est, ("raw_ber",), snap, cfg, device_platforms)
    margin = float(cfg["ber_estimate"].get("margin", 1.0))
    for e in out:
        if len(e):
            e["value"] = e["value"].to_numpy(dtype="float64") * margin
            e["threshold"] = e["threshold"].to_numpy(dtype="float64") * margin
            e["detail"] = (e["detail"].astype(str) + f" x {margin:g}: estimated from the FEC-corrected bits per "
                           "received bit since the last clear")
    return out


def _fec_tail_symptoms(snap: Snapshot, cfg: dict) -> list[pd.DataFrame]:
    """Codewords in the FEC histogram's tail bins (evidence.fec_tail): the link corrects errors at
    the edge of what FEC can; PHY-local evidence for this receiver."""
    t = evidence.fec_tail(snap.fec_histogram, cfg)
    if t.empty:
        return []
    sev = cfg.get("fec_histogram", {}).get("severity", "warning")
    if sev == "off":
        return []
    t = t.assign(_thr=float(cfg.get("fec_histogram", {}).get("tail_bin", 13)))
    e = _emit(t, np.ones(len(t), bool), "fec_histogram_tail", sev, "tail", "_thr", "codewords", "")
    e["detail"] = [f"{f:.2g} of the codewords in the FEC histogram's tail bins (little FEC margin left)"
                   for f in t["fraction"].to_numpy(dtype="float64")]
    return [e]


def _ber_symptoms(frame: pd.DataFrame, columns, snap: Snapshot, cfg: dict,
                  device_platforms: dict[str, str] | None) -> list[pd.DataFrame]:
    """Device-reported BER (port or lane) over the limits of the port's technology, FEC mode, lane
    rate and media (evidence.ber_profile)."""
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
    tables = {p: v for p, v in cfg["ber"].items() if isinstance(v, dict)}
    for ber in present:
        v = frame[ber].to_numpy(dtype="float64", na_value=np.nan)
        judged = v * evidence.ber_count_factor(frame, ber, cfg)
        err = prof.map({p: t[ber][0] for p, t in tables.items() if ber in t}).to_numpy(dtype="float64", na_value=np.nan)
        warn = prof.map({p: t[ber][1] for p, t in tables.items() if ber in t}).to_numpy(dtype="float64", na_value=np.nan)
        f = frame.assign(_err=err, _warn=warn)
        with np.errstate(invalid="ignore"):
            crit = judged > err
            wrn = (judged > warn) & ~crit
        for m, sev, thr in ((crit, "critical", "_err"), (wrn, "warning", "_warn")):
            e = _emit(f, m, ber, sev, ber, thr, "")
            if len(e):
                e["detail"] = (("over error limit (" if sev == "critical" else "over warning limit (")
                               + prof[m].astype(str).to_numpy() + ")")
            out.append(e)
    return out


def ber_profiles(frame: pd.DataFrame, snap: Snapshot, device_platforms: dict[str, str] | None) -> pd.Series:
    """Which BER table applies to each row of `frame` (device, port): InfiniBand (DAC or optical)
    from the device's platform and the port's name, Ethernet by FEC mode x lane rate from the
    ports table (evidence.ber_profile)."""
    # per distinct device and port name, then spread to the rows (a fleet repeats port names)
    dcodes, devs = pd.factorize(frame["device"], use_na_sentinel=False)
    plat = pd.Series(devs).map(device_platforms or {}).astype("object").fillna("").astype(str)
    pcodes, pnames = pd.factorize(frame["port"], use_na_sentinel=False)
    ib_port = pd.Series(pnames).astype(str).str.match(r"^mlx\d+_\d+/\d+$").to_numpy(dtype=bool)
    ib = plat.str.startswith("ib").to_numpy(dtype=bool)[dcodes] | ib_port[pcodes]
    keys = frame[["device", "port"]]
    media = keys.merge(snap.modules[["device", "port", "media"]].drop_duplicates(["device", "port"]),
                       on=["device", "port"], how="left")["media"].to_numpy()
    pr = keys.merge(snap.ports[["device", "port", "fec", "speed_gbps", "lanes"]].drop_duplicates(["device", "port"]),
                    on=["device", "port"], how="left")
    dac = np.isin(media, ["dac", "acc"])
    prof = evidence.ber_profile(pr["fec"], pr["speed_gbps"].to_numpy(dtype="float64", na_value=np.nan),
                                pr["lanes"].to_numpy(dtype="float64", na_value=np.nan), ib, dac)
    return pd.Series(prof, index=frame.index)


def _reduced_width_symptoms(snap: Snapshot, narrow: pd.DataFrame, cfg: dict) -> list[pd.DataFrame]:
    """An IB link up at fewer lanes than its device's other links ([ports].reduced_width severity):
    a lane failed during training (dead laser, broken strand, bad lane of a cable or port)."""
    sev = cfg.get("ports", {}).get("reduced_width", "warning")
    if narrow is None or narrow.empty or sev == "off":
        return []
    p = snap.ports.merge(narrow, on=["device", "port"], how="inner")
    e = _emit(p, np.ones(len(p), dtype=bool), "reduced_width", sev, "lanes", "expected", "lanes")
    e["detail"] = [f"link up at {t:.0f}x of {x:.0f}x (the device's other links train at {x:.0f}x): "
                   "a lane failed during training" for t, x in zip(p["trained"], p["expected"])]
    return [e]


def symptoms(snap: Snapshot, cfg: dict | None = None, device_platforms: dict[str, str] | None = None) -> pd.DataFrame:
    """All symptoms of one snapshot, worst first."""
    cfg = cfg or load_thresholds()
    thr = effective_thresholds(snap.modules, cfg)
    narrow = evidence.ib_reduced_width(snap, device_platforms)
    parts = lane_symptoms(snap, thr, cfg, narrow)
    parts += loss_budget_symptoms(snap, thr, cfg, parts)
    parts += module_symptoms(snap, thr, cfg) + port_symptoms(snap, cfg) + _reduced_width_symptoms(snap, narrow, cfg)
    parts += counter_symptoms(snap, cfg, device_platforms)
    parts += _fec_tail_symptoms(snap, cfg)
    parts += _ber_symptoms(snap.lanes, ("raw_ber",), snap, cfg, device_platforms)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    s = pd.concat(parts, ignore_index=True)
    s["lane"] = s["lane"].astype("Int64")
    s["_rank"] = s["severity"].map(SEVERITY_RANK)
    s = s.sort_values(["_rank", "device", "port", "lane"], ascending=[False, True, True, True], kind="stable")
    return s.drop(columns="_rank").reset_index(drop=True)

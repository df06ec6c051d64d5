"""Cisco NX-OS transceiver DOM: `show interface transceiver [details]`, text and `| json`.

Formats
-------
* ``nxos-transceiver-text`` — one block per interface, column 0 ``Ethernet1/1`` then indented
  ``key is value`` lines (``transceiver is present``, ``type is``, ``name is`` (vendor),
  ``part number is``, ``revision is``, ``serial number is``, ``Link length supported for copper is
  3.45 m``); with ``details`` a "SFP Detail Diagnostics Information" table per module or, for
  multi-lane modules (QSFP/QSFP-DD/OSFP/CFP), one table per ``Lane Number:N Network Lane``. Table
  rows: Temperature, Voltage, Current, Tx Power, Rx Power, each ``<reading> <unit> [flag]`` then
  the thresholds under "Alarms High Low / Warnings High Low" (column order read from the header).
  ``DOM is not supported`` marks a module without diagnostics; ``transceiver is not present`` an
  empty cage (``not applicable``, a port without a cage, leaves presence unknown; ``DOM is
  Disabled`` too says nothing about the module).
* ``nxos-transceiver-json`` — the same command with ``| json`` (NX-API): ``TABLE_interface.ROW_interface``
  (a list, or one object), fields ``interface``, ``sfp`` (present / not present), ``type``,
  ``name``, ``partnum``, ``rev``, ``serialnum``, and the DOM either directly in the row (SFP) or per
  lane in ``TABLE_lane.ROW_lane`` (or nested deeper: any TABLE_*/ROW_* object holding the readings) (``lane_number``, ``temperature``, ``temp_alrm_hi`` ..
  ``temp_warn_lo``, ``voltage``/``volt_*``, ``current``/``current_*``, ``tx_pwr``/``tx_pwr_*``,
  ``rx_pwr``/``rx_pwr_*``, ``*_flag``); values are strings, "N/A" is unreported.

Mapping: one ``modules`` row per interface (present, identity, media class from the Cisco type —
``...-CU3M``/``PCC`` dac, ``AOC`` aoc, ``SR``/``LR``/``DR``/``FR``... optical, nothing for
``1000base-T`` —, temperature, voltage, the module's
thresholds — NX-OS repeats them per lane; the first lane that gives a set is kept), one ``lanes``
row per lane that reports Current/Tx/Rx (lane numbers as printed; an SFP is lane 1). A flag becomes
an alarm ``<sensor>_<level>`` (``rx_power_low_alarm``) on the lane (bias/Tx/Rx) or the module
(temperature/voltage). A "Lane Number:N Common Diagnostic Information" table (CFP) holds module-wide
values only. Power in dBm -> mW; "N/A" -> null; all-zero sensor rows (external calibration without
diagnostics) -> null.
"""

from __future__ import annotations

import json
import re
from typing import Any

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._cisco_common import FLAGS, SENSORS, conv, media_of, value_token

_PORT_LINE = re.compile(r"^((?:Ethernet|Eth|mgmt)\d[\w/.:-]*)\s*$")
_KV = re.compile(r"^\s+(.+?)\s+is\s+(.*?)\s*$")
_LANE = re.compile(r"^\s*Lane Number\s*:\s*(\d+)\s*(.*)$", re.IGNORECASE)
_ROW = re.compile(r"^\s*(Temperature|Voltage|Current|Bias Current|Tx Power|Rx Power)\s+(.*)$", re.IGNORECASE)
_LEVEL_ORDER_DEFAULT = ("high_alarm", "low_alarm", "high_warn", "low_warn")
_UNITS = frozenset(("c", "f", "v", "mv", "ma", "ua", "dbm", "mw"))


def _looks_text(text: str) -> bool:
    head = text[:8000]
    return (re.search(r"(?m)^\s+transceiver is (?:not )?present\s*$", head) is not None
            and re.search(r"(?m)^(?:Ethernet|Eth|mgmt)\d[\w/.:-]*\s*$", head) is not None)


def _row_values(rest: str) -> tuple[list[tuple[float | None, str | None]], str | None] | None:
    """'0.43 mA  --   11.80 mA  4.00 mA ...' -> ([(value, unit)...], flag of the reading)."""
    vals: list[tuple[float | None, str | None]] = []
    flag = None
    for tok in rest.split():
        low = tok.lower()
        if low in _UNITS:
            if vals and vals[-1][1] is None:
                vals[-1] = (vals[-1][0], low)
            continue
        if tok in FLAGS:
            if len(vals) == 1:
                flag = FLAGS[tok]
            continue
        ok, f, glued = value_token(tok)
        if not ok:
            # '0.00dBm' glued units
            m = re.match(r"^([-+]?\d+(?:\.\d+)?)(c|v|ma|dbm|mw)$", low)
            if not m:
                return None
            f, glued = float(m.group(1)), None
            vals.append((f, m.group(2)))
            continue
        if glued and len(vals) == 0:
            flag = glued
        vals.append((f, None))
    return vals, flag


def _apply(mod: dict, lane: dict | None, sensor: str, vals, flag, have_th: set) -> bool:
    """Store one table row; returns True when the row carried a reading or thresholds."""
    col, table, tsensor, prefix = SENSORS[sensor]
    reading, unit = vals[0]
    th = vals[1:5]
    unit = unit or next((u for _v, u in th if u), None)
    order = _LEVEL_ORDER_DEFAULT
    given = [v for v, _u in th if v is not None]
    zero = bool(given) and all(v == 0.0 for v in given)
    if zero and (reading is None or reading == 0.0):
        reading = None          # external calibration without diagnostics: nothing reported
    value = conv(col, reading, unit)
    if given and not zero and tsensor not in have_th:
        have_th.add(tsensor)
        for (v, u), lv in zip(th, order):
            if v is not None:
                mod[f"{tsensor}_{lv}"] = conv(col, v, u or unit)
    alarm = f"{prefix}_{flag}" if flag else None
    if table == "modules":
        if value is not None and mod.get(col) is None:
            mod[col] = value
        if alarm:
            mod.setdefault("alarms", []).append(alarm)
    elif lane is not None:
        if value is not None:
            lane[col] = value
        if alarm:
            lane.setdefault("alarms", []).append(alarm)
    return value is not None or bool(given and not zero)


@register("nxos-transceiver-text", tables=("modules", "lanes"), detect=_looks_text, priority=38,
          description="Cisco NX-OS: show interface transceiver [details] (text, per-lane DOM tables)")
def parse_nxos_transceiver_text(text: str, ctx: Context) -> Tables:
    modules: list[dict] = []
    lanes: list[dict] = []
    mod: dict | None = None
    mlanes: dict[int, dict] = {}
    have_th: set[str] = set()
    lane_no = 1
    common = False
    blocks = 0

    def finish():
        if mod is None:
            return
        if mod.get("present") is None and (len(mod) > 1 or mlanes):
            mod["present"] = True
        if mod.get("present"):
            m = media_of(mod.get("identifier"), mod.get("length_m") is not None)
            if m:
                mod["media"] = m
            if m != "dac":
                mod.pop("length_m", None)  # 'supported for copper' of an RJ45 module is its reach
        modules.append(mod)
        for n in sorted(mlanes):
            ln = mlanes[n]
            if any(ln.get(c) is not None for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma")) or ln.get("alarms"):
                lanes.append(ln)

    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _PORT_LINE.match(line)
        if m:
            finish()
            port = m.group(1)
            if port.startswith("Eth") and not port.startswith("Ethernet"):
                port = "Ethernet" + port[3:]
            mod, mlanes, have_th, lane_no, common = {"port": port}, {}, set(), 1, False
            blocks += 1
            continue
        if mod is None:
            continue
        s = line.strip()
        if s.lower() == "dom is not supported":
            mod["dom_supported"] = False
            continue
        lm = _LANE.match(line)
        if lm:
            lane_no = int(lm.group(1))
            common = "common" in lm.group(2).lower()
            continue
        rm = _ROW.match(line)
        if rm and ("Alarms" in line or "Measurement" in line):
            continue  # the table header ('Current   Alarms   Warnings')
        if rm:
            got = _row_values(rm.group(2))
            if got is None or not got[0]:
                raise ParseError(f"unreadable DOM row for {mod['port']}", line=i, text=s)
            vals, flag = got
            while len(vals) < 5:
                vals.append((None, None))
            sensor = rm.group(1).lower().replace("bias current", "bias")
            lane = None
            if SENSORS[sensor][1] == "lanes" and not common:
                lane = mlanes.setdefault(lane_no, {"port": mod["port"], "lane": lane_no})
            if _apply(mod, lane, sensor, vals, flag, have_th):
                mod["dom_supported"] = True
            continue
        kv = _KV.match(line)
        if kv:
            key, val = kv.group(1).strip().lower(), kv.group(2).strip()
            if key == "transceiver":
                # 'present' / 'not present'; 'not applicable' (a fixed port) says nothing of a module
                if val.lower() in ("present", "not present"):
                    mod["present"] = val.lower() == "present"
            elif key == "type" and val:
                mod["identifier"] = val
            elif key == "name" and val:
                mod["vendor"] = val
            elif key == "part number" and val:
                mod["part_number"] = val
            elif key == "revision" and val:
                mod["revision"] = val
            elif key == "serial number" and val:
                mod["serial"] = val
            elif key.startswith("link length supported for copper"):
                lm2 = re.match(r"^([\d.]+)\s*(m|km)\b", val)
                if lm2:
                    mod["length_m"] = float(lm2.group(1)) * (1000.0 if lm2.group(2) == "km" else 1.0)
            elif key.startswith("nominal transmitter wavelength"):
                wm = re.match(r"^([\d.]+)\s*nm", val)
                if wm:
                    mod["wavelength_nm"] = float(wm.group(1))
            elif key == "media lane count":
                if val.isdigit():
                    mod["media_lanes"] = int(val)
    finish()
    if blocks == 0:
        raise ParseError("no interface block ('Ethernet1/1' followed by 'transceiver is ...'): "
                         "not NX-OS show interface transceiver output", line=1)
    if not any(len(m) > 1 for m in modules) and "transceiver is" not in text:
        raise ParseError("no 'transceiver is present / not present' line in any interface block")
    return {"modules": modules, "lanes": lanes}


# --- | json --------------------------------------------------------------------------------------

_J_SENSORS = (  # json prefix of readings, prefix of thresholds, sensor
    ("temperature", "temp", "temperature"),
    ("voltage", "volt", "voltage"),
    ("current", "current", "current"),
    ("tx_pwr", "tx_pwr", "tx power"),
    ("rx_pwr", "rx_pwr", "rx power"),
)
_J_LEVELS = (("alrm_hi", "high_alarm"), ("alrm_lo", "low_alarm"), ("warn_hi", "high_warn"), ("warn_lo", "low_warn"))
_J_FLAG = {"++": "high_alarm", "+": "high_warn", "-": "low_warn", "--": "low_alarm"}


def _looks_json(text: str) -> bool:
    head = text[:20000]
    return '"TABLE_interface"' in head and '"ROW_interface"' in head and (
        '"sfp"' in head or '"serialnum"' in head or '"tx_pwr"' in head or '"partnum"' in head)


def _rows(v: Any) -> list:
    if isinstance(v, list):
        return [x for x in v if isinstance(x, dict)]
    return [v] if isinstance(v, dict) else []


def _jnum(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        ok, f, _flag = value_token(v.split()[0] if v.split() else "")
        if not ok:
            raise ValueError(f"not a number: {v!r}")
        return f
    raise ValueError(f"not a number: {v!r}")


def _jflag(v: Any) -> str | None:
    if isinstance(v, list):
        v = next((x for x in v if isinstance(x, str) and x.strip()), None)
    if isinstance(v, str) and v.strip() in _J_FLAG:
        return _J_FLAG[v.strip()]
    return None


_DOM_KEYS = ("temperature", "tx_pwr", "rx_pwr", "current", "voltage")


def _dom_rows(row: dict, depth: int = 0) -> list[dict]:
    """The objects holding DOM readings under one interface row: the row itself (SFP on some
    releases), TABLE_lane/ROW_lane (per lane), or deeper TABLE_*/ROW_* nestings other releases use
    (e.g. TABLE_calibration/ROW_calibration/TABLE_detail/ROW_detail)."""
    out = [row] if any(k in row for k in _DOM_KEYS) else []
    if depth > 4:
        return out
    for k, v in row.items():
        if k.startswith("TABLE_") and isinstance(v, dict):
            for inner in v.values():
                for r in _rows(inner):
                    out.extend(_dom_rows(r, depth + 1))
    return out


@register("nxos-transceiver-json", tables=("modules", "lanes"), detect=_looks_json, priority=38,
          description="Cisco NX-OS: show interface transceiver details | json (NX-API, per lane)")
def parse_nxos_transceiver_json(text: str, ctx: Context) -> Tables:
    s = text.strip()
    i = s.find("{")
    if i < 0 or i > 400:
        raise ParseError("not NX-OS JSON (no JSON object)", line=1)
    try:
        doc, _end = json.JSONDecoder().raw_decode(s[i:])
    except ValueError as e:
        raise ParseError(f"NX-OS show interface transceiver: invalid or truncated JSON: {e}",
                         line=getattr(e, "lineno", None)) from None
    # NX-API envelope: {"ins_api": {"outputs": {"output": {"body": {...}}}}} or a bare body
    for _ in range(6):
        if not isinstance(doc, dict) or "TABLE_interface" in doc:
            break
        nxt = None
        for k in ("ins_api", "outputs", "output", "body", "result"):
            if isinstance(doc.get(k), (dict, list)):
                nxt = doc[k]
                break
        if isinstance(nxt, list):
            nxt = next((x for x in nxt if isinstance(x, dict)), None)
        doc = nxt
    if not isinstance(doc, dict) or not isinstance(doc.get("TABLE_interface"), dict):
        raise ParseError("not NX-OS show interface transceiver JSON (no TABLE_interface object)")
    modules, lanes = [], []
    for row in _rows(doc["TABLE_interface"].get("ROW_interface")):
        port = row.get("interface")
        if not isinstance(port, str) or not port.strip():
            continue
        port = port.strip()
        mod: dict[str, Any] = {"port": port}
        sfp = row.get("sfp")
        if isinstance(sfp, str):
            mod["present"] = sfp.strip().lower() == "present"
        for src, col in (("type", "identifier"), ("name", "vendor"), ("partnum", "part_number"),
                         ("rev", "revision"), ("serialnum", "serial")):
            v = row.get(src)
            if isinstance(v, str) and v.strip():
                mod[col] = v.strip()
        lane_rows = _dom_rows(row)
        have_th: set[str] = set()
        dom = False
        for lr in lane_rows:
            try:
                n = int(str(lr.get("lane_number", "1")).strip() or 1)
            except ValueError:
                n = 1
            lane = {"port": port, "lane": n}
            for key, tpre, sensor in _J_SENSORS:
                if key not in lr and not any(f"{tpre}_{lv}" in lr for lv, _ in _J_LEVELS):
                    continue
                try:
                    vals = [(_jnum(lr.get(key)), None)] + [(_jnum(lr.get(f"{tpre}_{lv}")), None) for lv, _ in _J_LEVELS]
                except ValueError as e:
                    raise ParseError(f"{port} lane {n}: unreadable {key}: {e}") from None
                flag = _jflag(lr.get(f"{tpre}_flag")) or _jflag(lr.get(f"{key}_flag"))
                if _apply(mod, lane, sensor, vals, flag, have_th):
                    dom = True
            if any(lane.get(c) is not None for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma")) or lane.get("alarms"):
                lanes.append(lane)
        if dom:
            mod["dom_supported"] = True
            mod.setdefault("present", True)
        if mod.get("present"):
            m = media_of(mod.get("identifier"))
            if m:
                mod["media"] = m
        modules.append(mod)
    if not modules:
        raise ParseError("NX-OS JSON without any interface row (ROW_interface)")
    return {"modules": modules, "lanes": lanes}

"""Cisco IOS / IOS-XE transceiver DOM: `show interfaces transceiver [detail]` (text).

Formats
-------
* ``iosxe-transceiver-text`` — `show interfaces transceiver`: the legend ("If device is externally
  calibrated ...", "++ : high alarm ..."), a two- or three-line header naming the columns
  (Temperature (Celsius), Voltage (Volts), Current (mA), Optical Tx Power (dBm), Optical Rx Power
  (dBm); some releases omit Current, QSFP-capable ones add a Lane column) and one row per port
  (``Gi1/0/1  32.3  3.29  6.2  -5.3  -6.1``). A reading may carry a flag (``-27.4 --``).
  Multi-lane modules print a continuation row per lane (the first token the lane number, the port
  column blank; module-wide columns such as temperature may be left blank on it).
* ``iosxe-transceiver-detail-text`` — `show interfaces transceiver detail`: one table per sensor
  (Temperature, Voltage, Current, Transmit Power, Receive Power), each row a port (and lane) with
  the reading and its four thresholds, in the order the header prints them (IOS: High Alarm,
  High Warn, Low Warn, Low Alarm).

Ports are written out in full (``Gi1/0/1`` -> ``GigabitEthernet1/0/1``, as `show interfaces` and
LLDP detail name them). Power dBm -> mW; "N/A" -> null; flags -> alarms as in the NX-OS parser.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._cisco_common import FLAGS, SENSORS, conv, full_port, looks_like_port, value_token

_COLS = (("temperature", ("temperature", "temp")), ("voltage", ("voltage",)),
         ("current", ("current", "bias")), ("tx power", ("tx power", "transmit")),
         ("rx power", ("rx power", "receive")))


def _rows_like_ios(text: str) -> bool:
    for line in text.splitlines()[:400]:
        tok = line.split(None, 1)
        if tok and looks_like_port(tok[0]) and not tok[0].startswith(("Et", "Eth")):
            return True
    return False


def _looks_text(text: str) -> bool:
    head = text[:4000]
    return ("Optical" in head and "Rx Power" in head and "Temperature" in head
            and "Threshold" not in head and "Last Update" not in head and "Bias" not in head
            and re.search(r"(?m)^Port\s", head) is not None and _rows_like_ios(text))


def _looks_detail(text: str) -> bool:
    head = text[:6000]
    return ("Threshold" in head and "High Alarm" in head and "Low Warn" in head
            and _rows_like_ios(text))


def _header_columns(lines: list[str], at: int) -> list[str] | None:
    """The sensor column order of the table whose dashed rule is at line index `at`."""
    hdr = " ".join(lines[max(0, at - 3):at]).lower()
    found = []
    for sensor, words in _COLS:
        pos = min((hdr.find(w) for w in words if hdr.find(w) >= 0), default=-1)
        if pos >= 0:
            found.append((pos, sensor))
    if not found:
        return None
    # 'Current' also appears in IOS headers only as the bias column; 'Optical Tx Power'
    return [s for _p, s in sorted(found)]


def _tokens(rest: list[str]) -> list[tuple[float | None, str | None]] | None:
    vals: list[tuple[float | None, str | None]] = []
    for tok in rest:
        if tok in FLAGS:
            if vals:
                vals[-1] = (vals[-1][0], FLAGS[tok])
            continue
        ok, f, flag = value_token(tok)
        if not ok:
            return None
        vals.append((f, flag))
    return vals


@register("iosxe-transceiver-text", tables=("modules", "lanes"), detect=_looks_text, priority=38,
          description="Cisco IOS/IOS-XE: show interfaces transceiver (text table)")
def parse_iosxe_transceiver_text(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    rule = next((i for i, ln in enumerate(lines[:80]) if re.match(r"^\s*-{5,}(\s+-{3,})+\s*$", ln)), None)
    if rule is None:
        raise ParseError("not IOS show interfaces transceiver output (no '-----  ----' header rule)", line=1)
    cols = _header_columns(lines, rule)
    if not cols or "rx power" not in cols:
        raise ParseError("IOS transceiver table header without Rx Power column", line=rule)
    has_lane = "lane" in " ".join(lines[max(0, rule - 3):rule]).lower()
    mods: dict[str, dict] = {}
    lanes: dict[tuple[str, int], dict] = {}
    port = None
    for i, line in enumerate(lines[rule + 1:], rule + 2):
        toks = line.split()
        if not toks:
            continue
        lane_no = 1
        if looks_like_port(toks[0]):
            port = full_port(toks[0])
            toks = toks[1:]
            if has_lane and toks and toks[0].isdigit() and len(_tokens(toks[1:]) or []) == len(cols):
                lane_no = int(toks[0])
                toks = toks[1:]
            elif has_lane and toks and toks[0].upper() in ("N/A", "NA", "-"):
                toks = toks[1:]
        elif port is not None and toks[0].isdigit() and line[:1].isspace():
            lane_no = int(toks[0])
            toks = toks[1:]
        else:
            continue
        vals = _tokens(toks)
        row_cols = cols
        if vals is not None and lane_no > 1 and 0 < len(vals) < len(cols):
            row_cols = cols[len(cols) - len(vals):]  # a lane row leaves the module-wide columns blank
        if vals is None or len(vals) != len(row_cols):
            raise ParseError(f"row for {port} does not have the {len(cols)} columns of the header",
                             line=i, text=line.strip())
        mod = mods.setdefault(port, {"port": port, "present": True, "dom_supported": True})
        lane = None
        for sensor, (f, flag) in zip(row_cols, vals):
            col, table, _ts, prefix = SENSORS[sensor]
            v = conv(col, f)
            if table == "modules":
                if v is not None and mod.get(col) is None:
                    mod[col] = v
                if flag:
                    mod.setdefault("alarms", []).append(f"{prefix}_{flag}")
            else:
                if v is None and not flag:
                    continue
                lane = lane or lanes.setdefault((port, lane_no), {"port": port, "lane": lane_no})
                if v is not None:
                    lane[col] = v
                if flag:
                    lane.setdefault("alarms", []).append(f"{prefix}_{flag}")
    if not mods:
        raise ParseError("IOS show interfaces transceiver: no port rows under the header", line=rule + 1)
    return {"modules": list(mods.values()), "lanes": list(lanes.values())}


_DETAIL_SENSOR = (("temperature", "temperature"), ("voltage", "voltage"), ("current", "current"),
                  ("transmit power", "tx power"), ("tx power", "tx power"), ("receive power", "rx power"),
                  ("rx power", "rx power"))
_LEVELS = (("high alarm", "high_alarm"), ("high warn", "high_warn"), ("low warn", "low_warn"), ("low alarm", "low_alarm"))


@register("iosxe-transceiver-detail-text", tables=("modules", "lanes"), detect=_looks_detail, priority=37,
          description="Cisco IOS/IOS-XE: show interfaces transceiver detail (readings + thresholds)")
def parse_iosxe_transceiver_detail(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    mods: dict[str, dict] = {}
    lanes: dict[tuple[str, int], dict] = {}
    sensor = None
    order = None
    tables = 0
    have_th: dict[str, set] = {}
    port = None
    for i, line in enumerate(lines, 1):
        low = line.lower()
        if "high alarm" in low and "low" in low:
            pos = [(low.find(w), lv) for w, lv in _LEVELS if low.find(w) >= 0]
            order = [lv for _p, lv in sorted(pos)] if len(pos) == 4 else None
            sensor = None
            continue
        if order is not None and sensor is None:
            s = low.strip()
            for words, name in _DETAIL_SENSOR:
                if s.startswith(words) or re.match(rf"^\S*\s*{words}\b", s):
                    sensor = name
                    break
            continue
        if re.match(r"^\s*-{5,}", line):
            if sensor:
                tables += 1
            continue
        toks = line.split()
        if not toks or sensor is None or order is None or toks[0] == "Port":
            continue
        lane_no = 1
        if looks_like_port(toks[0]):
            port = full_port(toks[0])
            toks = toks[1:]
        elif port is not None and toks[0].isdigit() and line[:1].isspace():
            lane_no = int(toks[0])
            toks = toks[1:]
        else:
            continue
        if toks and toks[0].isdigit() and len(toks) >= 6:
            lane_no = int(toks[0])
            toks = toks[1:]
        vals = _tokens(toks)
        if vals is None or len(vals) < 5:
            raise ParseError(f"{sensor} row for {port}: expected a reading and four thresholds",
                             line=i, text=line.strip())
        col, table, tsensor, prefix = SENSORS[sensor]
        mod = mods.setdefault(port, {"port": port, "present": True, "dom_supported": True})
        f, flag = vals[0]
        value = conv(col, f)
        th = {lv: v for lv, (v, _fl) in zip(order, vals[1:5])}
        given = [v for v in th.values() if v is not None]
        seen = have_th.setdefault(port, set())
        if given and not all(v == 0.0 for v in given) and tsensor not in seen:
            seen.add(tsensor)
            for lv, v in th.items():
                if v is not None:
                    mod[f"{tsensor}_{lv}"] = conv(col, v)
        alarm = f"{prefix}_{flag}" if flag else None
        if table == "modules":
            if value is not None and mod.get(col) is None:
                mod[col] = value
            if alarm:
                mod.setdefault("alarms", []).append(alarm)
        elif value is not None or alarm:
            lane = lanes.setdefault((port, lane_no), {"port": port, "lane": lane_no})
            if value is not None:
                lane[col] = value
            if alarm:
                lane.setdefault("alarms", []).append(alarm)
    if tables == 0 or not mods:
        raise ParseError("not IOS show interfaces transceiver detail output (no sensor table with port rows)", line=1)
    return {"modules": list(mods.values()), "lanes": list(lanes.values())}

"""Broadcom/Enterprise SONiC KLISH transceiver DOM: the summary table and the key-value form.

Formats
-------
* ``sonic-klish-dom-summary`` — `show interface transceiver dom summary [Ethernet N[-M]]`::

      Interface   Type     Vendor           Temp(C) Volt(V) RxPwr(dBm) TxPwr(dBm)
      ----------- -------- ---------------- ------- ------- ---------- ----------
      Ethernet5   SFP      FINISAR CORP.    28.4766 3.3018  -30.9691   -2.1488
      Ethernet11  SFP      FINISAR CORP.    30.6602 3.2969  -inf       -1.9091

  Columns are cut at the dashed rule under the header (a vendor name holds spaces), and matched
  by their header words, so order and extra columns (a Lane or Bias column) do not matter. A power
  cell may list the lanes comma-separated (``-1.2,-1.3,-1.1,-1.4``): lanes 1..N.
* ``sonic-klish-transceiver-dom-kv`` — `show interface transceiver dom Ethernet N` of newer
  releases: a dashed banner around each port name, then ``key   value`` lines: ``type``,
  ``vendor``, ``vendor-part``, ``temperature``, ``voltage``, ``rx-power`` / ``tx-power`` /
  ``tx-bias`` (lanes comma-separated), thresholds ``alarm-<sensor>-hi|lo`` and
  ``warning-<sensor>-hi|lo``; ``None detected`` for an empty cage.

Values: power in dBm (-> mW; ``-inf`` is no light, 0.0 mW, as in the other SONiC parsers), °C, V,
mA; "N/A" is unreported. A summary row reading exactly 0.0000 C and 0.0000 V is a module without
diagnostics (passive DAC): its temperature and voltage are unreported (null), not 0.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._cisco_common import conv

_RULE = re.compile(r"^\s*-{3,}(?:\s+-{3,})+\s*$")
_BANNER = re.compile(r"^\s*-{10,}\s*$")
_VAL = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-?inf)\s*([a-zA-Z°]*)$", re.IGNORECASE)
_NA = frozenset(("n/a", "na", "-", "--", "none", "unknown", ""))
_PORT = re.compile(r"^Eth(?:ernet)?\s?\d[\w/.:-]*$")


def _kind(label: str) -> str | None:
    s = label.lower().replace("-", " ").replace("_", " ")
    if s.startswith(("interface", "port", "name")):
        return "port"
    if s.startswith("type"):
        return "identifier"
    if s.startswith("vendor"):
        return "vendor"
    if "temp" in s:
        return "temperature_c"
    if "volt" in s or "vcc" in s:
        return "voltage_v"
    if s.startswith("lane") or s == "channel":
        return "lane"
    if "bias" in s:
        return "tx_bias_ma"
    if s.startswith("rx") and ("pwr" in s or "power" in s):
        return "rx_power_mw"
    if s.startswith("tx") and ("pwr" in s or "power" in s):
        return "tx_power_mw"
    return None


def _num(tok: str, where: int, line: str) -> tuple[float | None, str | None]:
    t = tok.strip()
    if t.lower() in _NA or t.lower().startswith("n/a"):
        return None, None
    m = _VAL.match(t)
    if not m:
        raise ParseError(f"not a reading: {tok!r}", line=where, text=line.strip())
    s = m.group(1).lower()
    f = float("-inf") if s == "-inf" else float("inf") if s == "inf" else float(s)
    return f, (m.group(2) or None)


def _columns(header: str, rule: str) -> list[tuple[int, int, str | None, str | None]]:
    """(start, end, kind, unit) per column, spans from the dashed rule, names from the header."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    cols = []
    for k, (a, b) in enumerate(spans):
        end = spans[k + 1][0] if k + 1 < len(spans) else None
        label = header[a:end].strip() if end else header[a:].strip()
        um = re.search(r"\(([^)]*)\)", label)
        cols.append((a, end, _kind(label), um.group(1).strip().lower() if um else None))
    return cols


def _find_table(lines: list[str]):
    for i, line in enumerate(lines[:40]):
        low = line.lower()
        if re.match(r"^\s*(interface|port|name)\b", low) and ("temp" in low or "rx" in low) \
                and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            cols = _columns(line, lines[i + 1])
            if sum(1 for c in cols if c[2] in ("rx_power_mw", "tx_power_mw", "temperature_c")) >= 2:
                return i, cols
    return None


def _looks_summary(text: str) -> bool:
    return _find_table(text[:6000].splitlines()) is not None


@register("sonic-klish-dom-summary", tables=("modules", "lanes"), detect=_looks_summary, priority=34,
          description="SONiC KLISH: show interface transceiver dom summary (all ports, one table)")
def parse_klish_dom_summary(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    found = _find_table(lines)
    if found is None:
        raise ParseError("no 'Interface ... Temp ... RxPwr' header over a dashed rule: not a KLISH dom summary", line=1)
    at, cols = found
    mods: dict[str, dict] = {}
    lanes: dict[tuple[str, int], dict] = {}
    port = None
    for i, line in enumerate(lines[at + 2:], at + 3):
        if not line.strip() or _RULE.match(line):
            continue
        cells = {}
        for a, b, kind, unit in cols:
            cell = line[a:b].strip() if b is not None else line[a:].strip()
            if kind is not None:
                cells[kind] = (cell, unit)
        name = cells.get("port", ("", None))[0]
        if name:
            if not _PORT.match(name):
                continue  # a prompt or footer line, not a row of the table
            port = name.replace(" ", "")
        elif port is None:
            continue
        lane_no = 1
        if "lane" in cells and cells["lane"][0]:
            if not cells["lane"][0].isdigit():
                raise ParseError(f"lane {cells['lane'][0]!r} is not a number", line=i, text=line.strip())
            lane_no = int(cells["lane"][0])
        mod = mods.setdefault(port, {"port": port, "present": True})
        for key in ("identifier", "vendor"):
            if key in cells and cells[key][0] and cells[key][0].lower() not in _NA:
                mod.setdefault(key, cells[key][0])
        vals = {}
        for kind in ("temperature_c", "voltage_v", "rx_power_mw", "tx_power_mw", "tx_bias_ma"):
            if kind not in cells or not cells[kind][0]:
                continue
            cell, unit = cells[kind]
            parts = cell.split(",")
            vals[kind] = [(_num(p, i, line), unit) for p in parts]
        t = vals.get("temperature_c", [((None, None), None)])[0][0][0]
        v = vals.get("voltage_v", [((None, None), None)])[0][0][0]
        no_dom = t == 0.0 and v == 0.0
        for kind, items in vals.items():
            for j, ((f, u), unit) in enumerate(items):
                val = conv(kind, f, u or unit)
                if val is None:
                    continue
                if kind in ("temperature_c", "voltage_v"):
                    if not no_dom:
                        mod.setdefault(kind, val)
                        mod["dom_supported"] = True
                    continue
                n = lane_no + j if len(items) > 1 else lane_no
                lanes.setdefault((port, n), {"port": port, "lane": n})[kind] = val
    if not mods:
        raise ParseError("KLISH dom summary without interface rows", line=at + 2)
    return {"modules": list(mods.values()), "lanes": [lanes[k] for k in sorted(lanes)]}


# --- key-value form -------------------------------------------------------------------------------

_KV = re.compile(r"^\s*([a-z][a-z-]*)\s{2,}(\S.*?)\s*$")
_KV_SENSOR = {"rx-power": "rx_power_mw", "tx-power": "tx_power_mw", "tx-bias": "tx_bias_ma",
              "temp": "temperature_c", "temperature": "temperature_c", "volt": "voltage_v", "voltage": "voltage_v"}
_KV_TH = re.compile(r"^(alarm|warning)-(rx-power|tx-power|tx-bias|temp|volt)-(hi|lo)$")


def _looks_kv(text: str) -> bool:
    """A banner / port / banner header and the KLISH key names (not NVUE's 'rx-power  1  -0.64 dBm')."""
    head = text[:6000]
    lines = head.splitlines()
    banner_port = any(_BANNER.match(lines[i]) and _PORT.match(lines[i + 1].strip()) and _BANNER.match(lines[i + 2])
                      for i in range(min(len(lines) - 2, 20)))
    return banner_port and re.search(
        r"(?m)^\s*(?:alarm-rx-power-hi|warning-temp-hi|vendor-part|(?:rx-power|tx-bias)\s{2,}\S+,\S)", head) is not None


@register("sonic-klish-transceiver-dom-kv", tables=("modules", "lanes"), detect=_looks_kv, priority=34,
          description="SONiC KLISH: show interface transceiver dom Ethernet N (key-value form, lanes comma-separated)")
def parse_klish_dom_kv(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    modules, lanes = [], []
    mod: dict | None = None
    lrows: dict[int, dict] = {}
    fields = 0

    def finish():
        if mod is not None:
            modules.append(mod)
            lanes.extend(lrows[n] for n in sorted(lrows))

    for i, line in enumerate(lines, 1):
        s = line.strip()
        if not s or _BANNER.match(line):
            continue
        prev = lines[i - 2] if i >= 2 else ""
        if _PORT.match(s) and _BANNER.match(prev):
            finish()
            mod, lrows = {"port": s.replace(" ", "")}, {}
            continue
        if mod is None:
            if _KV.match(line):
                mod, lrows = {"port": ctx.port}, {}
            else:
                continue
        if s.lower() == "none detected":
            mod["present"] = False
            continue
        m = _KV.match(line)
        if not m:
            continue
        key, val = m.group(1), m.group(2)
        if key in ("type", "vendor", "vendor-part"):
            col = {"type": "identifier", "vendor": "vendor", "vendor-part": "part_number"}[key]
            if val.lower() not in _NA:
                mod[col] = val
            mod["present"] = True
            continue
        tm = _KV_TH.match(key)
        if tm:
            col = _KV_SENSOR[tm.group(2)]
            f, u = _num(val, i, line)
            v = conv(col, f, u)
            if v is not None:
                mod[f"{col}_{'high' if tm.group(3) == 'hi' else 'low'}_{'alarm' if tm.group(1) == 'alarm' else 'warn'}"] = v
            fields += 1
            continue
        col = _KV_SENSOR.get(key)
        if col is None:
            continue
        fields += 1
        mod["present"] = True
        parts = val.split(",")
        for j, p in enumerate(parts):
            f, u = _num(p, i, line)
            v = conv(col, f, u)
            if v is None:
                continue
            if col in ("temperature_c", "voltage_v"):
                mod[col] = v
                mod["dom_supported"] = True
            else:
                lrows.setdefault(j + 1, {"port": mod["port"], "lane": j + 1})[col] = v
    finish()
    if fields == 0:
        raise ParseError("no DOM key (rx-power, tx-bias, temperature ...) found: not KLISH transceiver dom output")
    return {"modules": modules, "lanes": lanes}

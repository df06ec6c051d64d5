"""Broadcom/Enterprise SONiC KLISH: `show interface transceiver dom summary` (one table, all ports).

A fixed-width table: a header naming the columns (interface/port/name, temperature, voltage,
optionally lane, Rx power, Tx power, Tx bias; units either in the header words ``Temperature(C)``
or on a second header line), dashed rules, then one row per interface. Multi-lane modules print
either one row per lane (a Lane column; continuation rows leave the interface, temperature and
voltage blank) or the lanes of a cell comma-separated (``-1.2,-1.3,-1.1,-1.4``). Values may carry
their unit (``-2.10dBm``, ``28.5C``); "N/A", "-" are unreported, ``-inf`` (dBm) is no light.

Columns are matched by their header words, so column order and extra columns do not matter. Power
in dBm unless the header says mW. Rows are modules (temperature, voltage) and lanes (Tx/Rx power,
bias) of the interface named in the row.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._cisco_common import conv

_RULE = re.compile(r"^\s*-{4,}[-\s]*$")
_VAL = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-?inf)\s*([a-zA-Z°]*)$", re.IGNORECASE)
_NA = frozenset(("n/a", "na", "-", "--", "none", "unknown"))
_PORT = re.compile(r"^(?:Ethernet|Eth|Ethernet\s)\d[\w/.:-]*$")


def _kind(label: str) -> str | None:
    s = label.lower().replace("-", " ").replace("_", " ")
    if s.startswith(("interface", "port", "name")):
        return "port"
    if "temp" in s:
        return "temperature_c"
    if "volt" in s or "vcc" in s:
        return "voltage_v"
    if s.startswith("lane") or s == "channel":
        return "lane"
    if "bias" in s:
        return "tx_bias_ma"
    if "rx" in s and "power" in s:
        return "rx_power_mw"
    if "tx" in s and "power" in s:
        return "tx_power_mw"
    return None


def _header(lines: list[str]) -> tuple[int, list[tuple[int, str | None, str | None]]] | None:
    for i, line in enumerate(lines[:30]):
        low = line.lower()
        if re.match(r"^\s*(interface|port|name)\b", low) and "temp" in low and "rx" in low:
            cols = []
            for m in re.finditer(r"\S+(?: \S+)*", line):   # labels: separated by 2+ spaces
                label = m.group(0)
                unit = None
                um = re.search(r"\(([^)]*)\)", label)
                if um:
                    unit = um.group(1).strip().lower()
                cols.append((m.start(), _kind(label), unit))
            # a units line right under the header: '(C)  (V)  (dBm)'
            if i + 1 < len(lines) and "(" in lines[i + 1] and not _RULE.match(lines[i + 1]):
                for m in re.finditer(r"\(([^)]*)\)", lines[i + 1]):
                    j = min(range(len(cols)), key=lambda k: abs(cols[k][0] - m.start()))
                    cols[j] = (cols[j][0], cols[j][1], m.group(1).strip().lower())
            if sum(1 for c in cols if c[1] in ("rx_power_mw", "tx_power_mw", "temperature_c")) >= 2:
                return i, cols
    return None


def _looks(text: str) -> bool:
    lines = text[:6000].splitlines()
    return _header(lines) is not None and any(_RULE.match(ln) for ln in lines[:30]) and \
        any(_PORT.match(ln.split()[0]) for ln in lines if ln.split())


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


@register("sonic-klish-dom-summary", tables=("modules", "lanes"), detect=_looks, priority=34,
          description="SONiC KLISH: show interface transceiver dom summary (all ports, one table)")
def parse_klish_dom_summary(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    hdr = _header(lines)
    if hdr is None:
        raise ParseError("no 'Interface ... Temperature ... Rx Power' header: not a KLISH dom summary", line=1)
    at, cols = hdr
    starts = [c[0] for c in cols]
    mods: dict[str, dict] = {}
    lanes: dict[tuple[str, int], dict] = {}
    port = None
    for i, line in enumerate(lines[at + 1:], at + 2):
        if not line.strip() or _RULE.match(line) or line.lstrip().startswith("("):
            continue
        toks = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", line)]
        if _PORT.match(toks[0][1]) and len(toks) == len(cols):
            cells = [(cols[k], toks[k][1]) for k in range(len(cols))]
        else:
            # continuation row (blank interface/temperature/voltage) or a shorter row: by position
            cells = []
            for pos, tok in toks:
                k = min(range(len(starts)), key=lambda j: abs(starts[j] - pos))
                cells.append((cols[k], tok))
        row_port = next((tok for (_s, kind, _u), tok in cells if kind == "port"), None)
        if row_port is not None:
            if not _PORT.match(row_port):
                continue  # a line the table does not have (prompt, footer)
            port = row_port
        if port is None:
            continue
        lane_no = 1
        lane_tok = next((tok for (_s, kind, _u), tok in cells if kind == "lane"), None)
        if lane_tok is not None:
            if not lane_tok.isdigit():
                if lane_tok.lower() not in _NA:
                    raise ParseError(f"lane {lane_tok!r} is not a number", line=i, text=line.strip())
            else:
                lane_no = int(lane_tok)
        mod = mods.setdefault(port, {"port": port, "present": True})
        for (_s, kind, unit), tok in cells:
            if kind in (None, "port", "lane"):
                continue
            parts = tok.split(",") if "," in tok else [tok]
            for j, part in enumerate(parts):
                if not part:
                    continue
                f, u = _num(part, i, line)
                v = conv(kind, f, u or unit)
                if v is None:
                    continue
                mod["dom_supported"] = True
                if kind in ("temperature_c", "voltage_v"):
                    if kind == "voltage_v" and v == 0.0:
                        continue
                    mod.setdefault(kind, v)
                else:
                    n = lane_no + j if len(parts) > 1 else lane_no
                    lanes.setdefault((port, n), {"port": port, "lane": n})[kind] = v
    if not mods:
        raise ParseError("KLISH dom summary without interface rows", line=at + 1)
    return {"modules": list(mods.values()), "lanes": [lanes[k] for k in sorted(lanes)]}

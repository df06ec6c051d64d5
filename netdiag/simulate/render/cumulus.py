"""Render a simulated NVIDIA Cumulus Linux (NVUE) switch: the outputs of the commands the cumulus
platform driver issues (netdiag/platforms/cumulus.py), in the text layouts of the real samples
(tests/cases/nvue-*/, tests/cases/lldpctl-json/):

* ``nv show interface``: the Admin Status / Oper Status table (LLDP remote host/port columns);
* ``nv show platform transceiver``: the brief table (Cumulus Linux 5.11+);
* ``lldpctl -f json``: lldpd 1.0 JSON (a list of one-key interface objects; a dict for one neighbor);
* per port (the ports ``front_panel_ports`` picks): ``nv show interface P link phy-detail``
  (5.10 layout), ``nv show interface P counters errors``, ``nv show platform transceiver P``
  (key : value tree with thresholds) and ``nv show platform transceiver P channel``.

What the tables hold as null is printed as NVUE does for an unreported value: the line is left out
(phy-detail, transceiver tree), the cell is left blank (``nv show interface`` speed) or ``n/a``
(counters table). Derived, not invented: the RS-FEC histogram (bins 1..15 sum to
``fec_corrected_cw``, bin 0 holds the error-free codewords of ``rx_bytes``), ``phy-received-bits``,
and each sensor's ``alarm`` state (the module compares its reading with its thresholds) unless the
tables give explicit alarm flags. LLDP's mandatory chassis id, when the tables hold none, is a
locally administered MAC derived from the neighbor's name (the same for every port that sees it).

Twin-port cages (``swp1s0``/``swp1s1``) are rendered per logical port, as the tables hold them.
"""

from __future__ import annotations

import json
import math
import re
import zlib

import pandas as pd

from netdiag.platforms import get as get_platform
from netdiag.platforms.cumulus import front_panel_ports
from netdiag.simulate.render import DeviceTables, register

_RS_PAYLOAD_BITS = 5140      # RS(544,514) codeword: 514 data symbols of 10 bits
_RS_CODEWORD_BITS = 5440
_BINS = 16

_CABLE_TYPE = {"optical": "Optical module", "aoc": "Active cable", "dac": "Passive copper cable",
               "acc": "Active copper cable"}


_NA = pd.NA


def _null(v) -> bool:
    return v is None or v is _NA or v != v


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _records(df: pd.DataFrame, cols: list[str]) -> list[dict]:
    """A frame's rows as plain dicts of `cols` (a column the frame lacks is None); nulls stay
    whatever pandas holds (NaN / NA), see _null. Column-wise: one tolist() per column."""
    n = len(df)
    if not n:
        return []
    lists = [df[c].tolist() if c in df.columns else [None] * n for c in cols]
    return [dict(zip(cols, vals)) for vals in zip(*lists)]


# --- value formats -----------------------------------------------------------------------------------

def _ber(v) -> str | None:
    """A BER as NVUE/mlxlink print it: an integer coefficient (1..15) and a power of ten; 0 is the
    'no errors seen' sentinel 15E-255."""
    if _null(v) or v < 0:
        return None
    if v == 0:
        return "15E-255"
    e = math.floor(math.log10(v))
    m = v / 10.0 ** e
    if round(m * 10) <= 15:
        return f"{round(m * 10)}E{e - 1}"
    c = round(m)
    if c >= 10:
        c, e = 1, e + 1
    return f"{c}E{e}"


def _dbm(mw: float) -> str:
    return f"{10.0 * math.log10(mw):.2f}" if mw > 0 else "-inf"


def _power(mw) -> str:
    return f"{mw:.4f} mW / {_dbm(mw)} dBm"


def _speed(g) -> str:
    return "" if _null(g) else f"{g:g}G"


def _alarm(v, thr: tuple, flags, prefix: str) -> str:
    """NVUE's per-sensor alarm state: from explicit flags when the tables give them, else what
    the module asserts comparing its reading with its thresholds (high alarm, high warn, low warn,
    low alarm)."""
    if isinstance(flags, (list, tuple)):
        fl = set(flags)
        for lv, word in (("high_alarm", "high"), ("low_alarm", "low"), ("high_warn", "high warning"),
                         ("low_warn", "low warning")):
            if f"{prefix}_{lv}" in fl:
                return word
        return "Off"
    if _null(v):
        return "N/A"
    ha, hw, lw, la = thr
    if not _null(ha) and v > ha:
        return "high"
    if not _null(la) and v < la:
        return "low"
    if not _null(hw) and v > hw:
        return "high warning"
    if not _null(lw) and v < lw:
        return "low warning"
    return "Off"


def _table(headers: list[str], rows: list[list[str]], min_width: dict[int, int] | None = None) -> str:
    """An NVUE column table: cells padded to the column width, two spaces apart, dashed rule."""
    widths = [len(h) for h in headers]
    for r in rows:
        for i, c in enumerate(r):
            if len(c) > widths[i]:
                widths[i] = len(c)
    for i, w in (min_width or {}).items():
        widths[i] = max(widths[i], w)
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers), "  ".join("-" * w for w in widths)]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(lines) + "\n"


# --- discovery -----------------------------------------------------------------------------------------

def _nv_show_interface(ports: list[dict], first_nbr: dict[str, dict]) -> str:
    rows = []
    for p in ports:
        n = first_nbr.get(p["port"])
        rows.append([p["port"],
                     "up" if p["admin_up"] is True else "down" if p["admin_up"] is False else "unknown",
                     "up" if p["oper_up"] is True else "down" if p["oper_up"] is False else "unknown",
                     _speed(p["speed_gbps"]), "" if _null(p["mtu"]) else str(int(p["mtu"])), "swp",
                     (n["remote_device"] or "") if n else "", (n["remote_port"] or "") if n else "", ""])
    return _table(["Interface", "Admin Status", "Oper Status", "Speed", "MTU", "Type", "Remote Host",
                   "Remote Port", "Summary"], rows, {8: 40})


def _nv_show_transceiver_brief(mods: list[dict]) -> str:
    rows = [[m["port"], *("N/A" if _null(m[c]) else str(m[c])
                          for c in ("identifier", "vendor", "part_number", "serial", "revision"))]
            for m in mods]
    return _table(["Transceiver", "Identifier", "Vendor name", "Vendor PN", "Vendor SN", "Vendor revision"], rows)


def _mac_of(name: str) -> str:
    h = zlib.crc32(name.encode()) & 0xFFFFFFFF
    b = [0x02, 0x4E, (h >> 24) & 255, (h >> 16) & 255, (h >> 8) & 255, h & 255]
    return ":".join(f"{x:02x}" for x in b)


def _lldp_block(port: str, n: dict, rid: int, ind: str) -> str:
    """One neighbor as lldpd's JSON writer prints it (2-space indent), starting at indent `ind`."""
    i = ind
    rdev = n["remote_device"] or ""
    chassis_id = n["remote_chassis_id"] or _mac_of(rdev)
    port_lines = [f'{i}    "id": {{\n{i}      "type": "ifname",\n'
                  f'{i}      "value": {json.dumps(n["remote_port"] or "")}\n{i}    }}']
    if n.get("remote_port_descr"):
        port_lines.append(f'{i}    "descr": {json.dumps(n["remote_port_descr"])}')
    ttl = n.get("ttl_s")
    port_lines.append(f'{i}    "ttl": "{120 if _null(ttl) else int(ttl)}"')
    chassis = [f'{i}      "id": {{\n{i}        "type": "mac",\n{i}        "value": {json.dumps(chassis_id)}\n{i}      }}']
    if n.get("remote_mgmt_ip"):
        chassis.append(f'{i}      "mgmt-ip": {json.dumps(n["remote_mgmt_ip"])}')
    return (f'{i}{json.dumps(port)}: {{\n'
            f'{i}  "via": "LLDP",\n'
            f'{i}  "rid": "{rid}",\n'
            f'{i}  "age": "0 day, 01:00:00",\n'
            f'{i}  "chassis": {{\n'
            f'{i}    {json.dumps(rdev)}: {{\n' + ",\n".join(chassis) + f'\n{i}    }}\n'
            f'{i}  }},\n'
            f'{i}  "port": {{\n' + ",\n".join(port_lines) + f'\n{i}  }}\n'
            f'{i}}}')


def _lldpctl_json(nbrs: list[dict]) -> str:
    if not nbrs:
        return '{\n  "lldp": {}\n}\n'
    rids: dict[str, int] = {}
    for n in nbrs:
        rids.setdefault(n["remote_device"] or "", len(rids) + 1)
    if len(nbrs) == 1:
        n = nbrs[0]
        return ('{\n  "lldp": {\n    "interface": {\n'
                + _lldp_block(n["port"], n, rids[n["remote_device"] or ""], "      ")
                + '\n    }\n  }\n}\n')
    items = ["      {\n" + _lldp_block(n["port"], n, rids[n["remote_device"] or ""], "        ") + "\n      }"
             for n in nbrs]
    return '{\n  "lldp": {\n    "interface": [\n' + ",\n".join(items) + '\n    ]\n  }\n}\n'


# --- per port ------------------------------------------------------------------------------------------

def _phy_detail(c: dict | None, lanes: list[dict], nlanes: int) -> str:
    rows: list[tuple[str, str]] = []
    c = c or {}

    def add(key, v):
        if v is not None:
            rows.append((key, v))

    tsc = c.get("time_since_clear_s")
    add("time-since-last-clear-min", None if _null(tsc) else str(int(tsc // 60)))
    corr, uncorr, rxb = c.get("fec_corrected_cw"), c.get("fec_uncorrectable_cw"), c.get("rx_bytes")
    total_cw = None if _null(rxb) else int(rxb) * 8 // _RS_PAYLOAD_BITS
    add("phy-received-bits", None if total_cw is None else str(total_cw * _RS_CODEWORD_BITS))
    add("symbol-errors", None if _null(c.get("symbol_errors")) else str(int(c["symbol_errors"])))
    add("effective-errors", None if _null(uncorr) else str(int(uncorr)))
    by_lane = {ln["lane"]: ln for ln in lanes}
    for i in range(1, nlanes + 1):
        v = by_lane.get(i, {}).get("raw_errors")
        add(f"phy-raw-errors-lane{i - 1}", None if _null(v) else str(int(v)))
    add("raw-ber", _ber(c.get("raw_ber")))
    add("symbol-ber", _ber(c.get("symbol_ber")))
    add("effective-ber", _ber(c.get("effective_ber")))
    for i in range(1, nlanes + 1):
        add(f"raw-ber-lane{i - 1}", _ber(by_lane.get(i, {}).get("raw_ber")))
    if not _null(corr):
        corr = int(corr)
        bins = [0] * _BINS
        rem = corr
        for b in range(1, _BINS):          # most corrected codewords have one bad symbol, fewer each bin
            if rem <= 0:
                break
            take = rem - rem // 10 if b < _BINS - 1 else rem
            bins[b] = take
            rem -= take
        if total_cw is not None:
            bins[0] = max(total_cw - corr - (0 if _null(uncorr) else int(uncorr)), 0)
        for b, n in enumerate(bins):
            rows.append((f"rs-num-corr-err-bin{b}", str(n)))
    out = ["                           operational ", "", "-------------------------  ---------------- "]
    out += [f"{k:<27}{v} " for k, v in rows]
    return "\n".join(out) + "\n"


def _counters_errors(c: dict | None) -> str:
    def num(col):
        if c is None or _null(c.get(col)):
            return "n/a"
        return str(int(c[col]))

    other = "n/a" if c is None else "0"
    rows = [("Alignment Errors", other, "n/a"), ("FCS Errors", num("rx_crc_errors"), "n/a"),
            ("Jabber Errors", other, "n/a"), ("Length Errors", other, "n/a"),
            ("Oversize Errors", other, "n/a"), ("Symbol Errors", num("symbol_errors"), "n/a"),
            ("Total Errors", num("rx_errors"), num("tx_errors")), ("Undersize Errors", other, "n/a")]
    return _table(["Counter", "Receive", "Transmit"], [list(r) for r in rows])


_THR = ("high_alarm", "high_warn", "low_warn", "low_alarm")
_LONG = (("high_alarm", "high-alarm-threshold"), ("low_alarm", "low-alarm-threshold"),
         ("high_warn", "high-warning-threshold"), ("low_warn", "low-warning-threshold"))
_SHORT = (("high_alarm", "high-alarm-thresh"), ("low_alarm", "low-alarm-thresh"))
_CH_SENSORS = (("rx-power", "power", "rx_power_mw", "rx_power"), ("tx-power", "power", "tx_power_mw", "tx_power"),
               ("tx-bias-current", "current", "tx_bias_ma", "tx_bias"))


def _fmt_sensor(col: str, v) -> str:
    if _null(v):
        return "N/A"
    if col in ("rx_power_mw", "tx_power_mw"):
        return _power(v)
    if col == "tx_bias_ma":
        return f"{v:.3f} mA"
    if col == "temperature_c":
        return f"{v:.2f} C"
    return f"{v:.4f} V"


def _fmt_thr(col: str, v) -> str:
    if col in ("rx_power_mw", "tx_power_mw"):
        return f"{_dbm(v)} dBm"
    return _fmt_sensor(col, v)


_THR_CACHE: dict[tuple, list] = {}


def _sensor_heads(m: dict, long: bool) -> list[tuple]:
    """Per channel sensor: (header, threshold lines, thresholds, column, prefix); memoized on the
    thresholds, which most modules of a fabric share."""
    thr_all = tuple(m.get(f"{col}_{lv}") for _n, _r, col, _p in _CH_SENSORS for lv in _THR)
    key = (long, tuple(None if _null(v) else v for v in thr_all))
    hit = _THR_CACHE.get(key)
    if hit is not None:
        return hit
    width = 22 if long else 17
    levels = _LONG if long else _SHORT
    sensors = []
    for name, reading, col, prefix in _CH_SENSORS:
        thr_lines = "".join(f"        {k:<{width}}: {_fmt_thr(col, m.get(f'{col}_{lv}'))} \n"
                            for lv, k in levels if not _null(m.get(f"{col}_{lv}")))
        sensors.append((f"    {name}: \n        {reading:<{width}}: ", thr_lines,
                        tuple(m.get(f"{col}_{lv}") for lv in _THR), col, prefix))
    if len(_THR_CACHE) < 4096:
        _THR_CACHE[key] = sensors
    return sensors


def _channels(m: dict, lanes: list[dict], nlanes: int, long: bool) -> list[str]:
    """The `channel:` sub-tree (long: the full transceiver view's threshold names; else the
    `channel` view's abbreviated alarm thresholds)."""
    sensors = _sensor_heads(m, long)
    alarm_key = "        alarm                 : " if long else "        alarm            : "
    out = ["channel: "]
    rows = lanes or [{"lane": i, "tx_power_mw": None, "rx_power_mw": None, "tx_bias_ma": None, "alarms": None}
                     for i in range(1, nlanes + 1)]
    for ln in rows:
        vals = ln.get("_fmt")
        if vals is None:  # value and alarm text, shared by the long and the short view
            flags = ln.get("alarms")
            vals = ln["_fmt"] = [(_fmt_sensor(col, ln.get(col)), _alarm(ln.get(col), thr, flags, prefix))
                                 for _h, _t, thr, col, prefix in sensors]
        parts = [f"  channel-{ln['lane']}: \n"]
        for (head, thr_lines, _thr, _col, _prefix), (val, alarm) in zip(sensors, vals):
            parts.append(f"{head}{val} \n{thr_lines}{alarm_key}{alarm} \n")
        out.append("".join(parts)[:-1])
    return out


def _transceiver(m: dict | None, lanes: list[dict], nlanes: int) -> str:
    if m is None or m.get("present") is False:
        return "status                 : unplugged \n"
    out = []

    def top(key, v):
        if not _null(v):
            out.append(f"{key:<23}: {v} ")

    media = m.get("media")
    top("cable-type", _CABLE_TYPE.get(media) if not _null(media) else None)
    length = m.get("length_m")
    has_len = not _null(length) and length > 0
    top("cable-length", f"{length:g}m" if has_len else None)
    if has_len and media == "aoc":
        top("supported-cable-length", f"0m om1, 0m om2, 0m om3, {length:g}m om4, 0m om5")
    dom = m.get("dom_supported")
    top("diagnostics-status", None if _null(dom) else
        "Diagnostic Data Available" if dom else "Diagnostic Data Not Available")
    top("status", "plugged_enabled")
    top("error-status", "N/A")
    top("identifier", m.get("identifier"))
    top("vendor-rev", m.get("revision"))
    top("vendor-name", m.get("vendor"))
    top("vendor-pn", m.get("part_number"))
    top("vendor-sn", m.get("serial"))
    flags = m.get("alarms")
    for key, col, prefix in (("temperature", "temperature_c", "temperature"), ("voltage", "voltage_v", "voltage")):
        v = m.get(col)
        thr = {lv: m.get(f"{col}_{lv}") for lv in _THR}
        if _null(v) and all(_null(t) for t in thr.values()):
            continue
        out.append(f"{key}: ")
        if not _null(v):
            out.append(f"  {key:<22}: {_fmt_sensor(col, v)} ")
        for lv, name in _LONG:
            if not _null(thr[lv]):
                out.append(f"  {name:<22}: {_fmt_sensor(col, thr[lv])} ")
        out.append(f"  {'alarm':<22}: {_alarm(v, tuple(thr[lv] for lv in _THR), flags, prefix)} ")
    if lanes or nlanes:
        out += _channels(m, lanes, nlanes, long=True)
    return "\n".join(out) + "\n"


def _transceiver_channel(m: dict | None, lanes: list[dict], nlanes: int) -> str:
    return "\n".join(_channels(m or {}, lanes, nlanes, long=False)) + "\n"


# --- the device ----------------------------------------------------------------------------------------

_PORT_COLS = ["port", "admin_up", "oper_up", "speed_gbps", "mtu", "lanes"]
_MOD_COLS = ["port", "present", "identifier", "media", "vendor", "part_number", "serial", "revision", "length_m",
             "temperature_c", "voltage_v", "alarms", "dom_supported", "media_lanes",
             *(f"{s}_{lv}" for s in ("temperature_c", "voltage_v", "tx_power_mw", "rx_power_mw", "tx_bias_ma")
               for lv in _THR)]
_LANE_COLS = ["port", "lane", "tx_power_mw", "rx_power_mw", "tx_bias_ma", "alarms", "raw_errors", "raw_ber"]
_CNT_COLS = ["port", "rx_bytes", "rx_crc_errors", "rx_errors", "tx_errors", "symbol_errors", "fec_corrected_cw",
             "fec_uncorrectable_cw", "raw_ber", "effective_ber", "symbol_ber", "time_since_clear_s"]
_NBR_COLS = ["port", "remote_device", "remote_port", "remote_chassis_id", "remote_port_descr", "remote_mgmt_ip",
             "ttl_s"]


@register("cumulus")
def render_cumulus(dev: DeviceTables) -> list[tuple[str, bytes]]:
    plat = get_platform("cumulus")
    ports = sorted(_records(dev.ports, _PORT_COLS), key=lambda r: _natural(r["port"]))
    mods = sorted(_records(dev.modules, _MOD_COLS), key=lambda r: _natural(r["port"]))
    lane_rows = _records(dev.lanes, _LANE_COLS)
    counters = {r["port"]: r for r in _records(dev.counters, _CNT_COLS)}
    nbrs = sorted(_records(dev.neighbors, _NBR_COLS), key=lambda r: _natural(r["port"]))
    mod_by = {m["port"]: m for m in mods}
    lanes_by: dict[str, list[dict]] = {}
    for ln in lane_rows:
        lanes_by.setdefault(ln["port"], []).append(ln)
    for v in lanes_by.values():
        v.sort(key=lambda r: r["lane"])
    first_nbr: dict[str, dict] = {}
    for n in nbrs:
        first_nbr.setdefault(n["port"], n)
    port_by = {p["port"]: p for p in ports}
    plugged = [m for m in mods if m["present"] is not False]

    out = [("nv show interface", _nv_show_interface(ports, first_nbr)),
           ("nv show platform transceiver", _nv_show_transceiver_brief(plugged)),
           ("lldpctl -f json", _lldpctl_json(nbrs))]
    # the ports the platform driver would pick from these discovery outputs
    picked = front_panel_ports({"ports": [{"port": p["port"], "admin_up": p["admin_up"], "oper_up": p["oper_up"]}
                                          for p in ports],
                                "modules": [{"port": m["port"], "present": True} for m in plugged]})
    cmds = plat.port_commands(picked)
    per = len(plat.per_port)
    for k, port in enumerate(picked):
        m = mod_by.get(port)
        lanes = lanes_by.get(port, [])
        p = port_by.get(port, {})
        nl = p.get("lanes")
        if _null(nl):
            nl = None if m is None else m.get("media_lanes")
        nl = 0 if _null(nl) else int(nl)
        nl = max(nl, max((ln["lane"] for ln in lanes), default=0))
        c = counters.get(port)
        texts = {"nv show interface {port} link phy-detail": lambda: _phy_detail(c, lanes, nl),
                 "nv show interface {port} counters errors": lambda: _counters_errors(c),
                 "nv show platform transceiver {port}": lambda: _transceiver(m, lanes, nl),
                 "nv show platform transceiver {port} channel": lambda: _transceiver_channel(m, lanes, nl)}
        out += [(cmd, texts[tpl]()) for cmd, tpl in zip(cmds[k * per:(k + 1) * per], plat.per_port)]
    return [(c, t.encode()) for c, t in out]

"""ibdiagnet2 output files (NVIDIA/Mellanox ibdiagnet 2.x, written to /var/tmp/ibdiagnet2/).

Formats (device/port naming per ib_common: ``host``/``mlx5_0/1`` for HCAs, switch name or node GUID
and the IB port number for switches; net_dump's front-panel labels are mapped back to numbers):

* ``ibdiagnet-pm`` (ibdiagnet2.pm): ``Port=N Lid=.. GUID=.. Device=.. Port Name=..`` blocks of
  ``key=0xHEX``. The 64-bit ``*_extended`` counters are preferred; the legacy PortCounters value (with
  its 8/16/32-bit width; all-ones = saturated, a lower bound) is used when no extended value is
  printed, is ``NA``, or reads lower than the legacy one (extended counter not maintained).
* ``ibdiagnet-cables`` (ibdiagnet2.cables, ``--get_cable_info``): modules and lanes. ``-999.999 mW``
  = not reported (None). Power thresholds are printed as raw 16-bit register values; they read as
  signed whole dBm (``RXPowerLowThresh: 65530`` = -6 dBm, consistent with the whole-dBm readings the
  same file prints) and are stored as mW alarm thresholds; bias thresholds are in 2 uA units (SFF
  convention: ``6500`` = 13 mA). Zero thresholds and 0 C / 0 uV readings of passive copper = not
  reported. Latched flags are decoded with the SFF-8636 byte layouts (LOS/LOL: low nibble Rx lanes
  1-4, high nibble Tx lanes 1-4; Alarm and Warning words: one nibble per lane, lane 1 first,
  bits high-alarm, low-alarm, high-warn, low-warn).
* ``ibdiagnet-net-dump`` (ibdiagnet2.net_dump): per-switch port tables -> ports (state, MTU, width x
  speed, FEC: ``RS_FEC_544_514`` -> ``rs544``, other modes lower-cased as reported) and neighbors
  (protocol ``ibdiagnet``).
* ``ibdiagnet-db-csv`` (ibdiagnet2.db_csv): ``START_X``/``END_X`` CSV sections; NODES (names), LINKS
  (neighbors, both directions), PM_INFO (counters as for .pm), PORTS (state/width/speed when
  present). TEMP_SENSING is switch-ASIC temperature and has no canonical column (not read). Lines
  starting ``### [`` (sampler notes, not ibdiagnet output) are ignored.
* ``ibdiagnet-log`` (ibdiagnet2.log / console): the stage summary table -> one ``collection`` row
  per stage (``ok`` = no errors; warnings/errors counts in ``error``).
"""

from __future__ import annotations

import csv
import io
import re

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers.ib_common import (SPEED_PER_LANE, from_ibdiag_port_name, lane_rate_to_nominal,
                                       node_name, norm_guid, port_name, width_lanes)

_BLOCK_HDR = re.compile(r"^Port=(\d+)\s+(?:Lid=(\S+)\s+)?GUID=(0x[0-9a-fA-F]+)(?:\s+Device=\S+)?(?:\s+Port Name=(.*?))?\s*$")

# --------------------------------------------------------------------------------------------- pm
#: pm key -> (column, legacy width, scale); *_extended keys -> (column, scale)
_PM_LEGACY = {
    "symbol_error_counter": ("symbol_errors", 16, 1),
    "link_error_recovery_counter": ("link_error_recovery", 8, 1),
    "link_down_counter": ("link_down_events", 8, 1),
    "link_downed_counter": ("link_down_events", 8, 1),
    "port_rcv_errors": ("port_rcv_errors", 16, 1),
    "port_rcv_remote_physical_errors": ("port_rcv_remote_physical_errors", 16, 1),
    "port_xmit_discard": ("port_xmit_discards", 16, 1),
    "port_xmit_discards": ("port_xmit_discards", 16, 1),
    "port_xmit_wait": ("port_xmit_wait", 32, 1),
    "port_xmit_data": ("tx_bytes", 32, 4),
    "port_rcv_data": ("rx_bytes", 32, 4),
    "port_xmit_pkts": ("tx_packets", 32, 1),
    "port_rcv_pkts": ("rx_packets", 32, 1),
}
_PM_EXT = {
    "symbol_error_counter_extended": ("symbol_errors", 1),
    "link_error_recovery_counter_extended": ("link_error_recovery", 1),
    "link_downed_counter_extended": ("link_down_events", 1),
    "port_rcv_errors_extended": ("port_rcv_errors", 1),
    "port_rcv_remote_physical_errors_extended": ("port_rcv_remote_physical_errors", 1),
    "port_xmit_discards_extended": ("port_xmit_discards", 1),
    "port_xmit_wait_extended": ("port_xmit_wait", 1),
    "port_xmit_data_extended": ("tx_bytes", 4),
    "port_rcv_data_extended": ("rx_bytes", 4),
    "port_xmit_pkts_extended": ("tx_packets", 1),
    "port_rcv_pkts_extended": ("rx_packets", 1),
}
#: db_csv PM_INFO header names -> pm keys
_CSV_PM = {
    "SymbolErrorCounter": "symbol_error_counter", "LinkErrorRecoveryCounter": "link_error_recovery_counter",
    "LinkDownedCounter": "link_down_counter", "PortRcvErrors": "port_rcv_errors",
    "PortRcvRemotePhysicalErrors": "port_rcv_remote_physical_errors", "PortXmitDiscards": "port_xmit_discard",
    "PortXmitWait": "port_xmit_wait", "PortXmitData": "port_xmit_data", "PortRcvData": "port_rcv_data",
    "PortXmitPkts": "port_xmit_pkts", "PortRcvPkts": "port_rcv_pkts",
    "SymbolErrorCounterExt": "symbol_error_counter_extended",
    "LinkErrorRecoveryCounterExt": "link_error_recovery_counter_extended",
    "LinkDownedCounterExt": "link_downed_counter_extended", "PortRcvErrorsExt": "port_rcv_errors_extended",
    "PortRcvRemotePhysicalErrorsExt": "port_rcv_remote_physical_errors_extended",
    "PortXmitDiscardsExt": "port_xmit_discards_extended", "PortXmitWaitExt": "port_xmit_wait_extended",
    "PortXmitDataExtended": "port_xmit_data_extended", "PortRcvDataExtended": "port_rcv_data_extended",
    "PortXmitPktsExtended": "port_xmit_pkts_extended", "PortRcvPktsExtended": "port_rcv_pkts_extended",
}


_DB_HEADER = "# This database file was automatically generated by IBDIAG"
_DB_FOOTER = re.compile(r"(?m)^# File closed at\s*:")


def _no_records(text: str, what: str, expect: str) -> bool:
    """True when `text` is a whole ibdiagnet database file holding no records: its
    '# This database file was automatically generated by IBDIAG' header, comments only, and its
    '# File closed at' footer (ibdiagnet writes its files so when the sweep reached no port of the
    kind: a dark fabric, every link down). Anything else without records raises ParseError naming
    what is wrong: lines that are not ibdiagnet's, or a file cut before its footer."""
    body = [ln.strip() for ln in text.splitlines()]
    body = [ln for ln in body if ln]
    stray = next((i for i, ln in enumerate(text.splitlines(), 1)
                  if ln.strip() and not ln.strip().startswith(("#", "---"))), None)
    if stray is not None:
        raise ParseError(f"line {stray}: no {expect} before it: not an {what} file")
    if not body or not body[0].startswith(_DB_HEADER):
        raise ParseError(f"no {expect} and no ibdiagnet header ('{_DB_HEADER}'): not an {what} file")
    if not _DB_FOOTER.search(text):
        raise ParseError(f"ibdiagnet header but no {expect} and no '# File closed at' line: {what} cut short")
    return True


def _int(text: str) -> int | None:
    t = text.strip()
    if not t or t.upper() in ("NA", "N/A", "-1"):
        return None
    try:
        v = int(t, 0) if t.lower().startswith("0x") else int(t)
    except ValueError:
        return None
    return v if v >= 0 else None


def _counters_from(values: dict[str, int]) -> dict:
    """pm-style key -> value dict -> counter columns (extended preferred, see module doc)."""
    row: dict = {}
    legacy: dict[str, tuple[int, int]] = {}
    for k, (col, width, scale) in _PM_LEGACY.items():
        if k in values:
            legacy[col] = (values[k] * scale, width)
    for col, (v, width) in legacy.items():
        row[col] = v
        row[f"{col}_bits"] = width
    for k, (col, scale) in _PM_EXT.items():
        if k in values:
            v = values[k] * scale
            lv = legacy.get(col)
            if lv is not None and lv[0] > v:
                continue
            row[col] = v
            row[f"{col}_bits"] = 64
    return row


def _looks_like_pm(text: str) -> bool:
    head = text[:6000]
    return bool(re.search(r"(?m)^Port=\d+\s.*GUID=0x", head)) and bool(
        re.search(r"(?m)^(symbol_error_counter|link_down_counter|port_xmit_data|port_rcv_errors)=", head))


@register("ibdiagnet-pm", tables=("counters",), detect=_looks_like_pm, priority=30,
          description="ibdiagnet2.pm: IB port counters of every fabric port (legacy and extended)")
def parse_ibdiagnet_pm(text: str, ctx: Context) -> Tables:
    rows = []
    cur_key = None
    values: dict[str, int] = {}
    seen = False

    def flush():
        if cur_key is not None:
            row = {"device": cur_key[0], "port": cur_key[1]}
            row.update(_counters_from(values))
            rows.append(row)

    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("---"):
            continue
        m = _BLOCK_HDR.match(s)
        if m:
            flush()
            seen = True
            num, _lid, guid, pname = m.groups()
            cur_key = from_ibdiag_port_name(pname, guid, int(num)) if pname else (norm_guid(guid), num)
            values = {}
            continue
        if cur_key is None or "=" not in s:
            continue
        k, _, v = s.partition("=")
        iv = _int(v)
        if iv is not None:
            values[k.strip()] = iv
    flush()
    if not seen and _no_records(text, "ibdiagnet2.pm", "'Port=N ... GUID=0x...' block"):
        return {"counters": []}      # a complete file of no ports: the sweep read no counters
    return {"counters": rows}


# ----------------------------------------------------------------------------------------- cables
_LANE_KEY = re.compile(r"^(RX|TX)(\d+)\s+(Power|Bias)$", re.IGNORECASE)
_THRESH = {
    "AlarmTemperatureHighThresh": ("temperature_c_high_alarm", "temp"),
    "AlarmTemperatureLowThresh": ("temperature_c_low_alarm", "temp"),
    "WarnTemperatureHighThresh": ("temperature_c_high_warn", "temp"),
    "WarnTemperatureLowThresh": ("temperature_c_low_warn", "temp"),
    "AlarmVoltageHighThresh": ("voltage_v_high_alarm", "volt"),
    "AlarmVoltageLowThresh": ("voltage_v_low_alarm", "volt"),
    "WarnVoltageHighThresh": ("voltage_v_high_warn", "volt"),
    "WarnVoltageLowThresh": ("voltage_v_low_warn", "volt"),
    "RXPowerHighThresh": ("rx_power_mw_high_alarm", "dbm16"),
    "RXPowerLowThresh": ("rx_power_mw_low_alarm", "dbm16"),
    "TXPowerHighThresh": ("tx_power_mw_high_alarm", "dbm16"),
    "TXPowerLowThresh": ("tx_power_mw_low_alarm", "dbm16"),
    "TXBiasHighThresh": ("tx_bias_ma_high_alarm", "bias2ua"),
    "TXBiasLowThresh": ("tx_bias_ma_low_alarm", "bias2ua"),
}
_AW_BITS = (("high_alarm", 8), ("low_alarm", 4), ("high_warn", 2), ("low_warn", 1))
_LANE_AW = {"rx power alarm and warning": "rx_power", "tx bias alarm and warning": "tx_bias",
            "tx power alarm and warning": "tx_power"}
_MOD_AW = {"latched temperature alarm and warning": "temperature",
           "latched voltage alarm and warning": "voltage"}


def _looks_like_cables(text: str) -> bool:
    head = text[:6000]
    return bool(re.search(r"(?m)^Port=\d+\s.*GUID=0x", head)) and bool(
        re.search(r"(?m)^(Vendor|PN|SN|Identifier):", head))


def _thresh(kind: str, raw: str) -> float | None:
    t = raw.strip()
    if not t or t.upper() in ("N/A", "NA"):
        return None
    try:
        if kind == "temp":
            return units.temperature_to_c(t)
        if kind == "volt":
            return units.voltage_to_v(t)
        v = int(t, 0)
    except ValueError:
        return None
    if not 0 <= v <= 0xFFFF:
        return None
    if kind == "dbm16":
        dbm = float(v - 0x10000 if v >= 0x8000 else v)
        return units.dbm_to_mw(dbm) if dbm <= 40 else None     # > +40 dBm is not a threshold
    return v * 0.002          # bias: 2 uA units -> mA


def _media(type_text: str) -> str | None:
    t = type_text.lower()
    if not t or t in ("na", "n/a"):
        return None
    if "copper" in t:
        return "acc" if ("active" in t or "limiting" in t or "linear" in t) else "dac"
    if "nm" in t or "vcsel" in t or "laser" in t or "optic" in t or "dfb" in t or "eml" in t:
        return "optical"
    return "unknown"


def _flush_cable(key, kv: dict[str, str], modules: list, lanes_out: list, line_no: int):
    dev, port = key
    mod: dict = {"device": dev, "port": port, "present": True}
    ident = kv.get("identifier", "")
    if ident and ident.upper() not in ("NA", "N/A"):
        mod["identifier"] = re.sub(r"\s*\(0x[0-9a-fA-F]+\)\s*$", "", ident).strip() or None
    for src, col in (("vendor", "vendor"), ("pn", "part_number"), ("sn", "serial"), ("rev", "revision")):
        v = kv.get(src, "").strip()
        if v and v.upper() not in ("NA", "N/A"):
            mod[col] = v
    typ = kv.get("type", "")
    media = _media(typ)
    if media:
        mod["media"] = media
    wl = re.match(r"^\s*(\d+(?:\.\d+)?)\s*nm", typ)
    if wl:
        mod["wavelength_nm"] = float(wl.group(1))
    ln = kv.get("length", "").strip()
    if ln and ln.upper() not in ("NA", "N/A"):
        try:
            mod["length_m"] = units.length_to_m(ln)
        except ValueError:
            pass
    passive = media == "dac"
    t = kv.get("temperature", "")
    try:
        tc = units.temperature_to_c(t) if t and t.upper() not in ("NA", "N/A") else None
    except ValueError:
        tc = None
    if tc is not None and not (passive and tc == 0):
        mod["temperature_c"] = tc
    v = kv.get("supply voltage reporting", "")
    try:
        vv = units.voltage_to_v(v) if v and v.upper() not in ("NA", "N/A") else None
    except ValueError:
        vv = None
    if vv:                      # 0 uV = not reported
        mod["voltage_v"] = vv
    for name, (col, kind) in _THRESH.items():
        raw = kv.get(name.lower())
        if raw is not None:
            val = _thresh(kind, raw)
            if val is not None:
                mod[col] = val
    # a pair of zero thresholds (passive copper) is "not provided"
    for sensor in ("temperature_c", "voltage_v", "rx_power_mw", "tx_power_mw", "tx_bias_ma"):
        for lvl in ("alarm", "warn"):
            hi, lo = f"{sensor}_high_{lvl}", f"{sensor}_low_{lvl}"
            raw_hi = [n for n, (c, _k) in _THRESH.items() if c == hi]
            if raw_hi and mod.get(hi) in (0, 0.0) and mod.get(lo) in (0, 0.0, None):
                mod.pop(hi, None)
                mod.pop(lo, None)
            elif sensor in ("rx_power_mw", "tx_power_mw"):
                # raw 0/0 decodes to 1 mW / 1 mW: not a threshold pair
                rh = kv.get(f"{sensor[:2]}powerhighthresh")
                rl = kv.get(f"{sensor[:2]}powerlowthresh")
                if lvl == "alarm" and rh is not None and rh.strip() == "0" and (rl or "").strip() == "0":
                    mod.pop(hi, None)
                    mod.pop(lo, None)
    alarms = []
    for key_l, sensor in _MOD_AW.items():
        raw = kv.get(key_l)
        iv = _int(raw) if raw else None
        if iv:
            for name, bit in _AW_BITS:
                if iv & (bit << 4):
                    alarms.append(f"{sensor}_{name}")
    mod["alarms"] = alarms
    modules.append(mod)
    lanes: dict[int, dict] = {}

    def lane(n: int) -> dict:
        return lanes.setdefault(n, {"device": dev, "port": port, "lane": n, "alarms": []})

    for k, v in kv.items():
        m = _LANE_KEY.match(k)
        if not m:
            continue
        side, n, what = m.group(1).lower(), int(m.group(2)), m.group(3).lower()
        if n < 1:
            continue
        row = lane(n)
        if what == "power":
            mw = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*mW", v)
            if mw:
                val = float(mw.group(1))
                row[f"{side}_power_mw"] = None if val <= -999 else max(val, 0.0)   # -999.999 = not reported
        elif what == "bias" and side == "tx":
            try:
                b = units.current_to_ma(v)
            except ValueError:
                b = None
            if b is not None and b >= 0 and not (passive and b == 0):
                row["tx_bias_ma"] = b
    n_lanes = max(lanes) if lanes else 0
    for key_l, col_rx, col_tx in (("cdr latched tx/rx loss indicator", "rx_los", "tx_los"),
                                  ("latched tx / rx lol indicator", "rx_lol", "tx_lol")):
        raw = kv.get(key_l)
        iv = _int(raw) if raw else None
        if iv is None:
            continue
        for i in range(1, max(n_lanes, 1) + 1 if n_lanes <= 4 else 5):
            if i > 4:
                break
            lane(i)[col_rx] = bool(iv & (1 << (i - 1)))
            lane(i)[col_tx] = bool(iv & (1 << (i + 3)))
    for key_l, sensor in _LANE_AW.items():
        raw = kv.get(key_l)
        if not raw:
            continue
        h = raw.strip().lower()
        if not re.match(r"^0x[0-9a-f]+$", h):
            continue
        digits = h[2:]
        for idx, ch in enumerate(digits, 1):
            nib = int(ch, 16)
            if not nib:
                continue
            for name, bit in _AW_BITS:
                if nib & bit:
                    lane(idx)["alarms"].append(f"{sensor}_{name}")
    lanes_out.extend(lanes[n] for n in sorted(lanes))


@register("ibdiagnet-cables", tables=("modules", "lanes"), detect=_looks_like_cables, priority=30,
          description="ibdiagnet2.cables (--get_cable_info): module EEPROM/DOM of every fabric port")
def parse_ibdiagnet_cables(text: str, ctx: Context) -> Tables:
    modules: list = []
    lanes: list = []
    key = None
    kv: dict[str, str] = {}
    start = 0
    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("---"):
            continue
        m = _BLOCK_HDR.match(s)
        if m:
            if key:
                _flush_cable(key, kv, modules, lanes, start)
            num, _lid, guid, pname = m.groups()
            key = from_ibdiag_port_name(pname, guid, int(num)) if pname else (norm_guid(guid), num)
            kv, start = {}, ln
            continue
        if key is None:
            continue
        k, sep, v = s.partition(":")
        if sep:
            kv[" ".join(k.split()).lower()] = v.strip()
    if key:
        _flush_cable(key, kv, modules, lanes, start)
    if not modules and _no_records(text, "ibdiagnet2.cables", "'Port=N ... GUID=0x...' cable record"):
        return {"modules": [], "lanes": []}      # a complete file of no ports: no cable was read
    # ibdiagnet's lane keys (RX1 Power) keep their case in kv; re-key done via lower() above
    return {"modules": modules, "lanes": lanes}


# --------------------------------------------------------------------------------------- net_dump
_ND_NODE = re.compile(r'^"(.*)"\s*,\s*([^,]*),\s*(0x[0-9a-fA-F]+)\s*,\s*LID\s+(\d+)')
_MTU = {1: 256, 2: 512, 3: 1024, 4: 2048, 5: 4096}
_FEC = {"RS_FEC_544_514": "rs544", "RS_FEC_528_514": "rs528", "RS_FEC": "rs528", "FC_FEC": "fc",
        "FIRECODE_FEC": "fc", "NO_FEC": "none", "NO-FEC": "none"}


def _looks_like_net_dump(text: str) -> bool:
    return bool(re.search(r"(?m)^\s*#\s*:\s*IB#\s*:\s*Sta\s*:", text[:8000]))


def _label_to_number(label: str, remote_is_ca: bool) -> str:
    parts = label.split("/")
    if label.isdigit():
        return label
    if remote_is_ca and parts[-1].isdigit():
        return parts[-1]
    if len(parts) == 3 and all(p.isdigit() for p in parts) and parts[0] == "1":
        return str((int(parts[1]) - 1) * 2 + int(parts[2]))     # Quantum-2 ASIC/Cage/Port, no split
    return label


@register("ibdiagnet-net-dump", tables=("ports", "neighbors"), detect=_looks_like_net_dump, priority=30,
          description="ibdiagnet2.net_dump: state, MTU, width/speed, FEC and neighbor of every switch port")
def parse_ibdiagnet_net_dump(text: str, ctx: Context) -> Tables:
    entries = []
    labels: dict[tuple[str, str], str] = {}
    node = None
    header = None
    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        m = _ND_NODE.match(s)
        if m:
            desc, _vendor, guid, _lid = m.groups()
            dev, ca = node_name(desc, guid, None)
            node = (dev, ca, norm_guid(guid))
            header = None
            continue
        if s.startswith("#") and "IB#" in s:
            header = [h.strip() for h in s.lstrip("#").split(":")]
            header[0] = "#" if not header[0] else header[0]
            header = ["#"] + header[1:]
            continue
        if node is None or header is None or ":" not in s or s.startswith("#"):
            continue
        fields = [f.strip() for f in s.split(":", len(header) - 1)]
        if len(fields) < 4:
            continue
        rec = dict(zip(header, fields))
        num = rec.get("IB#", "")
        if not num.isdigit():
            continue
        if rec.get("#") and node[2]:
            labels[(node[2], rec["#"])] = num
        entries.append((node, rec))
    if not entries:
        raise ParseError("no node tables with '# : IB# : Sta : ...' rows: not an ibdiagnet2.net_dump")
    ports, neigh = [], []
    for (dev, ca, _g), rec in entries:
        pname = port_name(ca, rec["IB#"])
        row = {"device": dev, "port": pname}
        sta = rec.get("Sta", "").upper()
        if sta:
            row["oper_up"] = sta.startswith("ACT")
        phys = rec.get("PhysSta", "").upper()
        if phys:  # IB has no admin state: a port that is not Disabled is enabled (Polling = no peer)
            row["admin_up"] = not phys.startswith("DISABLE")
        mtu = _int(rec.get("MTU", ""))
        if mtu in _MTU:
            row["mtu"] = _MTU[mtu]
        lanes = width_lanes(rec.get("LWA", ""))
        lsa = rec.get("LSA", "").strip()
        if lanes and row.get("oper_up") is not False:
            row["lanes"] = lanes
            per = SPEED_PER_LANE.get(lsa.upper())
            if per is None:
                try:
                    per = lane_rate_to_nominal(float(lsa))
                except ValueError:
                    per = None
            if per:
                row["speed_gbps"] = lanes * per
        fec = rec.get("FEC mode", "").strip()
        if fec and fec.upper() not in ("N/A", "NA"):
            row["fec"] = _FEC.get(fec.upper(), fec.lower())
        ports.append(row)
        nguid = norm_guid(rec.get("Neighbor Guid", ""))
        ndesc = rec.get("Neighbor Description", "").strip()
        if ndesc.startswith('"') and ndesc.endswith('"') and len(ndesc) >= 2:
            ndesc = ndesc[1:-1]
        nport = rec.get("N#", "").strip()
        if not nguid or not nport:
            continue
        rdev, rca = node_name(ndesc, nguid, None)
        num = labels.get((nguid, nport)) or _label_to_number(nport, rca is not None)
        neigh.append({"device": dev, "port": pname, "remote_device": rdev,
                      "remote_port": port_name(rca, num), "remote_chassis_id": nguid,
                      "protocol": "ibdiagnet"})
    return {"ports": ports, "neighbors": neigh}


# ----------------------------------------------------------------------------------------- db_csv
_WIDTH_ENUM = {1: 1, 2: 4, 4: 8, 8: 12, 16: 2}
_SPEED_ENUM = {1: 2.5, 2: 5.0, 4: 10.0}
_SPEED_EXT_ENUM = {1: 14.0, 2: 25.0, 4: 50.0, 8: 100.0, 16: 200.0}


def _looks_like_db_csv(text: str) -> bool:
    head = text[:20000]
    return bool(re.search(r"(?m)^START_[A-Z0-9_]+\s*$", head)) and bool(re.search(r"(?m)^END_[A-Z0-9_]+\s*$", text))


def _sections(text: str):
    cur, rows = None, []
    for ln, line in enumerate(text.splitlines(), 1):
        if line.startswith("### ["):
            continue                  # sampler marker lines, not ibdiagnet output
        s = line.strip()
        if s.startswith("START_"):
            cur, rows = s[6:], []
            continue
        if s.startswith("END_"):
            if cur is not None:
                yield cur, rows
            cur = None
            continue
        if cur is not None and s:
            rows.append(line)
    if cur is not None and rows:
        yield cur, rows               # cut file: section without its END_ line


def _csv(rows: list[str]) -> list[dict]:
    rdr = csv.reader(io.StringIO("\n".join(rows)))
    try:
        header = [h.strip() for h in next(rdr)]
    except (StopIteration, csv.Error):
        return []
    out = []
    try:
        for rec in rdr:
            if len(rec) == len(header):
                out.append(dict(zip(header, (f.strip() for f in rec))))
    except csv.Error:
        pass
    return out


@register("ibdiagnet-db-csv", tables=("ports", "counters", "neighbors"), detect=_looks_like_db_csv, priority=30,
          description="ibdiagnet2.db_csv: NODES, LINKS, PORTS and PM_INFO sections of the fabric database")
def parse_ibdiagnet_db_csv(text: str, ctx: Context) -> Tables:
    secs = {}
    for name, rows in _sections(text):
        if name in ("NODES", "LINKS", "PM_INFO", "PORTS"):
            secs[name] = _csv(rows)
        else:
            secs.setdefault(name, None)
    if not secs:
        raise ParseError("no START_<SECTION> ... END_<SECTION> blocks: not an ibdiagnet2.db_csv file")
    names: dict[str, tuple[str, str | None]] = {}
    for rec in secs.get("NODES") or []:
        g = norm_guid(rec.get("NodeGUID", ""))
        if not g:
            continue
        is_sw = rec.get("NodeType", "").strip() == "2"
        dev, ca = node_name(rec.get("NodeDesc", ""), g, is_sw if rec.get("NodeType") else None)
        names[g] = (dev or g, ca)

    def key(guid_text: str, num: str) -> tuple[str, str] | None:
        g = norm_guid(guid_text)
        if not g or not num.strip().isdigit():
            return None
        dev, ca = names.get(g, (g, None))
        return dev, port_name(ca, int(num))

    counters, neigh, ports = [], [], []
    for rec in secs.get("PM_INFO") or []:
        k = key(rec.get("NodeGUID", ""), rec.get("PortNumber", ""))
        if not k:
            continue
        vals = {}
        for col, pmk in _CSV_PM.items():
            if col in rec:
                iv = _int(rec[col])
                if iv is not None:
                    vals[pmk] = iv
        row = {"device": k[0], "port": k[1]}
        row.update(_counters_from(vals))
        counters.append(row)
    for rec in secs.get("LINKS") or []:
        a = key(rec.get("NodeGuid1", ""), rec.get("PortNum1", ""))
        b = key(rec.get("NodeGuid2", ""), rec.get("PortNum2", ""))
        if not a or not b:
            continue
        neigh.append({"device": a[0], "port": a[1], "remote_device": b[0], "remote_port": b[1],
                      "remote_chassis_id": norm_guid(rec["NodeGuid2"]), "protocol": "ibdiagnet"})
        neigh.append({"device": b[0], "port": b[1], "remote_device": a[0], "remote_port": a[1],
                      "remote_chassis_id": norm_guid(rec["NodeGuid1"]), "protocol": "ibdiagnet"})
    for rec in secs.get("PORTS") or []:
        k = key(rec.get("NodeGuid", rec.get("NodeGUID", "")), rec.get("PortNum", rec.get("PortNumber", "")))
        if not k:
            continue
        row = {"device": k[0], "port": k[1]}
        st = _int(rec.get("PortState", ""))
        if st is not None:
            row["oper_up"] = st == 4
        phy = _int(rec.get("PortPhyState", ""))
        if phy:  # 3 = Disabled; any other known physical state means the port is enabled
            row["admin_up"] = phy != 3
        w = _WIDTH_ENUM.get(_int(rec.get("LinkWidthActv", "")) or -1)
        sp_ext = _SPEED_EXT_ENUM.get(_int(rec.get("LinkSpeedExtActv", "")) or -1)
        actv = _int(rec.get("LinkSpeedActv", "")) or 0
        if actv >> 8:        # newer ibdiagnet: one IBDM speed mask, extended speeds shifted by 8 (NDR 0x800)
            sp_ext = sp_ext or _SPEED_EXT_ENUM.get(1 << ((actv >> 8).bit_length() - 1))
        sp = sp_ext or _SPEED_ENUM.get(actv or -1)
        if w and row.get("oper_up") is not False:
            row["lanes"] = w
            if sp:
                row["speed_gbps"] = w * sp
        ports.append(row)
    return {"counters": counters, "neighbors": neigh, "ports": ports}


# -------------------------------------------------------------------------------------------- log
_STAGE_HDR = re.compile(r"^-I-\s+Stage\s+Warnings\s+Errors\b")
_STAGE = re.compile(r"^-I-\s+(\S.*?)\s+(\d+)\s+(\d+)\s*(.*?)\s*$")


def _looks_like_log(text: str) -> bool:
    return bool(re.search(r"(?m)^-I-\s+Stage\s+Warnings\s+Errors", text)) or (
        "IBDIAGNET" in text[:2000] and bool(re.search(r"(?m)^-[IWE]-\s", text[:20000])))


@register("ibdiagnet-log", tables=("collection",), detect=_looks_like_log, priority=60,
          description="ibdiagnet2.log / console output: per-stage warnings and errors (Summary table)")
def parse_ibdiagnet_log(text: str, ctx: Context) -> Tables:
    rows = []
    in_summary = False
    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if _STAGE_HDR.match(s):
            in_summary = True
            continue
        if not in_summary:
            continue
        if not s:
            if rows:
                break
            continue
        m = _STAGE.match(s)
        if not m:
            if rows:
                break
            continue
        stage, w, e, comment = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        err = None
        if w or e or comment:
            err = f"{w} warnings, {e} errors" + (f": {comment}" if comment else "")
        rows.append({"command": f"ibdiagnet stage: {stage}", "ok": e == 0, "error": err,
                     "parser": "ibdiagnet-log"})
    if not rows:
        raise ParseError("no '-I- Stage  Warnings  Errors' summary table: not a complete ibdiagnet log")
    return {"collection": rows}

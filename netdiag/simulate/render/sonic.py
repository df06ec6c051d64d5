"""Render a simulated SONiC switch: the outputs of the commands the sonic platform driver issues
(netdiag/platforms/sonic.py), in the layouts sonic-utilities prints (intfutil, sfpshow, portstat,
lldpshow; real samples in tests/cases/sonic-*/):

* ``show interfaces status``: intfutil's table (tabulate 'simple', right-aligned);
* ``show interfaces transceiver eeprom --dom``: one sfpshow block per port, natural order, blocks
  separated by a blank line. CMIS modules (OSFP, QSFP-DD, QSFP112 = 'QSFP+ or later with CMIS')
  print the CMIS info keys; QSFP28/QSFP+ print the SFF-8636 keys. The DOM part follows sfpshow: an
  'OSFP...'/'QSFP-DD...' type gets the 8-lane maps with Tx power thresholds, any other 'QSFP...'
  type the 4-lane maps without them. Each logical port of a twin-port/breakout cage is one block
  whose lanes are that port's own lanes 1..N (Host/Media Lane Count = N). Passive copper has no DOM:
  the four DOM section headers with nothing under them, as sfpshow prints N/A sensors;
* ``show interfaces transceiver status``: the flags the tables know (Rx LOS per lane, module state,
  lane/module alarm flags), in sfp_helper's map order; 'Transceiver status info not applicable'
  when there is none (copper, no module);
* ``show interfaces transceiver pm``: no coherent modules here: 'Transceiver performance monitoring
  not applicable' per port, as sfpshow prints it;
* ``show interfaces counters -a`` / ``counters errors`` / ``counters fec-stats``: portstat tables;
  rates (BPS, PPS, UTIL), RX/TX_OVR and TRIM are not in the tables and print N/A;
* ``show lldp table``: lldpshow's summary table and footer;
* per admin-up port: ``show interfaces counters fec-histogram PORT``: BIN0..BIN15. The tables hold no
  histogram, so it is derived, not invented: bins 1..15 sum to ``fec_corrected_cw`` (each bin a
  tenth of the one before), BIN0 the error-free codewords of ``rx_bytes`` (RS(544,514)); unknown
  counters print N/A.

Null values print as the tool prints 'not available': the line is left out (sfpshow skips N/A DOM
keys), 'N/A' in tables and info keys, '-infdBm' for no light (0 mW).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from netdiag.platforms import get as get_platform
from netdiag.simulate.render import DeviceTables, register

_PLATFORM = None
NA = "N/A"
_I8 = " " * 8
_I16 = " " * 16

_RS_PAYLOAD_BITS = 5140          # RS(544,514): 514 data symbols of 10 bits
_BINS = 16

#: canonical identifier -> the TRANSCEIVER_INFO 'type' string xcvrd stores (SFF-8024 names)
_TYPE = {
    "OSFP": "OSFP 8X Pluggable Transceiver",
    "QSFP-DD": "QSFP-DD Double Density 8X Pluggable Transceiver",
    "QSFP112": "QSFP+ or later with CMIS",
    "QSFP56": "QSFP+ or later with CMIS",
    "QSFP28": "QSFP28 or later",
    "QSFP+": "QSFP+",
    "QSFP": "QSFP",
}
_CMIS = {"OSFP", "QSFP-DD", "QSFP112", "QSFP56"}

_FEC = {"rs544": "rs", "rs528": "rs", "rs": "rs", "fc": "fc", "none": "none", "auto": "auto"}

_PORT_NUM = re.compile(r"(\d+)")


# --- helpers -----------------------------------------------------------------------------------------

def _null(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in _PORT_NUM.split(name)]


def _records(df: pd.DataFrame, cols: list[str]) -> list[dict]:
    """Rows as plain dicts of `cols` (a missing column is None), nulls as None; one conversion per frame."""
    if df is None or df.empty:
        return []
    data = {}
    n = len(df)
    for c in cols:
        if c not in df.columns:
            data[c] = [None] * n
            continue
        s = df[c]
        vals = s.tolist()
        if s.hasnans:
            vals = [None if _null(v) else v for v in vals]
        data[c] = vals
    return [dict(zip(cols, row)) for row in zip(*(data[c] for c in cols))]


def _is_int(s: str) -> bool:
    if s.isdigit():
        return True
    if not s or s[0].isalpha():
        return False
    try:
        int(s)
        return True
    except ValueError:
        return False


def _is_number(s: str) -> bool:
    if not s or s[0].isalpha():
        return False
    try:
        f = float(s)
    except ValueError:
        return False
    if math.isinf(f) or math.isnan(f):
        return s.lower() in ("inf", "-inf", "nan")
    return True


def _afterpoint(s: str) -> int:
    if _is_int(s):
        return -1
    pos = s.rfind(".")
    if pos < 0:
        pos = s.lower().rfind("e")
    return len(s) - pos - 1 if pos >= 0 else -1


def _tabulate(headers: list[str], rows: list[list[str]], stralign: str = "left") -> str:
    """python-tabulate's 'simple' format as sonic-utilities calls it: columns at least header + 2
    wide, two spaces between them, numbers decimal-aligned (floats re-printed with 'g'), strings
    aligned by `stralign`, every line right-stripped."""
    cols = [[r[i] for r in rows] for i in range(len(headers))]
    out_cols, aligns, widths = [], [], []
    for h, col in zip(headers, cols):
        kind = "str"
        if col:
            kind = "int"
            for s in col:
                if _is_int(s):
                    continue
                if _is_number(s):
                    kind = "float"
                    continue
                kind = "str"
                break
        if kind == "float":
            col = [format(float(s), "g") for s in col]
        if kind != "str":
            dec = [_afterpoint(s) for s in col]
            m = max(dec)
            col = [s + " " * (m - d) for s, d in zip(col, dec)]
            align = "right"
        else:
            col = [s.strip() for s in col]
            align = stralign
        w = max([len(h) + 2] + [len(s) for s in col])
        out_cols.append(col)
        aligns.append(align)
        widths.append(w)

    padded = [[c.rjust(w) for c in col] if a == "right" else [c.ljust(w) for c in col]
              for col, w, a in zip(out_cols, widths, aligns)]
    head = [h.rjust(w) if a == "right" else h.ljust(w) for h, w, a in zip(headers, widths, aligns)]
    lines = ["  ".join(head).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cells).rstrip() for cells in zip(*padded)]
    return "\n".join(lines)


def _count(v) -> str:
    """portstat's ns_diff: thousands separators; unknown N/A."""
    return NA if _null(v) else f"{int(v):,}"


def _f4(v: float) -> str:
    return f"{v:.4f}"


def _dbm(mw: float) -> str:
    """xcvrd's dBm figure of a power in mW; no light is -inf."""
    return "-inf" if mw <= 0.0 else _f4(10.0 * math.log10(mw))


# --- one device's tables as plain Python --------------------------------------------------------------

_PORT_COLS = ["port", "admin_up", "oper_up", "speed_gbps", "lanes", "fec", "mtu"]
_MOD_COLS = ["port", "present", "identifier", "media", "vendor", "part_number", "serial", "revision",
             "wavelength_nm", "length_m", "temperature_c", "voltage_v", "alarms", "connector", "media_lanes",
             "module_state", "dom_supported",
             *(f"{s}_{lv}" for s in ("temperature_c", "voltage_v", "tx_power_mw", "rx_power_mw", "tx_bias_ma")
               for lv in ("high_alarm", "high_warn", "low_warn", "low_alarm"))]
_LANE_COLS = ["port", "lane", "tx_power_mw", "rx_power_mw", "tx_bias_ma", "rx_los", "tx_los", "tx_fault",
              "rx_lol", "tx_lol", "alarms"]
_CNT_COLS = ["port", "rx_packets", "tx_packets", "rx_bytes", "rx_errors", "tx_errors", "rx_discards", "tx_discards",
             "fec_corrected_cw", "fec_uncorrectable_cw", "fec_corrected_symbols", "raw_ber", "effective_ber"]
_NB_COLS = ["port", "remote_device", "remote_port", "remote_port_descr"]


class _Dev:
    def __init__(self, dev: DeviceTables):
        self.name = dev.name
        self.ports = {r["port"]: r for r in _records(dev.ports, _PORT_COLS)}
        self.mods = {r["port"]: r for r in _records(dev.modules, _MOD_COLS)}
        self.cnt = {r["port"]: r for r in _records(dev.counters, _CNT_COLS)}
        self.lanes: dict[str, list[dict]] = {}
        for r in _records(dev.lanes, _LANE_COLS):
            self.lanes.setdefault(r["port"], []).append(r)
        for ls in self.lanes.values():
            ls.sort(key=lambda r: r["lane"])
        self.nbrs = [r for r in _records(dev.neighbors, _NB_COLS) if r["remote_port"] is not None]
        hist = getattr(dev, "fec_histogram", None)
        self.hist: dict[str, dict[int, int]] | None = None
        if isinstance(hist, pd.DataFrame) and not hist.empty:
            self.hist = {}
            for r in _records(hist, ["port", "bin", "count"]):
                if r["count"] is not None:
                    self.hist.setdefault(r["port"], {})[int(r["bin"])] = int(r["count"])
        # PORT_TABLE: the ports the tables know, in natural order (natsorted by the CLI)
        self.order = sorted(set(self.ports) | set(self.mods) | set(self.cnt), key=_natural)

    def nlanes(self, port: str) -> int | None:
        p = self.ports.get(port)
        if p and p["lanes"] is not None:
            return int(p["lanes"])
        m = self.mods.get(port)
        if m and m["media_lanes"] is not None:
            return int(m["media_lanes"])
        ls = self.lanes.get(port)
        return len(ls) if ls else None


# --- show interfaces status -----------------------------------------------------------------------------

def _alias(port: str, nl: int | None) -> str:
    m = re.fullmatch(r"Ethernet(\d+)", port)
    if not m:
        return NA
    n = int(m.group(1))
    cage, off = divmod(n, 8)
    if not nl or nl >= 8:
        return f"etp{cage + 1}"
    return f"etp{cage + 1}{'abcdefgh'[off // nl]}"


def _speed(g) -> str:
    if _null(g):
        return NA
    mbps = int(round(float(g) * 1000))
    if mbps < 1000:
        return f"{mbps}M"
    if mbps % 1000 >= 100:
        return f"{mbps / 1000:.1f}G"
    return f"{mbps / 1000:.0f}G"


def _updown(v) -> str:
    return NA if v is None else ("up" if v else "down")


def interfaces_status(d: _Dev) -> str:
    rows = []
    for port in d.order:
        p = d.ports.get(port)
        if p is None:
            continue
        nl = None if p["lanes"] is None else int(p["lanes"])
        m = re.fullmatch(r"Ethernet(\d+)", port)
        if nl and m:
            base = int(m.group(1))
            lanes = ",".join(str(base + i) for i in range(nl))
        else:
            lanes = NA
        mod = d.mods.get(port)
        typ = NA
        if mod and mod["present"] is not False and mod["identifier"]:
            typ = _TYPE.get(mod["identifier"], mod["identifier"])
        rows.append([port, lanes, _speed(p["speed_gbps"]), NA if p["mtu"] is None else str(int(p["mtu"])),
                     _FEC.get((p["fec"] or "").lower(), NA), _alias(port, nl), "routed",
                     _updown(p["oper_up"]), _updown(p["admin_up"]), typ, "off"])
    hdr = ["Interface", "Lanes", "Speed", "MTU", "FEC", "Alias", "Vlan", "Oper", "Admin", "Type", "Asym PFC"]
    return _tabulate(hdr, rows, stralign="right") + "\n"


# --- show interfaces transceiver eeprom --dom -------------------------------------------------------------

_HOST_ASSIGN = {1: "0xff", 2: "0x55", 4: "0x11", 8: "0x1"}


def _app_advert(media: str | None, n: int | None) -> str:
    if not n:
        return NA
    speed = 100 * n                                   # 100G per lane (PAM4 112G SerDes)
    host_assign = _HOST_ASSIGN.get(n, "0x1")
    if media == "dac":
        return f"{speed}GBASE-CR{n} (Clause 179) - Host Assign ({host_assign}) - Copper cable - Media Assign (Unknown)"
    host = f"{speed}GAUI-{n}-S C2M (Annex 120G)"
    if media in ("aoc", "acc"):
        return (f"{host} - Host Assign ({host_assign}) - Active Cable assembly with BER < 2.6x10^-4"
                f" - Media Assign ({host_assign})")
    return f"{host} - Host Assign ({host_assign}) - {speed}GBASE-SR{n} (Cl 167) - Media Assign ({host_assign})"


def _media_tech(m: dict) -> str:
    media, wl = m["media"], m["wavelength_nm"]
    if media == "dac":
        return "Copper cable unequalized"
    if media == "acc":
        return "Copper cable, near and far end limiting active equalizers"
    if wl is None:
        return NA
    if wl < 1000:
        return f"{wl:g} nm VCSEL"
    return f"{wl:g} nm DFB"


def _spec_compliance_cmis(m: dict) -> str:
    media, wl = m["media"], m["wavelength_nm"]
    if media == "dac":
        return "passive_copper_media_interface"
    if media in ("aoc", "acc"):
        return "active_cable_media_interface"
    if media == "optical":
        return "nm_850_media_interface" if wl is not None and wl < 1000 else "sm_media_interface"
    return NA


def _s(v) -> str:
    return NA if v is None else str(v)


def _length(m: dict) -> str:
    v = m["length_m"]
    return "0.0" if v is None else f"{float(v):g}" if float(v) != int(v) else f"{float(v):.1f}"


def _info_cmis(m: dict, typ: str, n: int | None) -> list[str]:
    media = m["media"]
    out = [f"{_I8}Active Firmware: {NA}"]
    phys = 8 if typ.startswith(("OSFP", "QSFP-DD")) else 4     # the module's host lanes (xcvrd lists 8)
    out += [f"{_I8}Active application selected code assigned to host lane {i}: {'1' if n and i <= phys else NA}"
            for i in range(1, 9)]
    out.append(f"{_I8}Application Advertisement: {_app_advert(media, n)}")
    out.append(f"{_I8}CMIS Rev: 5.0")
    out.append(f"{_I8}Connector: {_s(m['connector'])}")
    out.append(f"{_I8}Encoding: {NA}")
    out.append(f"{_I8}Extended Identifier: {NA}")
    out.append(f"{_I8}Extended RateSelect Compliance: {NA}")
    out.append(f"{_I8}Host Lane Count: {_s(n)}")
    out.append(f"{_I8}Identifier: {typ}")
    out.append(f"{_I8}Inactive Firmware: {NA}")
    out.append(f"{_I8}Length Cable Assembly(m): {_length(m)}")
    out.append(f"{_I8}Media Interface Technology: {_media_tech(m)}")
    ml = m["media_lanes"]
    out.append(f"{_I8}Media Lane Count: {'0' if media == 'dac' else _s(None if ml is None else int(ml))}")
    out.append(f"{_I8}Module Hardware Rev: {NA}")
    out.append(f"{_I8}Nominal Bit Rate(100Mbs): {NA}")
    out.append(f"{_I8}Specification compliance: {_spec_compliance_cmis(m)}")
    out.append(f"{_I8}Vendor Date Code(YYYY-MM-DD Lot): {NA}")
    out.append(f"{_I8}Vendor Name: {_s(m['vendor'])}")
    out.append(f"{_I8}Vendor OUI: {NA}")
    out.append(f"{_I8}Vendor PN: {_s(m['part_number'])}")
    out.append(f"{_I8}Vendor Rev: {_s(m['revision'])}")
    out.append(f"{_I8}Vendor SN: {_s(m['serial'])}")
    return out


_SFF8636_COMPLIANCE = {
    "optical": "100GBASE-SR4 or 25GBASE-SR",
    "aoc": "100G AOC (Active Optical Cable) or 25GAUI C2M AOC. Providing a worst BER of 5 x 10^(-5)",
    "dac": "100GBASE-CR4, 25GBASE-CR CA-25G-L or 50GBASE-CR2 with RS (Clause91) FEC",
    "acc": "100G ACC (Active Copper Cable) or 25GAUI C2M ACC. Providing a worst BER of 5 x 10^(-5)",
}


def _info_sff8636(m: dict, typ: str) -> list[str]:
    out = [f"{_I8}Application Advertisement: {NA}",
           f"{_I8}Connector: {_s(m['connector'])}",
           f"{_I8}Encoding: {NA}",
           f"{_I8}Extended Identifier: {NA}",
           f"{_I8}Extended RateSelect Compliance: {NA}",
           f"{_I8}Identifier: {typ}",
           f"{_I8}Length Cable Assembly(m): {_length(m)}",
           f"{_I8}Nominal Bit Rate(100Mbs): {NA}",
           f"{_I8}Specification compliance:"]
    ext = _SFF8636_COMPLIANCE.get(m["media"])
    if ext:
        out.append(f"{_I16}10/40G Ethernet Compliance Code: Extended")
        out.append(f"{_I16}Extended Specification Compliance: {ext}")
    else:
        out.append(f"{_I16}{NA}")
    out += [f"{_I8}Vendor Date Code(YYYY-MM-DD Lot): {NA}",
            f"{_I8}Vendor Name: {_s(m['vendor'])}",
            f"{_I8}Vendor OUI: {NA}",
            f"{_I8}Vendor PN: {_s(m['part_number'])}",
            f"{_I8}Vendor Rev: {_s(m['revision'])}",
            f"{_I8}Vendor SN: {_s(m['serial'])}"]
    return out


def _thr(name: str, v, unit: str, align: int, power: bool = False) -> str | None:
    if v is None:
        return None
    text = _dbm(v) if power else _f4(v)
    return f"{_I16}{name}{': '.rjust(2 + align - len(name))}{text}{unit}"


def _dom(m: dict, lanes: list[dict], typ: str) -> list[str]:
    eight = typ.startswith(("QSFP-DD", "OSFP"))
    maxlane = 8 if eight else 4
    out = [f"{_I8}ChannelMonitorValues:"]
    by = [ln for ln in lanes if 1 <= ln["lane"] <= maxlane]
    for ln in by:
        if ln["rx_power_mw"] is not None:
            out.append(f"{_I16}RX{ln['lane']}Power: {_dbm(ln['rx_power_mw'])}dBm")
    for ln in by:
        if ln["tx_bias_ma"] is not None:
            out.append(f"{_I16}TX{ln['lane']}Bias: {_f4(ln['tx_bias_ma'])}mA")
        if ln["tx_power_mw"] is not None:
            out.append(f"{_I16}TX{ln['lane']}Power: {_dbm(ln['tx_power_mw'])}dBm")
    out.append(f"{_I8}ChannelThresholdValues:")
    chan = [("RxPowerHighAlarm", "rx_power_mw_high_alarm", "dBm", True),
            ("RxPowerHighWarning", "rx_power_mw_high_warn", "dBm", True),
            ("RxPowerLowAlarm", "rx_power_mw_low_alarm", "dBm", True),
            ("RxPowerLowWarning", "rx_power_mw_low_warn", "dBm", True),
            ("TxBiasHighAlarm", "tx_bias_ma_high_alarm", "mA", False),
            ("TxBiasHighWarning", "tx_bias_ma_high_warn", "mA", False),
            ("TxBiasLowAlarm", "tx_bias_ma_low_alarm", "mA", False),
            ("TxBiasLowWarning", "tx_bias_ma_low_warn", "mA", False)]
    if eight:
        chan += [("TxPowerHighAlarm", "tx_power_mw_high_alarm", "dBm", True),
                 ("TxPowerHighWarning", "tx_power_mw_high_warn", "dBm", True),
                 ("TxPowerLowAlarm", "tx_power_mw_low_alarm", "dBm", True),
                 ("TxPowerLowWarning", "tx_power_mw_low_warn", "dBm", True)]
    for name, col, unit, pw in chan:
        line = _thr(name, m[col], unit, 18, pw)
        if line:
            out.append(line)
    out.append(f"{_I8}ModuleMonitorValues:")
    if m["temperature_c"] is not None:
        out.append(f"{_I16}Temperature: {_f4(m['temperature_c'])}C")
    if m["voltage_v"] is not None:
        out.append(f"{_I16}Vcc: {_f4(m['voltage_v'])}Volts")
    out.append(f"{_I8}ModuleThresholdValues:")
    for name, col, unit in (("TempHighAlarm", "temperature_c_high_alarm", "C"),
                            ("TempHighWarning", "temperature_c_high_warn", "C"),
                            ("TempLowAlarm", "temperature_c_low_alarm", "C"),
                            ("TempLowWarning", "temperature_c_low_warn", "C"),
                            ("VccHighAlarm", "voltage_v_high_alarm", "Volts"),
                            ("VccHighWarning", "voltage_v_high_warn", "Volts"),
                            ("VccLowAlarm", "voltage_v_low_alarm", "Volts"),
                            ("VccLowWarning", "voltage_v_low_warn", "Volts")):
        line = _thr(name, m[col], unit, 15)
        if line:
            out.append(line)
    return out


def transceiver_eeprom(d: _Dev) -> str:
    blocks = []
    for port in d.order:
        m = d.mods.get(port)
        if m is None or m["present"] is False:
            blocks.append(f"{port}: SFP EEPROM Not detected\n")
            continue
        ident = m["identifier"]
        typ = _TYPE.get(ident, ident or NA)
        n = d.nlanes(port)
        lines = [f"{port}: SFP EEPROM detected"]
        lines += _info_cmis(m, typ, n) if ident in _CMIS else _info_sff8636(m, typ)
        lines += _dom(m, d.lanes.get(port, []), typ)
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) + "\n"


# --- show interfaces transceiver status -------------------------------------------------------------------

_LANE_FLAGS = [(f"{w} {hl} {lv} flag", f"{s}_{hl}_{'warn' if lv == 'warning' else 'alarm'}")
               for w, s in (("Tx power", "tx_power"), ("Rx power", "rx_power"), ("Tx bias", "tx_bias"))
               for hl, lv in (("high", "alarm"), ("high", "warning"), ("low", "warning"), ("low", "alarm"))]
_MOD_FLAGS = [(f"{w} {hl} {lv} flag", f"{s}_{hl}_{'warn' if lv == 'warning' else 'alarm'}")
              for w, s in (("Temperature", "temperature"), ("Vcc", "voltage"))
              for hl, lv in (("high", "alarm"), ("high", "warning"), ("low", "warning"), ("low", "alarm"))]


def _tf(v) -> str:
    return "True" if v else "False"


def _status_lines(m: dict | None, lanes: list[dict]) -> list[str]:
    out = []

    def per_lane(col, text):
        for ln in lanes:
            if ln[col] is not None:
                out.append(f"{_I8}{text} {ln['lane']}: {_tf(ln[col])}")

    per_lane("tx_fault", "Tx fault flag on media lane")
    per_lane("rx_los", "Rx loss of signal flag on media lane")
    if m is not None and m["module_state"] is not None:
        out.append(f"{_I8}Current module state: {m['module_state']}")
    per_lane("tx_los", "Tx loss of signal flag on host lane")
    per_lane("tx_lol", "Tx clock and data recovery loss of lock on host lane")
    per_lane("rx_lol", "Rx clock and data recovery loss of lock on media lane")
    if m is not None and m["alarms"] is not None:
        have = set(m["alarms"])
        out += [f"{_I8}{text}: {_tf(key in have)}" for text, key in _MOD_FLAGS]
    flagged = [ln for ln in lanes if ln["alarms"] is not None]
    for text, key in _LANE_FLAGS:
        for ln in flagged:
            out.append(f"{_I8}{text} on lane {ln['lane']}: {_tf(key in set(ln['alarms']))}")
    return out


def transceiver_status(d: _Dev) -> str:
    blocks = []
    for port in d.order:
        m = d.mods.get(port)
        lines = _status_lines(m, d.lanes.get(port, [])) if m is not None and m["present"] is not False else []
        if lines:
            blocks.append(f"{port}: \n" + "\n".join(lines) + "\n")
        else:
            blocks.append(f"{port}: Transceiver status info not applicable\n")
    return "\n".join(blocks) + "\n"


def transceiver_pm(d: _Dev) -> str:
    return "\n".join(f"{p}: Transceiver performance monitoring not applicable\n" for p in d.order) + "\n"


# --- portstat -------------------------------------------------------------------------------------------

def _state(p: dict | None) -> str:
    if p is None or p["admin_up"] is None:
        return NA
    if not p["admin_up"]:
        return "X"
    if p["oper_up"] is None:
        return NA
    return "U" if p["oper_up"] else "D"


def counters_all(d: _Dev) -> str:
    rows = []
    for port in d.order:
        c = d.cnt.get(port) or {}
        g = c.get
        rows.append([port, _state(d.ports.get(port)), _count(g("rx_packets")), NA, NA, NA,
                     _count(g("rx_errors")), _count(g("rx_discards")), NA,
                     _count(g("tx_packets")), NA, NA, NA, _count(g("tx_errors")), _count(g("tx_discards")), NA,
                     NA, NA, NA])
    hdr = ["IFACE", "STATE", "RX_OK", "RX_BPS", "RX_PPS", "RX_UTIL", "RX_ERR", "RX_DRP", "RX_OVR",
           "TX_OK", "TX_BPS", "TX_PPS", "TX_UTIL", "TX_ERR", "TX_DRP", "TX_OVR", "TRIM", "TRIM_TX", "TRIM_DRP"]
    return _tabulate(hdr, rows, stralign="right") + "\n"


def counters_errors(d: _Dev) -> str:
    rows = []
    for port in d.order:
        g = (d.cnt.get(port) or {}).get
        rows.append([port, _state(d.ports.get(port)), _count(g("rx_errors")), _count(g("rx_discards")), NA,
                     _count(g("tx_errors")), _count(g("tx_discards")), NA])
    hdr = ["IFACE", "STATE", "RX_ERR", "RX_DRP", "RX_OVR", "TX_ERR", "TX_DRP", "TX_OVR"]
    return _tabulate(hdr, rows, stralign="right") + "\n"


def _ber(v) -> str:
    return NA if v is None else f"{float(v):.2e}"


def counters_fec_stats(d: _Dev) -> str:
    rows = []
    for port in d.order:
        g = (d.cnt.get(port) or {}).get
        rows.append([port, _state(d.ports.get(port)), _count(g("fec_corrected_cw")),
                     _count(g("fec_uncorrectable_cw")), _count(g("fec_corrected_symbols")),
                     _ber(g("raw_ber")), _ber(g("effective_ber"))])
    hdr = ["IFACE", "STATE", "FEC_CORR", "FEC_UNCORR", "FEC_SYMBOL_ERR", "FEC_PRE_BER", "FEC_POST_BER"]
    return _tabulate(hdr, rows, stralign="right") + "\n"


def _histogram_bins(d: _Dev, port: str) -> list[str]:
    if d.hist is not None and port in d.hist:
        h = d.hist[port]
        return [str(h[b]) if b in h else "0" for b in range(_BINS)]
    c = d.cnt.get(port) or {}
    corr, uncorr, rxb = c.get("fec_corrected_cw"), c.get("fec_uncorrectable_cw"), c.get("rx_bytes")
    if corr is None:
        return [NA] * _BINS
    corr = int(corr)
    bins: list[str] = []
    rem = corr
    for b in range(1, _BINS):        # most corrected codewords have one bad symbol, fewer in each next bin
        take = rem - rem // 10 if b < _BINS - 1 else rem
        bins.append(str(take))
        rem -= take
    if rxb is None:
        bin0 = NA
    else:
        bin0 = str(max(int(rxb) * 8 // _RS_PAYLOAD_BITS - corr - (int(uncorr) if uncorr is not None else 0), 0))
    return [bin0] + bins


_HIST_HEAD = "Symbol Errors Per Codeword"
_HIST_BINS = [f"BIN{i}".ljust(len(_HIST_HEAD) + 2) for i in range(_BINS)]


def fec_histogram(d: _Dev, port: str) -> str:
    """tabulate(bins, ["Symbol Errors Per Codeword", "Codewords"]) (the default 'simple' format):
    counts are numbers (right-aligned); an all-N/A column is text (left-aligned)."""
    vals = _histogram_bins(d, port)
    w = max(len("Codewords") + 2, *(len(v) for v in vals))
    numeric = all(v.isdigit() for v in vals)
    if not numeric and not all(v == NA for v in vals):
        rows = [[f"BIN{i}", v] for i, v in enumerate(vals)]
        return _tabulate([_HIST_HEAD, "Codewords"], rows) + "\n"
    just = str.rjust if numeric else str.ljust
    lines = [f"{_HIST_HEAD}    {just('Codewords', w)}".rstrip(), f"{'-' * (len(_HIST_HEAD) + 2)}  {'-' * w}"]
    lines += [f"{b}  {just(v, w)}".rstrip() for b, v in zip(_HIST_BINS, vals)]
    return "\n".join(lines) + "\n"


# --- lldpshow -------------------------------------------------------------------------------------------

def _lldp_key(port: str):
    return [re.findall("[A-Za-z]+", port) + [int(n) for n in re.findall(r"\d+", port)]]


def lldp_table(d: _Dev) -> str:
    seen: dict[str, dict] = {}
    for r in d.nbrs:
        seen[f"{r['port']}#{r['remote_port']}"] = r      # lldpshow keys neighbors by local port + port id
    rows = []
    for key in sorted(seen, key=lambda k: _lldp_key(k.split("#")[0])):
        r = seen[key]
        rport = str(r["remote_port"])
        cap = "BR" if re.match(r"^(Ethernet|swp|Eth)\S*\d", rport) else "O"
        rows.append([r["port"], r["remote_device"] or "", rport, cap, r["remote_port_descr"] or ""])
    out = "Capability codes: (R) Router, (B) Bridge, (O) Other\n"
    out += _tabulate(["LocalPort", "RemoteDevice", "RemotePortID", "Capability", "RemotePortDescr"], rows) + "\n"
    out += "-" * 50 + "\n"
    out += f"Total entries displayed:  {len(seen)}"
    return out + "\n"


# --- the renderer ---------------------------------------------------------------------------------------

def per_port_ports(d: _Dev) -> list[str]:
    """The ports the driver's ports_from picks from `show interfaces status`: admin-up front-panel
    ports (admin state unknown counts), in the order the table prints them."""
    fp = re.compile(r"^Ethernet\d+(?:/\d+)*$")
    return [p for p in d.order if p in d.ports and fp.match(p) and d.ports[p]["admin_up"] is not False]


@register("sonic")
def render_sonic(dev: DeviceTables) -> list[tuple[str, bytes]]:
    global _PLATFORM
    if _PLATFORM is None:
        _PLATFORM = get_platform("sonic")
    d = _Dev(dev)
    texts = {
        "show interfaces status": interfaces_status,
        "show interfaces transceiver eeprom --dom": transceiver_eeprom,
        "show interfaces transceiver status": transceiver_status,
        "show interfaces transceiver pm": transceiver_pm,
        "show interfaces counters -a": counters_all,
        "show interfaces counters errors": counters_errors,
        "show interfaces counters fec-stats": counters_fec_stats,
        "show lldp table": lldp_table,
    }
    out = []
    for cmd in _PLATFORM.discovery:
        out.append((cmd, texts[cmd](d).encode()))
    ports = per_port_ports(d)
    cmds = _PLATFORM.port_commands(ports)
    per = len(_PLATFORM.per_port)
    for i, port in enumerate(ports):
        for cmd in cmds[i * per:(i + 1) * per]:
            out.append((cmd, fec_histogram(d, port).encode()))
    return out

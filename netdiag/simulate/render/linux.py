"""Render a simulated Linux GPU host (ConnectX / mlx5 NIC ports) as the commands the `linux` platform
driver runs: ``ip -j -s -d link show``, ``lldpctl -f json``, then per NIC port ``ethtool PORT``,
``ethtool -m PORT``, ``ethtool -S PORT`` and ``ethtool -I --show-fec PORT``.

Tool versions emulated: iproute2 6.1 (JSON, single ``-s``), lldpd 1.0.16 (``-f json``), ethtool 6.x
with the module-common decoders (``Module state``, ``Max power : 0.2500W``, per-lane status lists,
per-flag ``(Chan N)`` lines), Linux mlx5 driver counters (``NIC statistics:`` + ``*_phy``).

Module layout per identifier (what ethtool chooses from the SFF-8024 byte): QSFP / QSFP+ / QSFP28
use the SFF-8636 decoder (qsfp.c, 4 channels); OSFP, QSFP-DD, QSFP112 (0x1e) and anything else the
CMIS decoder (cmis.c: banks of 8 channels, so a 4-lane module prints 8 channels, the unused ones
reading 0). Modules without diagnostics (DAC/ACC, `dom_supported` False) have a flat memory map:
CMIS then prints no CDR/length/status/DOM lines at all; SFF-8636 prints zero temperature/voltage.

Nothing the tables hold as null is invented: a null reading, threshold or counter is a missing line
(ethtool) or a missing key (ip -j). Fixed EEPROM/driver fields the tables do not model (OUI, date
code, power class, link-mode lists, MACs, queue counts) are printed with plausible constants, as the
tools always print them.
"""

from __future__ import annotations

import json
import math
import re
import zlib

import pandas as pd

from netdiag.platforms import get as _platform
from netdiag.simulate.render import DeviceTables, register

LINUX = _platform("linux")

# --- small helpers --------------------------------------------------------------------------------


def _null(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _records(df: pd.DataFrame, cols: tuple[str, ...] | None = None) -> list[dict]:
    """A device's frame -> plain dicts with None for every kind of null (one conversion per frame).
    With `cols`, only those columns (those the frame has), read column by column: cheaper when they
    are few of many (the counters table has ~45 masked integer columns)."""
    if df is None or df.empty:
        return []
    na = pd.NA
    if cols is None:
        names = list(df.columns)
        rows = df.to_numpy(dtype=object).tolist()
    else:
        names = [c for c in cols if c in df.columns]
        rows = zip(*[list(df[c].array) for c in names])
    return [{c: (None if (v is na or (isinstance(v, float) and v != v)) else v) for c, v in zip(names, r)}
            for r in rows]


_NUM = re.compile(r"(\d+)")


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in _NUM.split(name)]


def _mac(*parts: str, oui: str = "b8:3f:d2") -> str:
    h = zlib.crc32("/".join(parts).encode())
    return f"{oui}:{(h >> 16) & 255:02x}:{(h >> 8) & 255:02x}:{h & 255:02x}"


_PFX: dict[str, str] = {}


def _line(label: str, value: str) -> str:
    """ethtool's printf("\\t%-41s : %s\\n", label, value), without the newline."""
    p = _PFX.get(label)
    if p is None:
        p = _PFX[label] = f"\t{label:<41} : "
    return p + value


def _dbm(mw: float) -> str:
    return f"{10.0 * math.log10(mw):.2f}" if mw > 0 else "-inf"


# EEPROM register quantisation (what the module can hold), then ethtool's print formats
def _pwr(mw: float) -> str:
    reg = min(max(int(round(mw * 10000.0)), 0), 65535)
    v = reg / 10000.0
    return f"{v:.4f} mW / {_dbm(v)} dBm"


def _bias(ma: float) -> str:
    reg = min(max(int(round(ma * 500.0)), 0), 65535)
    return f"{reg / 500.0:.3f} mA"


def _temp(c: float) -> str:
    reg = min(max(int(round(c * 256.0)), -32768), 32767)
    t = reg / 256.0
    return f"{t:.2f} degrees C / {t * 1.8 + 32.0:.2f} degrees F"


def _volt(v: float) -> str:
    reg = min(max(int(round(v * 10000.0)), 0), 65535)
    return f"{reg / 10000.0:.4f} V"


_FMT = {"temperature_c": _temp, "voltage_v": _volt, "tx_power_mw": _pwr, "rx_power_mw": _pwr,
        "tx_bias_ma": _bias}

# --- ip -j -s -d link show ------------------------------------------------------------------------

_LO = ('{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue",'
       '"operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback",'
       '"address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","promiscuity":0,"allmulti":0,'
       '"min_mtu":0,"max_mtu":0,"inet6_addr_gen_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,'
       '"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":524280,"tso_max_segs":65535,'
       '"gro_max_size":65536,"stats64":{"rx":{"bytes":58211930,"packets":412087,"errors":0,"dropped":0,'
       '"over_errors":0,"multicast":0},"tx":{"bytes":58211930,"packets":412087,"errors":0,"dropped":0,'
       '"carrier_errors":0,"collisions":0}}}')

_PCI = re.compile(r"^ens(\d+)(?:f(\d+))?")
_PORTNAME = re.compile(r"n(p\d+)$")


def _ip_link(ports: list[dict], counters: dict[str, dict]) -> bytes:
    """iproute2's JSON (no spaces) for lo and the NIC ports, keys in ip's print order."""
    ents = [_LO]
    for i, p in enumerate(ports, start=2):
        name = p["port"]
        admin = p.get("admin_up") is not False
        oper = bool(p.get("oper_up"))
        if not admin:
            flags = '"BROADCAST","MULTICAST"'
        elif oper:
            flags = '"BROADCAST","MULTICAST","UP","LOWER_UP"'
        else:
            flags = '"NO-CARRIER","BROADCAST","MULTICAST","UP"'
        mtu = f'"mtu":{int(p["mtu"])},' if p.get("mtu") is not None else ""
        mac = p.get("mac") or _mac(name, p["device"])
        m = _PORTNAME.search(name)
        ppn = f'"phys_port_name":"{m.group(1)}",' if m else ""
        m = _PCI.match(name)
        if m:
            pdev = f"0000:{0x17 + (int(m.group(1)) - 1) * 0x10:02x}:00.{int(m.group(2) or 0)}"
        else:
            pdev = f"0000:{0x17 + i:02x}:00.0"
        c = counters.get(name, {})
        rx = ",".join([f'"{k}":{int(c[col])}' for k, col in _RX_KEYS if c.get(col) is not None]
                      + ['"over_errors":0', '"multicast":0'])
        tx = ",".join([f'"{k}":{int(c[col])}' for k, col in _TX_KEYS if c.get(col) is not None]
                      + ['"carrier_errors":0', '"collisions":0'])
        ents.append(
            f'{{"ifindex":{i},"ifname":{json.dumps(name)},"flags":[{flags}],{mtu}"qdisc":"mq",'
            f'"operstate":"{"UP" if (admin and oper) else "DOWN"}","linkmode":"DEFAULT","group":"default",'
            f'"txqlen":1000,"link_type":"ether","address":"{mac}","broadcast":"ff:ff:ff:ff:ff:ff",'
            f'"promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":9978,"inet6_addr_gen_mode":"eui64",'
            f'"num_tx_queues":1024,"num_rx_queues":128,"gso_max_size":65536,"gso_max_segs":65535,'
            f'"tso_max_size":524280,"tso_max_segs":65535,"gro_max_size":65536,{ppn}"parentbus":"pci",'
            f'"parentdev":"{pdev}","stats64":{{"rx":{{{rx}}},"tx":{{{tx}}}}}}}')
    return ("[" + ",".join(ents) + "]\n").encode()


_RX_KEYS = (("bytes", "rx_bytes"), ("packets", "rx_packets"), ("errors", "rx_errors"), ("dropped", "rx_discards"))
_TX_KEYS = (("bytes", "tx_bytes"), ("packets", "tx_packets"), ("errors", "tx_errors"), ("dropped", "tx_discards"))


# --- lldpctl -f json ------------------------------------------------------------------------------

def _sys_descr(remote_port: str | None) -> str:
    rp = remote_port or ""
    if re.match(r"^Ethernet\d+/\d+", rp):
        return "Arista Networks EOS version 4.32.2F running on an Arista Networks DCS-7060X6-64PE"
    if rp.startswith("swp"):
        return "Cumulus Linux version 5.9.1 running on Nvidia SN5600"
    return ("SONiC Software Version: SONiC.202405 - HwSku: Mellanox-SN5600-V256 - Distribution: "
            "Debian 12.6 - Kernel: 6.1.0-11-2-amd64")


def _q(v) -> str:
    return json.dumps(v)


def _lldp_body(port: str, n: dict, rid: int, age: int, ind: str) -> str:
    """One neighbor as lldpd's json writer prints it (jansson, 2-space indent), at indent `ind`."""
    rdev = n.get("remote_device") or ""
    i = ind
    lines = [f'{i}{_q(port)}: {{',
             f'{i}  "via": "LLDP",',
             f'{i}  "rid": "{rid}",',
             f'{i}  "age": "{age // 86400} day, {age % 86400 // 3600:02d}:{age % 3600 // 60:02d}:{age % 60:02d}",',
             f'{i}  "chassis": {{']
    c = i + "    "
    if rdev:
        lines.append(f"{c}{_q(rdev)}: {{")
        c += "  "
    lines += [f'{c}"id": {{',
              f'{c}  "type": "mac",',
              f'{c}  "value": {_q(n.get("remote_chassis_id") or _mac(rdev, oui="9c:05:91"))}',
              f'{c}}},',
              f'{c}"descr": {_q(_sys_descr(n.get("remote_port")))},']
    if n.get("remote_mgmt_ip"):
        lines.append(f'{c}"mgmt-ip": {_q(n["remote_mgmt_ip"])},')
    lines += [f'{c}"capability": [',
              f'{c}  {{', f'{c}    "type": "Bridge",', f'{c}    "enabled": true', f'{c}  }},',
              f'{c}  {{', f'{c}    "type": "Router",', f'{c}    "enabled": true', f'{c}  }}',
              f'{c}]']
    if rdev:
        lines.append(f"{c[:-2]}}}")
    ttl = n.get("ttl_s")
    lines += [f'{i}  }},',
              f'{i}  "port": {{',
              f'{i}    "id": {{',
              f'{i}      "type": "ifname",',
              f'{i}      "value": {_q(n.get("remote_port"))}',
              f'{i}    }},']
    if n.get("remote_port_descr"):
        lines.append(f'{i}    "descr": {_q(n["remote_port_descr"])},')
    lines += [f'{i}    "ttl": "{int(ttl) if ttl is not None else 120}"',
              f'{i}  }}',
              f'{i}}}']
    return "\n".join(lines)


def _lldp(ports: list[str], nbrs: dict[str, list[dict]], seed: str) -> bytes:
    items = []
    rids: dict[str, int] = {}
    for port in ports:
        for n in nbrs.get(port, ()):
            rid = rids.setdefault(n.get("remote_device") or "", len(rids) + 1)
            age = zlib.crc32(f"{seed}/{port}".encode()) % 86400 * 7
            items.append((port, n, rid, age))
    if not items:
        return b'{\n  "lldp": {}\n}\n'
    if len(items) == 1:  # one neighbor: "interface" is an object keyed by the interface name
        body = _lldp_body(*items[0], ind="      ")
        return ('{\n  "lldp": {\n    "interface": {\n' + body + "\n    }\n  }\n}\n").encode()
    bodies = ["      {\n" + _lldp_body(*it, ind="        ") + "\n      }" for it in items]
    return ('{\n  "lldp": {\n    "interface": [\n' + ",\n".join(bodies) + "\n    ]\n  }\n}\n").encode()


# --- ethtool PORT ---------------------------------------------------------------------------------

_IND = "\t" + " " * 24
_SUPPORTED = ("1000baseKX/Full", "10000baseKR/Full", "25000baseCR/Full", "25000baseKR/Full",
              "25000baseSR/Full", "50000baseCR2/Full", "50000baseKR2/Full", "100000baseKR4/Full",
              "100000baseSR4/Full", "100000baseCR4/Full", "100000baseLR4_ER4/Full", "50000baseKR/Full",
              "50000baseSR/Full", "50000baseCR/Full", "50000baseLR_ER_FR/Full", "50000baseDR/Full",
              "100000baseKR2/Full", "100000baseSR2/Full", "100000baseCR2/Full", "100000baseLR2_ER2_FR2/Full",
              "100000baseDR2/Full", "200000baseKR4/Full", "200000baseSR4/Full", "200000baseLR4_ER4_FR4/Full",
              "200000baseDR4/Full", "200000baseCR4/Full", "100000baseKR/Full", "100000baseSR/Full",
              "100000baseLR_ER_FR/Full", "100000baseCR/Full", "100000baseDR/Full", "200000baseKR2/Full",
              "200000baseSR2/Full", "200000baseLR2_ER2_FR2/Full", "200000baseDR2/Full", "200000baseCR2/Full",
              "400000baseKR4/Full", "400000baseSR4/Full", "400000baseLR4_ER4_FR4/Full", "400000baseDR4/Full",
              "400000baseCR4/Full")
_SUPPORTED_TXT = ("\tSupported link modes:   " + ("\n" + _IND).join(_SUPPORTED))


def _advertised(speed: float | None, lanes: int | None) -> str:
    if not speed:
        modes = [m for m in _SUPPORTED if m.startswith(("400000", "200000"))]
    else:
        s = f"{int(speed * 1000)}base"
        modes = [m for m in _SUPPORTED if m.startswith(s)
                 and (lanes is None or re.search(rf"[A-Z]+{lanes if lanes > 1 else ''}(?:_|/)", m))]
        modes = modes or [m for m in _SUPPORTED if m.startswith(s)] or list(_SUPPORTED[-5:])
    return "\tAdvertised link modes:  " + ("\n" + _IND).join(modes)


def _ethtool_link(port: str, p: dict, mod: dict | None) -> bytes:
    up = bool(p.get("oper_up")) and p.get("admin_up") is not False
    speed = p.get("speed_gbps")
    lanes = p.get("lanes")
    media = (mod or {}).get("media")
    if p.get("port_type"):
        ptype = p["port_type"]
    elif mod is None or mod.get("present") is False:
        ptype = "Other"
    else:
        ptype = "Direct Attach Copper" if media in ("dac", "acc") else "FIBRE"
    an = p.get("autoneg")
    out = [f"Settings for {port}:",
           "\tSupported ports: [ FIBRE Backplane ]",
           _SUPPORTED_TXT,
           "\tSupported pause frame use: Symmetric",
           "\tSupports auto-negotiation: Yes",
           "\tSupported FEC modes: None\t RS\t BASER\t LLRS",
           _advertised(speed, lanes),
           "\tAdvertised pause frame use: No",
           f"\tAdvertised auto-negotiation: {'Yes' if an else 'No'}",
           "\tAdvertised FEC modes: RS"]
    if up and speed:
        out.append(f"\tSpeed: {int(round(speed * 1000))}Mb/s")
        if lanes:
            out.append(f"\tLanes: {int(lanes)}")
        out.append("\tDuplex: Full")
    else:
        out.append("\tSpeed: Unknown!")
        out.append("\tDuplex: Unknown! (255)")
    out += [f"\tAuto-negotiation: {'on' if an else 'off'}",
            f"\tPort: {ptype}",
            "\tPHYAD: 0",
            "\tTransceiver: internal",
            "\tSupports Wake-on: d",
            "\tWake-on: d",
            f"\tLink detected: {'yes' if up else 'no'}"]
    return ("\n".join(out) + "\n").encode()


# --- ethtool -S PORT (mlx5) -----------------------------------------------------------------------

# (driver counter, canonical column): printed in mlx5's order, only when the column is known
_SW = (("rx_packets", "rx_packets"), ("rx_bytes", "rx_bytes"), ("tx_packets", "tx_packets"),
       ("tx_bytes", "tx_bytes"))
_VPORT = (("rx_vport_unicast_packets", "rx_packets"), ("rx_vport_unicast_bytes", "rx_bytes"),
          ("tx_vport_unicast_packets", "tx_packets"), ("tx_vport_unicast_bytes", "tx_bytes"))
_PHY = (("tx_packets_phy", "tx_packets"), ("rx_packets_phy", "rx_packets"), ("rx_crc_errors_phy", "rx_crc_errors"),
        ("tx_bytes_phy", "tx_bytes"), ("rx_bytes_phy", "rx_bytes"), ("rx_symbol_err_phy", "symbol_errors"),
        ("rx_discards_phy", "rx_discards"), ("tx_discards_phy", "tx_discards"), ("tx_errors_phy", "tx_errors"))


def _ethtool_stats(c: dict, lanes: list[dict]) -> bytes:
    out = ["NIC statistics:"]
    for name, col in _SW:
        if c.get(col) is not None:
            out.append(f"     {name}: {int(c[col])}")
    if c.get("link_down_events") is not None:
        out.append(f"     link_down_events_phy: {int(c['link_down_events'])}")
    for name, col in _VPORT + _PHY:
        if c.get(col) is not None:
            out.append(f"     {name}: {int(c[col])}")
    if c.get("fec_corrected_bits") is not None:
        out.append(f"     rx_corrected_bits_phy: {int(c['fec_corrected_bits'])}")
    errs = [(ln["lane"], ln["raw_errors"]) for ln in lanes if ln.get("raw_errors") is not None]
    for lane, v in sorted(errs):
        out.append(f"     rx_err_lane_{int(lane) - 1}_phy: {int(v)}")
    return ("\n".join(out) + "\n").encode()


# --- ethtool -I --show-fec PORT -------------------------------------------------------------------

_FEC_NAME = {"rs544": "RS", "rs528": "RS", "rs": "RS", "fc": "BaseR", "baser": "BaseR", "none": "Off",
             "off": "Off", "llrs": "LLRS"}


def _ethtool_fec(port: str, p: dict, c: dict) -> bytes:
    up = bool(p.get("oper_up")) and p.get("admin_up") is not False
    fec = p.get("fec")
    active = _FEC_NAME.get(str(fec).lower(), "RS") if (up and fec) else "None"
    out = [f"FEC parameters for {port}:",
           f"Supported/Configured FEC encodings: {_FEC_NAME.get(str(fec).lower(), 'RS') if fec else 'Auto'}",
           f"Active FEC encoding: {active}"]
    stats = [(k, c.get(col)) for k, col in (("corrected_blocks", "fec_corrected_cw"),
                                            ("uncorrectable_blocks", "fec_uncorrectable_cw"),
                                            ("corrected_bits", "fec_corrected_bits")) if c.get(col) is not None]
    if stats:
        out.append("Statistics:")
        out += [f"  {k}: {int(v)}" for k, v in stats]
    return ("\n".join(out) + "\n").encode()


# --- ethtool -m PORT ------------------------------------------------------------------------------

_ID = {"OSFP": (0x19, "OSFP 8X Pluggable Transceiver"),
       "QSFP-DD": (0x18, "QSFP-DD Double Density 8X Pluggable Transceiver (INF-8628)"),
       "QSFP112": (0x1E, "QSFP+ or later with Common Management Interface Specification (CMIS)"),
       "QSFP28": (0x11, "QSFP28"), "QSFP+": (0x0D, "QSFP+"), "QSFP": (0x0C, "QSFP")}
_SFF8636_IDS = {"QSFP28", "QSFP+", "QSFP"}
_OUI = {"NVIDIA": "48:b0:2d", "MELLANOX": "00:02:c9"}
_LEVELS = ("high_alarm", "low_alarm", "high_warn", "low_warn")
_LEVEL_TXT = {"high_alarm": "high alarm", "low_alarm": "low alarm", "high_warn": "high warning",
              "low_warn": "low warning"}
# sff_show_thresholds order
_THRESH = (("tx_bias_ma", "Laser bias current"), ("tx_power_mw", "Laser output power"),
           ("temperature_c", "Module temperature"), ("voltage_v", "Module voltage"),
           ("rx_power_mw", "Laser rx power"))
_CHAN_FLAGS = (("tx_bias", "Laser bias current"), ("tx_power", "Laser tx power"), ("rx_power", "Laser rx power"))


def _tech(media: str | None, wavelength: float | None) -> tuple[int, str]:
    if media == "dac":
        return 0x0A, "Copper cable, unequalized"
    if media == "acc":
        return 0x0F, "Copper cable, linear active equalizers"
    if wavelength and 1500 <= wavelength <= 1600:
        return 0x07, "1550 nm EML"
    if wavelength and 1260 <= wavelength <= 1360:
        return 0x06, "1310 nm EML"
    return 0x00, "850 nm VCSEL"


def _connector(media: str | None, wavelength: float | None, lanes: int) -> tuple[int, str]:
    if media in ("dac", "acc", "aoc"):
        return 0x23, "No separable connector"
    if wavelength and wavelength > 1000 and lanes <= 1:
        return 0x07, "LC"
    return 0x0C, "MPO Parallel Optic"


def _cmis_length(m: float | None) -> str:
    """Cable assembly length as CMIS encodes it (6-bit value x 0.1/1/10/100 m), printed %.04f m."""
    if not m or m <= 0:
        return "0.0000m"
    for mul in (0.1, 1.0, 10.0, 100.0):
        base = round(m / mul)
        if base <= 63:
            return f"{base * mul:.4f}m"
    return "> 6.3km"


def _has_dom(mod: dict) -> bool:
    d = mod.get("dom_supported")
    if d is not None:
        return bool(d)
    return mod.get("media") in ("optical", "aoc")


def _lane_rows(lanes: list[dict], n: int) -> list[dict | None]:
    by = {int(ln["lane"]): ln for ln in lanes if ln.get("lane") is not None}
    return [by.get(i) for i in range(1, n + 1)]


def _status_line(label: str, vals: list) -> str | None:
    """module_show_lane_status: None when no lane asserts, else [ Yes, No, ... ] over every lane."""
    if all(v is None for v in vals):
        return None
    if not any(vals):
        return _line(label, "None")
    return _line(label, "[" + ",".join(f" {'Yes' if v else 'No'}" for v in vals) + " ]")


def _readings(rows: list[dict | None], n: int, known: set[int]) -> list[str]:
    """Per-channel bias, Tx and Rx power lines. A lane the module has but the tables do not know
    (the unused half of a CMIS bank) reads 0; a known lane with a null value prints no line."""
    out = []
    for key, label in (("tx_bias_ma", "Laser tx bias current"), ("tx_power_mw", "Transmit avg optical power"),
                       ("rx_power_mw", "Rcvr signal avg optical power")):
        fmt = _FMT[key]
        for i in range(n):
            r = rows[i]
            if r is None:
                if known:
                    out.append(_line(f"{label} (Channel {i + 1})", fmt(0.0)))
                continue
            v = r.get(key)
            if v is not None:
                out.append(_line(f"{label} (Channel {i + 1})", fmt(float(v))))
    return out


_THR_CACHE: dict[tuple, list[str]] = {}


def _thresholds(mod: dict) -> list[str]:
    """sff_show_thresholds' 20 lines; modules of one model share their thresholds, so the block is
    cached by value. ethtool prints the whole block from the module's threshold page or none of it:
    a module with any threshold null has none printed (SFF-8636 then says its alarm/warning flags are
    not implemented), as a module without a threshold page shows."""
    key = tuple(mod.get(f"{sensor}_{lv}") for sensor, _ in _THRESH for lv in _LEVELS)
    if any(v is None for v in key):
        return []
    out = _THR_CACHE.get(key)
    if out is None:
        out = []
        for sensor, label in _THRESH:
            fmt = _FMT[sensor]
            for lv in _LEVELS:
                v = mod.get(f"{sensor}_{lv}")
                if v is not None:
                    out.append(_line(f"{label} {_LEVEL_TXT[lv]} threshold", fmt(float(v))))
        if len(_THR_CACHE) < 4096:
            _THR_CACHE[key] = out
    return out


_OFF_BLOCKS: dict[int, str] = {}


def _chan_flags(rows: list[dict | None], nch: int) -> str:
    """Per-channel alarm/warning flag lines (flag by flag, channel by channel), one block of text.
    Lanes with no alarms asserted share a cached all-Off block."""
    if not any(r is not None and r.get("alarms") for r in rows):
        blk = _OFF_BLOCKS.get(nch)
        if blk is None:
            blk = _OFF_BLOCKS[nch] = _chan_flags_build([None] * nch, nch)
        return blk
    return _chan_flags_build(rows, nch)


def _chan_flags_build(rows: list[dict | None], nch: int) -> str:
    out = []
    for short, label in _CHAN_FLAGS:
        for lv in _LEVELS:
            name = f"{short}_{lv}"
            for i in range(nch):
                r = rows[i]
                on = r is not None and name in (r.get("alarms") or ())
                out.append(_line(f"{label} {_LEVEL_TXT[lv]} (Chan {i + 1})", "On" if on else "Off"))
    return "\n".join(out)


def _mod_flags(mod: dict) -> list[str]:
    on = set(mod.get("alarms") or ())
    out = []
    for sensor, label in (("temperature", "Module temperature"), ("voltage", "Module voltage")):
        for lv in _LEVELS:
            out.append(_line(f"{label} {_LEVEL_TXT[lv]}", "On" if f"{sensor}_{lv}" in on else "Off"))
    return out


def _vendor(mod: dict, date: str = "240115") -> list[str]:
    vendor = mod.get("vendor") or ""
    return [_line("Vendor name", vendor),
            _line("Vendor OUI", _OUI.get(vendor.upper(), "00:00:00")),
            _line("Vendor PN", mod.get("part_number") or ""),
            _line("Vendor rev", mod.get("revision") or ""),
            _line("Vendor SN", mod.get("serial") or ""),
            _line("Date code", date)]


def _cmis(mod: dict, lanes: list[dict], ident: str) -> list[str]:
    """cmis.c's layout. Copper (DAC/ACC) has a flat memory map: no page 01h/02h/11h, so no CDR,
    wavelength, media lengths, lane status or DOM lines. Optics are paged; one that reports no
    diagnostics (`dom_supported` False) advertises no lane monitors: ethtool then prints its zero
    temperature/voltage registers, its module flags and thresholds, and no per-lane lines."""
    code, desc = _ID.get(ident, _ID["QSFP112"])
    media = mod.get("media")
    wl = mod.get("wavelength_nm")
    copper = media in ("dac", "acc")
    paged = not copper
    mon = paged and _has_dom(mod)
    nl = max([int(mod.get("media_lanes") or 0)] + [int(ln["lane"]) for ln in lanes if ln.get("lane")] + [1])
    nch = (nl + 7) // 8 * 8
    if copper:
        pclass, pmax = (1, 0.25) if media == "dac" else (2, 1.5)
    else:
        pclass, pmax = (8, 9.0) if code == 0x19 else (6, 8.0)
    ccode, cdesc = _connector(media, wl, nl)
    tcode, tdesc = _tech(media, wl)
    out = [_line("Identifier", f"0x{code:02x} ({desc})"),
           _line("Power class", str(pclass)),
           _line("Max power", f"{pmax:.4f}W"),
           _line("Connector", f"0x{ccode:02x} ({cdesc})"),
           _line("Cable assembly length", _cmis_length(mod.get("length_m") if media in ("dac", "acc", "aoc") else 0))]
    if paged:
        out += [_line("Tx CDR bypass control", "No"), _line("Rx CDR bypass control", "No"),
                _line("Tx CDR", "Yes"), _line("Rx CDR", "Yes")]
    out.append(_line("Transmitter technology", f"0x{tcode:02x} ({tdesc})"))
    if copper:
        out += [_line("Attenuation at 5GHz", "4db"), _line("Attenuation at 7GHz", "5db"),
                _line("Attenuation at 12.9GHz", "7db"), _line("Attenuation at 25.8GHz", "12db")]
    else:
        wreg = int(round((wl or 0.0) / 0.05))
        out += [_line("Laser wavelength", f"{wreg * 0.05:.4f}nm"),
                _line("Laser wavelength tolerance", f"{(wl and 10.0 or 0.0):.4f}nm")]
        single = bool(wl and wl > 1000)
        out += [_line("Length (SMF)", f"{2.0 if single else 0.0:.4f}km"),
                _line("Length (OM5)", "0m"), _line("Length (OM4)", "0m" if single else "50m"),
                _line("Length (OM3)", "0m" if single else "30m"), _line("Length (OM2)", "0m")]
    out += _vendor(mod)
    out.append(_line("Revision compliance", "Rev. 5.0"))
    rows = _lane_rows(lanes, nch)
    if paged:  # a status line only where the tables know the flag (else the module does not advertise it)
        for label, col in (("Rx loss of signal", "rx_los"), ("Tx loss of signal", "tx_los"),
                           ("Rx loss of lock", "rx_lol"), ("Tx loss of lock", "tx_lol"), ("Tx fault", "tx_fault")):
            vals = [None if r is None else r.get(col) for r in rows]
            if any(v is not None for v in vals):
                out.append(_status_line(label, [bool(v) for v in vals]))
    out += [_line("Module state", f"0x03 ({mod.get('module_state') or 'ModuleReady'})"),
            _line("LowPwrAllowRequestHW", "Off"), _line("LowPwrRequestSW", "Off")]
    if paged:
        if not mon:
            out += [_line("Module temperature", _temp(0.0)), _line("Module voltage", _volt(0.0))]
        else:
            if mod.get("temperature_c") is not None:
                out.append(_line("Module temperature", _temp(float(mod["temperature_c"]))))
            if mod.get("voltage_v") is not None:
                out.append(_line("Module voltage", _volt(float(mod["voltage_v"]))))
            known = {i for i, r in enumerate(rows) if r is not None}
            out += _readings(rows, nch, known)
        out += _mod_flags(mod)
        if mon:
            out.append(_chan_flags(rows, nch))
        out += _thresholds(mod)
    return out


# SFF-8636 transceiver type by media
_TT_8636 = {"optical": ("0x80 0x00 0x00 0x00 0x00 0x00 0x00 0x00", "100G Ethernet: 100G Base-SR4 or 25GBase-SR"),
            "aoc": ("0x80 0x00 0x00 0x00 0x00 0x00 0x00 0x00",
                    "100G Ethernet: 100G AOC or 25GAUI C2M AOC with worst BER of 5x10^(-5)"),
            "dac": ("0x80 0x00 0x00 0x00 0x00 0x00 0x00 0x00", "100G Ethernet: 100G Base-CR4 or 25G Base-CR CA-L"),
            "acc": ("0x80 0x00 0x00 0x00 0x00 0x00 0x00 0x00",
                    "100G Ethernet: 100G ACC or 25GAUI C2M ACC with worst BER of 5x10^(-5)")}


def _sff8636(mod: dict, lanes: list[dict], ident: str) -> list[str]:
    code, desc = _ID[ident]
    media = mod.get("media") or "optical"
    wl = mod.get("wavelength_nm")
    dom = _has_dom(mod)
    copper = media in ("dac", "acc")
    ccode, cdesc = _connector(media, wl, 4)
    tcode, tdesc = _tech(media, wl)
    codes, ttype = _TT_8636.get(media, _TT_8636["optical"])
    clen = mod.get("length_m") if media in ("dac", "acc", "aoc") else None
    out = [_line("Identifier", f"0x{code:02x} ({desc})"),
           _line("Extended identifier", "0xcc" if not copper else "0x00"),
           _line("Extended identifier description", "3.5W max. Power consumption" if not copper
                 else "1.5W max. Power consumption"),
           _line("Extended identifier description", "CDR present in TX, CDR present in RX" if not copper
                 else "No CDR in TX, No CDR in RX"),
           _line("Extended identifier description", "High Power Class (> 3.5 W) not enabled"),
           _line("Power set", "Off"), _line("Power override", "On"),
           _line("Connector", f"0x{ccode:02x} ({cdesc})"),
           _line("Transceiver codes", codes),
           _line("Transceiver type", ttype),
           _line("Encoding", "0x07 (256B/257B (transcoded FEC-enabled data))"),
           _line("BR Nominal", "25500Mbps"),
           _line("Rate identifier", "0x00"),
           _line("Length (SMF)", "0km"), _line("Length (OM3)", "0m" if copper else "70m"),
           _line("Length (OM2)", "0m"), _line("Length (OM1)", "0m"),
           _line("Length (Copper or Active cable)", f"{int(round(clen or 0))}m"),
           _line("Transmitter technology", f"0x{tcode:02x} ({tdesc})")]
    if copper:
        out += [_line("Attenuation at 2.5GHz", "3db"), _line("Attenuation at 5.0GHz", "5db"),
                _line("Attenuation at 7.0GHz", "3db"), _line("Attenuation at 12.9GHz", "5db")]
    else:
        wreg = int(round((wl or 0.0) / 0.05))
        out += [_line("Laser wavelength", f"{wreg * 0.05:.4f}nm"),
                _line("Laser wavelength tolerance", f"{(wl and 10.0 or 0.0):.4f}nm")]
    out += _vendor(mod)
    out.append(_line("Revision Compliance", "SFF-8636 Rev 2.5/2.6/2.7"))
    rows = _lane_rows(lanes, 4)
    if dom:
        for label, col in (("Rx loss of signal", "rx_los"), ("Tx loss of signal", "tx_los"),
                           ("Rx loss of lock", "rx_lol"), ("Tx loss of lock", "tx_lol"), ("Tx fault", "tx_fault")):
            vals = [None if r is None else r.get(col) for r in rows]
            if any(v is not None for v in vals):
                s = _status_line(label, [bool(v) for v in vals])
                if s:
                    out.append(s)
    if not dom:  # flat passive copper: unimplemented monitors read zero, then ethtool stops
        out += [_line("Module temperature", _temp(0.0)), _line("Module voltage", _volt(0.0))]
        return out
    if mod.get("temperature_c") is not None:
        out.append(_line("Module temperature", _temp(float(mod["temperature_c"]))))
    if mod.get("voltage_v") is not None:
        out.append(_line("Module voltage", _volt(float(mod["voltage_v"]))))
    thr = _thresholds(mod)
    out.append(_line("Alarm/warning flags implemented", "Yes" if thr else "No"))
    known = {i for i, r in enumerate(rows) if r is not None}
    out += _readings(rows, 4, known)
    if thr:
        out.append(_chan_flags(rows, 4))
        out += _mod_flags(mod)
        out += thr
    return out


def _ethtool_module(mod: dict | None, lanes: list[dict]) -> bytes:
    if mod is None or mod.get("present") is False:
        return b""  # ethtool writes its error to stderr only ('netlink error: ...')
    ident = mod.get("identifier") or "QSFP112"
    lines = _sff8636(mod, lanes, ident) if ident in _SFF8636_IDS else _cmis(mod, lanes, ident)
    return ("\n".join(lines) + "\n").encode()


_COUNTER_COLS = ("port", "rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_crc_errors", "rx_errors",
                 "tx_errors", "rx_discards", "tx_discards", "symbol_errors", "fec_corrected_cw",
                 "fec_uncorrectable_cw", "fec_corrected_bits", "link_down_events")

# --- the device -----------------------------------------------------------------------------------

@register("linux")
def render_linux(dev: DeviceTables) -> list[tuple[str, bytes]]:
    ports = sorted(_records(dev.ports), key=lambda r: _natural(r["port"]))
    mods = {r["port"]: r for r in _records(dev.modules)}
    ctrs = {r["port"]: r for r in _records(dev.counters, _COUNTER_COLS)}
    lanes: dict[str, list[dict]] = {}
    for r in _records(dev.lanes):
        lanes.setdefault(r["port"], []).append(r)
    nbrs: dict[str, list[dict]] = {}
    for r in _records(dev.neighbors):
        nbrs.setdefault(r["port"], []).append(r)
    names = [p["port"] for p in ports]
    out = [("ip -j -s -d link show", _ip_link(ports, ctrs)),
           ("lldpctl -f json", _lldp(names, nbrs, dev.name))]
    picked = LINUX.ports_from({"ports": [{"port": "lo"}] + [{"port": n} for n in names]})
    cmds = LINUX.port_commands(picked)
    per = len(LINUX.per_port)
    by_name = {p["port"]: p for p in ports}
    for i, name in enumerate(picked):
        p = by_name[name]
        mod = mods.get(name)
        pl = lanes.get(name, [])
        c = ctrs.get(name, {})
        for tmpl, cmd in zip(LINUX.per_port, cmds[i * per:(i + 1) * per]):
            kind = _PER_PORT[tmpl]
            if kind == "link":
                text = _ethtool_link(name, p, mod)
            elif kind == "module":
                text = _ethtool_module(mod, pl)
            elif kind == "stats":
                text = _ethtool_stats(c, pl)
            else:
                text = _ethtool_fec(name, p, c)
            out.append((cmd, text))
    return out


#: the driver's per-port templates -> what each prints (a KeyError here means the driver changed)
_PER_PORT = {"ethtool {port}": "link", "ethtool -m {port}": "module", "ethtool -S {port}": "stats",
             "ethtool -I --show-fec {port}": "fec"}

"""Shared helpers of the NX-OS, IOS-XE and Junos renderers (nxos.py, iosxe.py, junos.py): one
device's canonical rows as plain per-port dicts, number formatting, flags, stable MACs.

A null in the tables is printed the way the platform prints "not available" by each renderer (a
missing line, "N/A"); nothing is invented. No light (0.0 mW) prints as -40.00 dBm on Cisco and
"0.0000 mW / - Inf dBm" on Junos, both of which the parsers read back as 0.0 mW.
"""

from __future__ import annotations

import math
import re
import zlib

import pandas as pd

from netdiag.simulate.render import DeviceTables

_NUM = re.compile(r"\d+")

LEVELS = ("high_alarm", "low_alarm", "high_warn", "low_warn")
#: Cisco flag printed after a reading that crossed a threshold
FLAG = {"high_alarm": "++", "high_warn": "+", "low_warn": "-", "low_alarm": "--"}


def port_key(name: str) -> tuple:
    """Natural order of interface names (Ethernet1/2 before Ethernet1/10)."""
    return (_NUM.sub("", name), tuple(int(x) for x in _NUM.findall(name)))


def _records(df: pd.DataFrame) -> list[dict]:
    if df is None or df.empty:
        return []
    out = []
    for rec in df.to_dict("records"):
        out.append({k: (None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v)
                    for k, v in rec.items()})
    return out


class Dev:
    """One device's rows by port: ports, modules, lanes (sorted), counters, neighbors."""

    def __init__(self, dev: DeviceTables):
        self.name = dev.name
        self.ports = {r["port"]: r for r in _records(dev.ports)}
        self.modules = {r["port"]: r for r in _records(dev.modules)}
        self.counters = {r["port"]: r for r in _records(dev.counters)}
        self.lanes: dict[str, list[dict]] = {}
        for r in _records(dev.lanes):
            self.lanes.setdefault(r["port"], []).append(r)
        for ls in self.lanes.values():
            ls.sort(key=lambda r: r["lane"])
        self.neighbors: dict[str, list[dict]] = {}
        for r in _records(dev.neighbors):
            self.neighbors.setdefault(r["port"], []).append(r)
        names = set(self.ports) | set(self.modules) | set(self.lanes) | set(self.counters)
        self.names = sorted(names, key=port_key)


def dbm(mw: float | None, floor: float = -40.0) -> float | None:
    if mw is None:
        return None
    return 10.0 * math.log10(mw) if mw > 0 else floor


def level(v: float | None, mod: dict, sensor: str) -> str | None:
    """The threshold level a reading crossed (alarm before warning), from the module's thresholds."""
    if v is None:
        return None
    ha, hw = mod.get(f"{sensor}_high_alarm"), mod.get(f"{sensor}_high_warn")
    la, lw = mod.get(f"{sensor}_low_alarm"), mod.get(f"{sensor}_low_warn")
    if ha is not None and v >= ha:
        return "high_alarm"
    if la is not None and v <= la:
        return "low_alarm"
    if hw is not None and v >= hw:
        return "high_warn"
    if lw is not None and v <= lw:
        return "low_warn"
    return None


def mac(*parts: str) -> str:
    """A stable locally-administered MAC (12 hex digits) for a name."""
    return f"{(0x02 << 40) | (zlib.crc32('/'.join(parts).encode()) << 8 & 0xFFFFFFFFFF):012x}"


def cisco_mac(*parts: str) -> str:
    x = mac(*parts)
    return f"{x[0:4]}.{x[4:8]}.{x[8:12]}"


def colon_mac(*parts: str) -> str:
    x = mac(*parts)
    return ":".join(x[i:i + 2] for i in range(0, 12, 2))


def speed_text(gbps: float | None) -> str | None:
    if gbps is None:
        return None
    return f"{gbps:g}"

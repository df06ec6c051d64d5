"""Helpers shared by the Cisco NX-OS and IOS-XE parsers (nxos_*.py, iosxe_*.py).

Both print DOM readings as `<value> <unit> [flag]` with the flags of the IOS legend
(``++`` high alarm, ``+`` high warning, ``-`` low warning, ``--`` low alarm) and "N/A" for what a
module does not report. Optical power is in dBm (converted to mW by netdiag.units; -40 dBm or
less, and "-inf", is no light: 0.0 mW). A sensor whose reading and four thresholds are all 0.00
(externally calibrated SFPs without diagnostics) is unreported.
"""

from __future__ import annotations

import math
import re

from netdiag import units

#: IOS / NX-OS flag -> threshold level it crossed
FLAGS = {"++": "high_alarm", "+": "high_warn", "-": "low_warn", "--": "low_alarm"}

#: sensor as printed -> (canonical column, table, threshold sensor, alarm prefix)
SENSORS = {
    "temperature": ("temperature_c", "modules", "temperature_c", "temperature"),
    "voltage": ("voltage_v", "modules", "voltage_v", "voltage"),
    "current": ("tx_bias_ma", "lanes", "tx_bias_ma", "tx_bias"),
    "bias": ("tx_bias_ma", "lanes", "tx_bias_ma", "tx_bias"),
    "tx power": ("tx_power_mw", "lanes", "tx_power_mw", "tx_power"),
    "rx power": ("rx_power_mw", "lanes", "rx_power_mw", "rx_power"),
}

_NA = frozenset(("n/a", "na", "n.a.", "unknown"))
_NUM = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-?inf)(\+\+|\+|--|-)?$", re.IGNORECASE)

#: IOS-XE / NX-OS short interface names -> full names (as `show interfaces` prints them)
_SHORT = (
    ("FourHundredGigE", ("Fou", "FH")), ("TwoHundredGigE", ("TH",)), ("HundredGigE", ("Hu",)),
    ("FiftyGigE", ("Fif",)), ("FortyGigabitEthernet", ("Fo",)), ("TwentyFiveGigE", ("Twe",)),
    ("TenGigabitEthernet", ("Te",)), ("FiveGigabitEthernet", ("Fi",)), ("TwoGigabitEthernet", ("Tw",)),
    ("GigabitEthernet", ("Gi",)), ("FastEthernet", ("Fa",)), ("AppGigabitEthernet", ("Ap",)),
    ("Ethernet", ("Eth", "Et")),
)
_SHORT_MAP = {s: full for full, shorts in _SHORT for s in shorts}
_SHORT_RX = re.compile(r"^([A-Za-z]+?)(\d[\d/.:]*)$")
_FULL = {full.lower(): full for full, _s in _SHORT}


def full_port(name: str) -> str:
    """'Gi1/0/1' -> 'GigabitEthernet1/0/1', 'Eth1/1' -> 'Ethernet1/1'; full names unchanged."""
    m = _SHORT_RX.match(name)
    if not m:
        return name
    pre, rest = m.groups()
    if pre.lower() in _FULL:
        return _FULL[pre.lower()] + rest
    full = _SHORT_MAP.get(pre)
    return f"{full}{rest}" if full else name


def looks_like_port(tok: str) -> bool:
    m = _SHORT_RX.match(tok)
    if not m:
        return False
    pre = m.group(1)
    return pre in _SHORT_MAP or pre.lower() in _FULL


def value_token(tok: str) -> tuple[bool, float | None, str | None]:
    """One printed reading token -> (is a value, float or None for N/A, flag glued to it)."""
    t = tok.strip()
    if t.lower() in _NA:
        return True, None, None
    m = _NUM.match(t)
    if not m:
        return False, None, None
    s = m.group(1).lower()
    f = -math.inf if s in ("-inf",) else math.inf if s == "inf" else float(s)
    return True, f, (FLAGS[m.group(2)] if m.group(2) else None)


def conv(col: str, f: float | None, unit: str | None = None) -> float | None:
    """A reading in its printed unit (dBm for power unless `unit` says mW, °C, V, mA) -> canonical."""
    if f is None:
        return None
    u = (unit or "").lower()
    if col.endswith("power_mw"):
        if u == "mw":
            return None if math.isinf(f) else max(f, 0.0)
        if math.isinf(f):
            return 0.0 if f < 0 else None
        v = units.dbm_to_mw(f)
        return None if math.isnan(v) else v
    if math.isinf(f):
        return None
    if col == "temperature_c" and u in ("f", "fahrenheit"):
        return units.f_to_c(f)
    if col == "voltage_v" and u == "mv":
        return units.mv_to_v(f)
    if col == "tx_bias_ma" and u in ("ua", "µa"):
        return units.ua_to_ma(f)
    return f


_MEDIA_DAC = re.compile(r"-CU\d|H\d+GB?-CU|\bCU\d|PCC\b|\bDAC\b|(?:BASE-|-)CR\d*\b", re.IGNORECASE)
_MEDIA_OPT = re.compile(r"(?:^|[-_ ])(?:\d+G?BASE-?)?(?:SR|LR|ER|ZR|DR|FR|LX|SX|LH|ZX|BX|PSM|CWDM|LRM|BD|DWDM|VSR|CSR)\d*",
                        re.IGNORECASE)


def media_of(cisco_type: str | None, copper_length: bool = False) -> str | None:
    """Cisco transceiver type ('SFP-H10GB-CU3M', 'QSFP-100G-AOC3M', 'QSFP-DD-400G-DR4',
    '10Gbase-SR', '1000base-T') -> media class (dac, aoc, acc, optical), None when it does not say."""
    t = (cisco_type or "").strip()
    if not t:
        return "dac" if copper_length else None
    u = t.upper()
    if re.search(r"BASE-T\b", u):
        return None  # an RJ45 module: its 'copper' length is the twisted-pair reach, not a cable
    if "AOC" in u:
        return "aoc"
    if "ACU" in u or "AEC" in u:
        return "acc"
    if _MEDIA_DAC.search(u) or copper_length:
        return "dac"
    if _MEDIA_OPT.search(u):
        return "optical"
    return None

"""Unit conversions: the one place where dBm, °F, µV/mV and friends become canonical units.

Canonical units (docs/tables.md): optical power mW, temperature °C, voltage V, current mA,
speed Gb/s, length m.
"""

from __future__ import annotations

import math
import re

#: a dBm reading at or below this is "no light", not a measurement (docs/thresholds.md: ≈ -40 dBm)
NO_LIGHT_DBM = -40.0


#: above this a "dBm" figure is no optical reading (1 kW): garbled data, stored as unknown
IMPLAUSIBLE_DBM = 60.0


def dbm_to_mw(dbm: float) -> float:
    """dBm -> mW. -inf dBm (and anything at or below NO_LIGHT_DBM) is 0.0 mW: no light.
    An implausible figure (NaN, +inf, above IMPLAUSIBLE_DBM) is NaN: unknown, never a reading."""
    if math.isnan(dbm) or dbm > IMPLAUSIBLE_DBM:
        return math.nan
    if dbm <= NO_LIGHT_DBM:
        return 0.0
    return 10.0 ** (dbm / 10.0)


def dbm_to_mw_array(dbm, no_light_dbm: float = NO_LIGHT_DBM):
    """dbm_to_mw for a numpy array: at or below `no_light_dbm` (and -inf) 0.0 mW; NaN, +inf and
    implausible figures NaN. Some platforms floor their readings higher (EOS at -30 dBm)."""
    import numpy as np

    dbm = np.asarray(dbm, dtype="float64")
    with np.errstate(over="ignore", invalid="ignore"):
        mw = np.power(10.0, dbm / 10.0)
    mw = np.where(dbm <= no_light_dbm, 0.0, mw)
    return np.where(np.isnan(dbm) | (dbm > IMPLAUSIBLE_DBM), np.nan, mw)


def mw_to_dbm(mw: float) -> float:
    """mW -> dBm; 0 mW (no light) is -inf dBm. Derived only: never stored."""
    if mw <= 0.0:
        return -math.inf
    return 10.0 * math.log10(mw)


def mw_to_dbm_array(mw):
    """mw_to_dbm for a numpy array: 0 mW (no light) is -inf dBm, NaN stays NaN."""
    import numpy as np

    mw = np.asarray(mw, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mw > 0, 10.0 * np.log10(np.where(mw > 0, mw, 1.0)), np.where(np.isnan(mw), np.nan, -np.inf))


def mbps_to_gbps(mbps: float) -> float:
    return mbps / 1000.0


def bps_to_gbps(bps: float) -> float:
    """bits/s (EOS eAPI `bandwidth`) -> Gb/s."""
    return bps / 1e9


def f_to_c(fahrenheit: float) -> float:
    return (fahrenheit - 32.0) * 5.0 / 9.0


def uw_to_mw(uw: float) -> float:
    return uw / 1000.0


def uv_to_v(uv: float) -> float:
    return uv / 1e6


def mv_to_v(mv: float) -> float:
    return mv / 1000.0


def ua_to_ma(ua: float) -> float:
    return ua / 1000.0


_POWER_UNITS = {"mw": 1.0, "uw": 1e-3, "µw": 1e-3, "w": 1e3, "nw": 1e-6}
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_VALUE_UNIT = re.compile(rf"^\s*(?P<num>{_NUM}|-?inf)\s*(?P<unit>[a-zA-Zµ°]*)\s*$", re.IGNORECASE)

#: strings that mean "the source did not report this"
UNREPORTED = {"", "n/a", "na", "none", "unknown", "not supported", "not available", "-", "--", "unsupported"}


_UNREPORTED_NOSPACE = frozenset(u.replace(" ", "") for u in UNREPORTED)


def _unreported(text: str) -> bool:
    """'N/A', 'N/A dBm', 'n/a', '', 'Unknown', 'not supported'... : the source did not report it."""
    low = text.strip().lower().replace(" ", "")
    return low in _UNREPORTED_NOSPACE or low.startswith(("n/a", "unknown", "notsupported", "notavailable"))


def parse_number(text: str) -> float | None:
    """'3.25', '1e-5', '-inf' -> float; an unreported marker ('N/A', '', '-') -> None.

    Raises ValueError for anything else."""
    t = text.strip().lower()
    if t in UNREPORTED:
        return None
    if t in ("-inf", "-infinity"):
        return -math.inf
    if t in ("inf", "+inf"):
        return math.inf
    return float(t)


def power_to_mw(text: str, default_unit: str = "mw") -> float | None:
    """A power reading as printed ('0.5012 mW', '-3.00 dBm', '-infdBm', '0.5012 mW / -3.00 dBm',
    'N/A dBm') -> mW, or None when unreported. Prefers the mW part when both are printed."""
    t = text.strip()
    if _unreported(t):
        return None
    if "/" in t:
        parts = [p for p in t.split("/")]
        for p in parts:
            if "mw" in p.lower():
                return power_to_mw(p)
        t = parts[0]
    m = _VALUE_UNIT.match(t)
    if not m:
        raise ValueError(f"not a power reading: {text!r}")
    num = parse_number(m.group("num"))
    unit = (m.group("unit") or default_unit).lower()
    if num is None:
        return None
    if unit == "dbm":
        return dbm_to_mw(num)
    if unit in _POWER_UNITS:
        if math.isinf(num):
            raise ValueError(f"infinite linear power: {text!r}")
        return max(num * _POWER_UNITS[unit], 0.0)
    raise ValueError(f"unknown power unit {unit!r} in {text!r}")


def temperature_to_c(text: str) -> float | None:
    """'33.76 degrees C / 92.77 degrees F', '35.5C', '95 F' -> °C; unreported -> None."""
    t = text.strip()
    if _unreported(t):
        return None
    if "/" in t:
        t = t.split("/")[0]
    m = re.match(rf"^\s*({_NUM})\s*(?:degrees\s*)?(°?\s*[CF])?\b", t, re.IGNORECASE)
    if not m:
        if parse_number(t.split()[0] if t.split() else "") is None:
            return None
        raise ValueError(f"not a temperature: {text!r}")
    v = float(m.group(1))
    unit = (m.group(2) or "C").replace("°", "").strip().upper()
    return f_to_c(v) if unit == "F" else v


def voltage_to_v(text: str) -> float | None:
    """'3.2505 V', '3300 mV', '3.3Volts' -> V; unreported -> None."""
    m = re.match(rf"^\s*({_NUM})\s*([a-zA-Zµ]*)", text.strip())
    if not m:
        if text.strip().lower() in UNREPORTED or text.strip().lower().startswith("n/a"):
            return None
        raise ValueError(f"not a voltage: {text!r}")
    v = float(m.group(1))
    unit = m.group(2).lower()
    if unit in ("", "v", "volts", "volt"):
        return v
    if unit in ("mv",):
        return mv_to_v(v)
    if unit in ("uv", "µv"):
        return uv_to_v(v)
    raise ValueError(f"unknown voltage unit {unit!r} in {text!r}")


def current_to_ma(text: str) -> float | None:
    """'42.068 mA', '6.5mA', '6500 uA' -> mA; unreported -> None."""
    m = re.match(rf"^\s*({_NUM})\s*([a-zA-Zµ]*)", text.strip())
    if not m:
        if text.strip().lower() in UNREPORTED or text.strip().lower().startswith("n/a"):
            return None
        raise ValueError(f"not a current: {text!r}")
    v = float(m.group(1))
    unit = m.group(2).lower()
    if unit in ("", "ma"):
        return v
    if unit in ("ua", "µa"):
        return ua_to_ma(v)
    if unit == "a":
        return v * 1000.0
    raise ValueError(f"unknown current unit {unit!r} in {text!r}")


def speed_to_gbps(text: str) -> float | None:
    """'100000Mb/s', '25G', '400G', '10 Gbps', 'Unknown!' -> Gb/s or None."""
    t = text.strip().rstrip("!").strip()
    if t.lower() in UNREPORTED or t.lower().startswith("unknown"):
        return None
    m = re.match(rf"^({_NUM})\s*([KMGT]?)(?:b(?:it)?(?:/s|ps)?)?$", t, re.IGNORECASE)
    if not m:
        raise ValueError(f"not a speed: {text!r}")
    v = float(m.group(1))
    scale = {"": 1e-6, "K": 1e-6, "M": 1e-3, "G": 1.0, "T": 1e3}[m.group(2).upper()]
    if m.group(2) == "":
        scale = 1e-3  # bare numbers in ethtool/sysfs are Mb/s
    if m.group(2).upper() == "K":
        scale = 1e-6
    return v * scale


def length_to_m(text: str) -> float | None:
    """'2km', '100m', '3 m', '0.5m' -> metres; unreported -> None."""
    m = re.match(rf"^\s*({_NUM})\s*(km|m|cm)?", text.strip(), re.IGNORECASE)
    if not m:
        if text.strip().lower() in UNREPORTED:
            return None
        raise ValueError(f"not a length: {text!r}")
    v = float(m.group(1))
    unit = (m.group(2) or "m").lower()
    return v * {"km": 1000.0, "m": 1.0, "cm": 0.01}[unit]

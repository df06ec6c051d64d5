"""Helpers shared by the Arista EOS parsers (eos_*.py): JSON loading, numbers, names, media.

EOS prints JSON for `<command> | json` on the CLI, and eAPI wraps the same objects as
`{"jsonrpc": "2.0", "result": [{...}], "id": ...}`. Both are accepted: the object holding the
format's top-level key is looked for at the top, inside `result`/a list of command outputs.
"""

from __future__ import annotations

import math
import re
from typing import Any

from netdiag import units
from netdiag.parsers import ParseError, _json

#: EOS floors optical power readings at -30.00 dBm: a dark receiver (or laser off, bias 0.00 mA)
#: reads exactly -30.00 (ntc-templates arista_eos show_interfaces_transceiver2.raw; ANTA's
#: NO_LIGHT_DBM = -30.0). That floor is "no light", i.e. 0.0 mW, not a reading.
EOS_NO_LIGHT_DBM = -30.0

_SHORT = (("Et", "Ethernet"), ("Ma", "Management"), ("Po", "Port-Channel"), ("Lo", "Loopback"))
_SHORT_RX = re.compile(r"^(Et|Ma|Po|Lo)(\d.*)$")


def load_json(text: str, key: str, what: str) -> dict:
    """The JSON object of `text` that has `key` at its top (plain CLI `| json` or eAPI envelope).

    Anything else (not JSON, cut short, JSON without `key`) is a ParseError.
    """
    s = text.strip()
    if not s.startswith(("{", "[")):
        # tolerate a prompt/echoed command line before the JSON, never text instead of it
        i = s.find("{")
        if i < 0 or i > 400:
            raise ParseError(f"not {what} JSON (no JSON object)", line=1, text=s.split("\n", 1)[0])
        s = s[i:]
    try:
        data = _json.raw_decode(s)
    except ValueError as e:
        lineno = getattr(e, "lineno", None)
        raise ParseError(f"{what}: invalid or truncated JSON: {e}", line=lineno) from None
    found = _find(data, key, 0)
    if found is None:
        raise ParseError(f"not {what} JSON (no {key!r} object)")
    return found


def _find(data: Any, key: str, depth: int) -> dict | None:
    if depth > 3:
        return None
    if isinstance(data, dict):
        if key in data:
            return data
        res = data.get("result")
        if isinstance(res, (list, dict)):
            return _find(res, key, depth + 1)
        return None
    if isinstance(data, list):
        for item in data:
            got = _find(item, key, depth + 1)
            if got is not None:
                return got
    return None


def num(v: Any) -> float | None:
    """A JSON number (or numeric string) as a float (not NaN); None for anything else."""
    t = type(v)
    if t is float:  # the common case first: JSON numbers with a fraction
        return None if v != v else v
    if t is int:
        return float(v)
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        f = float(v)
    elif isinstance(v, str):
        try:
            f = units.parse_number(v)
        except ValueError:
            return None
        if f is None:
            return None
    else:
        return None
    if math.isnan(f):
        return None
    return f


def count(v: Any) -> int | None:
    """A counter value: a non-negative integer (EOS prints ints; floats/strings tolerated)."""
    if isinstance(v, dict):  # {"value": N, "changes": ..., "lastChange": ...}
        v = v.get("value")
    f = num(v)
    if f is None or math.isinf(f) or f < 0:
        return None
    return int(f)


def dbm_to_mw(v: Any) -> float | None:
    """An EOS optical power in dBm -> mW; the -30 dBm floor and -inf are no light (0.0 mW)."""
    if type(v) is float and v - v == 0.0:  # finite: no infinity/NaN cases to tell apart
        if v <= EOS_NO_LIGHT_DBM:
            return 0.0
        return units.dbm_to_mw(v)
    f = num(v)
    if f is None:
        return None
    if math.isinf(f):
        return 0.0 if f < 0 else None
    if f <= EOS_NO_LIGHT_DBM:
        return 0.0
    return units.dbm_to_mw(f)


def finite(v: Any) -> float | None:
    if type(v) is float:
        return v if v - v == 0.0 else None  # inf - inf and NaN - NaN are NaN
    f = num(v)
    if f is None or math.isinf(f):
        return None
    return f


def port_name(name: str) -> str:
    """Short EOS names from text tables (Et3/1/1, Ma1) -> the full names EOS JSON uses."""
    m = _SHORT_RX.match(name)
    if m:
        for short, full in _SHORT:
            if m.group(1) == short:
                return full + m.group(2)
    return name


_MEDIA_SEEN: dict[str, str | None] = {}


def media(media_type: Any) -> str | None:
    """EOS mediaType ('40GBASE-SR4', '100GBASE-CR4', '400G-AOC', 'Not Present') -> media class."""
    if not isinstance(media_type, str) or not media_type.strip():
        return None
    got = _MEDIA_SEEN.get(media_type, _MEDIA_SEEN)
    if got is not _MEDIA_SEEN:  # a fleet has a handful of media types: classified once each
        return got
    got = _media(media_type)
    if len(_MEDIA_SEEN) < 4096:
        _MEDIA_SEEN[media_type] = got
    return got


def _media(media_type: str) -> str | None:
    t = media_type.strip().upper()
    if t in ("NOT PRESENT", "UNKNOWN", "N/A"):
        return None
    if "AOC" in t or t.endswith("-AR4"):
        return "aoc"
    if "ACC" in t or "AEC" in t:
        return "acc"
    if re.search(r"(BASE-|-)CR\d*\b|\bDAC\b|CR\d?-?(?:N|S|L)?$", t):
        return "dac"
    if re.search(r"BASE-T\b|BASE-TX\b", t):
        return "unknown"
    if re.search(r"(SR|LR|ER|ZR|DR|FR|XDR|PLR|LX|SX|ZX|BX|PSM|CWDM|LRM|SRBD|BD|DWDM|PLRL|VSR)\d*", t):
        return "optical"
    return "unknown"

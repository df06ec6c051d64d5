"""Arista EOS transceiver DOM: `show interfaces transceiver [detail|dom [thresholds]]`, JSON and text.

Formats
-------
* ``eos-transceiver-json`` — `show interfaces transceiver | json`:
  ``{"interfaces": {"Ethernet3/1/1": {"mediaType", "vendorSn", "temperature" (°C), "voltage" (V),
  "txBias" (mA), "txPower"/"rxPower" (dBm), "updateTime", "narrowBand"?, "totalRxPower"?}}}``.
* ``eos-transceiver-detail-json`` — `show interfaces transceiver detail | json`: the same object
  plus per interface ``"details": {"temperature"|"voltage"|"txBias"|"txPower"|"rxPower"|
  "totalRxPower": {"highAlarm", "highWarn", "lowWarn", "lowAlarm"}}`` (same units as the readings).
* ``eos-transceiver-dom-thresholds-json`` — `show interfaces transceiver dom [thresholds] | json`
  (EOS >= 4.2x, used by ANTA's VerifyInterfacesOptics*): per interface ``displayName``,
  ``vendorSn``, ``mediaType`` and ``"parameters": {name: {"unit", "channels": {"1": v, ...} or
  {"-": v}, "threshold": {"highAlarm", "highWarn", "lowAlarm", "lowWarn", "...Overridden"}}}``.
  Channels are the module's lanes ("1".."8"); "-" is a module-wide value. Interfaces without a
  DOM-capable module are ``{}`` or ``{"displayName": ...}`` only.
* ``eos-transceiver-text`` — the text table of `show interfaces transceiver`: columns Port,
  Temp (Celsius), Voltage (Volts), Bias Current (mA), Optical Tx Power (dBm), Optical Rx Power
  (dBm), Last Update (`0:00:06 ago`, `27 days, 0:35:55 ago`, `N/A`); short names (`Et3/1/1`).
* ``eos-transceiver-detail-text`` — the text of `show interfaces transceiver detail`: one table
  per sensor (Temperature, Voltage, Current, Tx Power, Rx Power), each with the reading and four
  thresholds whose column order is read from the header (EOS prints High Alarm, High Warn,
  Low Alarm, Low Warn); a reading may carry a flag (`++` high alarm, `+` high warn, `-` low warn,
  `--` low alarm) and an A2D readout in parentheses.

Mapping (documented decision)
-----------------------------
EOS reports optics per *interface*. A breakout (Ethernet3/1/1..4 on the QSFP cage Ethernet3/1)
lists each sub-interface with its own Tx/Rx/bias and the module's shared serial, temperature and
voltage repeated. We keep each interface as its own port, as EOS names it: one ``modules`` row per
interface (module-wide values repeated as reported) and, for the per-interface formats, one
``lanes`` row with lane 1 = that interface's own reading. Nothing is averaged or folded onto the
cage; the cage is the name without its last ``/N`` when a finding needs it. The dom format gives
every channel of the module under the interface: those become lanes 1..N of that port.

Values: dBm -> mW through netdiag.units; EOS floors optical power at -30.00 dBm, which is no light
(0.0 mW, see _eos_common.EOS_NO_LIGHT_DBM). "N/A" is None. A threshold set whose four values are
all 0.0 is "not provided" (None), as EOS prints for modules without that threshold.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._eos_common import EOS_NO_LIGHT_DBM, dbm_to_mw, finite, load_json, media, port_name

# EOS JSON key -> (canonical column, table, threshold sensor)
_SENSORS = {
    "temperature": ("temperature_c", "modules", "temperature_c"),
    "voltage": ("voltage_v", "modules", "voltage_v"),
    "txBias": ("tx_bias_ma", "lanes", "tx_bias_ma"),
    "txPower": ("tx_power_mw", "lanes", "tx_power_mw"),
    "rxPower": ("rx_power_mw", "lanes", "rx_power_mw"),
}
_POWER = ("txPower", "rxPower")
_LEVELS = (("highAlarm", "high_alarm"), ("highWarn", "high_warn"), ("lowWarn", "low_warn"),
           ("lowAlarm", "low_alarm"))
_UNIT_LOWER: dict[str, str] = {}
#: units in which a finite reading needs no conversion beyond dBm -> mW for powers
_PLAIN_UNITS = frozenset(("", "c", "v", "ma", "dbm"))
#: EOS sensor key -> [(EOS threshold key, modules column)]
_THRESHOLD_COLS = {key: [(k, f"{s[2]}_{lv}") for k, lv in _LEVELS] for key, s in _SENSORS.items()}
_XCVR_KEYS = ("mediaType", "vendorSn", "rxPower", "txPower", "txBias", "temperature", "voltage",
              "updateTime", "details", "narrowBand", "displayName", "parameters", "totalRxPower")


def _str(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    v = v.strip()
    return v or None


def _conv(key: str, v: Any, unit: str | None = None) -> float | None:
    """One EOS reading/threshold (JSON) in its EOS unit -> canonical unit."""
    if unit is None:
        u = ""
    else:
        u = _UNIT_LOWER.get(unit)
        if u is None:
            u = unit.strip().lower()
            if len(_UNIT_LOWER) < 256:
                _UNIT_LOWER[unit] = u
    if u in _PLAIN_UNITS and type(v) is float and v - v == 0.0:  # a finite number in EOS units
        if key in _POWER:
            return 0.0 if v <= EOS_NO_LIGHT_DBM else units.dbm_to_mw(v)
        return v
    if key in _POWER:
        if u == "mw":
            f = finite(v)
            return None if f is None else max(f, 0.0)
        return dbm_to_mw(v)
    f = finite(v)
    if f is None:
        return None
    if key == "temperature" and u in ("f", "fahrenheit"):
        return units.f_to_c(f)
    if key == "voltage" and u == "mv":
        return units.mv_to_v(f)
    if key == "txBias" and u in ("ua", "µa"):
        return units.ua_to_ma(f)
    return f


def _thresholds(key: str, th: Any, unit: str | None = None) -> dict[str, float]:
    """{"highAlarm":..} of sensor `key` -> modules threshold columns; all-zero sets are unset."""
    if not isinstance(th, dict):
        return {}
    out = {}
    nonzero = False
    plain = unit is None or _unit_lower(unit) in _PLAIN_UNITS
    power = key in _POWER
    for k, col in _THRESHOLD_COLS[key]:
        v = th.get(k)
        if plain and type(v) is float:  # finite() and _conv() inline for a float in a plain unit
            if v - v != 0.0:
                continue
            nonzero = nonzero or v != 0.0
            out[col] = (0.0 if v <= EOS_NO_LIGHT_DBM else units.dbm_to_mw(v)) if power else v
            continue
        f = finite(v)
        if f is not None:
            nonzero = nonzero or f != 0.0
            out[col] = _conv(key, v, unit)
    return out if nonzero else {}


def _interfaces(doc: dict, what: str) -> dict:
    intfs = doc.get("interfaces")
    if not isinstance(intfs, dict):
        raise ParseError(f"not {what} JSON ('interfaces' is not an object)")
    known = [e for e in intfs.values() if isinstance(e, dict) and any(k in e for k in _XCVR_KEYS)]
    if intfs and not known and any(isinstance(e, dict) and e for e in intfs.values()):
        raise ParseError(f"not {what} JSON (interfaces carry no transceiver fields)")
    return intfs


# --- show interfaces transceiver [detail] | json ------------------------------------------------

def _parse_xcvr_json(text: str, what: str) -> Tables:
    doc = load_json(text, "interfaces", what)
    modules, lanes = [], []
    for name, e in _interfaces(doc, what).items():
        if not isinstance(name, str) or not isinstance(e, dict):
            continue
        mod: dict[str, Any] = {"port": name}
        lane: dict[str, Any] = {"port": name, "lane": 1}
        serial = _str(e.get("vendorSn"))
        mtype = _str(e.get("mediaType"))
        if serial:
            mod["serial"] = serial
        if mtype:
            mod["media"] = media(mtype)
            if mtype.lower() == "not present":
                mod["present"] = False
            else:
                mod["media_type"] = mtype   # what EOS calls the module (no form factor, no part number)
        for key, (col, table, _s) in _SENSORS.items():
            if key in e:
                val = _conv(key, e.get(key))
                (mod if table == "modules" else lane)[col] = val
        details = e.get("details")
        if isinstance(details, dict):
            for key in _SENSORS:
                mod.update(_thresholds(key, details.get(key)))
        has_lane = any(lane.get(c) is not None for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma"))
        has_mod = serial or mtype or any(v is not None for k, v in mod.items() if k != "port")
        if not (has_lane or has_mod):
            continue
        if mod.get("present") is None:
            mod["present"] = True
        mod["dom_supported"] = True if (has_lane or mod.get("temperature_c") is not None
                                        or mod.get("voltage_v") is not None) else None
        modules.append(mod)
        if has_lane:
            lanes.append(lane)
    return {"modules": modules, "lanes": lanes}


def _looks_like_xcvr_json(text: str) -> bool:
    head = text[:20000]
    return ('"interfaces"' in head and ('"vendorSn"' in head or '"rxPower"' in head
                                        or '"mediaType"' in head)
            and '"parameters"' not in head and '"details"' not in head)


def _looks_like_xcvr_detail_json(text: str) -> bool:
    head = text[:20000]
    return ('"interfaces"' in head and '"details"' in head and '"parameters"' not in head
            and ('"highAlarm"' in head or '"lowAlarm"' in head))


@register("eos-transceiver-json", tables=("modules", "lanes"), detect=_looks_like_xcvr_json,
          priority=40, description="Arista EOS: show interfaces transceiver | json (DOM per interface)")
def parse_eos_transceiver_json(text: str, ctx: Context) -> Tables:
    return _parse_xcvr_json(text, "EOS show interfaces transceiver")


@register("eos-transceiver-detail-json", tables=("modules", "lanes"),
          detect=_looks_like_xcvr_detail_json, priority=39,
          description="Arista EOS: show interfaces transceiver detail | json (DOM + thresholds)")
def parse_eos_transceiver_detail_json(text: str, ctx: Context) -> Tables:
    return _parse_xcvr_json(text, "EOS show interfaces transceiver detail")


# --- show interfaces transceiver dom [thresholds] | json ----------------------------------------

def _channel_lanes(channels: dict) -> list[tuple[int | None, Any]]:
    """channels {"1": v, "2": v} / {"-": v} -> [(lane from 1 or None for module-wide, v)]."""
    out = []
    nums = []
    for ch, v in channels.items():
        ch = str(ch).strip()
        if ch.isdigit():
            nums.append(int(ch))
            out.append((int(ch), v))
        else:
            out.append((None, v))
    shift = 1 if nums and min(nums) == 0 else 0
    return [(None if ln is None else ln + shift, v) for ln, v in out]


#: channel names of a "channels" object (in order) -> their lanes, as _channel_lanes numbers them
_LANE_IDS: dict[tuple, list] = {}


def _lane_ids(channels: dict) -> list:
    names = tuple(channels)
    got = _LANE_IDS.get(names)
    if got is None:
        got = [ln for ln, _v in _channel_lanes(dict.fromkeys(names))]
        if len(_LANE_IDS) < 4096:
            _LANE_IDS[names] = got
    return got


def _unit_lower(unit: str) -> str:
    """unit.strip().lower(), remembered (as _conv does)."""
    u = _UNIT_LOWER.get(unit)
    if u is None:
        u = unit.strip().lower()
        if len(_UNIT_LOWER) < 256:
            _UNIT_LOWER[unit] = u
    return u


@register("eos-transceiver-dom-thresholds-json", tables=("modules", "lanes"),
          detect=lambda t: '"interfaces"' in t[:20000] and '"parameters"' in t[:20000]
          and '"channels"' in t[:20000], priority=39,
          description="Arista EOS: show interfaces transceiver dom [thresholds] | json (per lane)")
def parse_eos_transceiver_dom_json(text: str, ctx: Context) -> Tables:
    what = "EOS show interfaces transceiver dom"
    doc = load_json(text, "interfaces", what)
    modules, lanes = [], []
    for name, e in _interfaces(doc, what).items():
        if not isinstance(name, str) or not isinstance(e, dict):
            continue
        mod: dict[str, Any] = {"port": name}
        serial, mtype = _str(e.get("vendorSn")), _str(e.get("mediaType"))
        if serial:
            mod["serial"] = serial
        if mtype:
            mod["media"] = media(mtype)
            if mtype.lower() != "not present":
                mod["media_type"] = mtype   # what EOS calls the module (no form factor, no part number)
        params = e.get("parameters")
        per_lane: dict[int, dict[str, Any]] = {}
        got_dom = False
        if isinstance(params, dict):
            for key, p in params.items():
                spec = _SENSORS.get(key)
                if spec is None or not isinstance(p, dict):
                    continue
                col, table, _s = spec
                unit = p.get("unit") if isinstance(p.get("unit"), str) else None
                mod.update(_thresholds(key, p.get("threshold"), unit))
                chans = p.get("channels")
                if not isinstance(chans, dict):
                    continue
                # what _conv does, inline for the common case (a finite float in a plain unit)
                plain = (unit is None or _unit_lower(unit) in _PLAIN_UNITS)
                power = key in _POWER
                for ln, v in zip(_lane_ids(chans), chans.values()):
                    if plain and type(v) is float and v - v == 0.0:
                        val = (0.0 if v <= EOS_NO_LIGHT_DBM else units.dbm_to_mw(v)) if power else v
                    else:
                        val = _conv(key, v, unit)
                        if val is None and v is None:
                            continue
                    got_dom = True
                    if table == "modules":
                        if mod.get(col) is None:
                            mod[col] = val
                    else:
                        pl = per_lane.get(ln or 1)
                        if pl is None:
                            pl = per_lane[ln or 1] = {}
                        pl[col] = val
        if not e:
            continue  # {}: nothing known about this interface (no module)
        if serial or mtype or got_dom:
            mod["present"] = True
        # {"displayName"} / empty "parameters": listed, but no diagnostics (ANTA: DOM not supported)
        mod["dom_supported"] = bool(got_dom)
        modules.append(mod)
        for ln in sorted(per_lane):
            lanes.append({"port": name, "lane": ln, **per_lane[ln]})
    return {"modules": modules, "lanes": lanes}


# --- text: show interfaces transceiver -----------------------------------------------------------

_PORT_RX = re.compile(r"^[A-Za-z][A-Za-z-]*\d[\w/.:-]*$")
_NA = frozenset(("n/a", "na", "-", "--", "unknown"))
_NA_TOKENS = frozenset(v for n in _NA for v in (n, n.upper(), n.capitalize()))
_NA_AS_NAN = dict.fromkeys(_NA_TOKENS, "nan")


class _PortNames(dict):
    """First token of a table line -> full interface name, or None when it names no interface.
    Shared across outputs (every switch has Et1/1...), bounded."""

    def __missing__(self, tok: str):
        v = port_name(tok) if _PORT_RX.match(tok) else None
        if len(self) < 200_000:
            self[tok] = v
        return v


_PORT_NAMES = _PortNames()


def _tnum(tok: str) -> tuple[bool, float | None]:
    """(ok, value): ok False when the token is neither a number nor an N/A marker."""
    if tok.lower() in _NA:
        return True, None
    try:
        f = float(tok)
    except ValueError:
        return False, None
    if math.isnan(f):
        return True, None
    return True, f


def _tdbm(f: float | None) -> float | None:
    if f is None:
        return None
    if math.isinf(f):
        return 0.0 if f < 0 else None
    if f <= -30.0:  # EOS no-light floor (see _eos_common.EOS_NO_LIGHT_DBM)
        return 0.0
    return units.dbm_to_mw(f)


def _looks_like_xcvr_text(text: str) -> bool:
    head = text[:3000]
    return ("Rx Power" in head and "Bias" in head and "Threshold" not in head
            and ("Last Update" in head or "If device is externally calibrated" in head))


def _floats(tokens) -> tuple[np.ndarray, np.ndarray]:
    """Reading tokens (a list or an object array of str) -> (float64 with NaN for N/A, mask of
    tokens that are neither number nor N/A). The N/A markers are found with a hash lookup over the
    column and the numbers converted by numpy (float() of each token, in C); only a column holding
    something else is walked in Python."""
    # N/A markers -> "nan" by a dict lookup per token (a pandas isin costs more on a switch's rows)
    lst = tokens.tolist() if isinstance(tokens, np.ndarray) else list(tokens)
    get = _NA_AS_NAN.get
    try:  # float() of each token (what numpy's cast of an object array calls), without numpy's per-item cost
        return np.array([float(get(t, t)) for t in lst], dtype="float64"), np.zeros(len(lst), dtype=bool)
    except (ValueError, TypeError):
        pass
    arr = np.array([get(t, t) for t in lst], dtype=object)
    try:
        return arr.astype("float64"), np.zeros(len(arr), dtype=bool)
    except (ValueError, TypeError):
        vals = np.full(len(arr), np.nan)
        bad = np.zeros(len(arr), dtype=bool)
        for i, t in enumerate(arr.tolist()):
            try:
                vals[i] = float(t)
            except ValueError:
                bad[i] = True
        return vals, bad


#: line ends str.splitlines() knows besides "\n" (text with them is split line by line)
_ODD_EOL = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _odd_eol(text: str) -> bool:
    """_ODD_EOL.search(text) is not None, by a substring test per character (each a fast scan)."""
    return any(c in text for c in _ODD_EOL_CHARS)


_ODD_EOL_CHARS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_MARK = "\x01"  # (not NUL: numpy drops trailing NULs of strings it compares)
_MARK_SEP = f" {_MARK} "


def _token_columns(body: str) -> list[np.ndarray]:
    """The first six whitespace-separated tokens of every line of `body` that has at least six,
    as six columns: the whole body split once (a _MARK token marks each line end; the caller
    checks the text holds none), line starts found with numpy instead of splitting line by line."""
    arr = np.array(body.replace("\n", _MARK_SEP).split(), dtype=object)
    marks = np.flatnonzero(arr == _MARK)
    starts = np.concatenate(([0], marks + 1))
    ends = np.concatenate((marks, [len(arr)]))
    s = starts[(ends - starts) >= 6]
    return [arr[s + k] for k in range(6)]


#: an output this long (a whole fleet's rows pasted as one, say) is cut into columns by Arrow's
#: compute kernels instead of Python's str.split: one pass in C over the whole text
ARROW_MIN_CHARS = 256 * 1024
#: a reading as EOS prints it, which Arrow's cast and Python's float() read alike (anything else
#: -- inf, nan, 1_000 -- sends the output the way of float())
_PLAIN_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"


def _arrow_columns(body: str):
    """(port names, temp, volt, bias, tx, rx) of every table row of `body` ("\n" line ends only),
    as _token_columns and _floats find them, with Arrow: None when the body is not plain ASCII or
    holds a reading token that is neither a plain number nor an N/A marker (those outputs take
    the Python way, which drops such lines)."""
    if not body.isascii() or "\x1f" in body:  # (Python's split() also splits at \x1c-\x1f)
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    lines = pc.split_pattern(pa.array([body], pa.large_string()), "\n").flatten()
    # (trimmed first: Arrow gives an empty first token for a line that starts with a blank)
    toks = pc.ascii_split_whitespace(pc.ascii_trim_whitespace(lines), max_splits=6)
    toks = toks.filter(pc.greater_equal(pc.list_value_length(toks), 6))
    if not len(toks):
        return None
    first = pc.list_element(toks, 0).dictionary_encode()
    full = np.array([_PORT_NAMES[t] for t in first.dictionary.to_pylist()], dtype=object)
    full = full[first.indices.to_numpy(zero_copy_only=False)]
    named = full != None  # noqa: E711  (elementwise: first tokens that name an interface)
    if not named.all():
        toks = toks.filter(pa.array(named))
        full = full[named]
    if not len(full):
        return None
    na = pa.array(sorted(_NA_TOKENS), pa.large_string())
    none = pa.scalar(None, pa.large_string())
    out = []
    for k in range(1, 6):
        col = pc.list_element(toks, k)
        col = pc.if_else(pc.is_in(col, value_set=na), none, col)
        if not pc.all(pc.match_substring_regex(col, _PLAIN_NUMBER)).as_py() in (True, None):
            return None
        out.append(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False))
    return (full, *out)


@register("eos-transceiver-text", tables=("modules", "lanes"), detect=_looks_like_xcvr_text,
          priority=40, description="Arista EOS: show interfaces transceiver (text table)")
def parse_eos_transceiver_text(text: str, ctx: Context) -> dict:
    """Column-wise (a switch has hundreds of rows, a fleet millions): split each line once, convert
    each reading column with numpy, return {column: array} tables."""
    odd = _odd_eol(text) or _MARK in text
    # "\n" line ends only: the header is among the first lines, the body is cut in one go below
    lines = text.splitlines() if odd else text.split("\n", 80)[:80]
    header_at = None
    for i, line in enumerate(lines[:80]):
        if line.startswith("Port") and "(" in line:
            header_at = i
            break
    if header_at is None:
        raise ParseError("not EOS `show interfaces transceiver` output (no Port header)", line=1,
                         text=lines[0] if lines else None)
    if not any("Rx Power" in ln or "Tx Power" in ln for ln in lines[: header_at + 1]):
        raise ParseError("not EOS `show interfaces transceiver` output (no Tx/Rx Power columns)",
                         line=header_at + 1, text=lines[header_at])
    names = _PORT_NAMES
    body = None
    if not odd:  # "\n" line ends only: one split
        body = text[sum(len(ln) + 1 for ln in lines[: header_at + 1]):]
        if len(body) >= ARROW_MIN_CHARS:
            got = _arrow_columns(body)
            if got is not None:
                return _tables(*got)
    if body is not None:
        cols = _token_columns(body)
        full = np.array([names[t] for t in cols[0].tolist()], dtype=object)
        named = full != None  # noqa: E711  (elementwise: first tokens that name an interface)
        if not named.all():  # the others are not table rows
            cols = [c[named] for c in cols]
            full = full[named]
        if not len(full):
            return {"modules": {}, "lanes": {}}
    else:
        rows = [p for p in (ln.split(None, 6) for ln in lines[header_at + 1:]) if len(p) >= 6 and names[p[0]]]
        if not rows:
            return {"modules": {}, "lanes": {}}
        cols = list(zip(*rows))
        full = np.array([names[p] for p in cols[0]], dtype=object)
    temp, b1 = _floats(cols[1])
    volt, b2 = _floats(cols[2])
    bias, b3 = _floats(cols[3])
    tx, b4 = _floats(cols[4])
    rx, b5 = _floats(cols[5])
    keep = ~(b1 | b2 | b3 | b4 | b5)  # a line this table does not have (not five readings)
    ports = full[keep]
    return _tables(ports, *(a[keep] for a in (temp, volt, bias, tx, rx)))


def _tables(ports: np.ndarray, temp, volt, bias, tx, rx) -> dict:
    """The modules and lanes columns of the table's rows (port names, five readings each)."""
    for a in (temp, volt, bias):
        a[np.isinf(a)] = np.nan
    dom = ~(np.isnan(temp) & np.isnan(volt) & np.isnan(bias) & np.isnan(tx) & np.isnan(rx))
    # a row of N/A: the interface has a module without diagnostics (or none at all)
    modules = {"port": ports, "present": np.where(dom, True, None), "dom_supported": dom,
               "temperature_c": temp, "voltage_v": volt}
    lanes = {"port": ports[dom], "lane": np.ones(int(dom.sum()), dtype="int64"), "tx_bias_ma": bias[dom],
             "tx_power_mw": units.dbm_to_mw_array(tx[dom], EOS_NO_LIGHT_DBM),
             "rx_power_mw": units.dbm_to_mw_array(rx[dom], EOS_NO_LIGHT_DBM)}
    return {"modules": modules, "lanes": lanes}


# --- text: show interfaces transceiver detail ---------------------------------------------------

_DETAIL_SENSORS = {"temperature": "temperature", "temp": "temperature", "voltage": "voltage",
                   "current": "txBias", "bias current": "txBias", "tx power": "txPower",
                   "optical tx power": "txPower", "rx power": "rxPower",
                   "optical rx power": "rxPower"}
_LEVEL_NAMES = (("High Alarm", "high_alarm"), ("High Warn", "high_warn"), ("Low Alarm", "low_alarm"),
                ("Low Warn", "low_warn"))
_FLAG = {"++": "high_alarm", "+": "high_warn", "-": "low_warn", "--": "low_alarm"}
_VAL_FLAG = re.compile(r"^([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(\+\+|\+|--|-)$")
_ALARM_PREFIX = {"temperature": "temperature", "voltage": "voltage", "txBias": "tx_bias",
                 "txPower": "tx_power", "rxPower": "rx_power"}


def _detail_unit(line: str) -> str | None:
    m = re.search(r"\(([^)]*)\)", line)
    return m.group(1).strip().lower() if m else None


def _detail_conv(key: str, f: float | None, unit: str | None) -> float | None:
    if f is None:
        return None
    if key in _POWER:
        if unit == "mw":
            return max(f, 0.0) if not math.isinf(f) else None
        return _tdbm(f)
    if math.isinf(f):
        return None
    if key == "temperature" and unit in ("fahrenheit", "f"):
        return units.f_to_c(f)
    return f


def _looks_like_xcvr_detail_text(text: str) -> bool:
    head = text[:4000]
    return ("Threshold" in head and "High Alarm" in head and "Low Warn" in head
            and ("A2D readouts" in head or "++ : high alarm" in head or "Temperature" in head)
            and "Port" in head)


@register("eos-transceiver-detail-text", tables=("modules", "lanes"),
          detect=_looks_like_xcvr_detail_text, priority=41,
          description="Arista EOS: show interfaces transceiver detail (text: readings + thresholds)")
def parse_eos_transceiver_detail_text(text: str, ctx: Context) -> Tables:
    mods: dict[str, dict[str, Any]] = {}
    lns: dict[str, dict[str, Any]] = {}
    order: list[str] | None = None      # threshold level per column, from the header
    sensor: str | None = None
    unit: str | None = None
    in_rows = False
    sections = 0
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        if "High Alarm" in line and "Warn" in line:
            pos = [(line.find(name), lv) for name, lv in _LEVEL_NAMES if line.find(name) >= 0]
            order = [lv for _p, lv in sorted(pos)] if len(pos) == 4 else None
            sensor, unit, in_rows = None, None, False
            continue
        if order is not None and sensor is None and "Threshold" in line:
            label = line[: line.find("Threshold")].strip().lower()
            sensor = _DETAIL_SENSORS.get(label)
            if sensor is None:
                # an unknown sensor table (e.g. laser temperature): skip its rows
                sensor = ""
            continue
        if sensor is not None and s.startswith("Port"):
            rest = line[4:].strip()
            unit = _detail_unit(rest)
            continue
        if sensor is not None and s.startswith("---"):
            in_rows = True
            sections += 1
            continue
        if not in_rows or not sensor or order is None:
            continue
        toks = s.split()
        if len(toks) < 6 or not _PORT_RX.match(toks[0]):
            continue
        vals: list[float | None] = []
        flag = None
        ok = True
        for tok in toks[1:]:
            if tok.startswith("("):
                continue  # A2D readout in parentheses
            if tok in _FLAG and len(vals) == 1:
                flag = _FLAG[tok]
                continue
            m = _VAL_FLAG.match(tok)
            if m and len(vals) == 0:
                flag = _FLAG[m.group(2)]
                tok = m.group(1)
            good, f = _tnum(tok)
            if not good:
                ok = False
                break
            vals.append(f)
            if len(vals) == 5:
                break
        if not ok or len(vals) < 5:
            continue
        port = port_name(toks[0])
        key = sensor
        reading = _detail_conv(key, vals[0], unit)
        mod = mods.setdefault(port, {"port": port})
        col, table, tsensor = _SENSORS[key]
        ths = {lv: vals[1 + j] for j, lv in enumerate(order)}
        given = [v for v in ths.values() if v is not None]
        if given and not all(v == 0.0 for v in given):
            for lv, v in ths.items():
                if v is not None:
                    mod[f"{tsensor}_{lv}"] = _detail_conv(key, v, unit)
        alarm = f"{_ALARM_PREFIX[key]}_{flag}" if flag else None
        if table == "modules":
            mod[col] = reading
            if alarm:
                mod.setdefault("alarms", []).append(alarm)
        else:
            lane = lns.setdefault(port, {"port": port, "lane": 1})
            lane[col] = reading
            if alarm:
                lane.setdefault("alarms", []).append(alarm)
    if sections == 0:
        raise ParseError("not EOS `show interfaces transceiver detail` output (no sensor table)",
                         line=1, text=text.splitlines()[0] if text.splitlines() else None)
    for m in mods.values():
        m["present"] = True
        m["dom_supported"] = True
    return {"modules": list(mods.values()), "lanes": list(lns.values())}

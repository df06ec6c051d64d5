"""NVIDIA Cumulus Linux NVUE (`nv show ...`) outputs, text and `-o json`.

NVUE prints three shapes of text:

* column tables with a dashed separator line (``nv show interface``, ``nv show platform
  transceiver [brief]``, ``nv show interface IF counters errors``, the ``link phy-detail``
  attribute table whose value column is headed ``operational`` and, elsewhere, followed by
  ``applied`` / ``pending`` columns: we read the operational column only);
* indented ``key : value`` trees (``nv show platform transceiver IF [channel]``, ``nv show
  interface IF transceiver``), a rendering of the same nested object ``-o json`` prints;
* the ``nv show interface IF transceiver thresholds`` grid (one row per sensor and channel).

Values carry trailing spaces and units (``3.2862 V``, ``0.8625 mW / -0.64 dBm``, ``42.56 C``,
``6.750 mA``); ``n/a`` / ``N/A`` is unreported (None). Sources of the layouts: NVIDIA Cumulus
Linux 5.x user guide and NVUE command reference (CumulusNetworks/docs), including the 5.10 and
5.14 variants of the thresholds grid (units on every threshold, or on the value only), the older
``State`` and newer ``Admin Status``/``Oper Status`` headers of ``nv show interface``, the
``-high-alarm-thresh`` abbreviation of ``nv show platform transceiver IF channel`` in some
releases, and the condensed ``ch-N-rx-power`` form of ``nv show interface IF transceiver``.
JSON key names are those of the text (the text is a rendering of the JSON object); a NAPALM
Cumulus driver reads ``nv show interface IF link phy-detail -o json`` as a flat object of the
same keys with string values and ``nv show platform transceiver detail -o json`` as
``{port: {"channel": {"channel-N": {"rx-power": {"power": ...}}}}}``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register

# --- shared helpers ------------------------------------------------------------------------------

_DASH_LINE = re.compile(r"^\s*[-\u2026]{3,}(?:\s+[-\u2026]+)*\s*$")
_UNREPORTED = {"", "n/a", "na", "-", "none", "unknown", "not supported", "not available"}
#: NVUE and mlxlink print a BER of "15E-255" when no error was seen in the window: it means 0.
_BER_ZERO_SENTINEL = 1e-200
_NUM = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip().lower() in _UNREPORTED)


def _int(v: Any) -> int | None:
    """'123', 123, '1,234' -> int; unreported or unreadable -> None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if v >= 0 else None
    if isinstance(v, float):
        return int(v) if v >= 0 and v == v and v != float("inf") else None
    if _blank(v) or not isinstance(v, str):
        return None
    t = v.strip().replace(",", "")
    if t.isdigit():
        return int(t)
    return None


def _float(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        f = float(v)
        return f if f == f and abs(f) != float("inf") else None
    if _blank(v) or not isinstance(v, str):
        return None
    t = v.strip().split()[0] if v.strip() else ""
    if not _NUM.match(t):
        return None
    f = float(t)
    return f if abs(f) != float("inf") else None


def _ber(v: Any) -> float | None:
    """A BER as NVUE prints it ('3E-6', '15E-255', '0'); 15E-255 is the 'no errors seen' sentinel -> 0.0."""
    f = _float(v)
    if f is None or f < 0:
        return None
    if f < _BER_ZERO_SENTINEL:
        return 0.0
    return f


def _safe(fn, text: Any) -> float | None:
    """Run a units.* converter on a printed value; unreadable -> None (never raises)."""
    if _blank(text):
        return None
    try:
        return fn(str(text))
    except (ValueError, IndexError, TypeError, OverflowError):
        return None


#: printed power -> mW, per kind (reading / threshold): thresholds and dark lanes repeat across a fleet
_POWER_SEEN: dict[tuple[str, bool], float | None] = {}


def _power_dbm_default(s: str) -> float | None:
    return units.power_to_mw(s, default_unit="dbm")


def _power_memo(text: str, threshold: bool) -> float | None:
    got = _POWER_SEEN.get((text, threshold), _POWER_SEEN)
    if got is _POWER_SEEN:
        got = _safe(_power_dbm_default if threshold else units.power_to_mw, text)
        if len(_POWER_SEEN) < 50000:
            _POWER_SEEN[(text, threshold)] = got
    return got


def _power_mw(text: Any) -> float | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return max(float(text), 0.0)  # JSON number: mW
    if type(text) is str:
        return _power_memo(text, False)
    return _safe(units.power_to_mw, text)


def _power_threshold_mw(text: Any) -> float | None:
    """Thresholds are printed in dBm ('-13.31 dBm'); a bare number in a dBm context is dBm too."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return _safe(_power_dbm_default, str(text))
    if type(text) is str:
        return _power_memo(text, True)
    return _safe(_power_dbm_default, text)


#: (converter, printed text) -> value: thresholds and common readings repeat across a fleet
_CONV_SEEN: dict[tuple, float | None] = {}


def _safe_memo(fn, text: str) -> float | None:
    """_safe(fn, text) for a str, remembered."""
    got = _CONV_SEEN.get((fn, text), _CONV_SEEN)
    if got is _CONV_SEEN:
        got = _safe(fn, text)
        if len(_CONV_SEEN) < 50000:
            _CONV_SEEN[(fn, text)] = got
    return got


def _temp_c(text: Any) -> float | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    if type(text) is str:
        return _safe_memo(units.temperature_to_c, text)
    return _safe(units.temperature_to_c, text)


def _volt(text: Any) -> float | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    if type(text) is str:
        return _safe_memo(units.voltage_to_v, text)
    return _safe(units.voltage_to_v, text)


def _bias(text: Any) -> float | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    if type(text) is str:
        return _safe_memo(units.current_to_ma, text)
    return _safe(units.current_to_ma, text)


def _speed(text: Any) -> float | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return units.mbps_to_gbps(float(text))  # a bare number is Mb/s
    return _safe(units.speed_to_gbps, text)


def _load_json(text: str) -> Any:
    t = text.strip()
    if not t.startswith(("{", "[")):
        raise ParseError("not JSON output (expected an NVUE `-o json` object)", line=1, text=t.splitlines()[0] if t else "")
    try:
        return json.loads(t)
    except (json.JSONDecodeError, RecursionError) as e:
        raise ParseError(f"invalid JSON: {e.msg if hasattr(e, 'msg') else e}", line=getattr(e, "lineno", None)) from None


def _looks_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _column_spans(dash_line: str) -> list[tuple[int, int]]:
    """Start/end of each column from a dashed separator line ('-----  ----…  ----')."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[-\u2026]+", dash_line)]
    out = []
    for i, (s, _e) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else None
        out.append((s, end))
    return out


def _cells(line: str, spans: list[tuple[int, int]], ncols: int) -> list[str]:
    """Split a table row into ncols cells: by the separator's column spans, unless splitting on
    runs of 2+ spaces gives exactly ncols cells (robust to rows that drift out of alignment)."""
    parts = re.split(r"\s{2,}", line.strip())
    if len(parts) == ncols and not line.startswith(" "):
        return [p.strip() for p in parts]
    cells = []
    for s, e in spans[:ncols]:
        cells.append(line[s:e].strip() if e is not None else line[s:].strip())
    while len(cells) < ncols:
        cells.append("")
    return cells


def _alarm_flags(prefix: str, state: Any) -> list[str]:
    """NVUE's per-sensor `alarm` field: 'Off' / 'low' / 'high' (alarm level), or '... warning'."""
    if _blank(state) or not isinstance(state, str):
        return []
    s = state.strip().lower()
    if s in ("off", "none", "normal", "ok", "false", "no"):
        return []
    level = "warn" if "warn" in s else "alarm"
    out = []
    if "low" in s:
        out.append(f"{prefix}_low_{level}")
    if "high" in s:
        out.append(f"{prefix}_high_{level}")
    return out


_THRESH_KEY = re.compile(r"^(high|low)[-_ ](alarm|warning|warn)(?:[-_ ]thresh(?:old)?)?$", re.I)


_THRESH_LEVELS: dict = {}  # key as printed -> "high_warn" ... or None (keys repeat on every port)


def _thresh_level(k: Any) -> str | None:
    got = _THRESH_LEVELS.get(k, _THRESH_LEVELS) if isinstance(k, str) else _THRESH_LEVELS
    if got is not _THRESH_LEVELS:
        return got
    m = _THRESH_KEY.match(str(k).strip())
    got = None if not m else f"{m.group(1).lower()}_{'warn' if m.group(2).lower().startswith('warn') else 'alarm'}"
    if isinstance(k, str) and len(_THRESH_LEVELS) < 10000:
        _THRESH_LEVELS[k] = got
    return got


def _thresholds(node: dict, sensor: str, conv) -> dict[str, float]:
    out = {}
    for k, v in node.items():
        level = _thresh_level(k)
        if level is None:
            continue
        val = conv(v)
        if val is not None:
            out[f"{sensor}_{level}"] = val
    return out


# --- nv show interface IF link phy-detail ----------------------------------------------------------

_PHY_LANE_ERR = re.compile(r"^phy-raw-errors-lane(\d+)$")
_PHY_LANE_BER = re.compile(r"^raw-ber-lane(\d+)$")
_PHY_BIN = re.compile(r"^rs-num-corr-err-bin(\d+)$")
_PHY_DETECT = re.compile(r"^\s*(?:phy-raw-errors-lane\d+|rs-num-corr-err-bin\d+|raw-ber-lane\d+|"
                         r"effective-ber|symbol-ber|phy-received-bits)\s+\S", re.M)
_KV_ROW = re.compile(r"^\s*([A-Za-z][\w./-]*)(?:\s+(.*?))?\s*$")


_PHY_KEYS: dict[str, tuple[str, int] | None] = {}


def _phy_key(k: str) -> tuple[str, int] | None:
    """("raw_errors" | "raw_ber" | "bin", number as printed) of a per-lane or histogram key."""
    for rx, kind in ((_PHY_LANE_ERR, "raw_errors"), (_PHY_LANE_BER, "raw_ber"), (_PHY_BIN, "bin")):
        m = rx.match(k)
        if m:
            return kind, int(m.group(1))
    return None


def _phy_tables(pairs, ctx: Context) -> Tables:
    """(key, value) pairs of phy-detail -> counters / lanes / fec_histogram / ports rows.

    NVUE numbers lanes from 0 (phy-raw-errors-lane0 ... lane7); our lanes are from 1."""
    counters: dict[str, Any] = {}
    lanes: dict[int, dict[str, Any]] = {}
    hist: dict[int, int] = {}
    port: dict[str, Any] = {}
    known = 0
    for key, val in pairs:
        k = key.strip().lower()
        if k == "time-since-last-clear-min":
            f = _float(val)
            if f is not None and f >= 0:
                counters["time_since_clear_s"] = f * 60.0
            known += 1
        elif k == "symbol-errors":
            counters["symbol_errors"] = _int(val)
            known += 1
        elif k == "effective-errors":
            # Errors left after FEC (what the FEC could not correct). NVUE counts them, not
            # codewords; fec_uncorrectable_cw is the canonical "post-FEC errors" counter.
            counters["fec_uncorrectable_cw"] = _int(val)
            known += 1
        elif k in ("raw-ber", "effective-ber", "symbol-ber"):
            counters[k.replace("-", "_")] = _ber(val)
            known += 1
        elif k == "phy-received-bits":
            known += 1
        elif k in ("fec", "fec-mode", "fec-mode-active"):
            if not _blank(val):
                port["fec"] = str(val).strip()
            known += 1
        elif k == "speed":
            sp = _speed(val)
            if sp is not None:
                port["speed_gbps"] = sp
            known += 1
        else:
            what = _PHY_KEYS.get(k, _PHY_KEYS)
            if what is _PHY_KEYS:  # (keys repeat on every port: matched once each)
                what = _phy_key(k)
                if len(_PHY_KEYS) < 20000:
                    _PHY_KEYS[k] = what
            if what is None:
                continue
            kind, n = what
            if kind == "raw_errors":
                lanes.setdefault(n + 1, {})["raw_errors"] = _int(val)
            elif kind == "raw_ber":
                lanes.setdefault(n + 1, {})["raw_ber"] = _ber(val)
            else:
                v = _int(val)
                if v is not None:
                    hist[n] = v
            known += 1
    if not known:
        raise ParseError("no phy-detail fields (raw-ber, phy-raw-errors-laneN, rs-num-corr-err-binN, ...)")
    out: Tables = {}
    if any(v is not None for v in counters.values()):
        out["counters"] = [{k: v for k, v in counters.items()}]
    rows = []
    for lane in sorted(lanes):  # every lane the output names, even when it says n/a
        rows.append({"lane": lane, **lanes[lane]})
    if rows:
        out["lanes"] = rows
    if hist:
        out["fec_histogram"] = [{"bin": b, "count": c} for b, c in sorted(hist.items())]
    if port:
        out["ports"] = [port]
    return out


def _looks_phy_detail(text: str) -> bool:
    return not _looks_json(text) and len(_PHY_DETECT.findall(text[:200000])) >= 2


@register("nvue-link-phy-detail", tables=("counters", "lanes", "fec_histogram", "ports"),
          detect=_looks_phy_detail, priority=40,
          description="Cumulus NVUE `nv show interface IF link phy-detail`: per-lane raw errors/BER, "
                      "raw/effective/symbol BER, RS-FEC corrected-symbols histogram")
def parse_nvue_link_phy_detail(text: str, ctx: Context) -> Tables:
    if _looks_json(text):
        raise ParseError("JSON output: use format nvue-link-phy-detail-json", line=1)
    return _phy_tables(_phy_pairs(text), ctx)


def _phy_pairs(text: str) -> list[tuple[str, str]]:
    """(key, first word of its value) of each `key   value` line of phy-detail text, as _KV_ROW
    reads them, without the dashed rule and the 'operational applied' column header."""
    pairs = []
    keys = _KV_KEYS
    for line in text.splitlines():
        words = line.split()
        if len(words) < 2:
            continue  # (blank, or no value: _KV_ROW gives no value either)
        if {w.lower() for w in words} <= _PHY_HEADER_WORDS:
            continue
        # _KV_ROW's groups by str methods: the key is the first word when the whole word is
        # key-like (a dashed rule's is not), the value's first word is the second word
        ok = keys.get(words[0])
        if ok is None:
            ok = _KV_KEY.match(words[0]) is not None
            if len(keys) < 20000:
                keys[words[0]] = ok
        if ok:
            pairs.append((words[0], words[1]))
    return pairs


_PHY_HEADER_WORDS = frozenset(("operational", "applied", "pending", "hardware"))
_KV_KEY = re.compile(r"[A-Za-z][\w./-]*\Z")
_KV_KEYS: dict[str, bool] = {}


def _looks_phy_detail_json(text: str) -> bool:
    if not _looks_json(text):
        return False
    head = text[:200000]
    return '"phy-raw-errors-lane' in head or ('"raw-ber"' in head and '"effective-ber"' in head)


def _flatten_phy_json(obj: Any) -> list[tuple[str, Any]]:
    """Flat phy-detail object (as the text), or one wrapped in {"phy-detail": ...} / {"link": ...}.
    A nested per-lane form ({"lane": {"0": {"phy-raw-errors": n, "raw-ber": x}}}) is flattened."""
    for _ in range(3):
        if isinstance(obj, dict) and len(obj) == 1:
            (k, v), = obj.items()
            if k in ("link", "phy-detail", "phy-health") and isinstance(v, dict):
                obj = v
                continue
        break
    if not isinstance(obj, dict):
        raise ParseError("phy-detail JSON is not an object")
    pairs: list[tuple[str, Any]] = []
    for k, v in obj.items():
        if k == "lane" and isinstance(v, dict):
            for lk, lv in v.items():
                m = re.search(r"(\d+)$", str(lk))
                if m and isinstance(lv, dict):
                    for fk, fv in lv.items():
                        if fk in ("phy-raw-errors", "raw-ber"):
                            pairs.append((f"{fk}-lane{m.group(1)}", fv))
        elif isinstance(v, (dict, list)):
            continue
        else:
            pairs.append((str(k), v))
    return pairs


@register("nvue-link-phy-detail-json", tables=("counters", "lanes", "fec_histogram", "ports"),
          detect=_looks_phy_detail_json, priority=35,
          description="Cumulus NVUE `nv show interface IF link phy-detail -o json`")
def parse_nvue_link_phy_detail_json(text: str, ctx: Context) -> Tables:
    return _phy_tables(_flatten_phy_json(_load_json(text)), ctx)


# --- nv show interface IF counters errors (and the full `counters` view) -------------------------

_CNT_HEADER = re.compile(r"^\s*Counter\s+Receive\s+Transmit\s*$", re.M)
_CNT_ROW = re.compile(r"^\s*(\S.*?)\s{2,}(\S+)\s+(\S+)\s*$")
_CARRIER = re.compile(r"^\s*carrier-transitions\s+(\d+)\b")
#: row label -> (receive column, transmit column)
_CNT_MAP = {
    "fcs errors": ("rx_crc_errors", None),
    "crc errors": ("rx_crc_errors", None),
    "symbol errors": ("symbol_errors", None),
    "total errors": ("rx_errors", "tx_errors"),
    "total drops": ("rx_discards", "tx_discards"),
    "total octets": ("rx_bytes", "tx_bytes"),
    "total packets": ("rx_packets", "tx_packets"),
}


def _looks_counters_errors(text: str) -> bool:
    return bool(_CNT_HEADER.search(text[:200000])) and "Errors" in text


@register("nvue-counters-errors", tables=("counters", "ports"), detect=_looks_counters_errors, priority=45,
          description="Cumulus NVUE `nv show interface IF counters errors` Receive/Transmit table "
                      "(also the full `nv show interface IF counters` view)")
def parse_nvue_counters_errors(text: str, ctx: Context) -> Tables:
    if not _CNT_HEADER.search(text):
        raise ParseError("no 'Counter  Receive  Transmit' table header")
    row: dict[str, Any] = {}
    port: dict[str, Any] = {}
    seen = 0
    for line in text.splitlines():
        m = _CARRIER.match(line)
        if m:
            port["carrier_changes"] = int(m.group(1))
            continue
        m = _CNT_ROW.match(line)
        if not m:
            continue
        name = " ".join(m.group(1).lower().split())
        if name in ("counter",):
            continue
        cols = _CNT_MAP.get(name)
        if name.endswith(("errors", "drops", "octets", "packets")):
            seen += 1
        if not cols:
            continue
        for col, val in zip(cols, (m.group(2), m.group(3))):
            if col is not None:
                row[col] = _int(val)
    if not seen:
        raise ParseError("no error counter rows under the 'Counter  Receive  Transmit' header")
    out: Tables = {}
    if row:
        out["counters"] = [row]
    if port:
        out["ports"] = [port]
    return out


# --- nv show platform transceiver [brief] ----------------------------------------------------------

_BRIEF_HEADER = re.compile(r"^\s*Transceiver\s+Identifier\s+Vendor\s*name", re.I | re.M)
_BRIEF_COLS = {
    "transceiver": "port", "interface": "port", "identifier": "identifier",
    "vendor name": "vendor", "vendor pn": "part_number", "vendor sn": "serial",
    "vendor rev": "revision", "vendor revision": "revision",
}


def _looks_brief(text: str) -> bool:
    return bool(_BRIEF_HEADER.search(text[:20000]))


def _table(text: str, header_rx: re.Pattern) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header names and (line number, cells) of an NVUE column table whose header matches."""
    lines = text.splitlines()
    hdr_i = None
    for i, line in enumerate(lines):
        if header_rx.match(line):
            hdr_i = i
            break
    if hdr_i is None:
        raise ParseError("table header not found")
    names = [n.strip().lower() for n in re.split(r"\s{2,}", lines[hdr_i].strip())]
    spans = None
    start = hdr_i + 1
    if start < len(lines) and _DASH_LINE.match(lines[start]):
        spans = _column_spans(lines[start])
        start += 1
    if spans is None or len(spans) != len(names):
        # no usable separator: derive columns from where the header names start
        spans = []
        pos = [m.start() for m in re.finditer(r"(?:(?<=\s\s)|^)\S", lines[hdr_i])]
        for j, s in enumerate(pos):
            spans.append((s, pos[j + 1] if j + 1 < len(pos) else None))
        spans = spans[:len(names)]
    rows = []
    for n, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or _DASH_LINE.match(line) or line.strip() in ("...", "\u2026"):
            continue
        rows.append((n, _cells(line, spans, len(names))))
    return names, rows


@register("nvue-transceiver-brief", tables=("modules",), detect=_looks_brief, priority=45,
          description="Cumulus NVUE `nv show platform transceiver [brief]`: identifier, vendor, PN, SN, revision per port")
def parse_nvue_transceiver_brief(text: str, ctx: Context) -> Tables:
    names, rows = _table(text, _BRIEF_HEADER)
    cols = [_BRIEF_COLS.get(n) for n in names]
    if "port" not in cols:
        raise ParseError("no Transceiver column")
    out = []
    for _n, cells in rows:
        rec = {}
        for c, v in zip(cols, cells):
            if c and not _blank(v):
                rec[c] = v
        port = rec.get("port")
        if not port or " " in port or not re.match(r"^[A-Za-z][\w./:-]*$", port):
            continue
        rec["present"] = True
        out.append(rec)
    if not out:
        raise ParseError("no transceiver rows")
    return {"modules": out}


# --- nv show platform transceiver IF [channel] / nv show interface IF transceiver ------------------

_TREE_LINE = re.compile(r"^(\s*)([^:\s][^:]*?)\s*:(?:\s+(.*?))?\s*$")


def _tree_parts(line: str) -> tuple[int, str, str | None] | None:
    """(indent width, key, value or None) of a `key : value` line as _TREE_LINE reads it (group 1
    expanded, group 2 stripped, group 3), by str methods; None when it is no such line."""
    s = line.rstrip()
    before, sep, after = s.partition(":")
    if not sep:
        return None
    key = before.strip()
    if not key or (after and not after[0].isspace()):
        return None   # no key, or 'key:value' (a ':' glued to text separates nothing)
    indent = len(before[:len(before) - len(before.lstrip())].expandtabs(8))
    return indent, key, (after.lstrip() or None)


#: the text before a line's first ':' -> (indent width, key) as _tree_parts gives them, or None
#: (no key): an output's keys and their indents repeat on every port of a fleet
_TREE_KEYS: dict[str, tuple[int, str] | None] = {}


def _kv_tree(text: str) -> dict:
    """Indented `key : value` lines -> nested dict (a key with no value opens a sub-object)."""
    root: dict = {}
    stack: list[tuple[int, dict]] = [(-1, root)]
    keys = _TREE_KEYS
    for line in text.splitlines():
        s = line.rstrip()
        # (as _tree_parts, with what a key text means looked up rather than worked out)
        before, sep, after = s.partition(":")
        if not sep:
            continue  # (blank lines and '...' have no ':' either)
        if after and not after[0].isspace():
            continue  # 'key:value': a ':' glued to text separates nothing
        got = keys.get(before, keys)
        if got is keys:
            key = before.strip()
            got = (len(before[:len(before) - len(before.lstrip())].expandtabs(8)), key) if key else None
            if len(keys) < 50000:
                keys[before] = got
        if got is None:
            continue
        indent, key = got
        val = after.lstrip() or None
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if val is None or val == "":
            node: dict = {}
            parent[key] = node
            stack.append((indent, node))
        else:
            parent[key] = val.strip()
    return root


_MODULE_KEYS = ("identifier", "vendor-name", "vendor-pn", "vendor-sn")
_CH_KEY = re.compile(r"^(?:channel|ch)[-_ ]?(\d+)$", re.I)
_CONDENSED = re.compile(r"^ch-(\d+)-(rx-power|tx-power|tx-bias-current)$")


def _media(cable_type: Any) -> str | None:
    if _blank(cable_type) or not isinstance(cable_type, str):
        return None
    s = cable_type.lower()
    if "copper" in s:
        return "acc" if "active" in s else "dac"
    if "optical module" in s or "optic" in s and "cable" not in s:
        return "optical"
    if "active optical" in s or "aoc" in s or s.strip() == "active cable":
        return "aoc"
    if "passive" in s:
        return "dac"
    if "optical" in s or "fiber" in s or "fibre" in s:
        return "optical"
    return None


def _is_module_obj(d: Any) -> bool:
    return isinstance(d, dict) and (any(k in d for k in _MODULE_KEYS) or "channel" in d
                                    or any(_CONDENSED.match(str(k)) for k in d))


def _module_tables(obj: dict, port: str | None) -> tuple[dict, list[dict]]:
    """One module object (text tree or JSON) -> (modules row, lane rows)."""
    mod: dict[str, Any] = {}
    if port:
        mod["port"] = port
    alarms: list[str] = []
    for src, col in (("identifier", "identifier"), ("vendor-name", "vendor"), ("vendor-pn", "part_number"),
                     ("vendor-sn", "serial"), ("vendor-rev", "revision")):
        v = obj.get(src)
        if isinstance(v, str) and not _blank(v):
            mod[col] = v.strip()
    media = _media(obj.get("cable-type"))
    if media:
        mod["media"] = media
    length = obj.get("cable-length")
    if isinstance(length, str) and not _blank(length):
        lm = _safe(units.length_to_m, length)
        if lm is not None and lm > 0:
            mod["length_m"] = lm
    wl = obj.get("wavelength")
    if wl is not None:
        w = _float(wl)
        if w:
            mod["wavelength_nm"] = w
    status = obj.get("status")
    if isinstance(status, str) and not _blank(status):
        st = status.lower()
        if "unplugged" in st or "not present" in st or "absent" in st:
            mod["present"] = False
        elif "plugged" in st or "inserted" in st or "present" in st:
            mod["present"] = True
    if "present" not in mod and any(c in mod for c in ("identifier", "vendor", "part_number", "serial")):
        mod["present"] = True
    diag = obj.get("diagnostics-status")
    if isinstance(diag, str) and not _blank(diag):
        d = diag.lower()
        if "not" in d or d.startswith("no ") or "unavailable" in d:
            mod["dom_supported"] = False
        elif "available" in d:
            mod["dom_supported"] = True
    for key, col, conv, prefix in (("temperature", "temperature_c", _temp_c, "temperature"),
                                   ("voltage", "voltage_v", _volt, "voltage")):
        node = obj.get(key)
        if isinstance(node, dict):
            v = conv(node.get(key))
            if v is not None:
                mod[col] = v
            mod.update(_thresholds(node, col, conv))
            alarms += _alarm_flags(prefix, node.get("alarm"))
        elif node is not None:
            v = conv(node)
            if v is not None:
                mod[col] = v
    lanes: dict[int, dict[str, Any]] = {}
    ch = obj.get("channel")
    if isinstance(ch, dict):
        for ck, cv in ch.items():
            m = _CH_KEY.match(str(ck).strip())
            if not m or not isinstance(cv, dict):
                continue
            lane = int(m.group(1))
            if lane < 1:
                continue
            row = lanes.setdefault(lane, {"lane": lane, "alarms": []})
            for sub, col, conv, tconv, prefix in (
                    ("rx-power", "rx_power_mw", _power_mw, _power_threshold_mw, "rx_power"),
                    ("tx-power", "tx_power_mw", _power_mw, _power_threshold_mw, "tx_power"),
                    ("tx-bias-current", "tx_bias_ma", _bias, _bias, "tx_bias")):
                node = cv.get(sub)
                if isinstance(node, dict):
                    reading = node.get("power", node.get("current", node.get("value")))
                    row[col] = conv(reading)
                    for tk, tv in _thresholds(node, col, tconv).items():
                        mod.setdefault(tk, tv)  # module-wide thresholds: the first channel's
                    row["alarms"] += _alarm_flags(prefix, node.get("alarm"))
                elif node is not None:
                    row[col] = conv(node)
    for k, v in obj.items():
        m = _CONDENSED.match(str(k).strip())
        if m and not isinstance(v, dict):
            lane = int(m.group(1))
            if lane < 1:
                continue
            row = lanes.setdefault(lane, {"lane": lane, "alarms": []})
            col, conv = {"rx-power": ("rx_power_mw", _power_mw), "tx-power": ("tx_power_mw", _power_mw),
                         "tx-bias-current": ("tx_bias_ma", _bias)}[m.group(2)]
            row[col] = conv(v)
    if alarms or "present" in mod:
        mod["alarms"] = sorted(set(alarms))
    lane_rows = []
    for lane in sorted(lanes):
        r = lanes[lane]
        r["alarms"] = sorted(set(r["alarms"]))
        if port:
            r["port"] = port
        lane_rows.append(r)
    return mod, lane_rows


def _modules_from_obj(obj: Any) -> Tables:
    if not isinstance(obj, dict):
        raise ParseError("transceiver output is not an object")
    items: list[tuple[str | None, dict]]
    if _is_module_obj(obj):
        items = [(None, obj)]
    else:
        items = [(str(k), v) for k, v in obj.items() if _is_module_obj(v)]
        # `nv show platform transceiver detail` may wrap ports in {"transceiver": {...}}
        if not items and isinstance(obj.get("transceiver"), dict):
            items = [(str(k), v) for k, v in obj["transceiver"].items() if _is_module_obj(v)]
    if not items:
        raise ParseError("no transceiver fields (identifier, vendor-name, vendor-pn, channel, ...)")
    mods, lanes = [], []
    for port, o in items:
        mod, lr = _module_tables(o, port)
        if len(mod) > (1 if port else 0):
            mods.append(mod)
        lanes += lr
    out: Tables = {}
    if mods:
        out["modules"] = mods
    if lanes:
        out["lanes"] = lanes
    if not out:
        raise ParseError("transceiver output has no readable values")
    return out


_TX_DETECT = re.compile(r"^\s*(?:identifier|vendor-name|vendor-pn|vendor-sn)\s*:\s*\S", re.M)
_CH_DETECT = re.compile(r"^\s*channel-\d+\s*:", re.M)


def _looks_transceiver(text: str) -> bool:
    if _looks_json(text):
        return False
    return len(_TX_DETECT.findall(text[:200000])) >= 2


@register("nvue-transceiver", tables=("modules", "lanes"), detect=_looks_transceiver, priority=45,
          description="Cumulus NVUE `nv show platform transceiver IF` / `nv show interface IF transceiver`: "
                      "module identity, DOM readings, thresholds, per-channel power/bias and alarms")
def parse_nvue_transceiver(text: str, ctx: Context) -> Tables:
    if _looks_json(text):
        raise ParseError("JSON output: use format nvue-transceiver-json", line=1)
    return _modules_from_obj(_kv_tree(text))


def _looks_channel(text: str) -> bool:
    if _looks_json(text):
        return False
    head = text[:200000]
    first = head.lstrip().split("\n", 1)[0].strip()
    return first.rstrip(":").strip() == "channel" and bool(_CH_DETECT.search(head)) \
        and not _TX_DETECT.search(head)


@register("nvue-transceiver-channel", tables=("lanes", "modules"), detect=_looks_channel, priority=44,
          description="Cumulus NVUE `nv show platform transceiver IF channel`: per-channel Rx/Tx power, "
                      "Tx bias, their thresholds and alarm state")
def parse_nvue_transceiver_channel(text: str, ctx: Context) -> Tables:
    if _looks_json(text):
        raise ParseError("JSON output: use format nvue-transceiver-json", line=1)
    tree = _kv_tree(text)
    if not isinstance(tree.get("channel"), dict):
        # `... channel N` prints one channel's sub-tree without the `channel:` wrapper
        if any(_CH_KEY.match(k) for k in tree):
            tree = {"channel": tree}
        else:
            raise ParseError("no 'channel:' section", line=1)
    out = _modules_from_obj({"channel": tree["channel"]})
    if not out.get("lanes"):
        raise ParseError("no channel readings")
    return out


def _looks_transceiver_json(text: str) -> bool:
    if not _looks_json(text):
        return False
    head = text[:200000]
    return ('"vendor-pn"' in head or '"identifier"' in head or '"channel-1"' in head) \
        and ('"channel"' in head or '"vendor-name"' in head)


@register("nvue-transceiver-json", tables=("modules", "lanes"), detect=_looks_transceiver_json, priority=35,
          description="Cumulus NVUE `nv show platform transceiver [IF|detail] -o json` (one module or {port: module})")
def parse_nvue_transceiver_json(text: str, ctx: Context) -> Tables:
    return _modules_from_obj(_load_json(text))


# --- nv show interface IF transceiver thresholds ---------------------------------------------------

_THR_SENSORS = {
    "temperature": ("temperature_c", "temperature"), "voltage": ("voltage_v", "voltage"),
    "rx-power": ("rx_power_mw", "rx_power"), "tx-power": ("tx_power_mw", "tx_power"),
    "tx-bias-current": ("tx_bias_ma", "tx_bias"), "tx-bias": ("tx_bias_ma", "tx_bias"),
}
_THR_ROW = re.compile(r"^(?P<sensor>[A-Za-z][\w-]*)?\s+(?P<ch>-|\d+)\s+(?P<rest>\S.*)$")
_THR_TOKEN = re.compile(r"(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-inf|N/A|n/a)"
                        r"\s*(?P<unit>dBm|mW|uW|mA|uA|mV|V|C|F)?(?=\s|$)")
_THR_DETECT = re.compile(r"High\s+Alarm.*Low\s+Alarm|High\s+Alarm\s+High\s+Warn", re.I)
_THR_ROW_DETECT = re.compile(r"^(?:rx-power|tx-power|temperature|voltage|tx-bias-current)\s+(?:-|\d+)\s+\S", re.M)


def _looks_thresholds(text: str) -> bool:
    head = text[:200000]
    return bool(_THR_DETECT.search(head)) and bool(_THR_ROW_DETECT.search(head))


def _thr_value(col: str, num: str, unit: str | None) -> float | None:
    if num.lower() in ("n/a",):
        return None
    u = unit or ""
    if col in ("rx_power_mw", "tx_power_mw"):
        return _safe(lambda s: units.power_to_mw(s, default_unit="dbm"), f"{num} {u}".strip())
    if col == "temperature_c":
        return _safe(units.temperature_to_c, f"{num} {u or 'C'}")
    if col == "voltage_v":
        return _safe(units.voltage_to_v, f"{num} {u}".strip())
    return _safe(units.current_to_ma, f"{num} {u}".strip())


@register("nvue-transceiver-thresholds", tables=("modules", "lanes"), detect=_looks_thresholds, priority=45,
          description="Cumulus NVUE `nv show interface IF transceiver thresholds`: value and module "
                      "thresholds per sensor and channel")
def parse_nvue_transceiver_thresholds(text: str, ctx: Context) -> Tables:
    mod: dict[str, Any] = {}
    lanes: dict[int, dict[str, Any]] = {}
    sensor = None
    rows = 0
    for line in text.splitlines():
        if not line.strip() or _DASH_LINE.match(line):
            continue
        m = _THR_ROW.match(line.rstrip())
        if not m:
            continue
        if m.group("sensor"):
            sensor = m.group("sensor").lower()
        if sensor not in _THR_SENSORS:
            continue
        col, _prefix = _THR_SENSORS[sensor]
        toks = [(t.group("num"), t.group("unit")) for t in _THR_TOKEN.finditer(m.group("rest"))]
        if not toks:
            continue
        rows += 1
        vunit = toks[0][1]
        value = _thr_value(col, toks[0][0], vunit)
        # an "Alt Value" printed in mW is the more precise power reading
        if col in ("rx_power_mw", "tx_power_mw") and len(toks) >= 6 and (toks[5][1] or "").lower() == "mw":
            alt = _thr_value(col, toks[5][0], "mW")
            if alt is not None:
                value = alt
        for (num, unit), level in zip(toks[1:5], ("high_alarm", "high_warn", "low_warn", "low_alarm")):
            v = _thr_value(col, num, unit or vunit)
            if v is not None:
                mod.setdefault(f"{col}_{level}", v)
        ch = m.group("ch")
        if col in ("temperature_c", "voltage_v"):
            if value is not None:
                mod[col] = value
        elif ch == "-":
            continue  # a per-lane sensor without a channel: nowhere to put the reading
        else:
            lane = int(ch)
            if lane >= 1:
                lanes.setdefault(lane, {"lane": lane})[col] = value
    if not rows:
        raise ParseError("no sensor rows (temperature / voltage / rx-power / tx-power / tx-bias-current)")
    out: Tables = {}
    if mod:
        out["modules"] = [mod]
    if lanes:
        out["lanes"] = [lanes[k] for k in sorted(lanes)]
    return out


# --- nv show interface -----------------------------------------------------------------------------

_IF_HEADER = re.compile(r"^\s*Interface\s+(?:State|Admin\s+Status)\s+.*\bMTU\b", re.I)


def _looks_interface(text: str) -> bool:
    head = text[:20000]
    return any(_IF_HEADER.match(line) for line in head.splitlines()[:10])


def _updown(v: str) -> bool | None:
    s = (v or "").strip().lower()
    if s in ("up",):
        return True
    if s in ("down", "dormant", "lowerlayerdown", "notpresent"):
        return False
    return None


@register("nvue-interface", tables=("ports",), detect=_looks_interface, priority=45,
          description="Cumulus NVUE `nv show interface` table: state, speed, MTU, type, LLDP remote host/port per interface")
def parse_nvue_interface(text: str, ctx: Context) -> Tables:
    names, rows = _table(text, _IF_HEADER)
    idx = {n: i for i, n in enumerate(names)}
    if "interface" not in idx:
        raise ParseError("no Interface column")
    out = []
    for _n, cells in rows:
        port = cells[idx["interface"]]
        if not port or not re.match(r"^[A-Za-z][\w./:@+-]*$", port):
            continue  # continuation line (Summary) or noise
        rec: dict[str, Any] = {"port": port}
        if "state" in idx:
            rec["oper_up"] = _updown(cells[idx["state"]])
        if "oper status" in idx:
            rec["oper_up"] = _updown(cells[idx["oper status"]])
        if "admin status" in idx:
            rec["admin_up"] = _updown(cells[idx["admin status"]])
        if "speed" in idx:
            rec["speed_gbps"] = _speed(cells[idx["speed"]])
        if "mtu" in idx:
            rec["mtu"] = _int(cells[idx["mtu"]])
        host = cells[idx["remote host"]] if "remote host" in idx else ""
        rport = cells[idx["remote port"]] if "remote port" in idx else ""
        if host and not _blank(host):
            rec["peer_hint"] = f"{host}:{rport}" if rport and not _blank(rport) else host
        out.append(rec)
    if not out:
        raise ParseError("no interface rows")
    return {"ports": out}


def _looks_interface_json(text: str) -> bool:
    if not _looks_json(text):
        return False
    head = text[:200000]
    return '"link"' in head and ('"type"' in head or '"state"' in head) and '"vendor-pn"' not in head \
        and '"raw-ber"' not in head


def _port_from_json(port: str | None, d: dict) -> tuple[dict, dict]:
    link = d.get("link") if isinstance(d.get("link"), dict) else {}
    rec: dict[str, Any] = {}
    if port:
        rec["port"] = port
    oper = link.get("oper-status")
    state = link.get("state")
    if isinstance(oper, str):
        rec["oper_up"] = _updown(oper)
    elif isinstance(state, dict) and state:
        rec["oper_up"] = _updown(next(iter(state)))
    elif isinstance(state, str):
        rec["oper_up"] = _updown(state)
    if isinstance(link.get("admin-status"), str):
        rec["admin_up"] = _updown(link["admin-status"])
    if link.get("speed") is not None:
        rec["speed_gbps"] = _speed(link["speed"]) if not _blank(link["speed"]) else None
    if link.get("mtu") is not None:
        rec["mtu"] = _int(link["mtu"])
    mac = link.get("mac-address", link.get("mac"))
    if isinstance(mac, str) and re.match(r"^[0-9a-fA-F:]{17}$", mac):
        rec["mac"] = mac.lower()
    fec = link.get("fec")
    if isinstance(fec, str) and not _blank(fec):
        rec["fec"] = fec
    if isinstance(link.get("auto-negotiate"), str):
        an = link["auto-negotiate"].lower()
        rec["autoneg"] = True if an in ("on", "enabled") else False if an in ("off", "disabled") else None
    stats = link.get("stats") if isinstance(link.get("stats"), dict) else {}
    if stats.get("carrier-transitions") is not None:
        rec["carrier_changes"] = _int(stats["carrier-transitions"])
    cnt: dict[str, Any] = {}
    for src, col in (("in-bytes", "rx_bytes"), ("out-bytes", "tx_bytes"), ("in-pkts", "rx_packets"),
                     ("out-pkts", "tx_packets"), ("in-errors", "rx_errors"), ("out-errors", "tx_errors"),
                     ("in-drops", "rx_discards"), ("out-drops", "tx_discards")):
        v = stats.get(src)
        if isinstance(v, int) and not isinstance(v, bool):
            cnt[col] = _int(v)
    if cnt and port:
        cnt["port"] = port
    return rec, cnt


@register("nvue-interface-json", tables=("ports", "counters"), detect=_looks_interface_json, priority=36,
          description="Cumulus NVUE `nv show interface [IF] -o json`: link state, speed, MTU, MAC, carrier transitions, stats")
def parse_nvue_interface_json(text: str, ctx: Context) -> Tables:
    obj = _load_json(text)
    if not isinstance(obj, dict):
        raise ParseError("interface JSON is not an object")
    items: list[tuple[str | None, dict]]
    if isinstance(obj.get("link"), dict):
        items = [(None, obj)]
    else:
        items = [(str(k), v) for k, v in obj.items() if isinstance(v, dict) and ("link" in v or "type" in v)]
    if not items:
        raise ParseError("no interfaces (objects with 'link' / 'type')")
    ports, counters = [], []
    for port, d in items:
        if port is not None and not re.match(r"^[A-Za-z][\w./:@+-]*$", port):
            continue
        rec, cnt = _port_from_json(port, d)
        if len(rec) > (1 if port else 0) or port:
            ports.append(rec)
        if cnt:
            counters.append(cnt)
    if not ports:
        raise ParseError("no readable interfaces")
    out: Tables = {"ports": ports}
    if counters:
        out["counters"] = counters
    return out

"""Helpers shared by the SONiC parsers (sonic_*.py): tabulate tables, numbers, names.

SONiC's show commands (sonic-utilities: intfutil, portstat, lldpshow, sfpshow) print tables with
python-tabulate's "simple" layout: a header (possibly several lines), a dashed rule with one run of
dashes per column, and rows whose cells sit inside each column's dash run. Cells may contain single
spaces ('2000.00 MB/s', 'GigabitEthernet 0/2', '7.81e-10 (89%)') and may be empty, so the column
spans of the rule are the reliable way to cut a row; splitting on runs of 2+ spaces is the fallback
when a row was re-indented (copied from a document, say).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from netdiag import units
from netdiag.parsers import ParseError

RULE = re.compile(r"^[ \t]*-{2,}(?:[ \t]+-{2,})+[ \t]*$", re.M)
_DASH_RUN = re.compile(r"-{2,}")
_SPLIT2 = re.compile(r"\s{2,}")
_PORT = re.compile(r"^[A-Za-z][A-Za-z0-9_./:-]*\d[A-Za-z0-9_./:-]*$")

NA = {"", "n/a", "na", "none", "unknown", "-", "--", "not supported", "not available"}


@dataclass
class Table:
    header: list[str]          # column names, multi-line headers joined with a space
    spans: list[tuple[int, int]]
    rule_line: int             # 0-based index of the dashed rule
    rows: list[tuple[int, list[str]]]  # (0-based line index, cells)


def find_rules(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if RULE.match(ln)]


def _cut(line: str, spans: list[tuple[int, int]]) -> list[str] | None:
    """Cells of `line` by column spans, or None when text lies outside the columns or a span
    boundary cuts through a token (the row is not aligned with the rule)."""
    n = len(line)
    prev = 0
    cells = []
    for a, b in spans:
        if line[prev:a].strip():
            return None
        if 0 < a < n and line[a - 1] != " " and line[a] != " ":
            return None
        if b < n and line[b - 1] != " " and line[b] != " ":
            return None
        cells.append(line[a:b].strip())
        prev = b
    if line[prev:].strip():
        return None
    return cells


def split_row(line: str, spans: list[tuple[int, int]]) -> list[str] | None:
    """A data row's cells: by column spans, else by runs of 2+ spaces when that gives every cell."""
    cells = _cut(line, spans)
    if cells is not None:
        return cells
    parts = _SPLIT2.split(line.strip())
    if len(parts) == len(spans):
        return parts
    parts = line.split()
    if len(parts) == len(spans):
        return parts
    return None


def read_table(lines: list[str], rule: int, stop=None) -> Table:
    """The table whose dashed rule is lines[rule]: header above it, rows below until a blank line,
    another rule, or `stop(line)` is true."""
    spans = [(m.start(), m.end()) for m in _DASH_RUN.finditer(lines[rule])]
    # header: the non-blank lines right above the rule (tabulate multi-line headers)
    head_lines = []
    j = rule - 1
    while j >= 0 and lines[j].strip() and not RULE.match(lines[j]) and len(head_lines) < 4:
        top = _cut(lines[j], spans)
        if head_lines and top is None:
            break
        head_lines.insert(0, lines[j])
        j -= 1
        # tabulate multi-line headers: the lower lines leave the first column empty; the
        # line naming the first column is the top one
        if top is None or top[0]:
            break
    header = []
    for k, (a, b) in enumerate(spans):
        parts = []
        for h in head_lines:
            cell = _cut(h, spans)
            if cell is None:
                sp = _SPLIT2.split(h.strip())
                if len(sp) == len(spans):
                    cell = sp
                elif len(h.split()) == len(spans):
                    cell = h.split()
            if cell is not None and cell[k]:
                parts.append(cell[k])
        header.append(" ".join(parts))
    rows = []
    for i in range(rule + 1, len(lines)):
        ln = lines[i]
        st = ln.strip()
        if not st or RULE.match(ln) or not st.strip("-"):  # (a line of dashes only ends it too)
            break
        if stop is not None and stop(ln):
            break
        if ln.rstrip().endswith("\\"):
            continue  # wrapped row (chassis supervisor output): not ours to glue back
        cells = split_row(ln, spans)
        if cells is None:
            continue
        rows.append((i, cells))
    return Table(header=header, spans=spans, rule_line=rule, rows=rows)


_NOT_KEY_CHARS = re.compile(r"[^a-z0-9]+")
_NORM_KEYS: dict[str, str] = {}


def norm_key(s: str) -> str:
    k = _NORM_KEYS.get(s)
    if k is None:  # keys repeat across every port of a fleet: normalised once each
        k = _NOT_KEY_CHARS.sub("", s.lower())
        if len(_NORM_KEYS) < 50000:
            _NORM_KEYS[s] = k
    return k


def is_na(text: str | None) -> bool:
    return text is None or text.strip().lower() in NA or text.strip().lower().startswith("n/a")


_COUNTS: dict[str, int | None] = {}


def count(text: str) -> int | None:
    """'1,000' -> 1000; 'N/A' -> None; anything else non-numeric -> None. Negative sentinels -> None."""
    got = _COUNTS.get(text, _COUNTS) if type(text) is str else _COUNTS
    if got is not _COUNTS:
        return got  # ('0', 'N/A' and the like repeat in every row of a fleet)
    got = _count(text)
    if type(text) is str and len(text) <= 8:
        if len(_COUNTS) >= 100000:
            _COUNTS.clear()
        _COUNTS[text] = got
    return got


def _count(text: str) -> int | None:
    t = text.strip().replace(",", "")
    if is_na(t):
        return None
    try:
        v = int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            return None
        if math.isnan(f) or math.isinf(f):
            return None
        v = int(f)
    return v if v >= 0 else None


def number(text: str) -> float | None:
    """A plain float ('4.58E-04', '1,000', '7.81e-10 (89%)'); unreported or unreadable -> None."""
    t = text.strip().replace(",", "")
    if is_na(t):
        return None
    t = t.split()[0] if t.split() else t
    try:
        v = float(t)
    except ValueError:
        return None
    if math.isnan(v) or math.isinf(v):
        return None
    return v


def boolean(text: str) -> bool | None:
    t = text.strip().lower()
    if t in ("true", "yes", "on", "1", "up"):
        return True
    if t in ("false", "no", "off", "0", "down"):
        return False
    return None


_POWER_ONE = re.compile(r"^\s*([-+]?(?:inf|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+))\s*(dBm|mW|uW|µW|W)?", re.I)


def _memo(fn):
    """Remember a reading conversion per printed text (a fleet repeats thresholds and common
    readings on every port); failures are not remembered and raise every time."""
    seen: dict = {}

    def wrapper(text, *args):
        if type(text) is not str:  # (1, 1.0 and True are one dict key) not text: no memory
            return fn(text, *args)
        key = (text, args) if args else text
        v = seen.get(key, seen)
        if v is not seen:
            return v
        v = fn(text, *args)
        if len(seen) >= 100000:
            seen.clear()
        seen[key] = v
        return v

    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = fn.__name__, fn.__doc__, fn
    return wrapper


@_memo
def power_mw(text: str, default_unit: str = "dBm") -> float | None:
    """'0.3802dBm', '-infdBm', '-inf dBm', 'N/A dBm', '72.290 mW 18.591 dBm' -> mW or None.

    Raises ValueError for text that is not a power reading at all."""
    t = text.strip()
    if is_na(t) or t.lower().replace(" ", "").startswith(("n/a", "unknown")):
        return None
    m = _POWER_ONE.match(t)
    if not m:
        raise ValueError(f"not a power reading: {text!r}")
    unit = m.group(2) or default_unit
    try:
        return units.power_to_mw(f"{m.group(1)} {unit}")
    except OverflowError:
        raise ValueError(f"power reading out of range: {text!r}") from None


@_memo
def temperature_c(text: str) -> float | None:
    t = text.strip()
    if is_na(t):
        return None
    return units.temperature_to_c(t)


@_memo
def voltage_v(text: str) -> float | None:
    t = text.strip()
    if is_na(t):
        return None
    return units.voltage_to_v(t)


@_memo
def current_ma(text: str) -> float | None:
    t = text.strip()
    if is_na(t):
        return None
    return units.current_to_ma(t)


def speed_gbps(text: str) -> float | None:
    t = text.strip()
    if is_na(t):
        return None
    try:
        return units.speed_to_gbps(t)
    except ValueError:
        return None


_IDENT = (
    (re.compile(r"^QSFP-?DD", re.I), "QSFP-DD"),
    (re.compile(r"^QSFP112", re.I), "QSFP112"),
    (re.compile(r"^QSFP56", re.I), "QSFP56"),
    # SFF-8024 0x1E 'QSFP+ or later with CMIS': QSFP112 in practice (as ethtool_module reads it)
    (re.compile(r"^QSFP\+ or later with CMIS", re.I), "QSFP112"),
    (re.compile(r"^QSFP28", re.I), "QSFP28"),
    (re.compile(r"^QSFP\+", re.I), "QSFP+"),
    (re.compile(r"^OSFP", re.I), "OSFP"),
    (re.compile(r"^SFP-?DD", re.I), "SFP-DD"),
    (re.compile(r"^SFP28", re.I), "SFP28"),
    (re.compile(r"^SFP", re.I), "SFP"),
    (re.compile(r"^QSFP\b", re.I), "QSFP"),
)


def identifier(text: str | None) -> str | None:
    """'QSFP28 or later' -> 'QSFP28', 'QSFP-DD Double Density 8X Pluggable Transceiver' -> 'QSFP-DD',
    'OSFP 8X Pluggable Transceiver' -> 'OSFP'; other names as reported."""
    if text is None or is_na(text):
        return None
    t = text.strip()
    for rx, name in _IDENT:
        if rx.match(t):
            return name
    return t


def media_from(texts: list[str]) -> str | None:
    """Best guess of the medium from compliance / technology strings."""
    blob = " ".join(t for t in texts if t).lower()
    if not blob:
        return None
    if "active optical" in blob or re.search(r"\baoc\b", blob) or "active cable" in blob:
        return "aoc"
    if "active copper" in blob or "active electrical" in blob or re.search(r"\b(acc|aec)\b", blob):
        return "acc"
    if ("copper" in blob or "twin axial" in blob or "twinax" in blob or re.search(r"\bcr\d*\b", blob)
            or "passive" in blob or "direct attach" in blob):
        return "dac"
    if re.search(r"\d{3,4}\s*nm", blob) or "sm_media" in blob or "mm_media" in blob or "optical" in blob \
            or re.search(r"\b(sr|lr|er|zr|dr|fr)\d*\b", blob) or "base-sr" in blob or "base-lr" in blob \
            or "dwdm" in blob or "cwdm" in blob or "single mode" in blob or "multimode" in blob \
            or "laser" in blob or "fiber" in blob or "fibre" in blob:
        return "optical"
    return None


def looks_like_port(name: str) -> bool:
    return bool(_PORT.match(name))


def fail(reason: str, lines: list[str] | None = None, idx: int | None = None) -> ParseError:
    text = lines[idx] if (lines is not None and idx is not None and 0 <= idx < len(lines)) else None
    return ParseError(reason, line=(idx + 1) if idx is not None else None, text=text)

"""`ethtool [-I] --show-fec IFACE` (text and ``--json``): FEC mode, FEC counters, per-lane FEC counters,
FEC symbol-error histogram.

Text layouts (ethtool netlink/fec.c and the older ioctl path)::

    FEC parameters for eth0:
    Supported/Configured FEC encodings: Auto RS BaseR      (ethtool >= 6.1; before: "Configured FEC encodings:")
    Active FEC encoding: RS
    Statistics:                                           (-I, ethtool >= 5.13)
      corrected_blocks: 256
        Lane 0: 255                                       (per-lane, ethtool 5.13 .. 6.x)
      uncorrectable_blocks: 145 [ per_lane:  128, 17 ]     (per-lane, ethtool with histogram support)
      corrected_bits: 1234
      fec_symbol_err_0: 445 [ per_lane:  125, 120, 100, 100 ]   (FEC histogram, Linux 6.18)
      fec_symbol_err_1_to_3: 12

``--json``: ``[{"ifname", "config": [...], "active": [...], "statistics": {"corrected_blocks":
{"total": N, "lanes": [...]}, ..., "hist": [{"bin_low", "bin_high", "total", "lanes"}]}}]``.

Encodings: ``RS`` -> ``rs`` (RS(528,514) and RS(544,514) are both just "RS" here: kept as reported),
``BaseR`` -> ``fc`` (Clause 74 FireCode), ``Off`` -> ``none`` (FEC disabled), ``LLRS`` -> ``llrs``.
``Active FEC encoding: None`` means the driver reported no active mode (netlink: active == 0; the link
is down or the driver cannot tell): unknown, so ``fec`` stays None. ``BIT<n>`` (unnamed mode): None.
Lanes: ethtool prints ``Lane 0`` first; canonical lanes start at 1.
Counter widths are not set: the netlink attribute is u64 but drivers feed it from 32- or 64-bit
hardware counters, and this output does not say which.
"""

from __future__ import annotations

import json
import re

from netdiag.parsers import Context, ParseError, Tables, register

_HEAD = re.compile(r"^\s*FEC parameters for (?P<port>\S+?):?\s*$")
_CONFIG = re.compile(r"^\s*(?:Supported/Configured|Configured)?\s*FEC encodings\s*:(?P<v>.*)$", re.I)
_ACTIVE = re.compile(r"^\s*Active FEC encodings?\s*:(?P<v>.*)$", re.I)
_STATS = re.compile(r"^\s*Statistics\s*:\s*$")
_STAT = re.compile(r"^\s*(?P<name>corrected_blocks|uncorrectable_blocks|corrected_bits)\s*:\s*(?P<v>\d+)"
                   r"\s*(?:\[\s*per_lane\s*:(?P<lanes>[\d,\s]*)\]\s*)?$")
_LANE = re.compile(r"^\s*Lane\s+(?P<n>\d+)\s*:\s*(?P<v>\d+)\s*$")
_HIST = re.compile(r"^\s*fec_symbols?_errs?_(?P<lo>\d+)(?:_to_(?P<hi>\d+))?\s*:\s*(?P<v>\d+)"
                   r"\s*(?:\[\s*per_lane\s*:(?P<lanes>[\d,\s]*)\]\s*)?$")

_ENC = {"rs": "rs", "baser": "fc", "base-r": "fc", "fc": "fc", "off": "none", "llrs": "llrs",
        "rs544": "rs544", "rs528": "rs528"}

_COUNTER = {"corrected_blocks": "fec_corrected_cw", "uncorrectable_blocks": "fec_uncorrectable_cw",
            "corrected_bits": "fec_corrected_bits"}
_LANE_COL = {"corrected_blocks": "fec_corrected_cw", "uncorrectable_blocks": "fec_uncorrectable_cw"}


def fec_encoding(active: str | list | None) -> str | None:
    """An 'Active FEC encoding' value ('RS', 'BaseR', 'Off', 'None', ['RS']) -> canonical fec or None."""
    if active is None:
        return None
    if isinstance(active, list):
        toks = [str(t) for t in active]
    else:
        toks = active.split()
    toks = [t for t in toks if t.lower() not in ("auto", "none") and not t.upper().startswith("BIT")]
    if not toks:
        return None
    t = toks[0].lower()
    return _ENC.get(t, t)


def _lane_list(s: str | None) -> list[int]:
    if not s:
        return []
    return [int(x) for x in s.replace(",", " ").split()]


class _Port:
    def __init__(self, port: str | None):
        self.port = port
        self.fec: str | None = None
        self.seen_mode = False
        self.counters: dict = {}
        self.lanes: dict[int, dict] = {}
        self.hist: list[dict] = []

    def lane(self, n0: int, stat: str, v: int) -> None:
        col = _LANE_COL.get(stat)
        if col is None:  # per-lane corrected_bits: no lanes column for it
            return
        self.lanes.setdefault(n0 + 1, {})[col] = v

    def tables(self) -> Tables:
        base = {} if self.port is None else {"port": self.port}
        out: Tables = {"ports": [dict(base, fec=self.fec)]}
        if self.counters:
            out["counters"] = [dict(base, **self.counters)]
        if self.lanes:
            out["lanes"] = [dict(base, lane=n, **v) for n, v in sorted(self.lanes.items())]
        if self.hist:
            out["fec_histogram"] = [dict(base, **h) for h in self.hist]
        return out


def _merge(parts: list[_Port]) -> Tables:
    out: Tables = {}
    for p in parts:
        for t, rows in p.tables().items():
            out.setdefault(t, []).extend(rows)
    return out


def _parse_json(text: str) -> Tables:
    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None
    except ValueError as e:
        raise ParseError(f"invalid JSON: {e}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ParseError("ethtool --json --show-fec: expected a list of interfaces")
    parts = []
    for ent in data:
        if not isinstance(ent, dict) or not ("active" in ent or "config" in ent or "statistics" in ent):
            continue
        name = ent.get("ifname")
        p = _Port(name if isinstance(name, str) and name else None)
        act = ent.get("active")
        if isinstance(act, (list, str)):
            p.fec = fec_encoding(act)
        stats = ent.get("statistics")
        if isinstance(stats, dict):
            for stat, col in _COUNTER.items():
                s = stats.get(stat)
                if isinstance(s, dict):
                    if isinstance(s.get("total"), int):
                        p.counters[col] = s["total"]
                    lanes = s.get("lanes")
                    if isinstance(lanes, list):
                        for i, v in enumerate(lanes):
                            if isinstance(v, int):
                                p.lane(i, stat, v)
                elif isinstance(s, int):
                    p.counters[col] = s
            hist = stats.get("hist")
            if isinstance(hist, list):
                for b in hist:
                    if isinstance(b, dict) and isinstance(b.get("bin_low"), int) \
                            and isinstance(b.get("total"), int):
                        hi = b.get("bin_high")
                        p.hist.append({"bin": b["bin_low"], "count": b["total"],
                                       "bin_high": hi if isinstance(hi, int) else b["bin_low"]})
        parts.append(p)
    if not parts:
        raise ParseError("JSON holds no ethtool --show-fec interface object")
    return _merge(parts)


def _looks_like(text: str) -> bool:
    head = text[:4000]
    s = head.lstrip()
    if s.startswith("[") or s.startswith("{"):
        return '"active"' in head and '"config"' in head
    for ln in head.splitlines()[:20]:
        if _HEAD.match(ln) or _ACTIVE.match(ln):
            return True
    return False


@register("ethtool-fec", tables=("ports", "counters", "lanes", "fec_histogram"), detect=_looks_like,
          priority=40, description="ethtool [-I] [--json] --show-fec IFACE: FEC mode, FEC block counters "
                                   "(total and per lane), FEC histogram")
def parse_ethtool_fec(text: str, ctx: Context) -> Tables:
    s = text.lstrip()
    if s.startswith("[") or s.startswith("{"):
        return _parse_json(s)
    parts: list[_Port] = []
    cur: _Port | None = None
    last_stat: str | None = None
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _HEAD.match(line)
        if m:
            cur = _Port(m.group("port"))
            parts.append(cur)
            last_stat = None
            continue
        m = _ACTIVE.match(line)
        if m:
            if cur is None:  # header cut off: the port is the one the command ran for
                cur = _Port(None)
                parts.append(cur)
            cur.fec = fec_encoding(m.group("v"))
            cur.seen_mode = True
            continue
        m = _CONFIG.match(line)
        if m:
            if cur is None:
                cur = _Port(None)
                parts.append(cur)
            cur.seen_mode = True
            continue
        if cur is None:
            continue
        if _STATS.match(line):
            continue
        m = _STAT.match(line)
        if m:
            last_stat = m.group("name")
            cur.counters[_COUNTER[last_stat]] = int(m.group("v"))
            for n0, v in enumerate(_lane_list(m.group("lanes"))):
                cur.lane(n0, last_stat, v)
            continue
        m = _LANE.match(line)
        if m:
            if last_stat is not None:
                cur.lane(int(m.group("n")), last_stat, int(m.group("v")))
            continue
        m = _HIST.match(line)
        if m:
            last_stat = None
            lo = int(m.group("lo"))
            hi = int(m.group("hi")) if m.group("hi") is not None else lo
            cur.hist.append({"bin": lo, "bin_high": hi, "count": int(m.group("v"))})
            continue
        # anything else (ethtool warnings, shell noise) is skipped
    parts = [p for p in parts if p.seen_mode or p.counters or p.hist]
    if not parts:
        first = text.strip().splitlines()[0] if text.strip() else None
        raise ParseError("no 'FEC parameters for' / 'Active FEC encoding' lines: not ethtool --show-fec output",
                         line=1, text=first)
    return _merge(parts)

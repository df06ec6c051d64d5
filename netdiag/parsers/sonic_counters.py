"""SONiC port counters (sonic-utilities portstat): `show interfaces counters [-a]`,
`show interfaces counters errors|rates`, `show interfaces counters fec-stats`,
`show interfaces counters fec-histogram [PORT]` and `show interfaces counters detailed PORT`.

Tables are tabulate 'simple' layout (see _sonic_common). Values carry thousands separators
('1,000'); 'N/A' is unreported. RX_OK/TX_OK are packet counts; RX_BPS/RX_PPS/RX_UTIL are rates
and are not stored. The STATE column (U up, D oper down, X admin down) fills ports.admin_up/oper_up.
The counters may be since a `sonic-clear counters` (portstat keeps its own baseline and prints
'Last cached time was ...' above the table); they are stored as printed.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers import _sonic_common as sc

_IFACE_HDR = re.compile(r"^\s*IFACE\s+STATE\s+\S", re.M)
_HIST_HDR = re.compile(r"^\s*Symbol Errors Per Codeword\s+Codewords\s*$", re.M | re.I)
_HIST_ALL_HDR = re.compile(r"^\s*IFACE\s+BIN0\s+BIN1\b", re.M)
_DETAIL_LINE = re.compile(r"^\s*(?P<key>[A-Za-z][^.]*?[A-Za-z0-9)])\s*\.{3,}\s*(?P<val>\S.*?)\s*$")
_BIN = re.compile(r"^BIN(\d+)$", re.I)

# portstat column -> counters column (integer counts)
_COUNT_COLS = {
    "RX_OK": "rx_packets", "TX_OK": "tx_packets",
    "RX_ERR": "rx_errors", "TX_ERR": "tx_errors",
    "RX_DRP": "rx_discards", "TX_DRP": "tx_discards",
    "FEC_CORR": "fec_corrected_cw", "FEC_UNCORR": "fec_uncorrectable_cw",
    # SAI_PORT_STAT_IF_IN_FEC_SYMBOL_ERRORS: symbols the FEC corrected, normal on PAM4 links; not
    # counters.symbol_errors (uncorrected PHY symbol errors)
    "FEC_SYMBOL_ERR": "fec_corrected_symbols",
}
# BER the device reports (portstat format_fec_ber: '1.48e-20', 'N/A')
_BER_COLS = {"FEC_PRE_BER": "raw_ber", "FEC_POST_BER": "effective_ber"}


def _state(cell: str) -> dict:
    c = cell.strip().upper()
    if c == "U":
        return {"admin_up": True, "oper_up": True}
    if c == "D":
        return {"admin_up": True, "oper_up": False}
    if c == "X":
        return {"admin_up": False, "oper_up": False}
    return {}


def _portstat_tables(text: str, need: tuple[str, ...]) -> Tables:
    lines = text.splitlines()
    counters, ports = [], []
    seen_table = False
    for r in sc.find_rules(lines):
        t = sc.read_table(lines, r)
        hdr = [h.upper() for h in t.header]
        if not hdr or hdr[0] != "IFACE":
            continue
        if need and not any(n in hdr for n in need):
            continue
        seen_table = True
        # the columns read, in header order, and how (the same for every row)
        take = [(i, _COUNT_COLS[name], sc.count) if name in _COUNT_COLS else (i, _BER_COLS[name], sc.number)
                for i, name in enumerate(hdr) if name in _COUNT_COLS or name in _BER_COLS]
        state_at = hdr.index("STATE") if "STATE" in hdr else None
        for _, cells in t.rows:
            port = cells[0]
            if not sc.looks_like_port(port):
                continue
            row: dict = {"port": port}
            for i, col, conv in take:
                if i < len(cells):
                    row[col] = conv(cells[i])
            counters.append(row)
            if state_at is not None:
                st = _state(cells[state_at])
                if st:
                    ports.append({"port": port, **st})
    if not seen_table:
        raise ParseError("no portstat table (IFACE STATE ... header over a dashed rule) found")
    return {"counters": counters, "ports": ports}


def _looks(text: str, cols: tuple[str, ...]) -> bool:
    for m in _IFACE_HDR.finditer(text):
        line_end = text.find("\n", m.start())
        line = text[m.start(): line_end if line_end >= 0 else len(text)]
        if any(re.search(rf"\b{c}\b", line) for c in cols):
            return True
    return False


@register("sonic-counters", tables=("counters", "ports"), priority=40,
          detect=lambda t: _looks(t, ("RX_OK", "RX_ERR", "TX_OK")) and not _looks(t, ("FEC_CORR",)),
          description="SONiC show interfaces counters [-a] / counters errors (portstat): packets, "
                      "errors, discards per port and the port state")
def parse_counters(text: str, ctx: Context) -> Tables:
    return _portstat_tables(text, ("RX_OK", "RX_ERR", "TX_OK", "RX_DRP", "FEC_CORR"))


@register("sonic-counters-fec-stats", tables=("counters", "ports"), priority=40,
          detect=lambda t: _looks(t, ("FEC_CORR", "FEC_UNCORR")),
          description="SONiC show interfaces counters fec-stats (portstat -f): FEC corrected / "
                      "uncorrectable codewords, symbol errors, pre/post-FEC BER")
def parse_fec_stats(text: str, ctx: Context) -> Tables:
    return _portstat_tables(text, ("FEC_CORR", "FEC_UNCORR", "FEC_SYMBOL_ERR"))


def _looks_hist(text: str) -> bool:
    return bool(_HIST_HDR.search(text) or _HIST_ALL_HDR.search(text)) and sc.RULE.search(text) is not None


@register("sonic-counters-fec-histogram", tables=("fec_histogram",), priority=40, detect=_looks_hist,
          description="SONiC show interfaces counters fec-histogram [PORT] (portstat -fh): codewords "
                      "per number of symbol errors (BIN0..BIN15)")
def parse_fec_histogram(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    out = []
    found = False
    for r in sc.find_rules(lines):
        t = sc.read_table(lines, r)
        hdr = [h.strip() for h in t.header]
        if len(hdr) == 2 and sc.norm_key(hdr[0]).startswith("symbolerrors"):
            found = True
            for _, (name, val) in t.rows:
                m = _BIN.match(name.strip())
                if not m:
                    continue
                n = sc.count(val)
                if n is not None:
                    out.append({"port": ctx.port, "bin": int(m.group(1)), "count": n})
        elif hdr and hdr[0].upper() == "IFACE" and any(_BIN.match(h) for h in hdr):
            found = True
            for _, cells in t.rows:
                port = cells[0]
                if not sc.looks_like_port(port):
                    continue
                for h, val in zip(hdr[1:], cells[1:]):
                    m = _BIN.match(h)
                    if not m:
                        continue
                    n = sc.count(val)
                    if n is not None:
                        out.append({"port": port, "bin": int(m.group(1)), "count": n})
    if not found:
        raise ParseError("no FEC histogram table ('Symbol Errors Per Codeword  Codewords' or IFACE BIN0..) found")
    return {"fec_histogram": out}


def _looks_detailed(text: str) -> bool:
    return re.search(r"^\s*Packets Received 64 Octets\.{3,}", text, re.M) is not None or \
        re.search(r"^\s*Total Packets (Received Without Errors|Transmitted Successfully)\.{3,}", text, re.M) is not None


_DETAIL_MAP = {
    "totalpacketsreceivedwithouterrors": "rx_packets",
    "totalpacketstransmittedsuccessfully": "tx_packets",
}


@register("sonic-counters-detailed", tables=("counters",), priority=40, detect=_looks_detailed,
          description="SONiC show interfaces counters detailed PORT (portstat -l -i PORT): packet totals "
                      "and error counters of one port")
def parse_detailed(text: str, ctx: Context) -> Tables:
    row: dict = {"port": ctx.port}
    n = 0
    for line in text.splitlines():
        m = _DETAIL_LINE.match(line)
        if not m:
            continue
        key = sc.norm_key(m.group("key"))
        val = m.group("val")
        n += 1
        col = _DETAIL_MAP.get(key)
        if col is None and ("crc" in key or "fcs" in key):
            col = "rx_crc_errors"
        if col is None:
            continue
        v = sc.count(val)
        if v is not None:
            row[col] = v
    if n == 0:
        raise ParseError("no 'Name........ value' counter lines found")
    return {"counters": [row]}

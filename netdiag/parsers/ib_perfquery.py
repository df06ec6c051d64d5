"""perfquery (infiniband-diags): IB PMA port counters.

Blocks, one per port queried (``-l`` loops over ports, ``-a`` aggregates into port 255)::

    # Port counters: Lid 6 port 1 (CapMask: 0x1400)                 <- PortCounters (legacy)
    # Port extended counters: Lid 134 port 1 (CapMask: 0x5A00 CapMask2: 0x0000000)   <- -x
    # PortRcvErrorDetails counters: Lid 1719 port 1                   <- -E (no canonical counter)
    SymbolErrorCounter:..............0

Canonical counters (IB names): SymbolErrorCounter -> symbol_errors, LinkErrorRecoveryCounter ->
link_error_recovery, LinkDownedCounter -> link_down_events, PortRcvErrors, PortRcvRemotePhysicalErrors,
PortXmitDiscards, PortXmitWait -> port_* (older OFED's short names SymbolErrors, LinkRecovers,
LinkDowned, RcvErrors, RcvRemotePhysErrors, XmtDiscards, XmtWait, XmtData/RcvData, XmtPkts/RcvPkts
map to the same columns); PortXmitData/PortRcvData are 4-byte words -> x4 ->
tx_bytes/rx_bytes; PortXmitPkts/PortRcvPkts -> tx/rx_packets. Each carries ``<name>_bits``: the
PortCounters widths (SymbolError 16, LinkErrorRecovery 8, LinkDowned 8, PortRcvErrors 16,
RemotePhysical 16, XmitDiscards 16, XmitWait 32, data/packets 32) or 64 for a value from the extended
block. A legacy counter at all-ones is saturated (IB counters stop, they do not wrap); for the x4 byte
counters saturation is ``(2**bits - 1) * 4``. When both blocks are present the extended value wins.

Port names: a block's port number; when the caller's port names a CA (``mlx5_0`` or ``mlx5_0/1``) the
port is ``mlx5_0/<n>`` (ib_common). An aggregate block (port 255 / All) is not a port and is skipped.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register

#: the '#' is lost when the output is pasted through some mail/web archives: optional
_HDR = re.compile(r"^#?\s*(.*?)\s*counters:\s*(.*?)\s+port\s+(\d+|all)\b(.*)$", re.IGNORECASE)
_KV = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*\.*\s*(\S+)\s*$")
#: perfquery field -> (column, legacy width, scale)
_MAP = {
    "SymbolErrorCounter": ("symbol_errors", 16, 1),
    "LinkErrorRecoveryCounter": ("link_error_recovery", 8, 1),
    "LinkDownedCounter": ("link_down_events", 8, 1),
    "PortRcvErrors": ("port_rcv_errors", 16, 1),
    "PortRcvRemotePhysicalErrors": ("port_rcv_remote_physical_errors", 16, 1),
    "PortXmitDiscards": ("port_xmit_discards", 16, 1),
    "PortXmitWait": ("port_xmit_wait", 32, 1),
    "PortXmitData": ("tx_bytes", 32, 4),
    "PortRcvData": ("rx_bytes", 32, 4),
    "PortXmitPkts": ("tx_packets", 32, 1),
    "PortRcvPkts": ("rx_packets", 32, 1),
}
#: the short names older OFED perfquery printed (SymbolErrors, LinkRecovers, XmtData ...)
_MAP.update({
    "SymbolErrors": _MAP["SymbolErrorCounter"], "LinkRecovers": _MAP["LinkErrorRecoveryCounter"],
    "LinkDowned": _MAP["LinkDownedCounter"], "RcvErrors": _MAP["PortRcvErrors"],
    "RcvRemotePhysErrors": _MAP["PortRcvRemotePhysicalErrors"], "XmtDiscards": _MAP["PortXmitDiscards"],
    "XmtWait": _MAP["PortXmitWait"], "XmtData": _MAP["PortXmitData"], "RcvData": _MAP["PortRcvData"],
    "XmtPkts": _MAP["PortXmitPkts"], "RcvPkts": _MAP["PortRcvPkts"],
})


def _looks_like(text: str) -> bool:
    head = text[:3000]
    return bool(re.search(r"(?m)^#?\s*\w[\w ]*counters:\s.*\bport\s+(\d+|all)\b", head, re.IGNORECASE)) and \
        bool(re.search(r"(?m)^\w+:\.{2,}", head))


def _ca_of(port: str | None) -> str | None:
    if not port:
        return None
    base = port.split("/")[0]
    return None if base.isdigit() else base


@register("perfquery", tables=("counters",), detect=_looks_like, priority=40,
          description="perfquery [-x] [-l] [-E]: IB PortCounters / PortCountersExtended per port")
def parse_perfquery(text: str, ctx: Context) -> Tables:
    ca = _ca_of(ctx.port)
    rows: dict[str, dict] = {}
    ext_set: dict[str, set] = {}
    cur = None
    extended = False
    blocks = 0
    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        m = _HDR.match(s)
        if m:
            blocks += 1
            kind, pnum = m.group(1).lower(), m.group(3)
            if pnum.lower() == "all" or pnum == "255":
                cur = None
                continue
            extended = "extended" in kind and "speeds" not in kind
            name = f"{ca}/{pnum}" if ca else pnum
            cur = rows.setdefault(name, {"port": name})
            ext_set.setdefault(name, set())
            continue
        if cur is None:
            continue
        m = _KV.match(s)
        if not m or m.group(1) not in _MAP:
            continue
        col, width, scale = _MAP[m.group(1)]
        try:
            val = int(m.group(2), 0)
        except ValueError:
            continue
        if val < 0:
            continue
        if not extended and col in ext_set[cur["port"]]:
            continue          # an extended (64-bit) value already read for this port wins
        cur[col] = val * scale
        cur[f"{col}_bits"] = 64 if extended else width
        if extended:
            ext_set[cur["port"]].add(col)
    if not blocks:
        raise ParseError("no '# ... counters: Lid N port M' header: not perfquery output")
    if not rows:
        raise ParseError("only aggregated (all ports) counters; no per-port block")
    return {"counters": list(rows.values())}

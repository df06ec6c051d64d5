"""Junos `show lldp neighbors` (text table).

    Local Interface    Parent Interface    Chassis Id          Port info          System Name
    et-0/0/48          -                   2c:6b:f5:a1:c2:c0   Ethernet1/1        spine1

Columns are cut at the header's column starts (Port info and System Name may hold spaces).
Rows (neighbors): port = Local Interface, remote_chassis_id = Chassis Id, remote_port = Port info
(the neighbor's port id or, when it advertises none, its description), remote_device = System Name,
protocol ``lldp``. A parent interface (ae0) is not stored: the member is the cabled port.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register

_COLS = (("local interface", "port"), ("parent interface", None), ("chassis id", "remote_chassis_id"),
         ("port info", "remote_port"), ("system name", "remote_device"))


def _header(line: str) -> list[tuple[int, str | None]] | None:
    low = line.lower()
    if not low.startswith("local interface") or "chassis id" not in low:
        return None
    pos = [(low.find(name), col) for name, col in _COLS if low.find(name) >= 0]
    return sorted(pos)


def _looks(text: str) -> bool:
    head = text[:3000]
    return any(_header(ln) for ln in head.splitlines()[:10]) and "System Name" in head


@register("junos-lldp-neighbors", tables=("neighbors",), detect=_looks, priority=40,
          description="Junos show lldp neighbors (text table)")
def parse_junos_lldp(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    at = next((i for i, ln in enumerate(lines[:20]) if _header(ln)), None)
    if at is None:
        raise ParseError("no 'Local Interface ... Chassis Id ... System Name' header: not Junos show lldp neighbors", line=1)
    cols = _header(lines[at])
    rows = []
    for i, line in enumerate(lines[at + 1:], at + 2):
        if not line.strip() or line.startswith("{") or line.rstrip().endswith(">"):
            continue
        row: dict = {}
        for k, (start, col) in enumerate(cols):
            end = cols[k + 1][0] if k + 1 < len(cols) else len(line)
            # a value may run one character past its column start (long names): cut at whitespace
            cell = line[start:end]
            if k + 1 < len(cols) and end < len(line) and not line[end - 1].isspace() and not line[end].isspace():
                j = line.find(" ", end)
                cell = line[start:j if j > 0 else len(line)]
            v = cell.strip()
            if col and v and v != "-":
                row[col] = v
        if not row.get("port") or " " in row["port"]:
            raise ParseError("row without a local interface in the first column", line=i, text=line.strip())
        if row.get("remote_port") or row.get("remote_device"):
            row["protocol"] = "lldp"
            rows.append(row)
    return {"neighbors": rows}

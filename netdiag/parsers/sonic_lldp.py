"""SONiC `show lldp table` (sonic-utilities lldpshow): one neighbor per row.

    Capability codes: (R) Router, (B) Bridge, (O) Other
    LocalPort    RemoteDevice       RemotePortID         Capability    RemotePortDescr
    -----------  -----------------  -------------------  ------------  --------------------
    Ethernet112  T1-1               hundredGigE1/2       BR            T0-2:hundredGigE1/29
    eth0         swtor-b2lab2-1610  GigabitEthernet 0/2  OBR
    --------------------------------------------------
    Total entries displayed:  3

Cells may contain spaces ('GigabitEthernet 0/2') or be empty (no system name, no port
description), so rows are cut by the columns of the dashed rule. `show lldp neighbors` prints
lldpctl's own text format and is read by the lldpctl-text parser.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers import _sonic_common as sc

_HDR = re.compile(r"^\s*LocalPort\s+RemoteDevice\s+RemotePortID\b", re.M)


def _looks(text: str) -> bool:
    return bool(_HDR.search(text)) and sc.RULE.search(text) is not None


@register("sonic-lldp-table", tables=("neighbors",), priority=40, detect=_looks,
          description="SONiC show lldp table (lldpshow): local port, neighbor name, port id and description")
def parse_lldp_table(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    out = []
    found = False
    for r in sc.find_rules(lines):
        t = sc.read_table(lines, r, stop=lambda ln: ln.strip().startswith("Total entries"))
        hdr = [sc.norm_key(h) for h in t.header]
        if not hdr or hdr[0] != "localport" or "remoteportid" not in hdr:
            continue
        found = True
        col = {h: i for i, h in enumerate(hdr)}

        def cell(cells, name):
            i = col.get(name)
            if i is None or i >= len(cells):
                return None
            v = cells[i].strip()
            return v or None

        for _, cells in t.rows:
            port = cells[0].strip()
            if not port or port in ("...",):
                continue
            rport = cell(cells, "remoteportid")
            if rport is None:
                continue
            out.append({
                "port": port,
                "remote_device": cell(cells, "remotedevice"),
                "remote_port": rport,
                "remote_port_descr": cell(cells, "remoteportdescr"),
                "protocol": "lldp",
            })
    if not found:
        raise ParseError("no 'LocalPort RemoteDevice RemotePortID ...' table found")
    return {"neighbors": out}

"""SONiC `show interfaces status` (sonic-utilities intfutil): one row per port.

Column sets differ across releases: older ones print `Interface Lanes Speed MTU Alias Oper Admin
Type Asym PFC`, newer ones add `FEC` and `Vlan` (and the Type column may hold several words,
'QSFP28 or later'). Columns are found by name. Speed is printed by intfutil as '100G', '2.5G',
'1000M', '10M' or 'N/A'. Lanes is the list of ASIC SerDes lanes ('49,50,51,52'); its length is the
port's lane count. PortChannel rows (LAGs, Lanes 'N/A') are not ports with a link and are skipped.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers import _sonic_common as sc

_HDR = re.compile(r"^\s*Interface\s+Lanes\s+Speed\s+MTU\b.*\bOper\s+Admin\b", re.M)
_LAG = re.compile(r"^(PortChannel|Vlan|Loopback|Po\d)", re.I)


def _looks(text: str) -> bool:
    return bool(_HDR.search(text)) and sc.RULE.search(text) is not None


@register("sonic-interfaces-status", tables=("ports",), priority=40, detect=_looks,
          description="SONiC show interfaces status (intfutil): admin/oper state, speed, lanes, MTU, FEC")
def parse_interfaces_status(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    rows = []
    found = False
    for r in sc.find_rules(lines):
        t = sc.read_table(lines, r)
        hdr = [sc.norm_key(h) for h in t.header]
        if not hdr or hdr[0] != "interface" or "oper" not in hdr or "admin" not in hdr:
            continue
        found = True
        col = {h: i for i, h in enumerate(hdr)}
        for _, cells in t.rows:
            port = cells[0]
            if not sc.looks_like_port(port) or _LAG.match(port):
                continue
            row: dict = {"port": port}
            if "oper" in col:
                row["oper_up"] = sc.boolean(cells[col["oper"]]) if cells[col["oper"]].lower() in ("up", "down") else None
            if "admin" in col:
                row["admin_up"] = sc.boolean(cells[col["admin"]]) if cells[col["admin"]].lower() in ("up", "down") else None
            if "speed" in col:
                row["speed_gbps"] = sc.speed_gbps(cells[col["speed"]])
            if "lanes" in col:
                lanes = cells[col["lanes"]]
                parts = [p for p in lanes.split(",") if p.strip()]
                if parts and all(p.strip().isdigit() for p in parts):
                    row["lanes"] = len(parts)
            if "mtu" in col:
                row["mtu"] = sc.count(cells[col["mtu"]])
            if "fec" in col:
                fec = cells[col["fec"]].strip()
                # 'none' is a FEC mode (no FEC), not a missing value: it selects the no-FEC BER limits
                row["fec"] = "none" if fec.lower() == "none" else (None if sc.is_na(fec) else fec.lower())
            if "alias" in col:   # what SONiC may advertise as its LLDP port id (issue 13)
                alias = cells[col["alias"]].strip()
                row["alias"] = None if sc.is_na(alias) else alias
            rows.append(row)
    if not found:
        raise ParseError("no 'Interface Lanes Speed MTU ... Oper Admin' table found")
    return {"ports": rows}

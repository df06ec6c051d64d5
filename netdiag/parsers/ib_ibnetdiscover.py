"""ibnetdiscover (infiniband-diags) topology, in its three printed forms.

1. Topology file (default, and ``ibdiagnet2.ibnetdiscover`` written by ibdiagnet)::

       switchguid=0xfc6a1c030091cf00(fc6a1c030091cf00)
       Switch  65 "S-fc6a1c030091cf00"      # "Quantum-2 Mellanox Technologies" base port 0 lid 13 lmc 0
       [1](1/1/1) "H-5c25730300e6706e"[1](5c25730300e6706e)      # "is-north-7-compute-1 mlx5_8" lid 164 4xNDR
       Ca      2 "H-0008f10403960558"          # "Voltaire HCA400Ex-D"
       [2](8f1040396055a)      "S-0008f10400411f50"[7]         # lid 2 lmc 0 "SW-6IB4 Voltaire" lid 6 4xSDR

   The parenthesis after a local port is the port GUID (CA) or, written by ibdiagnet for Quantum
   switches, the front-panel label (``1/1/1``); ports are still named by number (ib_common).
2. ``ibnetdiscover --ports`` / ``-p``: one line per port::

       SW  1719 10 0x7cfe9003009ce5b0 4x EDR - CA   134  1 0x7cfe9003003b4bde ( 'ib-i1l1s01' - 'o0001 HCA-1' )
       SW  2052 37 0x506b4b03005c2740 4x ???                                    'ib-i4l1s01'

   A port with no far end is down (``???`` = unknown speed); its printed width/speed is not a link.

Rows: ports (lanes, speed_gbps from ``4xNDR`` / ``4x EDR``) and neighbors (protocol
``ibnetdiscover``; remote_chassis_id = far-end node GUID as printed). Device/port naming per ib_common.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers.ib_common import SPEED_PER_LANE, node_name, norm_guid, port_name

_NODE = re.compile(r'^(Switch|Ca|Rt)\s+(\d+)\s+"([SHR])-([0-9a-fA-F]+)"\s*(?:#\s*"(.*?)")?')
_GUIDLINE = re.compile(r"^(switchguid|caguid|rtguid)=(0x[0-9a-fA-F]+)")
_PORT = re.compile(
    r'^\[(\d+)\](?:\(([^)]*)\))?\s*"([SHR])-([0-9a-fA-F]+)"\[(\d+)\](?:\(([^)]*)\))?\s*'
    r'(?:#\s*(?:lid\s+\d+\s+lmc\s+\d+\s+)?"(.*)"\s+lid\s+(\d+)\s+(\d+)x(\w+))?')
_PLINE = re.compile(
    r"^(SW|CA|RT)\s+(\d+)\s+(\d+)\s+(0x[0-9a-fA-F]+)\s+(\d+)x\s+(\S+)\s*"
    r"(?:-\s+(SW|CA|RT)\s+(\d+)\s+(\d+)\s+(0x[0-9a-fA-F]+)\s+\(\s*'(.*)'\s+-\s+'(.*)'\s*\)|'(.*)')?\s*$")


def _looks_like(text: str) -> bool:
    head = text[:8000]
    if re.search(r'(?m)^(Switch|Ca)\s+\d+\s+"[SH]-[0-9a-fA-F]+"', head):
        return True
    return bool(re.search(r"(?m)^(SW|CA)\s+\d+\s+\d+\s+0x[0-9a-fA-F]+\s+\d+x\s+\S+", head))


def _speed(width: int, name: str) -> float | None:
    per = SPEED_PER_LANE.get(name.upper())
    return width * per if per else None


@register("ibnetdiscover", tables=("ports", "neighbors"), detect=_looks_like, priority=40,
          description="ibnetdiscover [-p] / ibdiagnet2.ibnetdiscover: IB topology, link width/speed, neighbors")
def parse_ibnetdiscover(text: str, ctx: Context) -> Tables:
    ports: list[dict] = []
    neigh: list[dict] = []
    node = None          # (device, ca, is_switch)
    pending_guid = None
    matched = False
    for ln, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("# ")) or line.startswith("#"):
            continue
        m = _GUIDLINE.match(line)
        if m:
            pending_guid = m.group(2)
            continue
        m = _NODE.match(line)
        if m:
            kind, _n, _t, guid, desc = m.groups()
            is_sw = kind == "Switch"
            dev, ca = node_name(desc or "", guid or pending_guid, is_sw)
            node = (dev, ca, is_sw) if dev else None
            matched = True
            continue
        m = _PORT.match(line)
        if m and node:
            matched = True
            lport, _lbl, rtype, rguid, rport, _rpg, rdesc, _rlid, width, speed = m.groups()
            pname = port_name(node[1], lport)
            row = {"device": node[0], "port": pname}
            if width:
                row["lanes"] = int(width)
                row["speed_gbps"] = _speed(int(width), speed)
            ports.append(row)
            rdev, rca = node_name(rdesc or "", rguid, rtype == "S")
            if rdev:
                neigh.append({"device": node[0], "port": pname, "remote_device": rdev,
                              "remote_port": port_name(rca, rport),
                              "remote_chassis_id": norm_guid(rguid), "protocol": "ibnetdiscover"})
            continue
        m = _PLINE.match(line)
        if m:
            matched = True
            (ltype, _llid, lport, lguid, width, speed, rtype, _rlid, rport, rguid,
             ldesc, rdesc, only_desc) = m.groups()
            ldev, lca = node_name(ldesc if ldesc is not None else (only_desc or ""), lguid, ltype == "SW")
            if not ldev:
                continue
            pname = port_name(lca, lport)
            row = {"device": ldev, "port": pname}
            if rtype:
                row["lanes"] = int(width)
                row["speed_gbps"] = _speed(int(width), speed)
                rdev, rca = node_name(rdesc, rguid, rtype == "SW")
                if rdev:
                    neigh.append({"device": ldev, "port": pname, "remote_device": rdev,
                                  "remote_port": port_name(rca, rport),
                                  "remote_chassis_id": norm_guid(rguid), "protocol": "ibnetdiscover"})
            else:
                row["oper_up"] = False
            ports.append(row)
    if not matched:
        raise ParseError("no 'Switch'/'Ca' node stanzas or '--ports' lines: not ibnetdiscover output")
    return {"ports": ports, "neighbors": neigh}

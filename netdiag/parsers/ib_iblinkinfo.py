"""iblinkinfo (infiniband-diags): every port of the fabric with its link and the node at the far end.

Grouped form (default)::

    CA: centos-data-200 HCA-1:
        0x0002c903000d81f9      4    1[  ] ==( 4X          10.0 Gbps Active/ LinkUp)==>       2    3[  ] "Infiniscale-IV Mellanox Technologies" ( )
    Switch: 0x0002c9020046c588 Infiniscale-IV Mellanox Technologies:
               2    5[  ] ==(                Down/ Polling)==>             [  ] "" ( )

Line form (``-l``): every line carries both ends' GUID and description::

    0xf452140300f55051 "  ib-test-7 mlx4_0"  37  1[  ] ==( 4X 14.0625 Gbps Active/  LinkUp)==>  0xf45214030067c630  5  16[  ] "MF0;sw:SX6036/U1" ( )

The rate is per lane as signalled (``25.78125 Gbps`` = EDR); speed_gbps is width x nominal lane rate
(4X EDR = 100). ``10.0 Gbps (FDR10)``, ``( Could be ...)`` hints and spacing variants are accepted.
Devices and ports follow ib_common (``host``/``mlx5_0/1``, switch name or GUID / port number); far
ends known only by LID are resolved through the other lines of the same output. Neighbors use
protocol ``ibnetdiscover`` (topology read from the subnet, as ibnetdiscover).

States: ``Active`` is oper_up; ``Init``/``Initialize``/``Armed`` over a physical ``LinkUp`` (no subnet
manager yet, e.g. two HCAs back to back) is not oper_up but keeps its trained width and rate. LID 0
is unassigned: far ends are then named from their description, never through a LID.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers.ib_common import lane_rate_to_nominal, node_name, norm_guid, port_name

_CA_HDR = re.compile(r"^CA:\s*(.*?):?\s*$")
_SW_HDR = re.compile(r"^Switch:\s*(0x[0-9a-fA-F]+)\s*(.*?):?\s*$")
_LINE = re.compile(
    r"^\s*(?:(0x[0-9a-fA-F]+)\s+)?(?:\"([^\"]*)\"\s+)?(\d+)\s+(\d+)\[\s*[^\]]*\]\s*==\((.*?)\)==>\s*(.*?)\s*$")
_REMOTE = re.compile(r"^(?:(0x[0-9a-fA-F]+)\s+)?(?:(\d+)\s+)?(\d+)?\[\s*[^\]]*\]\s*\"(.*)\"\s*\((.*)\)\s*$")
_WIDTH = re.compile(r"\b(\d+)X\b", re.IGNORECASE)
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*Gbps")
_STATE = re.compile(r"(\w+)\s*/\s*(\w+)\s*$")


def _looks_like(text: str) -> bool:
    head = text[:6000]
    return ")==>" in head and "==(" in head and bool(re.search(r"\[\s*\S*\s*\]\s*==\(", head))


@register("iblinkinfo", tables=("ports", "neighbors"), detect=_looks_like, priority=40,
          description="iblinkinfo [-l]: IB fabric links: port state, width x rate, far-end node and port")
def parse_iblinkinfo(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    parsed = []          # (lineno, local (guid, desc, is_switch), lid, port, link, remote text)
    lid_map: dict[str, tuple[str | None, str | None, bool | None, str | None]] = {}
    hdr = (None, None, None)
    for ln, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            continue
        m = _SW_HDR.match(s)
        if m:
            hdr = (m.group(1), m.group(2), True)
            continue
        m = _CA_HDR.match(s)
        if m and "==(" not in s:
            hdr = (None, m.group(1), False)
            continue
        m = _LINE.match(line)
        if not m:
            continue
        guid, desc, lid, port, link, rest = m.groups()
        if desc is not None:           # line mode: the line names its node
            local = (guid, desc, None)
        else:
            local = (guid or hdr[0], hdr[1], hdr[2])
        if local[1] is None and local[0] is None:
            continue
        dev, ca = node_name(local[1], local[0], local[2])
        if dev is None:
            continue
        if lid != "0":  # LID 0: unassigned (no subnet manager yet), shared by every port
            lid_map.setdefault(lid, (dev, ca, local[2], norm_guid(local[0])))
        parsed.append((dev, ca, port, link, rest))
    if not parsed:
        raise ParseError("no '<lid> <port>[ ] ==( ... )==> ...' link lines: not iblinkinfo output")
    ports, neigh = [], []
    for dev, ca, port, link, rest in parsed:
        pname = port_name(ca, port)
        row = {"device": dev, "port": pname}
        st = _STATE.search(link)
        phys_up = False
        if st:
            row["oper_up"] = st.group(1).lower() == "active"
            phys_up = st.group(2).lower() == "linkup"
        w = _WIDTH.search(link)
        r = _RATE.search(link)
        # Init/Armed over a trained link (LinkUp, no SM yet): width and rate are real
        if w and r and (phys_up or row.get("oper_up") is not False):
            lanes = int(w.group(1))
            row["lanes"] = lanes
            row["speed_gbps"] = lanes * lane_rate_to_nominal(float(r.group(1)))
        ports.append(row)
        rm = _REMOTE.match(rest)
        if not rm:
            continue
        rguid, rlid, rport, rdesc, _hint = rm.groups()
        if not rport or (not rdesc.strip() and not rguid and not rlid):
            continue
        known = lid_map.get(rlid) if (rlid and not rguid) else None   # line mode names the far end itself
        if known:
            rdev, rca, _sw, kguid = known
            rguid = rguid or kguid
        else:
            rdev, rca = node_name(rdesc, rguid, None)
        if not rdev:
            continue
        neigh.append({"device": dev, "port": pname, "remote_device": rdev,
                      "remote_port": port_name(rca, rport), "remote_chassis_id": norm_guid(rguid),
                      "protocol": "ibnetdiscover"})
    return {"ports": ports, "neighbors": neigh}

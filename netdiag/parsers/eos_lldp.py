"""Arista EOS `show lldp neighbors [detail] | json` -> neighbors.

* ``eos-lldp-neighbors-json`` (`show lldp neighbors | json`): ``{"lldpNeighbors": [{"port",
  "neighborDevice", "neighborPort", "ttl"}], "tablesLastChangeTime", "tablesAgeOuts", ...}``.
  neighborPort is the advertised port id whatever its subtype (a MAC such as 0800.274f.332d for
  hosts that send one). remote_port = neighborPort.
* ``eos-lldp-neighbors-detail-json`` (`show lldp neighbors detail | json`): ``{"lldpNeighbors":
  {"Ethernet1": {"lldpNeighborInfo": [{"systemName", "chassisId", "chassisIdType", "ttl",
  "managementAddresses": [{"address", "addressType"}], "neighborInterfaceInfo": {"interfaceIdType",
  "interfaceId", "interfaceDescription", ...}, ...}]}}}``. EOS quotes interface-name and local ids
  (``"\\"et-0/0/20\\""``, ``"\\"597\\""``): the quotes are removed.
  remote_port = interfaceId, except when its type is macAddress and the neighbor also advertises a
  port description (Linux lldpd hosts: id 000f.532e.ced1, description eth3): then the description
  is the port name and remote_port = description. remote_port_descr = interfaceDescription always,
  remote_chassis_id = chassisId, remote_mgmt_ip = first management address (IPv4 preferred as listed
  first), ttl_s = ttl. Ports with an empty lldpNeighborInfo list yield no rows.
"""

from __future__ import annotations

from typing import Any

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._eos_common import finite, load_json


def _s(v: Any) -> str | None:
    if v is None or isinstance(v, (dict, list, bool)):
        return None
    v = str(v).strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        v = v[1:-1].strip()
    return v or None


def _ttl(v: Any) -> float | None:
    f = finite(v)
    return f if f is not None and f >= 0 else None


@register("eos-lldp-neighbors-json", tables=("neighbors",),
          detect=lambda t: '"lldpNeighbors"' in t[:5000] and '"neighborDevice"' in t[:20000]
          and '"lldpNeighborInfo"' not in t[:20000], priority=40,
          description="Arista EOS: show lldp neighbors | json")
def parse_eos_lldp_neighbors_json(text: str, ctx: Context) -> Tables:
    doc = load_json(text, "lldpNeighbors", "EOS show lldp neighbors")
    nbrs = doc.get("lldpNeighbors")
    if isinstance(nbrs, dict):
        return parse_eos_lldp_neighbors_detail_json(text, ctx)
    if not isinstance(nbrs, list):
        raise ParseError("EOS show lldp neighbors: 'lldpNeighbors' is not a list")
    rows = []
    for n in nbrs:
        if not isinstance(n, dict):
            continue
        port = _s(n.get("port"))
        if not port:
            continue
        rows.append({"port": port, "remote_device": _s(n.get("neighborDevice")),
                     "remote_port": _s(n.get("neighborPort")), "protocol": "lldp",
                     "ttl_s": _ttl(n.get("ttl"))})
    return {"neighbors": rows}


def _mgmt(addrs: Any) -> str | None:
    if not isinstance(addrs, list):
        return None
    for a in addrs:
        if isinstance(a, dict) and _s(a.get("address")):
            return _s(a.get("address"))
        if isinstance(a, str) and a.strip():
            return a.strip()
    return None


@register("eos-lldp-neighbors-detail-json", tables=("neighbors",),
          detect=lambda t: '"lldpNeighbors"' in t[:5000] and '"lldpNeighborInfo"' in t[:20000],
          priority=40, description="Arista EOS: show lldp neighbors detail | json")
def parse_eos_lldp_neighbors_detail_json(text: str, ctx: Context) -> Tables:
    doc = load_json(text, "lldpNeighbors", "EOS show lldp neighbors detail")
    nbrs = doc.get("lldpNeighbors")
    if isinstance(nbrs, list):
        return parse_eos_lldp_neighbors_json(text, ctx)
    if not isinstance(nbrs, dict):
        raise ParseError("EOS show lldp neighbors detail: 'lldpNeighbors' is not an object")
    rows = []
    for port, e in nbrs.items():
        if not isinstance(port, str) or not isinstance(e, dict):
            continue
        infos = e.get("lldpNeighborInfo")
        if not isinstance(infos, list):
            continue
        for n in infos:
            if not isinstance(n, dict):
                continue
            ii = n.get("neighborInterfaceInfo")
            ii = ii if isinstance(ii, dict) else {}
            pid = _s(ii.get("interfaceId"))
            pdescr = _s(ii.get("interfaceDescription"))
            ptype = _s(ii.get("interfaceIdType"))
            rport = pdescr if (ptype == "macAddress" and pdescr) or not pid else pid
            rows.append({"port": port, "remote_device": _s(n.get("systemName")),
                         "remote_port": rport, "remote_port_descr": pdescr,
                         "remote_chassis_id": _s(n.get("chassisId")), "protocol": "lldp",
                         "remote_mgmt_ip": _mgmt(n.get("managementAddresses")),
                         "ttl_s": _ttl(n.get("ttl"))})
    return {"neighbors": rows}

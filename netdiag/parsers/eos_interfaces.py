"""Arista EOS `show interfaces status | json` -> ports (admin/oper state, negotiated speed).

Shape (eAPI / CLI `| json`)::

    {"interfaceStatuses": {"Ethernet1/1": {
        "vlanInformation": {"interfaceMode": "routed", "interfaceForwardingModel": "routed"},
        "bandwidth": 400000000000,            # bits/s
        "interfaceType": "400GBASE-SR4",      # the transceiver, "Not Present", "N/A" (logical)
        "description": "", "autoNegotiateActive": false, "duplex": "duplexFull",
        "autoNegotigateActive": false,        # (sic) EOS prints the misspelt twin as well
        "linkStatus": "connected",            # connected | notconnect | disabled | errdisabled | inactive
        "lineProtocolStatus": "up"}}}         # up | down | notPresent | lowerLayerDown | ...

Mapping (documented decisions):

* oper_up = linkStatus == "connected" (False for any other known status);
* admin_up = False when linkStatus is "disabled" (shut down), True for connected, notconnect and
  errdisabled (configured up; errdisabled is the switch shutting it, not the operator);
* speed_gbps = bandwidth / 1e9 only when the link is connected: EOS prints the configured or
  default speed (or 0) for a port that is down, which is not a negotiated speed;
* autoneg = autoNegotiateActive; port_type = interfaceType unless "Not Present"/"N/A";
* only Ethernet and Management interfaces are kept (Port-Channel, Vlan, Loopback, ... are logical);
  "inactive" interfaces (lanes of a cage taken by another interface's speed, e.g. Ethernet1/2-1/4
  when Ethernet1/1 runs 400G on them) are not ports in use and yield no row.
"""

from __future__ import annotations

import re
from typing import Any

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._eos_common import finite, load_json

_PHYSICAL = re.compile(r"^(?:Ethernet|Management)\d")
_OPER = {"connected": True, "notconnect": False, "disabled": False, "errdisabled": False}
_ADMIN = {"connected": True, "notconnect": True, "disabled": False, "errdisabled": True}


def _str(v: Any) -> str | None:
    return v.strip() or None if isinstance(v, str) else None


@register("eos-interfaces-status-json", tables=("ports",),
          detect=lambda t: '"interfaceStatuses"' in t[:5000], priority=40,
          description="Arista EOS: show interfaces status | json (link state, negotiated speed)")
def parse_eos_interfaces_status_json(text: str, ctx: Context) -> Tables:
    doc = load_json(text, "interfaceStatuses", "EOS show interfaces status")
    intfs = doc.get("interfaceStatuses")
    if not isinstance(intfs, dict):
        raise ParseError("EOS show interfaces status: 'interfaceStatuses' is not an object")
    rows = []
    for name, e in intfs.items():
        if not isinstance(name, str) or not isinstance(e, dict) or not _PHYSICAL.match(name):
            continue
        link = (_str(e.get("linkStatus")) or "").lower()
        if link == "inactive":
            continue
        row: dict[str, Any] = {"port": name, "oper_up": _OPER.get(link), "admin_up": _ADMIN.get(link)}
        if row["oper_up"]:
            bw = finite(e.get("bandwidth"))
            if bw is not None and bw > 0:
                row["speed_gbps"] = units.bps_to_gbps(bw)
        an = e.get("autoNegotiateActive")
        if isinstance(an, bool):
            row["autoneg"] = an
        itype = _str(e.get("interfaceType"))
        if itype and itype.lower() not in ("not present", "n/a", "unknown"):
            row["port_type"] = itype
        if any(row.get(c) is not None for c in ("oper_up", "admin_up", "speed_gbps", "autoneg", "port_type")):
            rows.append(row)
    return {"ports": rows}

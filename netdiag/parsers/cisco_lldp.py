"""Cisco `show lldp neighbors detail` (NX-OS and IOS / IOS-XE text).

One record per neighbor, ``Key: value`` lines:

* NX-OS: ``Chassis id:``, ``Port id:``, ``Local Port id: Eth1/1``, ``Port Description:``,
  ``System Name:``, ``System Description:`` (may run over several lines), ``Time remaining: 93
  seconds``, ``Management Address:``; records separated by blank lines.
* IOS / IOS-XE: records separated by a dashed rule; ``Local Intf: Gi1/0/1``, ``Chassis id:``,
  ``Port id:``, ``Port Description:``, ``System Name:``, ``Time remaining: 112 seconds``,
  ``Management Addresses:`` then ``    IP: 10.1.1.2`` on the next line.

Rows (neighbors): device's port = the local interface, written out in full (``Eth1/1`` ->
``Ethernet1/1``, ``Gi1/0/1`` -> ``GigabitEthernet1/0/1``: the names the interface and transceiver
commands print); remote_device = System Name; remote_port = Port id as advertised (``Fa1/0/9``);
remote_chassis_id, remote_port_descr, remote_mgmt_ip, ttl_s; protocol ``lldp``. A record
without a local port or a port id is skipped; "not advertised" / "null" values are null.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._cisco_common import full_port, looks_like_port

_KEYS = {
    "chassis id": "remote_chassis_id", "port id": "remote_port", "local port id": "port",
    "local intf": "port", "port description": "remote_port_descr", "system name": "remote_device",
    "time remaining": "ttl_s", "management address": "remote_mgmt_ip",
}
_KV = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$")
_RULE = re.compile(r"^\s*-{10,}\s*$")
_NONE = frozenset(("", "not advertised", "null", "--", "n/a"))


def _looks(text: str) -> bool:
    head = text[:8000]
    return ("Chassis id:" in head and "Port id:" in head
            and ("Local Port id:" in head or "Local Intf:" in head)
            and ("System Name:" in head or "Time remaining:" in head))


def _port(v: str) -> str:
    return full_port(v) if looks_like_port(v) else v


@register("cisco-lldp-neighbors-detail", tables=("neighbors",), detect=_looks, priority=40,
          description="Cisco NX-OS / IOS-XE show lldp neighbors detail (text)")
def parse_cisco_lldp_detail(text: str, ctx: Context) -> Tables:
    rows = []
    rec: dict = {}
    pending_mgmt = False
    records = 0

    def finish():
        nonlocal rec
        if rec.get("port") and rec.get("remote_port"):
            rec["protocol"] = "lldp"
            rows.append(rec)
        rec = {}

    for i, line in enumerate(text.splitlines(), 1):
        if _RULE.match(line):
            finish()
            continue
        m = _KV.match(line)
        if not m:
            continue
        key, val = m.group(1).lower(), m.group(2)
        if pending_mgmt and key in ("ip", "ipv4"):
            rec.setdefault("remote_mgmt_ip", val)
            pending_mgmt = False
            continue
        if key == "management addresses":
            pending_mgmt = True
            continue
        col = _KEYS.get(key)
        if col is None:
            continue
        if key == "chassis id" and rec.get("remote_chassis_id") is not None:
            finish()   # NX-OS: a new record starts with its chassis id
        if key in ("local intf",) and rec.get("port") is not None:
            finish()
        if col == "remote_chassis_id":
            records += 1
        v = val.strip()
        if v.lower() in _NONE:
            continue
        if col == "ttl_s":
            tm = re.match(r"^(\d+)", v)
            if tm:
                rec["ttl_s"] = float(tm.group(1))
        elif col == "port":
            rec[col] = _port(v)
        elif col == "remote_mgmt_ip":
            rec.setdefault(col, v.split()[0])
        else:
            rec[col] = v
    finish()
    if records == 0:
        raise ParseError("no 'Chassis id:' record: not Cisco show lldp neighbors detail output", line=1)
    return {"neighbors": rows}

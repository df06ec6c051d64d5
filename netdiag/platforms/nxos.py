"""Cisco NX-OS switch (Nexus 9000/3000): commands as typed at the NX-OS CLI over SSH.

Discovery covers the whole switch, so there are no per-port commands:

* `show interface` — link state (``Ethernet1/1 is up``, ``admin state is up``), speed, MTU, MAC and
  the error counters (CRC, input/output errors and discards) of every interface
  (parsers/cisco_interfaces.py);
* `show interface transceiver details` — module identity and DOM with thresholds, one diagnostics
  table per lane for QSFP/QSFP-DD/OSFP modules (parsers/nxos_transceiver.py);
* `show lldp neighbors detail` — neighbors (parsers/cisco_lldp.py).

All three need only a network-operator (read-only) login. The `| json` forms are mapped too, for
captures made with them. Breakouts: NX-OS names a broken-out cage's ports Ethernet1/1/1..4 (cage
Ethernet1/1); each is a port of its own. Not read: FEC codeword counters (NX-OS shows them only per
interface in `show interface ... counters detailed` / phy-level commands).
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register
from netdiag.platforms._switch_common import front_panel_ports

_FRONT_PANEL = re.compile(r"^Ethernet\d+/\d+(?:/\d+)?$")
_INTF = r"(?:interface|interfaces|int)"
_ONE = r"(?:ethernet |Ethernet|Eth|eth|e)\s?\d[\w/.:-]*"  # one interface (the outputs name their ports)
_P = rf"(?:{_ONE} )?"
_JSON = r" \| json(?:-pretty)?"


def ports_from(tables: dict) -> list[str]:
    return front_panel_ports(tables, _FRONT_PANEL)


NXOS = register(Platform(
    name="nxos",
    description="Cisco NX-OS switch: show interface, show interface transceiver details, "
                "show lldp neighbors detail over the CLI",
    discovery=(
        "show interface",
        "show interface transceiver details",
        "show lldp neighbors detail",
    ),
    per_port=(),
    commands=(
        (rf"show {_INTF} {_P}transceiver details?{_JSON}", "nxos-transceiver-json"),
        (rf"show {_INTF} {_P}transceiver(?: details?)?", "nxos-transceiver-text"),
        (r"show lldp neighbors(?: interface \S+)? detail", "cisco-lldp-neighbors-detail"),
        (rf"show {_INTF}(?: {_ONE})?", "cisco-interfaces"),
    ),
    ports_from=ports_from,
))

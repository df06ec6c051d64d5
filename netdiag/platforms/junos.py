"""Juniper Junos switch/router (QFX, PTX, MX): commands as typed at the Junos CLI over SSH.

Discovery covers the whole device, so there are no per-port commands:

* `show interfaces extensive` — per physical interface: Enabled / Administratively down, physical
  link Up/Down, speed, MTU, MAC, input/output errors and drops, carrier transitions, MAC CRC/Align
  errors and the FEC corrected / uncorrected codeword counters (parsers/junos_interfaces.py);
* `show interfaces diagnostics optics` — DOM per module and lane with thresholds and alarm flags
  (parsers/junos_optics.py; the XML of `| display xml` is read too);
* `show lldp neighbors` — neighbors (parsers/junos_lldp.py).

All three run with the read-only login class. Ports: et-/xe-/ge-FPC/PIC/PORT; a channelized
(breakout) cage gives et-0/0/0:0..3, each a port of its own.
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register
from netdiag.platforms._switch_common import front_panel_ports

_FRONT_PANEL = re.compile(r"^(?:et|xe|ge|mge|fte)-\d+/\d+/\d+(?::\d+)?$")
_P = r"(?:(?P<port>(?:et|xe|ge|mge|fte)-\d+/\d+/\d+(?::\d+)?) )?"
_NOMORE = r"(?: \| no-more)?"


def ports_from(tables: dict) -> list[str]:
    return front_panel_ports(tables, _FRONT_PANEL)


JUNOS = register(Platform(
    name="junos",
    description="Juniper Junos: show interfaces extensive, show interfaces diagnostics optics, "
                "show lldp neighbors over the CLI",
    discovery=(
        "show interfaces extensive",
        "show interfaces diagnostics optics",
        "show lldp neighbors",
    ),
    per_port=(),
    commands=(
        (rf"show interfaces diagnostics optics {_P}\| display xml{_NOMORE}", "junos-optics-xml"),
        (rf"show interfaces diagnostics optics(?: (?P<port>\S+))?{_NOMORE}", "junos-optics-text"),
        (rf"show interfaces(?: (?P<port>(?:et|xe|ge|mge|fte)-\S+))? extensive{_NOMORE}", "junos-interfaces-extensive"),
        (rf"show lldp neighbors(?: interface \S+)?{_NOMORE}", "junos-lldp-neighbors"),
    ),
    ports_from=ports_from,
))

"""Cisco IOS-XE switch (Catalyst 9000): commands as typed at the IOS-XE CLI over SSH.

Discovery covers the whole switch, so there are no per-port commands:

* `show interfaces` — link state (``... is up, line protocol is up``), speed, MTU, MAC, CRC and
  input/output errors of every interface (parsers/cisco_interfaces.py);
* `show interfaces transceiver detail` — DOM readings with the module's thresholds per sensor
  (parsers/iosxe_transceiver.py);
* `show lldp neighbors detail` — neighbors (parsers/cisco_lldp.py); LLDP must be enabled
  (``lldp run``).

Privilege: `show interfaces` and `show lldp neighbors detail` run at privilege 1; `show interfaces
transceiver` needs privilege 15 on some releases (log in with an account whose privilege level is
15, as the exec channel cannot `enable`). Ports are named in full (GigabitEthernet1/0/1,
TwentyFiveGigE1/0/1, HundredGigE1/0/49; breakout legs HundredGigE1/0/49/1..).
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register
from netdiag.platforms._switch_common import front_panel_ports

_FRONT_PANEL = re.compile(
    r"^(?:FastEthernet|GigabitEthernet|TwoGigabitEthernet|FiveGigabitEthernet|TenGigabitEthernet|"
    r"TwentyFiveGigE|FortyGigabitEthernet|FiftyGigE|HundredGigE|TwoHundredGigE|FourHundredGigE)"
    r"\d+/\d+/\d+(?:/\d+)?$")
_INTF = r"(?:interfaces|interface|int)"
_P = r"(?:(?P<port>[A-Za-z]+\s?\d[\w/.:-]*) )?"


def ports_from(tables: dict) -> list[str]:
    return front_panel_ports(tables, _FRONT_PANEL)


IOSXE = register(Platform(
    name="iosxe",
    description="Cisco IOS-XE switch: show interfaces, show interfaces transceiver detail, "
                "show lldp neighbors detail over the CLI",
    discovery=(
        "show interfaces",
        "show interfaces transceiver detail",
        "show lldp neighbors detail",
    ),
    per_port=(),
    commands=(
        (rf"show {_INTF} {_P}transceiver detail", "iosxe-transceiver-detail-text"),
        (rf"show {_INTF} {_P}transceiver", "iosxe-transceiver-text"),
        (r"show lldp neighbors(?: \S+)? detail", "cisco-lldp-neighbors-detail"),
        (rf"show {_INTF}(?: (?P<port>[A-Za-z]+\s?\d[\w/.:-]*))?", "cisco-interfaces"),
    ),
    ports_from=ports_from,
))

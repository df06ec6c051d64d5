"""Arista EOS switch (commands as typed at the EOS CLI over SSH, `| json` where EOS offers it).

EOS reports everything per interface in whole-switch commands, so discovery does all the work
and there are no per-port commands:

* `show interfaces status | json` — link state (connected / notconnect / disabled) and the
  negotiated speed of each interface (parsers/eos_interfaces.py);
* `show interfaces transceiver detail | json` — DOM per interface (module serial, temperature,
  voltage; the interface's Tx/Rx/bias as lane 1) and the module's thresholds;
* `show interfaces transceiver dom thresholds | json` — every lane (channel) of each module with
  thresholds (EOS 4.2x+; older releases reject it, which only costs that command);
* `show interfaces phy detail | json` — FEC corrected/uncorrected codewords and pre-FEC BER of the
  PHY closest to the module (revision 2 layout, as ANTA reads it);
* `show interfaces counters errors | json` — FCS, symbol, input/output errors;
* `show lldp neighbors detail | json` — neighbors;
* `show inventory | json` — each transceiver cage's manufacturer, part number, serial and revision
  (the DOM outputs carry only the media type and serial); copied onto the interfaces of the cage
  (parsers/eos_inventory.py).

The `show interfaces status | json` parser is tested against an input constructed from the
documented eAPI structure (no licensed real sample was available); see its case folder SOURCE.

Breakouts: EOS names each sub-interface (Ethernet3/1/1..4 on cage Ethernet3/1) and reports its
optics under that name; parsers keep them as separate ports (see parsers/eos_transceiver.py).
The text forms of the transceiver commands (no `| json`) are mapped too, for hand-made captures.
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register

_FRONT_PANEL = re.compile(r"^Ethernet\d+(?:/\d+)*$")

_INTF = r"(?:interfaces?|int|intf)"
_P = r"(?:(?P<port>(?:Ethernet|Et|ethernet|et)\s?\d[\w/.:-]*) )?"
_JSON = r" \| json(?: revision \d+)?"


#: the columns a `show inventory` cage row has: such a row names a cage, not an interface
_INVENTORY_ONLY = frozenset(("device", "port", "present", "vendor", "part_number", "serial", "revision",
                             "command", "format"))


def ports_from(tables: dict) -> list[str]:
    """Front-panel Ethernet interfaces seen by the discovery commands (modules, counters, LLDP)."""
    out: list[str] = []
    seen = set()
    for table in ("modules", "lanes", "counters", "neighbors"):
        for r in tables.get(table, []) or []:
            if table == "modules" and all(v is None for k, v in r.items() if k not in _INVENTORY_ONLY):
                continue   # a cage from show inventory (Ethernet24), not an interface
            name = r.get("port")
            if name and name not in seen and _FRONT_PANEL.match(name):
                seen.add(name)
                out.append(name)
    return out


EOS = register(Platform(
    name="eos",
    description="Arista EOS switch: show ... | json over the CLI (link status, transceiver DOM, "
                "PHY FEC/BER, error counters, LLDP, transceiver inventory)",
    discovery=(
        "show interfaces status | json",
        "show interfaces transceiver detail | json",
        "show interfaces transceiver dom thresholds | json",
        "show interfaces phy detail | json",
        "show interfaces counters errors | json",
        "show lldp neighbors detail | json",
        "show inventory | json",
    ),
    per_port=(),
    commands=(
        (rf"show {_INTF} {_P}transceiver detail{_JSON}", "eos-transceiver-detail-json"),
        (rf"show {_INTF} {_P}transceiver dom(?: thresholds)?{_JSON}", "eos-transceiver-dom-thresholds-json"),
        (rf"show {_INTF} {_P}transceiver{_JSON}", "eos-transceiver-json"),
        (rf"show {_INTF} {_P}transceiver detail", "eos-transceiver-detail-text"),
        (rf"show {_INTF} {_P}transceiver", "eos-transceiver-text"),
        (rf"show {_INTF} {_P}status{_JSON}", "eos-interfaces-status-json"),
        (rf"show {_INTF} {_P}phy detail{_JSON}", "eos-phy-detail-json"),
        (rf"show {_INTF} {_P}counters errors{_JSON}", "eos-counters-errors-json"),
        (r"show lldp neighbors(?: \S+)? detail" + _JSON, "eos-lldp-neighbors-detail-json"),
        (r"show lldp neighbors(?: \S+)?" + _JSON, "eos-lldp-neighbors-json"),
        (r"show inventory" + _JSON, "eos-inventory-json"),
        (r"show inventory", "eos-inventory-text"),
    ),
    ports_from=ports_from,
))

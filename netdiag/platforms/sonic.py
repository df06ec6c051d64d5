"""SONiC switch (community SONiC, sonic-utilities CLI).

Everything SONiC knows about its ports is printed by whole-switch commands, so discovery does
nearly all the work: port state, module EEPROM + DOM for every cage, CMIS flags, counters, FEC
statistics and LLDP neighbors. The only per-port command is the FEC codeword histogram
(`show interfaces counters fec-histogram PORT`, newer releases), asked for ports that are
administratively up. On breakout ports SONiC reports the module on the first sub-port.
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register

_FRONT_PANEL = re.compile(r"^Ethernet\d+(?:/\d+)*$")


def ports_from(tables: dict) -> list[str]:
    """Front-panel ports worth a per-port look: admin-up ports from `show interfaces status`,
    else ports with a module plugged (`show interfaces transceiver eeprom`)."""
    out: list[str] = []
    ports = tables.get("ports", [])
    if ports:
        for r in ports:
            name = r.get("port")
            if name and _FRONT_PANEL.match(name) and r.get("admin_up") is not False and name not in out:
                out.append(name)
        return out
    for r in tables.get("modules", []):
        name = r.get("port")
        if name and _FRONT_PANEL.match(name) and r.get("present") and name not in out:
            out.append(name)
    return out


_INTF = r"(?:interfaces?|int|intf)"
_P = r"(?P<port>[A-Za-z][\w./:-]*\d[\w./:-]*)"

SONIC = register(Platform(
    name="sonic",
    description="SONiC switch: sonic-utilities show commands (intfutil, sfpshow, portstat, lldpshow)",
    discovery=(
        "show interfaces status",
        "show interfaces transceiver eeprom --dom",
        "show interfaces transceiver status",
        "show interfaces transceiver pm",
        "show interfaces counters -a",
        "show interfaces counters errors",
        "show interfaces counters fec-stats",
        "show lldp table",
    ),
    per_port=("show interfaces counters fec-histogram {port}",),
    commands=(
        (rf"show {_INTF} status(?: {_P})?(?: --\S+| -\S+ \S+)*", "sonic-interfaces-status"),
        (rf"show {_INTF} transceiver (?:eeprom|info)(?: (?:--dom|-d|--verbose|-n \S+))*(?: {_P})?"
         r"(?: (?:--dom|-d|-n \S+))*", "sonic-transceiver-eeprom"),
        (rf"(?:sfputil show|sfpshow) eeprom(?: (?:--dom|-d|-n \S+))*(?: (?:-p|--port) {_P})?(?: (?:--dom|-d|-n \S+))*",
         "sonic-transceiver-eeprom"),
        (rf"show {_INTF} transceiver pm(?: {_P})?(?: -n \S+)?", "sonic-transceiver-pm"),
        (rf"sfpshow pm(?: (?:-p {_P}|-n \S+))*", "sonic-transceiver-pm"),
        (rf"show {_INTF} transceiver status(?: {_P})?(?: -n \S+)?", "sonic-transceiver-status"),
        (rf"sfpshow status(?: (?:-p {_P}|-n \S+))*", "sonic-transceiver-status"),
        (r"show interface transceiver dom(?: Ethernet ?\S+)? summary(?: Ethernet ?\S+)?(?: \| no-more)?",
         "sonic-klish-dom-summary"),
        (r"show interface transceiver dom(?: Ethernet ?\S+)?(?: .*)?", "sonic-klish-transceiver-dom"),
        (rf"show {_INTF} counters fec-stats(?: .*)?", "sonic-counters-fec-stats"),
        (rf"show {_INTF} counters fec-histogram(?: {_P})?(?: -n \S+)?", "sonic-counters-fec-histogram"),
        (rf"show {_INTF} counters detailed {_P}(?: .*)?", "sonic-counters-detailed"),
        (rf"show {_INTF} counters(?: (?:-a|--printall|errors|rates|--nonzero|-p \d+|--period \d+|-i \S+|"
         r"-d \S+|--display \S+|-n \S+|--namespace \S+))*", "sonic-counters"),
        (r"portstat(?: (?:-a|-e|-R|-s \S+|-i \S+|-n \S+|-d \S+|--nonzero|-p \d+))*", "sonic-counters"),
        (r"portstat(?: \S+)* -f(?: \S+)*", "sonic-counters-fec-stats"),
        (r"show lldp table", "sonic-lldp-table"),
        (r"lldpshow", "sonic-lldp-table"),
        (r"show lldp neighbors?(?: \S+)?", "lldpctl-text"),
        (r"(?:docker exec (?:-i )?lldp\d* )?(?:lldpctl|lldpcli show neighbors)(?: details)?", "lldpctl-text"),
        (r"sonic-db-dump(?: .*)?", "sonic-statedb-transceiver"),
    ),
    ports_from=ports_from,
))

"""NVIDIA Cumulus Linux switch (NVUE `nv` CLI, Cumulus Linux 5.x).

Discovery lists the interfaces (`nv show interface`: state, speed, MTU, LLDP remote host/port),
the plugged modules (`nv show platform transceiver`: the brief table on 5.11+, also printed by 5.10)
and the LLDP neighbors (`lldpctl -f json`, lldpd runs on Cumulus). Then, for each front-panel
port (`swpN`, `swpNsM`) that is up or holds a module: the AmBER PHY detail (per-lane raw errors and
BER, FEC histogram; Spectrum-2 and later), the error counters, and the module's DOM and channels.
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register

_FRONT_PANEL = re.compile(r"^swp\d+(?:s\d+)?$")
_PORT = r"(?P<port>[A-Za-z][^\s]*)"
_JSON = r" (?:-o|--output)(?: |=)json"


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def front_panel_ports(tables: dict) -> list[str]:
    """swp ports worth asking about: operationally up, or with a module plugged in.

    Down ports with no module are unused cages (their per-port commands would only fail); a down
    port with a module is kept, since "no light" is exactly what we look for."""
    wanted: set[str] = set()
    known: set[str] = set()
    for row in tables.get("ports", []):
        name = row.get("port")
        if not name or not _FRONT_PANEL.match(name):
            continue
        known.add(name)
        if row.get("oper_up") or row.get("admin_up"):
            wanted.add(name)
    for row in tables.get("modules", []):
        name = row.get("port")
        if name and _FRONT_PANEL.match(name) and row.get("present") is not False:
            wanted.add(name)
    if not wanted and known:
        wanted = known
    return sorted(wanted, key=_natural)


CUMULUS = register(Platform(
    name="cumulus",
    description="NVIDIA Cumulus Linux switch (NVUE): nv show interface / platform transceiver, lldpd",
    discovery=("nv show interface", "nv show platform transceiver", "lldpctl -f json"),
    per_port=(
        "nv show interface {port} link phy-detail",
        "nv show interface {port} counters errors",
        "nv show platform transceiver {port}",
        "nv show platform transceiver {port} channel",
    ),
    commands=(
        # JSON forms first (the text patterns below do not allow the -o option anyway)
        (r"nv show interface" + _JSON, "nvue-interface-json"),
        (r"nv show interface " + _PORT + _JSON, "nvue-interface-json"),
        (r"nv show interface " + _PORT + r" link phy-detail(?: hardware)?" + _JSON, "nvue-link-phy-detail-json"),
        (r"nv show platform transceiver(?: brief| detail)?" + _JSON, "nvue-transceiver-json"),
        (r"nv show platform transceiver " + _PORT + r"(?: channel(?: \d+)?)?" + _JSON, "nvue-transceiver-json"),
        (r"nv show interface " + _PORT + r" transceiver" + _JSON, "nvue-transceiver-json"),
        # text
        (r"nv show interface", "nvue-interface"),
        (r"nv show interface " + _PORT + r" link phy-detail(?: hardware| --view[ =]hardware)?", "nvue-link-phy-detail"),
        (r"nv show interface " + _PORT + r" counters(?: errors)?", "nvue-counters-errors"),
        (r"nv show interface " + _PORT + r" transceiver thresholds", "nvue-transceiver-thresholds"),
        (r"nv show platform transceiver " + _PORT + r" thresholds", "nvue-transceiver-thresholds"),
        (r"nv show interface " + _PORT + r" transceiver", "nvue-transceiver"),
        (r"nv show platform transceiver(?: brief)?", "nvue-transceiver-brief"),
        (r"nv show platform transceiver " + _PORT + r" channel(?: \d+)?", "nvue-transceiver-channel"),
        (r"nv show platform transceiver (?!brief$|detail$)" + _PORT, "nvue-transceiver"),
        # lldpd (another module parses it)
        (r"(?:sudo )?(?:lldpctl|lldpcli) (?:show neighbors )?-f json(?: show neighbors)?(?: details)?", "lldpctl-json"),
        (r"(?:sudo )?(?:lldpctl|lldpcli) (?:show neighbors )?-f json0(?: show neighbors)?(?: details)?", "lldpctl-json0"),
        (r"(?:sudo )?(?:lldpctl|lldpcli) (?:show neighbors )?-f keyvalue(?: show neighbors)?(?: details)?", "lldpctl-keyvalue"),
        (r"(?:sudo )?(?:lldpctl|lldpcli show neighbors)(?: details)?", "lldpctl-text"),
    ),
    ports_from=front_panel_ports,
))

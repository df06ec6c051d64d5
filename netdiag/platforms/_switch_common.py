"""Port discovery shared by the drivers whose discovery commands cover the whole switch
(nxos, iosxe, junos): every front-panel port any discovery table names, in first-seen order."""

from __future__ import annotations

import re


def front_panel_ports(tables: dict, front: re.Pattern) -> list[str]:
    out: list[str] = []
    seen = set()
    for table in ("ports", "modules", "lanes", "counters", "neighbors"):
        for r in tables.get(table, []) or []:
            name = r.get("port")
            if name and name not in seen and front.match(name):
                seen.add(name)
                out.append(name)
    return out

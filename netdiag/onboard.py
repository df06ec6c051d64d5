"""`netdiag inventory init`: a first devices.csv from a host list, over SSH (docs/inventory.md).

Each host is asked, in order, the first discovery command of each platform (switch CLIs first, then
InfiniBand hosts, then plain Linux). The first one that exits 0 and whose output its parser reads
into at least one port decides the platform; the ports come from that platform's own port rule, so
they are the names a sweep will use. Nothing is guessed that the device did not answer: a host that
answers none of the probes is reported, not written. Roles are guessed from the name only
(`spine`, `leaf`, `tor`...); planes, racks and U are left for the operator.
"""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from netdiag import parsers, platforms

#: (platform, probe command): the platform's first discovery command, most specific first
PROBES = (
    ("eos", "show interfaces status | json"),
    ("cumulus", "nv show interface"),
    ("sonic", "show interfaces status"),
    ("ib-host", "ibstat"),
    ("linux", "ip -j -s -d link show"),
)
_ROLE_WORDS = (("superspine", "superspine"), ("spine", "spine"), ("leaf", "leaf"), ("tor", "tor"),
               ("core", "core"), ("ufm", "fabric_manager"))


@dataclass
class Discovered:
    name: str
    platform: str = ""
    ports: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def role(self) -> str:
        low = self.name.lower()
        for word, role in _ROLE_WORDS:
            if re.search(rf"(^|[^a-z]){word}([^a-z]|$)", low):
                return role
        return "gpu_host" if self.platform in ("linux", "ib-host") else ""


def probe(transport, name: str, timeout: float) -> Discovered:
    """Which platform `name` answers as, and its ports."""
    tried = []
    for plat, cmd in PROBES:
        res = transport.run(cmd, timeout)
        if res.error:
            return Discovered(name, error=res.error)
        if res.exit_status not in (0, None):
            tried.append(f"{cmd!r} exit {res.exit_status}")
            continue
        drv = platforms.get(plat)
        choice = drv.parser_for(cmd)
        try:
            tables = parsers.parse_text(choice[0], res.stdout, device=name, port=choice[1])
        except parsers.ParseError as e:
            tried.append(f"{cmd!r} not {plat} output ({e})")
            continue
        # the platform's own port rule; where it needs more than the probe (EOS: modules), the
        # interfaces the probe listed
        ports = drv.ports_from(tables) or [r["port"] for r in tables.get("ports", []) if r.get("port")]
        if ports:
            return Discovered(name, plat, sorted(set(ports), key=_natural))
        tried.append(f"{cmd!r} listed no ports")
    return Discovered(name, error="command_failed: no platform probe succeeded: " + "; ".join(tried))


def _natural(s: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def discover(hosts: list[str], connector, parallel: int = 16, progress=None) -> list[Discovered]:
    """Probe every host (in parallel), results in the order given."""
    from netdiag.collect.ssh import DeviceError

    def one(h: str) -> Discovered:
        try:
            t = connector.connect(h)
        except DeviceError as e:
            return Discovered(h, error=str(e))
        try:
            return probe(t, h, connector.options.command_timeout)
        finally:
            t.close()

    out = []
    with ThreadPoolExecutor(max(1, parallel), thread_name_prefix="init") as ex:
        for d in ex.map(one, hosts):
            out.append(d)
            if progress is not None:
                progress(d)
    connector.close()
    return out


def devices_csv(found: list[Discovered]) -> str:
    """devices.csv text: one row per host that answered, its ports as a comment line above it;
    hosts that did not answer as comment lines (the loader skips '#' lines)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"])
    for d in found:
        if d.error:
            buf.write(f"# {d.name}: not added: {_oneline(d.error)}\n")
            continue
        buf.write(f"# {d.name}: {len(d.ports)} ports: {' '.join(d.ports)}\n")
        w.writerow([d.name, d.platform, "", d.role, "", "", "", "", "", ""])
    return buf.getvalue()


def _oneline(s: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else "?" for ch in s).split())

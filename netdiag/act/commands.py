"""Per-platform commands that take a port out of service and put it back.

Every command is one command line the SSH transport runs on the device (or, for InfiniBand, on a
host with an HCA in the fabric). Port names come from the plan or the device and are validated and
shell-quoted by :func:`netdiag.platforms.quote_port` before they enter a command.

| platform | shut | undo |
|---|---|---|
| sonic | ``sudo config interface shutdown PORT`` | ``sudo config interface startup PORT`` |
| cumulus | ``nv set interface PORT link state down && nv config apply -y`` | ``... link state up ...`` |
| eos | ``Cli -p 15 -c 'configure<NL>interface PORT<NL>shutdown'`` | ``... no shutdown`` |
| linux | ``sudo ip link set dev PORT down`` | ``... up`` |
| nxos | ``configure terminal ; interface PORT ; shutdown ; end`` | ``... no shutdown ...`` |
| iosxe | ``configure terminal`` / ``interface PORT`` / ``shutdown`` / ``end`` (one input, newline-separated) | ``... no shutdown ...`` |
| junos | ``configure private ; set interfaces PORT disable ; commit and-quit`` | ``... delete interfaces PORT disable ...`` |
| ibdiagnet / ib | ``ibportstate -G GUID PORT disable`` | ``... enable`` |

EOS: the account must log in to bash (EOS ``Cli -c`` runs the newline-separated lines in the CLI at
privilege 15); one command line keeps a shut and its undo symmetric and atomic per port.
InfiniBand: the switch is addressed by its node GUID (from ibnetdiscover/ibdiagnet), the port by its
number; the command runs on the host named by ``--ib-host``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from netdiag.platforms import UnsafeName, quote_port

_GUID = re.compile(r"^0x[0-9a-fA-F]{1,16}$")
IB_PLATFORMS = ("ibdiagnet", "ib")


@dataclass(frozen=True)
class PortCommand:
    platform: str
    port: str
    shut: str
    undo: str


def port_commands(platform: str, port: str, guid: str | None = None) -> PortCommand:
    """The shut and undo command lines for `port` on a device of `platform`.

    Raises UnsafeName for a port (or GUID) that must not go into a command, ValueError for a
    platform with no known shut command or an IB port without its switch GUID."""
    if platform in IB_PLATFORMS:
        if not port.isdigit() or not 0 < int(port) < 256:
            raise UnsafeName(f"refusing InfiniBand port {port!r}: not a port number")
        if not guid or not _GUID.match(guid):
            raise ValueError(f"InfiniBand port {port}: the switch GUID is unknown ({guid!r}); "
                             "sweep with a capture that holds ibnetdiscover or ibdiagnet output")
        return PortCommand(platform, port, f"ibportstate -G {guid} {int(port)} disable",
                           f"ibportstate -G {guid} {int(port)} enable")
    q = quote_port(port)
    if platform == "sonic":
        return PortCommand(platform, port, f"sudo config interface shutdown {q}", f"sudo config interface startup {q}")
    if platform == "cumulus":
        return PortCommand(platform, port, f"nv set interface {q} link state down && nv config apply -y",
                           f"nv set interface {q} link state up && nv config apply -y")
    if platform == "eos":
        def eos(last: str) -> str:
            return "Cli -p 15 -c " + shlex.quote(f"configure\ninterface {port}\n{last}")
        return PortCommand(platform, port, eos("shutdown"), eos("no shutdown"))
    if platform == "linux":
        return PortCommand(platform, port, f"sudo ip link set dev {q} down", f"sudo ip link set dev {q} up")
    cisco_junos = _cisco_junos(platform, port)
    if cisco_junos is not None:
        return cisco_junos
    raise ValueError(f"no shut command known for platform {platform!r}")


def _cisco_junos(platform: str, port: str) -> PortCommand | None:
    """NX-OS and Junos take several commands on one line (';'), run by their CLI, not a shell;
    IOS-XE's exec channel runs one command, so its lines go newline-separated as one input that the
    CLI reads line by line. The port name is validated (quote_port) and used as is: no shell quoting
    applies in these CLIs, and a validated name has nothing to quote."""
    quote_port(port)
    if platform == "nxos":
        def nx(last: str) -> str:
            return f"configure terminal ; interface {port} ; {last} ; end"
        return PortCommand(platform, port, nx("shutdown"), nx("no shutdown"))
    if platform == "iosxe":
        def ios(last: str) -> str:
            return f"configure terminal\ninterface {port}\n{last}\nend"
        return PortCommand(platform, port, ios("shutdown"), ios("no shutdown"))
    if platform == "junos":
        return PortCommand(platform, port,
                           f"configure private ; set interfaces {port} disable ; commit and-quit",
                           f"configure private ; delete interfaces {port} disable ; commit and-quit")
    return None


def ib_guids(snap) -> dict[str, str]:
    """InfiniBand device name -> node GUID, from what ibnetdiscover/ibdiagnet reported of its peers."""
    n = snap.neighbors
    if n is None or n.empty:
        return {}
    n = n[n["protocol"].isin(["ibnetdiscover", "ibdiagnet"]) & n["remote_chassis_id"].notna()]
    return dict(zip(n["remote_device"], n["remote_chassis_id"]))

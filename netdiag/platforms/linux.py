"""Linux GPU host: NIC ports over ethtool/iproute2, neighbors over lldpd.

Discovery lists the interfaces (`ip -j -s -d link show`) and the LLDP neighbors; then, for each
physical-looking interface, the link settings, the module EEPROM/DOM, the NIC counters and the
FEC statistics.
"""

from __future__ import annotations

import re

from netdiag.platforms import Platform, register

# interfaces that carry no cable: software devices a GPU host commonly has
_VIRTUAL = re.compile(
    r"^(lo|docker\d*|veth.*|br-.*|br\d+|virbr.*|cali.*|cilium.*|flannel.*|cni\d*|vxlan.*|geneve.*|tun\d*|"
    r"tap.*|kube-.*|dummy.*|ib\d+(\.\w+)?|bond\d+|team\d+|wg\d+|nodelocaldns|lxc.*|gre\d*|sit\d*|ip6tnl\d*|"
    r".*\.\d+)$")


def physical_ports(tables: dict) -> list[str]:
    """Interfaces from `ip link` that look like NIC ports (not loopback, bridges, tunnels, VLANs...)."""
    seen = []
    for row in tables.get("ports", []):
        name = row.get("port")
        if name and not _VIRTUAL.match(name) and name not in seen:
            seen.append(name)
    return seen


LINUX = register(Platform(
    name="linux",
    description="Linux host (GPU server): iproute2, ethtool, lldpd",
    discovery=("ip -j -s -d link show", "lldpctl -f json"),
    per_port=("ethtool {port}", "ethtool -m {port}", "ethtool -S {port}", "ethtool -I --show-fec {port}"),
    commands=(
        (r"ip (?:-\S+ )*(?:-j|-json|--json)(?: -\S+)* link(?: show)?(?: dev)?(?: \S+)?", "ip-link-json"),
        (r"grep -H \. /sys/class/net/\S+", "sysfs-net"),
        (r"(?:lldpctl|lldpcli) (?:show neighbors )?-f json0(?: show neighbors)?(?: details)?", "lldpctl-json0"),
        (r"(?:lldpctl|lldpcli) (?:show neighbors )?-f json(?: show neighbors)?(?: details)?", "lldpctl-json"),
        (r"(?:lldpctl|lldpcli) (?:show neighbors )?-f keyvalue(?: show neighbors)?(?: details)?", "lldpctl-keyvalue"),
        (r"(?:lldpctl|lldpcli show neighbors)(?: details)?", "lldpctl-text"),
        (r"ethtool (?:-m|--module-info|--dump-module-eeprom) (?P<port>\S+)", "ethtool-module"),
        (r"ethtool (?:-S|--statistics)(?: --all-groups| --groups \S+)? (?P<port>\S+)", "ethtool-stats"),
        (r"ethtool (?:-I |--include-statistics )?(?:--show-fec) (?P<port>\S+)", "ethtool-fec"),
        (r"ethtool (?P<port>[^-\s]\S*)", "ethtool-link"),
        (r"mlxlink -d (?P<port>\S+)(?: .*)?", "mlxlink"),
        (r"ibstat(?: .*)?", "ibstat"),
    ),
    ports_from=physical_ports,
))

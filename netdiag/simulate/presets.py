"""Fabric presets for the simulator: the shapes large AI clusters are built in (docs/fabrics.md).

Each plane is a two-tier leaf/spine fabric sized from the switch radix: a leaf gives half its
logical ports to hosts and half to spines; hosts are rail-optimized (NIC i of the nodes of a group
lands on that group's leaf i); spines are as many as the leaves' uplinks need.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    gpus_per_node: int
    nodes_per_rack: int
    nics_per_node: int
    planes: int               # ports per NIC, each in its own plane
    port_gbps: float          # host and fabric link speed
    lanes_per_port: int       # electrical lanes per logical port
    leaf_ports: int           # logical ports per switch (after splits)
    ports_per_cage: int       # logical ports per switch cage: 2 = twin-port module / 2x split
    host_media: str           # host-leaf: dac | acc | aoc | fiber
    fabric_media: str         # leaf-spine
    host_breakout: bool       # a leaf cage reaches `ports_per_cage` hosts through one breakout harness
    switch_platform: str      # sonic | cumulus | eos | ib (ibdiagnet directory)
    host_platform: str        # linux | ib-host
    racks_per_row: int = 8
    block_racks: int = 0      # NVL72: a rack is one NVLink domain (Slurm block)
    host_twin_nics: bool = False   # one twin-port module per pair of NICs (DGX-style OSFP spanning two HCAs)
    host_port_names: str = "pci"   # pci (ens1f0np0, mlx5_0/1) | custom (rail0p0: the name tells nothing)


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("hgx-rail", "HGX nodes, 8 GPUs and 8 NICs each, rail-optimized, 1 plane, SONiC leaves with "
           "twin-port 2x400G cages", gpus_per_node=8, nodes_per_rack=4, nics_per_node=8, planes=1,
           port_gbps=400, lanes_per_port=4, leaf_ports=64, ports_per_cage=2, host_media="fiber",
           fabric_media="fiber", host_breakout=False, switch_platform="sonic", host_platform="linux"),
    Preset("gb200-nvl72", "GB200 NVL72 racks (18 trays x 4 GPUs, one 400G NIC per GPU), 1 plane, "
           "Cumulus leaves, AOC to the hosts", gpus_per_node=4, nodes_per_rack=18, nics_per_node=4, planes=1,
           port_gbps=400, lanes_per_port=4, leaf_ports=64, ports_per_cage=2, host_media="aoc",
           fabric_media="fiber", host_breakout=False, switch_platform="cumulus", host_platform="linux",
           block_racks=1),
    Preset("gb300-dual-plane", "GB300 NVL72 racks, one CX-8 NIC per GPU split into 2 planes of 400G, "
           "EOS leaves", gpus_per_node=4, nodes_per_rack=18, nics_per_node=4, planes=2, port_gbps=400,
           lanes_per_port=4, leaf_ports=64, ports_per_cage=2, host_media="fiber", fabric_media="fiber",
           host_breakout=False, switch_platform="eos", host_platform="linux", block_racks=1),
    Preset("b300-quad-plane", "B300 nodes, 8 GPUs with a CX-8 NIC each split into 4 planes of 200G, "
           "SONiC leaves whose 800G cages break out to 4 hosts over DAC harnesses", gpus_per_node=8,
           nodes_per_rack=4, nics_per_node=8, planes=4, port_gbps=200, lanes_per_port=2, leaf_ports=128,
           ports_per_cage=4, host_media="dac", fabric_media="fiber", host_breakout=True,
           switch_platform="sonic", host_platform="linux"),
    Preset("ib-ndr", "HGX nodes on an NDR InfiniBand fabric (QM9700, twin-port OSFP), read from an "
           "ibdiagnet directory", gpus_per_node=8, nodes_per_rack=4, nics_per_node=8, planes=1,
           port_gbps=400, lanes_per_port=4, leaf_ports=64, ports_per_cage=2, host_media="fiber",
           fabric_media="fiber", host_breakout=False, switch_platform="ib", host_platform="ib-host"),
    Preset("dgx-twin-osfp", "HGX nodes whose twin-port OSFP modules each serve two HCAs (one serial on "
           "two NIC ports) on an NDR InfiniBand fabric", gpus_per_node=8, nodes_per_rack=4, nics_per_node=8,
           planes=1, port_gbps=400, lanes_per_port=4, leaf_ports=64, ports_per_cage=2, host_media="fiber",
           fabric_media="fiber", host_breakout=False, switch_platform="ib", host_platform="ib-host",
           host_twin_nics=True),
    Preset("custom-names", "Dual-port NICs, one module per port, 2 planes, interfaces renamed by udev "
           "(rail0p0, rail0p1: names say nothing about NIC or cage), Cumulus leaves", gpus_per_node=8,
           nodes_per_rack=4, nics_per_node=8, planes=2, port_gbps=400, lanes_per_port=4, leaf_ports=64,
           ports_per_cage=2, host_media="fiber", fabric_media="fiber", host_breakout=False,
           switch_platform="cumulus", host_platform="linux", host_port_names="custom"),
)}


def get(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}") from None

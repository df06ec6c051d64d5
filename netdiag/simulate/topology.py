"""Build a multi-plane fabric: devices with locations, and the cables of the plan (vectorised).

Per plane: hosts -> rail leaves -> spines, two tiers sized from the switch radix (presets.py).
The result is the *plan*; cabling faults (miswires.py) change what is physically there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netdiag.simulate.presets import Preset

#: switch port names by platform, from (cage, sub-port, ports per cage)
_LANES_PER_CAGE = 8


def switch_port_names(platform: str, cage: np.ndarray, sub: np.ndarray, ppc: int) -> list[str]:
    """Logical port names as each switch OS names them (cage and sub-port from 0)."""
    step = _LANES_PER_CAGE // ppc
    if platform == "sonic":
        return [f"Ethernet{c * _LANES_PER_CAGE + s * step}" for c, s in zip(cage.tolist(), sub.tolist())]
    if platform == "cumulus":
        if ppc == 1:
            return [f"swp{c + 1}" for c in cage.tolist()]
        return [f"swp{c + 1}s{s}" for c, s in zip(cage.tolist(), sub.tolist())]
    if platform == "eos":
        return [f"Ethernet{c + 1}/{s * step + 1}" for c, s in zip(cage.tolist(), sub.tolist())]
    if platform == "ib":
        return [str(c * ppc + s + 1) for c, s in zip(cage.tolist(), sub.tolist())]
    if platform in _CLI_SWITCH_NAMES:  # nxos / iosxe / junos: a split cage's ports are its sub-ports
        base, sep = _CLI_SWITCH_NAMES[platform]
        if ppc == 1:
            return [f"{base}{c + 1 - (platform == 'junos')}" for c in cage.tolist()]
        return [f"{base}{c + 1 - (platform == 'junos')}{sep}{s + (platform != 'junos')}"
                for c, s in zip(cage.tolist(), sub.tolist())]
    raise ValueError(f"no port naming for switch platform {platform!r}")


#: NX-OS Ethernet1/N[/M], IOS-XE FourHundredGigE1/0/N[/M], Junos et-0/0/N[:M] (N from 0 on Junos)
_CLI_SWITCH_NAMES = {"nxos": ("Ethernet1/", "/"), "iosxe": ("FourHundredGigE1/0/", "/"), "junos": ("et-0/0/", ":")}


def switch_cage_names(platform: str, cage: np.ndarray) -> list[str]:
    """The physical cage as a ref (`DEVICE:CAGE` in findings): the first logical port's base name."""
    if platform == "sonic":
        return [f"Ethernet{c * _LANES_PER_CAGE}" for c in cage.tolist()]
    if platform == "cumulus":
        return [f"swp{c + 1}" for c in cage.tolist()]
    if platform == "eos":
        return [f"Ethernet{c + 1}" for c in cage.tolist()]
    if platform in _CLI_SWITCH_NAMES:
        base, _sep = _CLI_SWITCH_NAMES[platform]
        return [f"{base}{c + 1 - (platform == 'junos')}" for c in cage.tolist()]
    return [f"cage{c + 1}" for c in cage.tolist()]


def host_port_names(platform: str, nic: np.ndarray, plane: np.ndarray, planes: int) -> list[str]:
    if platform == "ib-host":
        return [f"mlx5_{n * planes + p}/1" for n, p in zip(nic.tolist(), plane.tolist())]
    if planes == 1:
        return [f"ens{n + 1}np0" for n in nic.tolist()]
    return [f"ens{n + 1}f{p}np{p}" for n, p in zip(nic.tolist(), plane.tolist())]


def host_nic_names(platform: str, nic: np.ndarray, planes: int) -> list[str]:
    """The NIC (PCI device / first HCA) a host port belongs to, as the simulator built it."""
    if platform == "ib-host":
        return [f"mlx5_{n * planes}" for n in nic.tolist()]
    return [f"ens{n + 1}" for n in nic.tolist()]


def host_cage_names(ports: list[str], nic: np.ndarray, plane: np.ndarray, twin_nics: bool) -> list[str]:
    """The module slot of each host port: its own cage, or with `twin_nics` one twin-port cage per
    pair of NICs (NIC 2k and 2k+1, same plane), named after the port of NIC 2k."""
    if not twin_nics:
        return list(ports)
    first = {(int(n), int(p)): port for port, n, p in zip(ports, nic.tolist(), plane.tolist())}
    return [first.get((int(n) - int(n) % 2, int(p)), port) for port, n, p in zip(ports, nic.tolist(), plane.tolist())]


@dataclass
class Topology:
    preset: Preset
    devices: pd.DataFrame   # devices.csv columns
    cables: pd.DataFrame    # cabling.csv columns + tier, a_cage, b_cage, lanes, speed_gbps
    nodes: int


def _leaf_platform(p: Preset) -> str:
    return "ibdiagnet" if p.switch_platform == "ib" else p.switch_platform


def build(preset: Preset, gpus: int) -> Topology:
    """The planned fabric for `gpus` GPUs (rounded up to whole nodes)."""
    p = preset
    nodes = max(1, math.ceil(gpus / p.gpus_per_node))
    down = p.leaf_ports // 2                      # leaf ports facing hosts
    up = p.leaf_ports - down                      # leaf ports facing spines
    per_leaf = down - p.ports_per_cage            # hosts per leaf: one cage kept spare for repairs
    groups = math.ceil(nodes / per_leaf)          # rail groups: `per_leaf` nodes share a set of rail leaves
    leaves_per_plane = groups * p.nics_per_node
    spines_per_plane = max(1, math.ceil(leaves_per_plane * up / p.leaf_ports))

    # --- devices -------------------------------------------------------------------------------
    n = np.arange(nodes)
    rack = n // p.nodes_per_rack
    slot = n % p.nodes_per_rack
    host_names = [f"gpu-r{r + 1:04d}-n{s + 1:02d}" for r, s in zip(rack.tolist(), slot.tolist())]
    host_row = rack // p.racks_per_row
    hosts = pd.DataFrame({
        "name": host_names, "platform": p.host_platform,
        "address": [f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}" for i in n.tolist()],
        "role": "gpu_host", "plane": "", "site": "dc1", "hall": "A",
        "row": [f"{r + 1:02d}" for r in host_row.tolist()], "rack": [f"r{r + 1:04d}" for r in rack.tolist()],
        "u": [str(40 - 2 * s) for s in slot.tolist()],
    })
    planes = np.arange(p.planes)
    leaf_idx = np.arange(leaves_per_plane)
    lp, li = np.meshgrid(planes, leaf_idx, indexing="ij")
    lp, li = lp.ravel(), li.ravel()
    leaf_group = li // p.nics_per_node
    leaf_row = (np.minimum(leaf_group * per_leaf, nodes - 1) // p.nodes_per_rack) // p.racks_per_row
    leaf_names = [f"leaf-p{a}-{b:04d}" for a, b in zip(lp.tolist(), li.tolist())]
    swp = _leaf_platform(p)
    leaves = pd.DataFrame({
        "name": leaf_names, "platform": swp,
        "address": [f"10.200.{a}.{b % 250 + 1}" for a, b in zip(lp.tolist(), li.tolist())],
        "role": "leaf", "plane": [str(x) for x in lp.tolist()], "site": "dc1", "hall": "A",
        "row": [f"{r + 1:02d}" for r in leaf_row.tolist()],
        "rack": [f"net-{r + 1:02d}-p{a}" for r, a in zip(leaf_row.tolist(), lp.tolist())],
        "u": [str(42 - (b % p.nics_per_node) * 2) for b in li.tolist()],
    })
    sp, si = np.meshgrid(planes, np.arange(spines_per_plane), indexing="ij")
    sp, si = sp.ravel(), si.ravel()
    spine_names = [f"spine-p{a}-{b:03d}" for a, b in zip(sp.tolist(), si.tolist())]
    spines = pd.DataFrame({
        "name": spine_names, "platform": swp,
        "address": [f"10.201.{a}.{b % 250 + 1}" for a, b in zip(sp.tolist(), si.tolist())],
        "role": "spine", "plane": [str(x) for x in sp.tolist()], "site": "dc1", "hall": "A", "row": "SP",
        "rack": [f"spine-p{a}-{b // 8:02d}" for a, b in zip(sp.tolist(), si.tolist())],
        "u": [str(42 - (b % 8) * 4) for b in si.tolist()],
    })
    devices = pd.concat([hosts, leaves, spines], ignore_index=True)

    # --- host <-> leaf cables ------------------------------------------------------------------
    hn, hnic, hpl = (a.ravel() for a in np.meshgrid(n, np.arange(p.nics_per_node), planes, indexing="ij"))
    group = hn // per_leaf
    leaf_local = group * p.nics_per_node + hnic
    leaf_global = hpl * leaves_per_plane + leaf_local
    down_idx = hn % per_leaf
    cage = down_idx // p.ports_per_cage
    sub = down_idx % p.ports_per_cage
    h_ports = host_port_names(p.host_platform, hnic, hpl, p.planes)
    if p.host_port_names == "custom":   # names that say nothing about NIC or cage: rail<nic>p<plane>
        h_ports = [f"rail{n}p{q}" for n, q in zip(hnic.tolist(), hpl.tolist())]
    l_names = np.array(leaf_names, dtype=object)[leaf_global]
    l_ports = switch_port_names(p.switch_platform, cage, sub, p.ports_per_cage)
    l_cages = switch_cage_names(p.switch_platform, cage)
    h_names = np.array(host_names, dtype=object)[hn]
    if p.host_breakout:
        # one harness per leaf cage: legs C<harness>.1 ... .N (docs/inventory.md)
        harness = leaf_global * (down // p.ports_per_cage) + cage
        host_ids = [f"H{h:07d}.{s + 1}" for h, s in zip(harness.tolist(), sub.tolist())]
        harness_ids = [f"H{h:07d}" for h in harness.tolist()]
    else:
        host_ids = [f"H{i:07d}" for i in range(len(hn))]
        harness_ids = [None] * len(hn)
    if p.host_media == "dac":
        h_len = 1.0 + (hn % 3).astype(float)
    else:
        h_len = 5.0 + (hn % p.nodes_per_rack).astype(float) * 2.0
    host_cables = pd.DataFrame({
        "cable_id": host_ids, "a_device": h_names, "a_port": h_ports, "b_device": l_names, "b_port": l_ports,
        "media": p.host_media, "length_m": h_len, "plane": [str(x) for x in hpl.tolist()], "path": "",
        "tier": "host", "a_cage": host_cage_names(h_ports, hnic, hpl, p.host_twin_nics), "b_cage": l_cages,
        "a_nic": host_nic_names(p.host_platform, hnic, p.planes), "harness": harness_ids,
        "lanes": p.lanes_per_port, "speed_gbps": float(p.port_gbps),
    })

    # --- leaf <-> spine cables -----------------------------------------------------------------
    fl, fu = (a.ravel() for a in np.meshgrid(np.arange(len(leaf_names)), np.arange(up), indexing="ij"))
    fplane = lp[fl]
    local_leaf = li[fl]
    g = local_leaf * up + fu                       # uplink number within the plane
    spine_local = g % spines_per_plane
    spine_port = g // spines_per_plane
    spine_global = fplane * spines_per_plane + spine_local
    up_idx = down + fu
    f_cage, f_sub = up_idx // p.ports_per_cage, up_idx % p.ports_per_cage
    s_cage, s_sub = spine_port // p.ports_per_cage, spine_port % p.ports_per_cage
    f_row = leaf_row[fl]
    panel = g // 48
    fabric = pd.DataFrame({
        "cable_id": [f"F{i:07d}" for i in range(len(fl))],
        "a_device": np.array(leaf_names, dtype=object)[fl],
        "a_port": switch_port_names(p.switch_platform, f_cage, f_sub, p.ports_per_cage),
        "b_device": np.array(spine_names, dtype=object)[spine_global],
        "b_port": switch_port_names(p.switch_platform, s_cage, s_sub, p.ports_per_cage),
        "media": p.fabric_media, "length_m": 40.0 + (f_row % 10).astype(float) * 8.0,
        "plane": [str(x) for x in fplane.tolist()],
        # inter-row runs pass a row panel and a spine-row panel
        "path": [f"pp-{r + 1:02d}-p{a}-{k:03d}:{q + 1};pp-sp-p{a}-{k:03d}:{q + 1}"
                 for r, a, k, q in zip(f_row.tolist(), fplane.tolist(), panel.tolist(), (g % 48).tolist())],
        "tier": "fabric", "a_cage": switch_cage_names(p.switch_platform, f_cage),
        "b_cage": switch_cage_names(p.switch_platform, s_cage),
        "lanes": p.lanes_per_port, "speed_gbps": float(p.port_gbps),
    })
    cables = pd.concat([host_cables, fabric], ignore_index=True)
    return Topology(p, devices, cables, nodes)

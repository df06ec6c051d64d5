"""Fabric shapes: rail-optimised multi-plane fabrics of GPU hosts, leaves and spines.

Every shape is a function of (gpus, rng) returning a :class:`Fabric`. A GPU has one NIC; the
NIC's ports go to different planes (port p -> plane p), rail i of every host to the same leaf
of each plane (rails grouped by ``rails_per_leaf``); leaves of a plane meet at that plane's spines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from benchmarks.scenarios.fabric import Device, End, Link, Module, fresh_optics, thresholds_for


@dataclass
class Fabric:
    shape: str
    planes: int
    devices: dict = field(default_factory=dict)   # name -> Device
    links: list = field(default_factory=list)
    noise: dict = field(default_factory=dict)      # cable_id -> {noise kind, ...} applied to that link
    suite: str = "v1"       # v2: dense faults (several on one device/leaf/host/link), more classes and noise
    focus: list = field(default_factory=list)      # v2: devices earlier faults touched (later ones crowd there)
    errs: dict = field(default_factory=dict)       # v2: device -> ports of it receiving errors from faults

    def mark(self, cable_id: str, kind: str) -> None:
        self.noise.setdefault(cable_id, set()).add(kind)

    def link_of(self, device: str, port: str) -> Link:
        for link in self.links:
            if (link.a.device, link.a.port) == (device, port) or (link.b.device, link.b.port) == (device, port):
                return link
        raise KeyError((device, port))


_VENDORS = {
    ("fiber", "OSFP", 4): ("NVIDIA", "MMS4X00-NS400", "1310 nm EML"),
    ("fiber", "OSFP", 8): ("NVIDIA", "MMS4X00-NM", "1310 nm EML"),
    ("fiber", "QSFP-DD", 4): ("INNOLIGHT", "T-DP4CNT-NCI", "1310 nm EML"),
    ("fiber", "QSFP56", 4): ("FINISAR CORP.", "FTCD4323E2PCL", "850 nm VCSEL"),
    ("aoc", "OSFP", 4): ("NVIDIA", "MFA7U10-H003", "850 nm VCSEL"),
    ("aoc", "QSFP56", 4): ("Mellanox", "MFS1S00-V003E", "850 nm VCSEL"),
    ("dac", "OSFP", 4): ("NVIDIA", "MCP4Y10-N001", "Copper cable, unequalized"),
    ("dac", "QSFP56", 4): ("Mellanox", "MCP1650-V001E30", "Copper cable, unequalized"),
}


class _Serials:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def new(self, vendor: str) -> str:
        while True:
            if vendor in ("NVIDIA", "Mellanox"):
                s = f"MT{self.rng.randint(2101, 2452)}FT{self.rng.randint(0, 99999):05d}"
            elif vendor == "INNOLIGHT":
                s = f"INKB{self.rng.choice('CDEFG')}{self.rng.randint(0, 9999999):07d}"
            else:
                s = f"X{self.rng.choice('ABCDEFGH')}{self.rng.randint(0, 99999):05d}{self.rng.choice('ABCD')}"
            if s not in self.used:
                self.used.add(s)
                return s


def _module(kind: str, identifier: str, media_lanes: int, serials: _Serials, serial: str | None = None,
            length_m: float = 0.0, cage: str | None = None) -> Module:
    vendor, pn, tech = _VENDORS[(kind, identifier, media_lanes if kind == "fiber" else 4)]
    bank = 4 if identifier == "QSFP56" else 8
    return Module(kind=kind, identifier=identifier, vendor=vendor, part_number=pn,
                  serial=serial or serials.new(vendor), media_lanes=media_lanes if kind != "dac" else 0,
                  bank_lanes=bank, technology=tech, length_m=length_m,
                  thresholds=None if kind == "dac" else thresholds_for(kind), cage=cage)


def _mac(rng: random.Random, oui: str = "b8:3f:d2") -> str:
    return oui + ":" + ":".join(f"{rng.randint(0, 255):02x}" for _ in range(3))


@dataclass
class ShapeSpec:
    name: str
    planes: int
    gpus_per_host: int
    host_speed: int            # Gb/s per host port
    host_identifier: str       # module form factor on hosts and leaf downlinks
    rails_per_leaf: int
    spines_per_plane: int
    uplinks_per_spine: int
    host_names: str = "ens"    # ens | custom
    twin_port: bool = False    # host OSFP cages carry two NIC ports (of two NICs)
    breakout: bool = False     # leaf 800G cages split into 2 x 400G towards two hosts
    spine_platform: str = "sonic"   # sonic | eos | cumulus
    leaf_platform: str = "sonic"    # sonic | cumulus | eos | mixed (sonic, cumulus, eos in turn per leaf)


SHAPES = {
    "2plane": ShapeSpec("2plane", 2, 8, 400, "OSFP", 4, 2, 2),
    "2plane-custom": ShapeSpec("2plane-custom", 2, 8, 400, "OSFP", 4, 2, 2, host_names="custom",
                               spine_platform="eos"),
    "2plane-twin": ShapeSpec("2plane-twin", 2, 8, 400, "OSFP", 4, 2, 2, twin_port=True),
    "2plane-breakout": ShapeSpec("2plane-breakout", 2, 8, 400, "OSFP", 4, 2, 2, breakout=True),
    "4plane-breakout": ShapeSpec("4plane-breakout", 4, 4, 400, "OSFP", 2, 2, 2, breakout=True),
    "2plane-nvue": ShapeSpec("2plane-nvue", 2, 8, 400, "OSFP", 4, 2, 2, leaf_platform="cumulus", breakout=True),
    "4plane-nvue": ShapeSpec("4plane-nvue", 4, 8, 200, "QSFP56", 4, 2, 2, leaf_platform="cumulus",
                             spine_platform="eos"),
    "4plane": ShapeSpec("4plane", 4, 8, 200, "QSFP56", 4, 2, 2, spine_platform="eos"),
    "4plane-custom": ShapeSpec("4plane-custom", 4, 4, 200, "QSFP56", 2, 2, 2, host_names="custom"),
    # suite v2 shapes: more plane counts and platform mixes
    "8plane": ShapeSpec("8plane", 8, 4, 200, "QSFP56", 4, 2, 2, spine_platform="cumulus"),
    "3plane-eos": ShapeSpec("3plane-eos", 3, 8, 400, "OSFP", 4, 2, 2, leaf_platform="eos",
                            spine_platform="cumulus"),
    "4plane-mixed": ShapeSpec("4plane-mixed", 4, 8, 200, "QSFP56", 4, 2, 2, leaf_platform="mixed"),
    "2plane-mixed": ShapeSpec("2plane-mixed", 2, 8, 400, "OSFP", 4, 2, 2, leaf_platform="mixed",
                              spine_platform="eos"),
}

#: leaf platforms of a `mixed` shape, in turn by leaf number
MIXED_LEAVES = ["sonic", "cumulus", "eos"]


def _host_port(spec: ShapeSpec, nic: int, port: int) -> str:
    if spec.host_names == "custom":
        return f"rail{nic}p{port}"
    return f"ens{nic + 1}f{port}np{port}"


def build(shape: str, gpus: int, rng: random.Random) -> Fabric:
    """A fault-free fabric of the given shape with about `gpus` GPUs (rounded to whole hosts)."""
    spec = SHAPES[shape]
    hosts = max(2, gpus // spec.gpus_per_host)
    fab = Fabric(shape=shape, planes=spec.planes)
    serials = _Serials(rng)
    groups = -(-spec.gpus_per_host // spec.rails_per_leaf)     # rail groups: leaves per pod and plane
    hosts_per_pod = max(1, 32 // spec.rails_per_leaf)          # 32 downlinks per leaf
    pods = -(-hosts // hosts_per_pod)
    lanes_host = 4
    # -- switches
    for p in range(spec.planes):
        for k in range(pods * groups):
            name = f"leaf-p{p}-{k + 1:02d}"
            platform = MIXED_LEAVES[(k + p) % 3] if spec.leaf_platform == "mixed" else spec.leaf_platform
            fab.devices[name] = Device(name, platform, "leaf", plane=str(p), row="90",
                                       rack=f"n{90 + p:02d}",
                                       u=40 - 2 * k, address=f"10.20.{p}.{k + 1}",
                                       uptime_days=rng.uniform(60, 400))
        for k in range(spec.spines_per_plane):
            name = f"spine-p{p}-{k + 1:02d}"
            fab.devices[name] = Device(name, spec.spine_platform, "spine", plane=str(p), row="91",
                                       rack=f"s{90 + p:02d}",
                                       u=40 - 2 * k, address=f"10.30.{p}.{k + 1}",
                                       uptime_days=rng.uniform(60, 400))
    leaf_next = {n: 0 for n, d in fab.devices.items() if d.role == "leaf"}
    spine_next = {n: 0 for n, d in fab.devices.items() if d.role == "spine"}
    cable_no = [0]
    leaf_modules: dict = {}
    harness_len: dict = {}

    def cid() -> str:
        cable_no[0] += 1
        return f"C{cable_no[0]:04d}"

    def leaf_port(leaf: str) -> tuple[str, str, str | None, int]:
        """Next free downlink on `leaf`: (port, alias, cage, sub-port). SONiC names ports by their first
        SerDes lane (Ethernet0, Ethernet4 on a split cage; alias etp1a/etp1b), Cumulus by cage
        (swp1, or swp1s0/swp1s1 when split), EOS by cage and first lane (Ethernet1/1)."""
        j = leaf_next[leaf]
        leaf_next[leaf] += 1
        nvue = fab.devices[leaf].platform == "cumulus"
        if fab.devices[leaf].platform == "eos":
            return f"Ethernet{j + 1}/1", "", None, 0
        if spec.breakout:
            cage_no, sub = divmod(j, 2)
            if nvue:
                return f"swp{cage_no + 1}s{sub}", "", f"swp{cage_no + 1}", sub
            return f"Ethernet{cage_no * 8 + sub * 4}", f"etp{cage_no + 1}{'ab'[sub]}", f"etp{cage_no + 1}", sub
        if nvue:
            return f"swp{j + 1}", "", None, 0
        return f"Ethernet{j * 8}", f"etp{j + 1}", None, 0

    # -- hosts and their links
    for h in range(hosts):
        rack_no, slot = divmod(h, 4)
        row = f"{rack_no // 2 + 1:02d}"
        name = f"gpu-r{row}-n{h + 1:02d}"
        dev = Device(name, "linux", "gpu_host", row=row, rack=f"r{rack_no + 1:02d}", u=40 - 6 * slot,
                     address=f"10.10.{rack_no}.{slot + 1}", uptime_days=rng.uniform(3, 250))
        fab.devices[name] = dev
        media = rng.choices(["fiber", "aoc", "dac"], weights=[70, 15, 15])[0]
        if spec.twin_port or spec.breakout:
            media = "fiber"
        twin_modules: dict = {}
        for nic in range(spec.gpus_per_host):
            for p in range(spec.planes):
                port = _host_port(spec, nic, p)
                pci = f"0000:{0x18 + nic * 0x10:02x}:00.{p}"
                cage = None
                if spec.twin_port:
                    # cage k carries port p of NICs 2k and 2k+1
                    cage = f"osfp{nic // 2 * spec.planes + p + 1}"
                    if cage not in twin_modules:
                        twin_modules[cage] = _module("fiber", "OSFP", 8, serials, cage=cage)
                    module = twin_modules[cage]
                else:
                    module = _module(media, spec.host_identifier, lanes_host, serials,
                                     length_m=3.0 if media != "fiber" else 0.0)
                end = End(name, port, module, spec.host_speed, lanes_host, mac=_mac(rng), pci=pci,
                          lane_offset=4 * (nic % 2) if spec.twin_port else 0)
                dev.ends[port] = end
                leaf = f"leaf-p{p}-{(h // hosts_per_pod) * groups + nic // spec.rails_per_leaf + 1:02d}"
                lport, alias, lcage, sub = leaf_port(leaf)
                if spec.breakout:
                    # one 800G twin-port module per cage, lanes 1-4 for sub-port a, 5-8 for b
                    key = (leaf, lcage)
                    if key not in leaf_modules:
                        harness = rng.random() < 0.5
                        leaf_modules[key] = (_module("fiber", "OSFP", 8, serials, cage=lcage),
                                             cid() if harness else None)
                    lmod, harness_id = leaf_modules[key]
                elif media == "fiber":
                    lmod, harness_id = _module("fiber", spec.host_identifier, 4, serials), None
                else:
                    lmod, harness_id = _module(media, spec.host_identifier, lanes_host, serials,
                                               serial=module.serial, length_m=3.0), None
                lend = End(leaf, lport, lmod, spec.host_speed, lanes_host, alias=alias, mac=_mac(rng, "1c:34:da"),
                           lane_offset=4 * sub)
                fab.devices[leaf].ends[lport] = lend
                length = {"fiber": rng.choice([5.0, 7.0, 10.0, 15.0]), "aoc": 3.0, "dac": 2.0}[media]
                if harness_id:
                    length = harness_len.setdefault(harness_id, length)
                    link = Link(f"{harness_id}.{sub + 1}", end, lend, media, length, str(p), harness=harness_id)
                else:
                    link = Link(cid(), end, lend, media, length, str(p))
                fab.links.append(link)
    # -- leaf to spine uplinks (800G, 8 lanes, fibre through two patch panels)
    for p in range(spec.planes):
        leaves = sorted(n for n, d in fab.devices.items() if d.role == "leaf" and d.plane == str(p))
        spines = sorted(n for n, d in fab.devices.items() if d.role == "spine" and d.plane == str(p))
        for li, leaf in enumerate(leaves):
            for si, spine in enumerate(spines):
                for u in range(spec.uplinks_per_spine):
                    j = 48 + si * spec.uplinks_per_spine + u
                    lplat = fab.devices[leaf].platform
                    lport = {"cumulus": f"swp{j + 1}", "eos": f"Ethernet{j + 1}/1"}.get(lplat, f"Ethernet{j * 8}")
                    sj = spine_next[spine]
                    spine_next[spine] += 1
                    splat = fab.devices[spine].platform
                    sport = {"cumulus": f"swp{sj + 1}", "eos": f"Ethernet{sj + 1}/1"}.get(splat, f"Ethernet{sj * 8}")
                    a = End(leaf, lport, _module("fiber", "OSFP", 8, serials), 800, 8,
                            alias=f"etp{j + 1}" if lplat == "sonic" else "",
                            mac=_mac(rng, "1c:34:da"))
                    b = End(spine, sport, _module("fiber", "OSFP", 8, serials), 800, 8,
                            alias=f"etp{sj + 1}" if splat == "sonic" else "",
                            mac=_mac(rng, "1c:34:da"))
                    fab.devices[leaf].ends[lport] = a
                    fab.devices[spine].ends[sport] = b
                    pp = sj + 1
                    path = [f"pp-r90-p{p}:{li * 16 + si * spec.uplinks_per_spine + u + 1}",
                            f"pp-r91-p{p}:{pp}"]
                    fab.links.append(Link(cid(), a, b, "fiber", rng.choice([30.0, 50.0, 70.0]), str(p),
                                          path=path))
    # -- initial optics and strand losses
    for dev in fab.devices.values():
        noise_floor = rng.random() < 0.4
        for end in dev.ends.values():
            end.uptime_s = dev.uptime_days * 86400
            fresh_optics(end, rng, tx_dbm_center=0.5 if end.module and end.module.kind == "aoc" else 1.0)
            if noise_floor:
                end.unused_reading_mw = 0.001
    for link in fab.links:
        n = 8
        base = {"fiber": 1.5, "aoc": 1.0, "dac": 0.0}[link.media] + 0.75 * len(link.path)
        link.loss_ab = [base + rng.uniform(0.0, 1.2) for _ in range(n)]
        link.loss_ba = [base + rng.uniform(0.0, 1.2) for _ in range(n)]
    return fab

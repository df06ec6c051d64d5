"""The fabric model of the InfiniBand scenario source: shapes, devices, links and per-end optics.

Written from public knowledge of NDR InfiniBand multi-rail fabrics, not from netdiag's code:

* GPU hosts (HGX class): 8 single-port ConnectX-7 HCAs ``mlx5_0`` .. ``mlx5_7`` (``ibstat`` CA
  type MT4129), each with a 400G OSFP SR4 flat-top module (4 lanes of 100G PAM4, 850 nm VCSEL).
  HCA *k* serves plane ``k % planes`` and rail ``k // planes`` of that plane.
* Switches: Quantum-2 QM9700 (64 NDR ports in 32 twin-port OSFP cages: ports 2c-1 and 2c share
  cage c and one 2x400G SR8 module; the module's lanes 1-4 serve the odd port, 5-8 the even one).
  Each plane is its own subnet: rail leaves (host ports from 1 up, uplinks from 33 up) and spines.
* One fabric-manager host per plane (``ufm-pN``, platform ``ibdiagnet``) runs ibdiagnet on its
  plane; its own HCA is cabled to the last port of the plane's first spine.

Optics: healthy Tx per lane about 0 dBm (sigma 0.6, within -2.5..+1.5), link loss 0.8-2.0 dB per strand for the
short multimode runs, bias 6.5-8.5 mA, module temperature 38-58 C. Pre-FEC BER of a healthy NDR
lane 1e-11 .. 1e-8 (RS(544,514) corrects up to ~2.4e-4), post-FEC errors 0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

LANES = 4
NOISE_FLOOR_DBM = -40.0

#: host OSFP SR4 thresholds (mlxlink prints the module's alarm range in brackets)
HOST_MODULE = {"vendor": "NVIDIA", "pn": "MMA4Z00-NS400", "identifier": "OSFP", "lanes": 4, "compliance": "400GBASE-SR4",
               "rx_lo": -9.4, "rx_hi": 5.0, "tx_lo": -7.3, "tx_hi": 5.0, "bias_lo": 3.0, "bias_hi": 12.0,
               "temp_lo": -5, "temp_hi": 75}
#: host twin-port OSFP 2x400G SR8 (finned top) serving two HCAs
HOST_TWIN_MODULE = {"vendor": "NVIDIA", "pn": "MMA4Z00-NS-FLT", "identifier": "OSFP", "lanes": 8, "compliance": "800G-SR8",
                    "rx_lo": -10.0, "rx_hi": 4.0, "tx_lo": -7.0, "tx_hi": 4.0, "bias_lo": 3.0, "bias_hi": 13.0,
                    "temp_lo": -5, "temp_hi": 80}
#: switch twin-port OSFP 2x400G SR8 (ibdiagnet2.cables prints thresholds as raw register values:
#: power as signed whole dBm, bias in 2 uA units)
SWITCH_MODULE = {"vendor": "NVIDIA", "pn": "MMA4Z00-NS", "identifier": "OSFP", "lanes": 8,
                 "rx_lo": -10.0, "rx_hi": 4.0, "tx_lo": -7.0, "tx_hi": 4.0, "bias_lo": 3.0, "bias_hi": 13.0,
                 "temp_lo": -5, "temp_hi": 80}

#: shape name -> parameters
SHAPES = {
    "ib2-ndr": {"planes": 2, "spines": 2, "su": 8, "gpus": 64, "faults": (4, 8)},
    "ib2-ndr-128": {"planes": 2, "spines": 2, "su": 16, "gpus": 128, "faults": (4, 8)},
    "ib4-ndr": {"planes": 4, "spines": 2, "su": 16, "gpus": 128, "faults": (10, 16)},
    "ib4-ndr-256": {"planes": 4, "spines": 4, "su": 16, "gpus": 256, "faults": (10, 16)},
    # DGX-H100-style hosts: one twin-port OSFP (2x400G SR8) serves two HCAs, mlx5_2j and mlx5_2j+1,
    # which sit in different planes; mlxlink on each CA prints the module's serial and its own 4 lanes
    "ib2-dgx": {"planes": 2, "spines": 2, "su": 8, "gpus": 64, "faults": (4, 8), "host_twin": True},
    "ib4-dgx": {"planes": 4, "spines": 2, "su": 16, "gpus": 128, "faults": (10, 16), "host_twin": True},
    # leaf twin-port cages cabled to two hosts by one splitter fibre (harness HARNESS.1 / .2)
    "ib2-split": {"planes": 2, "spines": 2, "su": 8, "gpus": 64, "faults": (4, 8), "split": True},
    "ib4-split": {"planes": 4, "spines": 2, "su": 16, "gpus": 128, "faults": (10, 16), "split": True},
}


@dataclass
class Module:
    serial: str
    spec: dict
    temp: float
    volt_mv: float
    ports: list = field(default_factory=list)      # End objects served (1 on hosts, 1-2 on switches)


@dataclass
class End:
    device: str
    port: str                      # 'mlx5_3/1' on hosts, '7' on switches
    kind: str                      # 'host' | 'switch'
    module: Module | None
    lane_base: int = 0             # 0 or 4: which lanes of the module this port owns
    tx_dbm: list = field(default_factory=list)
    bias_ma: list = field(default_factory=list)
    rx_dbm: list = field(default_factory=lambda: [NOISE_FLOOR_DBM] * LANES)
    rx_los: list = field(default_factory=lambda: [False] * LANES)
    tx_los: list = field(default_factory=lambda: [False] * LANES)
    tx_lol: list = field(default_factory=lambda: [False] * LANES)
    tx_fault: list = field(default_factory=lambda: [False] * LANES)
    raw_ber: list = field(default_factory=list)
    # receive-side extra errors injected by faults (the receiver of this end)
    rx_err: float = 0.0            # >0: this end's receiver sees errors (pre-FEC BER level)
    symbol_errors: int = 0
    rcv_errors: int = 0
    ler: int = 0                   # link error recovery
    link_down: int = 0
    xmit_discards: int = 0
    remote_phys: int = 0           # PortRcvRemotePhysicalErrors: packets marked bad upstream, forwarded here
    tsc_min: float = 0.0           # mlxlink 'Time Since Last Clear [Min]'
    state: str = "Active"          # Active | Down
    phys: str = "LinkUp"           # LinkUp | Polling | Disabled
    width: int = 4
    speed: str = "NDR"
    tx_data: int = 0
    rx_data: int = 0
    tx_pkts: int = 0
    rx_pkts: int = 0
    vanished: bool = False         # the CA is gone from the host (HCA failure)
    err_per_min: float = 0.0       # symbol errors per minute now (an active fault), for ibdiagnet's PM_DELTA
    flaps_per_min: float = 0.0     # link-down events per minute now (a flapping link)
    guid: str = ""                 # port GUID (hosts) / node GUID (switches)
    lid: int = 0


@dataclass
class Link:
    cable_id: str
    a: End                         # host (or leaf for uplinks, ufm host for the manager link)
    b: End                         # leaf (or spine)
    plane: int
    tier: str                      # 'host' | 'uplink' | 'manager'
    loss_ab: list = field(default_factory=list)   # dB per lane, strand a -> b
    loss_ba: list = field(default_factory=list)
    length_m: float = 3.0
    # actual far ends when cabled differently from the plan (miswire / swap)
    actual_b: End | None = None


@dataclass
class Switch:
    name: str
    role: str
    plane: int
    guid: str
    lid: int
    ports: dict = field(default_factory=dict)      # port number (int) -> End
    dark: bool = False                             # powered off (plane event)


@dataclass
class Host:
    name: str
    cas: dict = field(default_factory=dict)        # 'mlx5_3' -> End (its port 1)
    sys_guid: str = ""
    reachable: bool = True
    ufm: int | None = None                         # plane of a fabric-manager host


@dataclass
class Fabric:
    shape: str
    planes: int
    hosts: list
    switches: dict                                 # name -> Switch
    links: list
    spare: dict = field(default_factory=dict)      # switch name -> [spare port numbers with a module]
    rng: random.Random | None = None

    def link_of(self, cable_id: str) -> Link:
        return next(lk for lk in self.links if lk.cable_id == cable_id)

    def ends(self):
        for lk in self.links:
            yield lk.a
            yield lk.b


def _guid(rng: random.Random, prefix: int) -> str:
    return "0x%04x%012x" % (prefix, rng.getrandbits(48))


def _serial(rng: random.Random, kind: str) -> str:
    if kind == "host":
        return "MT%02d%02dFT%05d" % (rng.randint(22, 25), rng.randint(1, 52), rng.randint(0, 99999))
    return "MT%02d%02dFT%05d" % (rng.randint(22, 25), rng.randint(1, 52), rng.randint(0, 99999))


def _healthy_optics(rng: random.Random, end: End):
    spec = end.module.spec
    end.tx_dbm = [round(min(max(rng.gauss(0.0, 0.6), -2.5), 1.5), 2) for _ in range(LANES)]
    end.bias_ma = [round(rng.uniform(6.5, 8.5), 3) for _ in range(LANES)]
    end.raw_ber = [10 ** rng.uniform(-11, -8) for _ in range(LANES)]
    end.tsc_min = round(rng.uniform(20000, 400000), 1)
    days = end.tsc_min / 1440.0
    pkts = int(days * rng.uniform(2e8, 2e9))
    end.tx_pkts, end.rx_pkts = pkts, int(pkts * rng.uniform(0.9, 1.1))
    end.tx_data = int(end.tx_pkts * rng.uniform(200, 1000))       # 4-byte words
    end.rx_data = int(end.rx_pkts * rng.uniform(200, 1000))


def build(shape: str, rng: random.Random, gpus: int | None = None) -> Fabric:
    p = SHAPES[shape]
    planes, su, nsp = p["planes"], p["su"], p["spines"]
    nodes = (gpus or p["gpus"]) // 8
    rails = 8 // planes
    n_su = (nodes + su - 1) // su
    switches: dict[str, Switch] = {}
    hosts: list[Host] = []
    links: list[Link] = []
    lid = [1]

    def nxt_lid():
        lid[0] += 1
        return lid[0]

    def mk_switch(name, role, plane):
        sw = Switch(name, role, plane, _guid(rng, 0xb0cf if rng.random() < .5 else 0xfc6a), nxt_lid())
        switches[name] = sw
        return sw

    def switch_end(sw: Switch, num: int, module: Module | None) -> End:
        e = End(sw.name, str(num), "switch", module, lane_base=0 if num % 2 else 4, guid=sw.guid, lid=sw.lid)
        sw.ports[num] = e
        if module is not None:
            module.ports.append(e)
        return e

    cage_modules: dict[tuple[str, int], Module] = {}

    def cage_module(sw: Switch, num: int) -> Module:
        cage = (num + 1) // 2
        key = (sw.name, cage)
        if key not in cage_modules:
            cage_modules[key] = Module(_serial(rng, "switch"), SWITCH_MODULE, round(rng.uniform(38, 58), 1),
                                       round(rng.uniform(3260, 3340), 1))
        return cage_modules[key]

    for pl in range(planes):
        for s in range(nsp):
            mk_switch(f"ib-p{pl}-spine{s + 1:02d}", "spine", pl)
        for u in range(n_su):
            for r in range(rails):
                mk_switch(f"ib-p{pl}-su{u + 1}-leaf{r + 1:02d}", "leaf", pl)
    for n in range(nodes):
        h = Host(f"gpu-n{n + 1:03d}", sys_guid=_guid(rng, 0x5c25))
        hosts.append(h)
        u, slot = divmod(n, su)
        mod = None
        for k in range(8):
            pl, r = k % planes, k // planes
            ca = f"mlx5_{k}"
            if not p.get("host_twin") or k % 2 == 0:
                mod = Module(_serial(rng, "host"), HOST_TWIN_MODULE if p.get("host_twin") else HOST_MODULE,
                             round(rng.uniform(38, 58), 1), round(rng.uniform(3260, 3340), 1))
            he = End(h.name, f"{ca}/1", "host", mod, lane_base=4 * (k % 2) if p.get("host_twin") else 0,
                     guid=_guid(rng, 0x5c25), lid=nxt_lid())
            mod.ports.append(he)
            h.cas[ca] = he
            leaf = switches[f"ib-p{pl}-su{u + 1}-leaf{r + 1:02d}"]
            le = switch_end(leaf, slot + 1, cage_module(leaf, slot + 1))
            if p.get("split"):
                # one splitter fibre per twin cage: legs .1 (odd port) and .2 (even port) to two hosts
                cid = f"IB-P{pl}-{leaf.name[6:]}-H{(slot + 2) // 2:02d}.{1 if slot % 2 == 0 else 2}"
                links.append(Link(cid, he, le, pl, "host", length_m=5))
            else:
                links.append(Link(f"IB-P{pl}-{h.name[4:]}-{k}", he, le, pl, "host", length_m=rng.choice([3, 5, 7])))
    # leaf -> spine uplinks: the leaf's host-port count, spread evenly over the spines
    per_spine = max(1, su // nsp)
    spine_next: dict[str, int] = {}
    for sw in list(switches.values()):
        if sw.role != "leaf":
            continue
        for s in range(nsp):
            sp = switches[f"ib-p{sw.plane}-spine{s + 1:02d}"]
            for j in range(per_spine):
                lnum = 33 + s * per_spine + j
                snum = spine_next.get(sp.name, 1)
                spine_next[sp.name] = snum + 1
                a = switch_end(sw, lnum, cage_module(sw, lnum))
                b = switch_end(sp, snum, cage_module(sp, snum))
                links.append(Link(f"IB-P{sw.plane}-{sw.name[6:]}-U{lnum}", a, b, sw.plane, "uplink",
                                  length_m=rng.choice([20, 30, 40, 50])))
    # fabric manager hosts, one per plane, on the last port of spine01
    for pl in range(planes):
        h = Host(f"ufm-p{pl}", sys_guid=_guid(rng, 0x5c25), ufm=pl)
        hosts.append(h)
        mod = Module(_serial(rng, "host"), HOST_MODULE, round(rng.uniform(38, 50), 1), 3300.0)
        he = End(h.name, "mlx5_0/1", "host", mod, guid=_guid(rng, 0x5c25), lid=nxt_lid())
        mod.ports.append(he)
        h.cas["mlx5_0"] = he
        sp = switches[f"ib-p{pl}-spine01"]
        se = switch_end(sp, 64, cage_module(sp, 64))
        links.append(Link(f"IB-P{pl}-UFM", he, se, pl, "manager", length_m=10))
    fab = Fabric(shape, planes, hosts, switches, links, rng=rng)
    # spare ports with a module in the cage (the free half of a used twin cage, or a pre-populated cage)
    for sw in switches.values():
        used = set(sw.ports)
        if sw.role == "leaf":
            top = max(n for n in used if n < 33)
            spare = [top + 1] if top % 2 == 1 else [top + 1, top + 2]
            fab.spare[sw.name] = [n for n in spare if n < 33]
    for lk in links:
        for e in (lk.a, lk.b):
            _healthy_optics(rng, e)
        lk.loss_ab = [round(rng.uniform(0.8, 2.0), 2) for _ in range(LANES)]
        lk.loss_ba = [round(rng.uniform(0.8, 2.0), 2) for _ in range(LANES)]
        # both ends of a link count the same link-down events and were cleared at the same time-ish
        lk.b.tsc_min = lk.a.tsc_min + round(rng.uniform(-5, 5), 1)
    return fab


def apply_physics(fab: Fabric, rng: random.Random):
    """Received power, LOS flags, link state and error counters from what the faults set."""
    for lk in fab.links:
        b = lk.actual_b or lk.b
        for src, dst, loss in ((lk.a, b, lk.loss_ab), (b, lk.a, lk.loss_ba)):
            for i in range(LANES):
                if dst.module is None:
                    continue
                t = src.tx_dbm[i] if src.module is not None and not src.vanished else NOISE_FLOOR_DBM
                rx = t - loss[i]
                if rx < -30:
                    rx = round(rng.uniform(-40.0, -33.0), 2)
                    dst.rx_los[i] = True
                dst.rx_dbm[i] = round(rx, 2)
    for e in fab.ends():
        _errors(e, rng)


def _errors(e: End, rng: random.Random):
    """Pre-FEC BER per lane from Rx margin and injected receiver faults; post-FEC counters."""
    if e.module is None or e.vanished:
        return
    spec = e.module.spec
    worst = 0.0
    for i in range(LANES):
        margin = e.rx_dbm[i] - spec["rx_lo"]
        if e.rx_los[i]:
            continue
        if margin < 1.5:       # close to or under the receiver's low alarm: pre-FEC BER climbs ~0.6 decade/dB
            e.raw_ber[i] = max(e.raw_ber[i], min(2e-4, 10 ** (-6.5 - margin * 0.6)))
        worst = max(worst, e.raw_ber[i])
    if e.rx_err:
        for i in range(LANES):
            e.raw_ber[i] = max(e.raw_ber[i], e.rx_err * rng.uniform(0.3, 1.0))
        worst = max(worst, e.rx_err)
    if e.state == "Active" and worst > 5e-6:
        # post-FEC symbol errors: uncorrectable codewords once the pre-FEC BER nears the RS limit
        minutes = min(e.tsc_min, rng.uniform(60, 2880))   # the fault began recently
        rate = worst * 106.25e9 * 60 * 1e-6               # per minute, a small share uncorrectable
        e.symbol_errors += int(rate * minutes * rng.uniform(0.5, 1.5)) + rng.randint(50, 400)
        e.err_per_min = e.symbol_errors / minutes
        e.rcv_errors += int(e.symbol_errors * rng.uniform(0.3, 0.8))
        e.ler += rng.randint(0, 3)

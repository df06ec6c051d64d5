"""The fabric model of the v3e scenario source: devices, ports, pluggable modules, cables, and the
physics that turns them into what each end reads (optical power, flags, link state, counters).

Written independently of netdiag: nothing here imports netdiag. Units: optical power in dBm, bias in
mA, temperature in degrees C. Every port carries 100G over 4 lanes (QSFP28: SR4 optics, AOC or DAC).

Physics, in short:
* Rx power of lane i at end B = Tx power of lane i at end A - loss of the strand A->B (connectors,
  fibre, patch-panel hops, injected extra loss).
* Pre-FEC BER of a lane from the received power (a receiver sensitivity curve) plus a receiver
  electrical floor (healthy ~1e-10..1e-8; a bad receiver or ASIC SerDes adds to it).
* RS(528,514) FEC: corrected codewords ~ bits x BER; uncorrectable ~ codewords x (BER/1e-3)^3 (bursty
  errors); past BER 2.4e-4 the link drops.
* A link is up when both ends are present, admin up, agree on FEC, and every lane of each direction
  carries light above the receivers' lock level with host-side signal present.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

LANES = 4
BITRATE = 103.125e9  # 100GBASE-R4 line rate, all lanes
CW_BITS = 5280  # RS(528,514) codeword, 10-bit symbols
LOCK_DBM = -14.0  # below this on any lane the receiver cannot lock
LOS_DBM = -18.0  # the module asserts Rx LOS below this
DARK_DBM = -40.0  # what a module reports with no light at all (0.0001 mW)


def mw(dbm: float) -> float:
    return 0.0 if dbm <= -40 else 10 ** (dbm / 10)


# Module thresholds as real modules carry them (dBm, mA, C, V): [high alarm, high warn, low warn, low alarm]
SR4_THR = {"rx": (3.4, 2.4, -9.9, -13.9), "tx": (5.0, 3.0, -6.4, -8.4), "bias": (13.0, 12.0, 3.0, 2.0),
           "temp": (75.0, 70.0, 0.0, -5.0), "vcc": (3.63, 3.465, 3.135, 2.97)}
AOC_THR = {"rx": (3.4, 2.4, -9.5, -13.5), "tx": (4.0, 3.0, -6.0, -8.0), "bias": (10.0, 9.5, 1.0, 0.5),
           "temp": (75.0, 70.0, 0.0, -5.0), "vcc": (3.63, 3.465, 3.135, 2.97)}


@dataclass
class Module:
    serial: str
    vendor: str
    pn: str
    kind: str  # "SR4", "AOC", "DAC"
    thr: dict | None  # None: module without thresholds (flags not implemented)
    temp: float = 35.0
    vcc: float = 3.29
    tx: list = field(default_factory=lambda: [0.0] * LANES)  # dBm
    bias: list = field(default_factory=lambda: [7.0] * LANES)
    tx_fault: list = field(default_factory=lambda: [False] * LANES)
    zero_low_alarm: bool = False  # the module reports 0 mW Rx low alarm/warning (a blank threshold)
    rx_floor_ber: float = 1e-10  # receiver (TIA/CDR) electrical floor
    host_txlos: list = field(default_factory=lambda: [False] * LANES)  # electrical signal from the port lost
    nlanes: int = LANES
    media_type: str = "100GBASE-SR4"
    # what the module's receivers read, per module lane (computed by settle())
    rx: list = field(default_factory=lambda: [DARK_DBM] * LANES)
    rx_los: list = field(default_factory=lambda: [True] * LANES)
    rx_lol: list = field(default_factory=lambda: [True] * LANES)
    used: list = field(default_factory=lambda: [True] * LANES)  # lanes the application uses
    floor_dbm: float = DARK_DBM  # what its receiver reads with no light (some read a -30 dBm noise floor)
    dead_lanes: set = field(default_factory=set)  # lanes whose optical engine died (no Tx, no Rx)

    @property
    def optical(self) -> bool:
        return self.kind != "DAC"


@dataclass
class Port:
    dev: str
    name: str
    mac: str
    module: Module | None
    admin_up: bool = True
    present: bool = True  # the port exists in the device's outputs (a NIC that fell off the bus: False)
    fec: str = "rs"  # "rs" or "none"
    speed: int = 100
    alias: str | None = None
    pci: str | None = None
    lanes: list = field(default_factory=lambda: list(range(LANES)))  # the module lanes this port uses
    cage: str | None = None  # the cage its module sits in (a breakout sub-port shares its cage's module)
    serdes: list | None = None  # the switch ASIC lanes (SONiC `Lanes`)
    # computed by settle()
    up: bool = False
    ber: list = field(default_factory=lambda: [0.0] * LANES)  # per port lane
    # counters since clear (the device's uptime for most platforms)
    rx_frames: int = 0
    tx_frames: int = 0
    rx_bytes: int = 0
    tx_bytes: int = 0
    fec_corr: int = 0
    fec_uncorr: int = 0
    fec_corr_lane: list = field(default_factory=lambda: [0] * LANES)
    fec_uncorr_lane: list = field(default_factory=lambda: [0] * LANES)
    corrected_bits: int = 0
    symbol_err: int = 0  # uncorrected symbol errors (mlx5 rx_symbol_err_phy)
    crc: int = 0
    stomped: int = 0  # frames received with a stomped (deliberately corrupted) CRC: forwarded damage
    rx_drops: int = 0
    link_down: int = 0
    carrier_changes: int = 0
    hist: list = field(default_factory=lambda: [0] * 16)  # codewords by symbol errors per codeword
    # what this port sees over LLDP: (sysname, chassis mac, port id subtype, port id, port descr)
    lldp: tuple | None = None
    # extra BER added at this port's receiver (a switch ASIC SerDes fault, a bad receiver)
    rx_extra_ber: float = 0.0
    fault_hours: float = 0.0  # how long the current fault has been acting on this receiver


@dataclass
class Device:
    name: str
    platform: str
    role: str
    plane: str = ""
    row: str = "01"
    rack: str = "r01"
    u: int = 10
    reachable: bool = True
    uptime_s: float = 86400 * 60
    ports: dict = field(default_factory=dict)
    mac: str = "00:00:00:00:00:00"
    lldp_alias: bool = False  # SONiC advertising the port alias as its LLDP Port ID
    omit: set = field(default_factory=set)  # commands missing from its capture (collected by hand)
    junos_port_id: bool = False  # Junos `show lldp neighbors` "Port info" = the neighbor's port id


@dataclass
class Link:
    cid: str
    a: Port
    b: Port
    media: str  # "fiber", "aoc", "dac"
    length: float
    plane: str
    path: list = field(default_factory=list)  # ["PANEL:PORT", ...]
    loss_ab: list = field(default_factory=lambda: [1.0] * LANES)
    loss_ba: list = field(default_factory=lambda: [1.0] * LANES)
    # the cable is actually plugged into these ports (miswires); None = as planned
    actual_a: Port | None = None
    actual_b: Port | None = None


class Fabric:
    def __init__(self, rng: random.Random, shape: str):
        self.rng = rng
        self.shape = shape
        self.devices: dict[str, Device] = {}
        self.links: list[Link] = []
        self._serial = 0
        self._mac = 0

    # --- construction -------------------------------------------------------------------------
    def device(self, name, platform, role, plane="", row="01", rack="r01", u=10) -> Device:
        d = Device(name, platform, role, plane, row, rack, u)
        d.mac = self.new_mac()
        d.uptime_s = 86400 * self.rng.uniform(20, 400)
        self.devices[name] = d
        return d

    def new_mac(self) -> str:
        self._mac += 1
        v = 0x0c42a1000000 + self._mac * 7
        return ":".join(f"{(v >> s) & 0xff:02x}" for s in range(40, -8, -8))

    def new_module(self, kind: str, vendor_pick: int | None = None) -> Module:
        m = self._new_module(kind, vendor_pick)
        if kind == "DR4":  # 400G QSFP-DD DR4 (CMIS): 4 media lanes of 100G PAM4
            m.media_type = "400GBASE-DR4"
            m.pn, m.vendor = "MMS1V00-WM", "Mellanox"
            m.thr = {"rx": (4.0, 3.0, -6.9, -9.9), "tx": (5.0, 4.0, -2.9, -4.9), "bias": (15.0, 13.0, 5.0, 4.0),
                     "temp": (80.0, 75.0, -5.0, -10.0), "vcc": (3.63, 3.465, 3.135, 2.97)}
            m.bias = [self.rng.uniform(7.5, 10.0) for _ in range(LANES)]
        elif kind == "DR1":  # 100G QSFP28 DR (one 1310 nm lane); the other three channels read 0
            m.media_type = "100GBASE-DR"
            m.pn, m.vendor = "FTLC1157RGPL", "FINISAR CORP."
            m.thr = {"rx": (4.0, 3.0, -6.9, -9.9), "tx": (5.0, 4.0, -2.9, -4.9), "bias": (100.0, 90.0, 20.0, 15.0),
                     "temp": (75.0, 70.0, 0.0, -5.0), "vcc": (3.63, 3.465, 3.135, 2.97)}
            m.used = [True, False, False, False]
            m.tx = [m.tx[0], DARK_DBM, DARK_DBM, DARK_DBM]
            m.bias = [self.rng.uniform(40, 60), 0.0, 0.0, 0.0]
        return m

    def _new_module(self, kind: str, vendor_pick: int | None = None) -> Module:
        rng = self.rng
        self._serial += 1
        vendors = [("FINISAR CORP.", "FTLC9558REPM", "X"), ("Mellanox", "MMA1B00-C100D", "MT"),
                   ("INNOLIGHT", "TR-FC85S-N00", "INK"), ("AVAGO", "AFBR-89CDDZ", "QB")]
        if kind == "AOC":
            vendor, pn, pre = "Mellanox", "MFA1A00-C010", "MT"
        elif kind == "DAC":
            vendor, pn, pre = "Mellanox", "MCP1600-C002", "MT"
        else:
            vendor, pn, pre = vendors[(vendor_pick if vendor_pick is not None else rng.randrange(4)) % 4]
        thr = dict(AOC_THR if kind == "AOC" else SR4_THR) if kind != "DAC" else None
        if kind in ("DR4", "DR1"):
            thr = None  # set by new_module
        m = Module(serial=f"{pre}{2300 + rng.randrange(90):04d}{self._serial:06d}", vendor=vendor, pn=pn,
                   kind=kind, thr=thr)
        m.temp = rng.uniform(31, 52)
        m.vcc = rng.uniform(3.24, 3.34)
        if kind != "DAC":
            base = rng.uniform(-0.8, 1.2)
            m.tx = [base + rng.uniform(-0.6, 0.6) for _ in range(LANES)]
            m.bias = [rng.uniform(6.0, 8.5) if kind == "SR4" else rng.uniform(6.0, 7.5) for _ in range(LANES)]
            if kind in ("DR4", "DR1"):
                m.tx = [base + 0.5 + rng.uniform(-0.5, 0.5) for _ in range(LANES)]
        else:
            m.tx = [0.0] * LANES
            m.bias = [0.0] * LANES
        m.rx_floor_ber = 10 ** rng.uniform(-11.5, -8.3)
        if vendor == "INNOLIGHT":
            m.floor_dbm = round(rng.uniform(-30.5, -29.5), 2)
        return m

    def port(self, dev: Device, name: str, kind: str = "SR4", alias=None, pci=None) -> Port:
        p = Port(dev.name, name, self.new_mac(), self.new_module(kind) if kind else None, alias=alias, pci=pci)
        dev.ports[name] = p
        return p

    def link(self, cid, a: Port, b: Port, media, length, plane, path=()) -> Link:
        rng = self.rng
        hops = len(path)
        base = 0.3 + 0.003 * length + 0.35 * hops
        ln = Link(cid, a, b, media, length, plane, list(path))
        n = len(a.lanes)
        assert n == len(b.lanes), (a.name, b.name)
        if media == "dac":
            ln.loss_ab = [0.0] * n
            ln.loss_ba = [0.0] * n
        else:
            ln.loss_ab = [base + rng.uniform(0.0, 0.9) for _ in range(n)]
            ln.loss_ba = [base + rng.uniform(0.0, 0.9) for _ in range(n)]
        self.links.append(ln)
        return ln

    # --- physics -----------------------------------------------------------------------------
    def modules(self):
        seen = set()
        for d in self.devices.values():
            for p in d.ports.values():
                if p.module is not None and id(p.module) not in seen:
                    seen.add(id(p.module))
                    yield p.module

    def settle(self):
        """Compute what each end reads: light, flags, link state, then counters since clear."""
        for m in self.modules():
            for i in range(m.nlanes):
                if m.used[i]:
                    m.rx[i], m.rx_los[i], m.rx_lol[i] = DARK_DBM, True, True
                else:  # a lane the application does not use: no light, no flag
                    m.rx[i], m.rx_los[i], m.rx_lol[i] = DARK_DBM, False, False
        for d in self.devices.values():
            for p in d.ports.values():
                p.up = False
        for ln in self.links:
            a = ln.actual_a or ln.a
            b = ln.actual_b or ln.b
            self._direction(a, b, ln.loss_ab, ln.media)
            self._direction(b, a, ln.loss_ba, ln.media)
            up = self._link_up(a, b)
            for p in (a, b):
                p.up = up
        for d in self.devices.values():
            for p in d.ports.values():
                self._counters(d, p)

    def _direction(self, src: Port, dst: Port, loss: list, media: str):
        """Light and flags at dst's receivers from src's transmitters, lane by lane."""
        m, n = src.module, dst.module
        if n is None or not dst.present:
            return
        lit = src.present and src.admin_up and m is not None
        for k in range(len(loss)):
            ia, ib = src.lanes[k], dst.lanes[k]
            if media == "dac":
                ok = lit and (loss[k] < 20)
                n.rx[ib] = DARK_DBM
                n.rx_los[ib] = not ok
                n.rx_lol[ib] = not ok or m.host_txlos[ia]
                continue
            if not lit or m.tx_fault[ia] or m.tx[ia] <= -39:
                p = DARK_DBM
            else:
                p = m.tx[ia] - loss[k]
            if ib in n.dead_lanes:
                p = DARK_DBM
            n.rx[ib] = max(n.floor_dbm, round(p, 2))
            n.rx_los[ib] = n.rx[ib] < LOS_DBM
            n.rx_lol[ib] = n.rx[ib] < LOCK_DBM or (lit and m.host_txlos[ia])

    @staticmethod
    def _link_up(a: Port, b: Port) -> bool:
        for p in (a, b):
            if not (p.present and p.admin_up and p.module is not None):
                return False
        if a.fec != b.fec or a.speed != b.speed:
            return False
        for p in (a, b):
            m = p.module
            if any(m.rx_lol[i] for i in p.lanes):
                return False
            # past the FEC's correction limit (~2.4e-4) the PCS reports high SER and the link drops
            if m.kind != "DAC" and any(_optical_ber(m.rx[i]) > 2.4e-4 for i in p.lanes):
                return False
        return True

    def _counters(self, d: Device, p: Port):
        rng = self.rng
        if not p.present:
            return
        T = d.uptime_s
        rate = p.speed * 1e9 * 1.03125
        util = rng.uniform(0.15, 0.45)
        frames = int(T * util * rate / 8 / 4000) if p.up else int(T * util * rate / 8 / 4000 * 0.3)
        p.rx_frames = frames + rng.randrange(1000)
        p.tx_frames = frames + rng.randrange(1000)
        p.rx_bytes = p.rx_frames * rng.randrange(3900, 4100)
        p.tx_bytes = p.tx_frames * rng.randrange(3900, 4100)
        if p.module is None:
            return
        m = p.module
        nl = len(p.lanes)
        corr = [0] * nl
        unc = [0] * nl
        bits_lane = rate / nl
        healthy_T = max(0.0, T - p.fault_hours * 3600)
        p.ber = [0.0] * nl
        for k, i in enumerate(p.lanes):
            floor = m.rx_floor_ber
            if m.kind == "DAC":
                ber_now = floor + p.rx_extra_ber
            else:
                ber_now = floor + _optical_ber(m.rx[i]) + p.rx_extra_ber
            p.ber[k] = ber_now if p.up else 0.0
            c = bits_lane * healthy_T * floor
            u = 0.0
            if p.up:
                if p.fault_hours:
                    t_now = p.fault_hours * 3600
                    c += bits_lane * t_now * ber_now
                    u += bits_lane / CW_BITS * t_now * _uncorr_fraction(ber_now)
                else:
                    c = bits_lane * T * ber_now
                    u = bits_lane / CW_BITS * T * _uncorr_fraction(ber_now)
            corr[k] = int(c * rng.uniform(0.9, 1.1))
            unc[k] = int(u)
        # FEC lanes as the PCS reports them: 4 per port, whatever the optical lane count
        if nl == LANES:
            p.fec_corr_lane, p.fec_uncorr_lane = corr, unc
        else:
            tot_c, tot_u = sum(corr), sum(unc)
            shares = [rng.uniform(0.8, 1.2) for _ in range(LANES)]
            s = sum(shares)
            p.fec_corr_lane = [int(tot_c * x / s) for x in shares]
            p.fec_uncorr_lane = [int(tot_u * x / s) for x in shares]
        p.fec_corr = sum(p.fec_corr_lane)
        p.fec_uncorr = sum(p.fec_uncorr_lane)
        p.corrected_bits = int(p.fec_corr * rng.uniform(1.02, 1.2))
        p.symbol_err = int(p.fec_uncorr * rng.uniform(3, 8)) if p.fec_uncorr else 0
        p.crc = int(p.fec_uncorr * rng.uniform(0.3, 0.6)) if p.fec_uncorr else 0
        if p.fec == "none" and p.up:
            berr = sum(p.ber) / nl
            p.crc = int(rate * T * berr / 8) if berr > 1e-12 else 0
            p.fec_corr = p.fec_uncorr = 0
            p.fec_corr_lane = [0] * LANES
            p.fec_uncorr_lane = [0] * LANES
        p.rx_drops = rng.randrange(0, 3000)
        total_cw = int(rate / CW_BITS * (T if p.up else T * 0.3))
        errs = p.fec_corr
        h = [0] * 16
        h[1] = int(errs * 0.93)
        h[2] = int(errs * 0.06)
        h[3] = int(errs * 0.01)
        rest = p.fec_uncorr
        if rest:
            for k in range(4, 15):
                h[k] = int(errs * 10 ** (-2 - 0.5 * (k - 3)) * (1 + rest / max(errs, 1) * 1e4))
            h[15] = rest
        h[0] = max(0, total_cw - sum(h[1:]))
        p.hist = h


def _uncorr_fraction(ber: float) -> float:
    """Share of codewords RS(528,514) cannot correct at a pre-FEC BER (bursty errors: an empirical
    cube law, 1e-9 of codewords at 1e-6, 1e-6 at 1e-5, 1e-3 at 1e-4)."""
    return min(1.0, (ber / 1e-3) ** 3)


def _optical_ber(rx_dbm: float) -> float:
    """Pre-FEC BER contributed by the received power (a 100G SR4 receiver sensitivity curve)."""
    if rx_dbm <= LOCK_DBM:
        return 0.5
    return min(0.5, 10 ** (-4 - 1.5 * (rx_dbm + 13)))

"""The scenario generator's own fabric model: devices, port ends, modules, links and their physics.

Written without reference to netdiag's fabric/health/simulate code: the model is the physical
truth (what each transmitter launches, what each strand loses, what each receiver decodes), and
the renderers turn each end's state into the text a real device would print.

Units follow the devices: optical power in mW (dBm derived), temperature in °C, bias in mA.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

def dbm(mw: float) -> float:
    return -math.inf if mw <= 0 else 10 * math.log10(mw)


def mw(dbm_value: float) -> float:
    return 10 ** (dbm_value / 10)


@dataclass
class Module:
    """A pluggable module or cable end as its EEPROM describes it."""

    kind: str                 # fiber | aoc | dac
    identifier: str           # OSFP | QSFP-DD | QSFP112
    vendor: str
    part_number: str
    serial: str
    media_lanes: int          # lanes the module drives on the medium
    bank_lanes: int = 8       # lanes its DOM bank prints
    technology: str = "1310 nm EML"
    length_m: float = 0.0
    thresholds: dict | None = None   # name -> value (dBm for powers, mA, °C, V); None = not reported
    cage: str | None = None          # a cage shared by several ports (twin-port module)
    zero_low: bool = False           # the EEPROM publishes 0 mW for its Tx/Rx low alarm and warning


@dataclass
class End:
    """One port of one device, with the module plugged into it."""

    device: str
    port: str
    module: Module | None
    speed_gbps: int
    lanes_used: int
    lane_offset: int = 0             # first module lane this port drives (twin-port / breakout modules)
    fec: str = "rs"                  # rs | none (configured)
    admin_up: bool = True
    mac: str = ""
    alias: str = ""
    pci: str = ""
    # optics, per lane of the module's bank (index 0 = lane 1)
    tx_mw: list = field(default_factory=list)
    bias_ma: list = field(default_factory=list)
    rx_mw: list = field(default_factory=list)
    temp_c: float = 40.0
    vcc_v: float = 3.30
    tx_fault: list = field(default_factory=list)
    rx_los: list = field(default_factory=list)
    rx_lol: list = field(default_factory=list)
    host_tx_los: list = field(default_factory=list)   # host (electrical) side of the module
    host_tx_lol: list = field(default_factory=list)
    unused_reading_mw: float = 0.0   # what unused lanes read: 0 (-inf dBm) or a -30 dBm noise floor
    # state and counters
    oper_up: bool = True
    rx_bytes: int = 0
    tx_bytes: int = 0
    rx_packets: int = 0
    tx_packets: int = 0
    crc_errors: int = 0
    symbol_errors: int = 0
    fec_corrected: int = 0
    fec_uncorrectable: int = 0
    corrected_bits: int = 0
    pre_fec_ber: float = 0.0
    post_fec_ber: float = 0.0
    link_down_events: int = 0
    carrier_changes: int = 0
    lane_errors: list = field(default_factory=list)
    rx_discards: int = 0
    # fault inputs (set by faults, read by the physics)
    extra_ber: float = 0.0            # added pre-FEC BER at this receiver
    extra_uncorrectable: int = 0
    lldp_seen: bool = True            # this end's device hears LLDP from the far end
    vanished: bool = False            # the port is gone from its (collected) host: in no output at all
    nrz: bool = False                 # an older-generation 100G port: 4 x 25G NRZ lanes (suite v2)
    uptime_s: float = 100 * 86400.0   # seconds since the counters started (device boot)


@dataclass
class Link:
    cable_id: str
    a: End
    b: End
    media: str                 # fiber | aoc | dac
    length_m: float
    plane: str
    path: list = field(default_factory=list)       # patch-panel ports
    loss_ab: list = field(default_factory=list)    # dB per lane, a's transmitter -> b's receiver
    loss_ba: list = field(default_factory=list)
    connected: bool = True     # the medium carries light/signal at all
    harness: str = ""          # breakout harness id shared by several links
    planned_b: tuple | None = None  # where the plan says b is, when the cable is elsewhere (miswire)


@dataclass
class Device:
    name: str
    platform: str
    role: str
    plane: str = ""
    row: str = ""
    rack: str = ""
    u: int = 0
    address: str = ""
    uptime_days: float = 100.0
    reachable: bool = True
    error: str | None = None
    ends: dict = field(default_factory=dict)     # port -> End
    # capture options (noise that must not alarm)
    lldp_port_id: str = "ifname"    # what this device's lldpd advertises as Port ID: ifname | alias | mac
    without_ip_link: bool = False
    without_thresholds: bool = False
    unused_rows_dropped: bool = False
    unused_ports: list = field(default_factory=list)   # cages with no module (shown down, or not at all)


def shown_thresholds(m: Module | None, dev: Device) -> dict | None:
    """The thresholds a device prints for module `m`: none when the capture lacks them; a module with
    `zero_low` prints 0 mW (-inf dBm) for its Tx/Rx low alarm and warning (the physics keeps the real ones)."""
    if m is None or m.thresholds is None or dev.without_thresholds:
        return None
    if not m.zero_low:
        return m.thresholds
    t = dict(m.thresholds)
    for k in ("tx_low_alarm", "tx_low_warn", "rx_low_alarm", "rx_low_warn"):
        t[k] = -math.inf
    return t


def fresh_optics(end: End, rng: random.Random, tx_dbm_center: float = 1.0) -> None:
    """Healthy transmitter on every lane in use; unused lanes dark."""
    n = end.module.bank_lanes if end.module else 8
    end.tx_mw = [0.0] * n
    end.bias_ma = [0.0] * n
    end.rx_mw = [0.0] * n
    for k in ("tx_fault", "rx_los", "rx_lol", "host_tx_los", "host_tx_lol"):
        setattr(end, k, [False] * n)
    end.lane_errors = [0] * n
    if end.module is None or end.module.kind == "dac":
        return
    for i in range(min(end.lanes_used, end.module.media_lanes)):
        end.tx_mw[i] = mw(tx_dbm_center + rng.uniform(-0.8, 0.8))
        end.bias_ma[i] = rng.uniform(6.5, 9.0) if end.module.kind == "aoc" else rng.uniform(45.0, 70.0)


def thresholds_for(kind: str) -> dict:
    """Module-published thresholds (values in the units the EEPROM uses: dBm, mA, °C, V)."""
    if kind == "aoc":
        return {"temp_high_alarm": 80.0, "temp_high_warn": 75.0, "temp_low_alarm": -5.0, "temp_low_warn": 0.0,
                "vcc_high_alarm": 3.63, "vcc_high_warn": 3.465, "vcc_low_alarm": 2.97, "vcc_low_warn": 3.135,
                "tx_high_alarm": 5.0, "tx_high_warn": 3.0, "tx_low_alarm": -8.0, "tx_low_warn": -6.0,
                "rx_high_alarm": 5.0, "rx_high_warn": 3.0, "rx_low_alarm": -10.0, "rx_low_warn": -8.0,
                "bias_high_alarm": 13.0, "bias_high_warn": 12.0, "bias_low_alarm": 3.0, "bias_low_warn": 4.0}
    return {"temp_high_alarm": 80.0, "temp_high_warn": 75.0, "temp_low_alarm": -5.0, "temp_low_warn": 0.0,
            "vcc_high_alarm": 3.63, "vcc_high_warn": 3.465, "vcc_low_alarm": 2.97, "vcc_low_warn": 3.135,
            "tx_high_alarm": 6.0, "tx_high_warn": 5.0, "tx_low_alarm": -7.3, "tx_low_warn": -4.3,
            "rx_high_alarm": 5.0, "rx_high_warn": 4.0, "rx_low_alarm": -9.9, "rx_low_warn": -6.9,
            "bias_high_alarm": 100.0, "bias_high_warn": 90.0, "bias_low_alarm": 20.0, "bias_low_warn": 25.0}


# --- physics: from transmitters, strands and faults to what each end reads and counts -------------

LOS_DBM = -13.0          # receivers assert LOS below this (well under every module's low alarm)


def _receive(tx: End, rx: End, loss: list, connected: bool, rng: random.Random) -> None:
    n = len(rx.rx_mw)
    used = min(rx.lanes_used, rx.module.media_lanes) if rx.module else 0
    for i in range(n):
        if i >= used:
            rx.rx_mw[i] = rx.unused_reading_mw if rx.module and rx.module.kind != "dac" else 0.0
            continue
        light = tx.tx_mw[i] if (connected and i < len(tx.tx_mw)) else 0.0
        if rx.module.kind == "dac":
            rx.rx_mw[i] = 0.0
            continue
        got = light * 10 ** (-loss[i] / 10) if light > 0 else 0.0
        if got > 0 and dbm(got) < LOS_DBM - 10:
            got = 0.0
        rx.rx_mw[i] = round(got, 4) if got else rx.unused_reading_mw
        rx.rx_los[i] = got <= 0 or dbm(got) < LOS_DBM
        rx.rx_lol[i] = rx.rx_los[i]


def _direction_ber(rx: End, rng: random.Random) -> tuple[float, bool]:
    """(pre-FEC BER at rx's receiver, signal present on all lanes in use) from its Rx margin."""
    used = min(rx.lanes_used, rx.module.media_lanes) if rx.module else rx.lanes_used
    if rx.module is None or rx.module.kind == "dac":
        # a copper link run without FEC (25G NRZ lanes, CA-N cable) must be clean: far below 1e-12
        ber = 10 ** (rng.uniform(-18.5, -17.0) if rx.fec == "none" else rng.uniform(-9.5, -8.0))
        return ber + rx.extra_ber, True
    lanes = [rx.rx_mw[i] for i in range(used)]
    if any(x <= 0 or dbm(x) < LOS_DBM for x in lanes):
        return 0.0, False
    low = rx.module.thresholds["rx_low_alarm"] if rx.module.thresholds else -9.9
    margin = min(dbm(x) for x in lanes) - low
    if margin > 4:
        ber = 10 ** rng.uniform(-9.0, -7.8)
    elif margin > 2:
        ber = 10 ** rng.uniform(-7.0, -6.3)
    elif margin > 0:
        ber = 10 ** rng.uniform(-5.5, -4.8)
    else:
        ber = 10 ** rng.uniform(-4.0, -3.4)
    return ber + rx.extra_ber, True


def settle_link(link: Link, rng: random.Random) -> None:
    """Compute both ends' received power, link state and counters from the link's physics."""
    a, b = link.a, link.b
    _receive(a, b, link.loss_ab, link.connected, rng)
    _receive(b, a, link.loss_ba, link.connected, rng)
    ber_b, sig_b = _direction_ber(b, rng)
    ber_a, sig_a = _direction_ber(a, rng)
    host_ok = not any(a.host_tx_los) and not any(b.host_tx_los)
    tx_ok = not any(a.tx_fault[:a.lanes_used]) and not any(b.tx_fault[:b.lanes_used])
    up = (link.connected and a.admin_up and b.admin_up and sig_a and sig_b and host_ok and tx_ok
          and not a.vanished and not b.vanished
          and a.fec == b.fec and a.speed_gbps == b.speed_gbps
          and max(ber_a, ber_b) < 5e-3)
    a.oper_up = b.oper_up = up
    for end, ber in ((a, ber_a), (b, ber_b)):
        _count(end, ber if up else 0.0, up, rng)


def _count(end: End, ber: float, up: bool, rng: random.Random) -> None:
    seconds = end.uptime_s
    util = rng.uniform(0.05, 0.35) if up else 0.0
    bits = end.speed_gbps * 1e9 * util * seconds
    end.rx_bytes = int(bits / 8)
    end.tx_bytes = int(bits / 8 * rng.uniform(0.97, 1.03))
    end.rx_packets = int(end.rx_bytes / rng.uniform(2500, 4200))
    end.tx_packets = int(end.tx_bytes / rng.uniform(2500, 4200))
    if end.fec == "none" and up:
        # no FEC: every bit error reaches the MAC; one errored frame per error at these rates
        errored = int(bits * ber * rng.uniform(0.8, 1.0))
        end.pre_fec_ber = 0.0
        end.corrected_bits = end.fec_corrected = end.fec_uncorrectable = 0
        end.post_fec_ber = ber
        end.symbol_errors = errored
        end.crc_errors += errored
        end.lane_errors = [errored // end.lanes_used if i < end.lanes_used else 0 for i in range(len(end.lane_errors))]
        return
    end.pre_fec_ber = ber
    end.corrected_bits = int(ber * bits)
    end.fec_corrected = int(end.corrected_bits / rng.uniform(1.2, 1.6))
    # RS(544,514) corrects up to 15 symbols a codeword: uncorrectable codewords appear only near the
    # 2.4e-4 design point, and grow fast above it
    if ber >= 2e-4:
        uncorr = int(bits / 5440 * ber * ber * rng.uniform(0.5, 2.0)) + rng.randint(2000, 60000)
    elif ber >= 5e-5:
        uncorr = rng.randint(10, 200)
    else:
        uncorr = 0
    end.fec_uncorrectable = uncorr + end.extra_uncorrectable
    end.post_fec_ber = (end.fec_uncorrectable * 5440 / bits) if bits and end.fec_uncorrectable else 0.0
    end.symbol_errors = end.fec_uncorrectable
    end.crc_errors += end.fec_uncorrectable
    used = end.lanes_used
    for i in range(len(end.lane_errors)):
        end.lane_errors[i] = int(end.corrected_bits / max(used, 1) * rng.uniform(0.8, 1.2)) if i < used else 0


def module_groups(ends) -> list[list[End]]:
    """Ends grouped by the module they share (a twin-port module serves two ports), ports in order."""
    groups: dict = {}
    for e in ends:
        groups.setdefault(id(e.module) if e.module is not None else id(e), []).append(e)
    return [sorted(g, key=lambda e: e.lane_offset) for g in groups.values()]


def module_view(group: list[End]) -> dict:
    """The module's own lane bank as its DOM reports it: each port's lanes at its lane offset."""
    first = group[0]
    n = first.module.bank_lanes
    view = {"tx": [first.unused_reading_mw * 0] * n, "rx": [first.unused_reading_mw] * n, "bias": [0.0] * n,
            "rx_los": [False] * n, "rx_lol": [False] * n, "host_tx_los": [False] * n, "host_tx_lol": [False] * n,
            "tx_fault": [False] * n, "used": [False] * n}
    for e in group:
        # an admin-down port's lanes are disabled by the host: readings shown, no flags (suite v2 only)
        used = min(e.lanes_used, e.module.media_lanes - e.lane_offset) if e.admin_up else 0
        for i in range(len(e.tx_mw)):
            j = e.lane_offset + i
            if j >= n:
                break
            if i < used:
                view["used"][j] = True
                for k, src in (("tx", e.tx_mw), ("rx", e.rx_mw), ("bias", e.bias_ma), ("rx_los", e.rx_los),
                               ("rx_lol", e.rx_lol), ("host_tx_los", e.host_tx_los),
                               ("host_tx_lol", e.host_tx_lol), ("tx_fault", e.tx_fault)):
                    view[k][j] = src[i]
            elif len(group) == 1:
                view["tx"][j], view["rx"][j], view["bias"][j] = e.tx_mw[i], e.rx_mw[i], e.bias_ma[i]
                view["tx_fault"][j] = e.tx_fault[i]
    return view

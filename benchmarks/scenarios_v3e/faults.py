"""Injected faults and harmless noise. Each fault mutates the fabric's physical state (never the
rendered text) and returns its truth entry: the broken part as a technician would name it, the links it
affects, what fixes it, and a `note` with the evidence a competent engineer would localize it from."""

from __future__ import annotations

from .model import DARK_DBM, Fabric, Link, Port


def _t(kind, component, ref, links, action, note, **extra) -> dict:
    d = {"kind": kind, "component": component, "ref": ref, "links": list(links), "action": action, "note": note}
    d.update(extra)
    return d


def _ends(ln: Link, rng) -> tuple[Port, Port]:
    """(X, Y) in a random order."""
    return (ln.a, ln.b) if rng.random() < 0.5 else (ln.b, ln.a)


def _strand_loss(ln: Link, src: Port) -> list:
    return ln.loss_ab if src is ln.a else ln.loss_ba


def _mref(p: Port) -> str:
    """The transceiver's name: DEVICE:CAGE (a breakout sub-port's module is its cage's)."""
    return f"{p.dev}:{p.cage or p.name}"


def _fault_time(fab: Fabric, *ports: Port, hours=None):
    h = hours if hours is not None else fab.rng.uniform(3, 60)
    for p in ports:
        p.fault_hours = max(p.fault_hours, h)


# --- component faults ----------------------------------------------------------------------------

def tx_low(fab: Fabric, ln: Link) -> dict:
    """Bad transceiver: the transmitter of X is weak (coupling loss), bias normal; Y receives little."""
    rng = fab.rng
    x, y = _ends(ln, rng)
    lanes = rng.sample(x.lanes, min(len(x.lanes), rng.choice([1, 2, 4])))
    for i in lanes:
        x.module.tx[i] = rng.uniform(-11.5, -9.0)
    _fault_time(fab, y)
    return _t("tx_low", "transceiver", _mref(x), [ln.cid],
              f"replace the module in {x.dev}:{x.name}",
              f"{x.dev}:{x.name} Tx power lanes {[i + 1 for i in lanes]} below its low alarm with normal bias; "
              f"{y.dev}:{y.name} receives correspondingly low on those lanes only")


def bias_high(fab: Fabric, ln: Link) -> dict:
    """Bad transceiver: an ageing VCSEL, bias over its high alarm and Tx power under its low warning."""
    rng = fab.rng
    x, y = _ends(ln, rng)
    i = rng.choice(x.lanes)
    t = x.module.thr
    x.module.bias[i] = t["bias"][0] * rng.uniform(1.04, 1.15)
    x.module.tx[i] = t["tx"][2] - rng.uniform(0.4, 1.6)
    _fault_time(fab, y)
    return _t("bias_high_tx_low", "transceiver", _mref(x), [ln.cid],
              f"replace the module in {x.dev}:{x.name}",
              f"{x.dev}:{x.name} lane {i + 1} bias over the high alarm and Tx power under the low warning")


def rx_electrical(fab: Fabric, ln: Link) -> dict:
    """Bad transceiver: X's receiver electronics (TIA/CDR) make errors with normal light both ways."""
    rng = fab.rng
    x, y = _ends(ln, rng)
    x.rx_extra_ber = 10 ** rng.uniform(-5.0, -4.3)
    _fault_time(fab, x)
    return _t("rx_electrical", "transceiver", _mref(x), [ln.cid],
              f"reseat, then replace the module in {x.dev}:{x.name}",
              f"uncorrectable FEC codewords and high pre-FEC BER at {x.dev}:{x.name} only; Rx/Tx power normal "
              f"both ways; the far end {y.dev}:{y.name} receives clean")


def dirty_connector(fab: Fabric, ln: Link) -> dict:
    rng = fab.rng
    x, y = _ends(ln, rng)
    loss = _strand_loss(ln, y)
    lanes = rng.sample(range(len(loss)), min(len(loss), rng.choice([1, 2, 4])))
    for i in lanes:
        loss[i] += rng.uniform(10.0, 12.5) if x.module.kind == "SR4" else rng.uniform(7.5, 9.0)
    _fault_time(fab, x)
    return _t("dirty_connector", "connector", ln.cid, [ln.cid],
              f"inspect and clean the end faces of {ln.cid} on the strand {y.dev}:{y.name} -> {x.dev}:{x.name}",
              f"{x.dev}:{x.name} Rx low on lanes {[i + 1 for i in lanes]} while {y.dev}:{y.name} Tx is normal; "
              f"the other direction is fine", alt=[["cable", ln.cid]])


def damaged_cable(fab: Fabric, ln: Link) -> dict:
    rng = fab.rng
    extra = rng.uniform(10.0, 12.0) if ln.a.module.kind == "SR4" else rng.uniform(7.5, 9.0)
    for i in range(len(ln.loss_ab)):
        ln.loss_ab[i] += extra + rng.uniform(-0.4, 0.4)
        ln.loss_ba[i] += extra + rng.uniform(-0.4, 0.4)
    _fault_time(fab, ln.a, ln.b)
    return _t("damaged_cable", "cable", ln.cid, [ln.cid], f"clean, then replace cable {ln.cid}",
              "Rx power low at both ends on all lanes while both transmitters are normal (bend/crush loss)")


def dark_strand(fab: Fabric, ln: Link) -> dict:
    rng = fab.rng
    x, y = _ends(ln, rng)
    loss = _strand_loss(ln, y)
    for i in range(len(loss)):
        loss[i] += 45.0
    x.link_down += 1
    y.link_down += 1
    return _t("dark_strand", "cable", ln.cid, [ln.cid], f"replace cable {ln.cid}",
              f"no light at {x.dev}:{x.name} (Rx LOS on every lane) while {y.dev}:{y.name} transmits normally and "
              f"receives light from {x.dev}; link down at both ends", alt=[["connector", ln.cid]])


def hot_module(fab: Fabric, ln: Link) -> dict:
    rng = fab.rng
    x, y = _ends(ln, rng)
    x.module.temp = rng.uniform(76.5, 82.0)
    x.rx_extra_ber = 10 ** rng.uniform(-5.0, -4.4)
    _fault_time(fab, x)
    return _t("hot_module", "transceiver", _mref(x), [ln.cid], f"replace the module in {x.dev}:{x.name}",
              f"{x.dev}:{x.name} module temperature over its high alarm and uncorrectable FEC codewords at its receiver")


def config_mismatch(fab: Fabric, ln: Link, x: Port) -> dict:
    """X's FEC is off while its peer and its device's other ports run RS: link down, light both ways."""
    y = ln.b if x is ln.a else ln.a
    x.fec = "none"
    x.link_down += 1
    y.link_down += 1
    return _t("config_mismatch", "port", f"{x.dev}:{x.name}", [ln.cid],
              f"set FEC on {x.dev}:{x.name} back to RS like its peer",
              f"link down at both ends with normal light both ways; {x.dev}:{x.name} FEC none while its device's "
              f"other ports and the peer use RS")


def port_host_side(fab: Fabric, ln: Link, sw_end: Port) -> dict:
    """Bad switch port: the ASIC/retimer lane feeding the module is dead; the module flags host-side Tx LOS/LOL."""
    rng = fab.rng
    lanes = rng.sample(sw_end.lanes, min(len(sw_end.lanes), rng.choice([1, 4])))
    for i in lanes:
        sw_end.module.host_txlos[i] = True
    sw_end.link_down += 1
    other = ln.b if sw_end is ln.a else ln.a
    other.link_down += 1
    return _t("bad_switch_port", "port", f"{sw_end.dev}:{sw_end.name}", [ln.cid],
              f"move the module of {sw_end.dev}:{sw_end.name} to a spare port; RMA if the port stays dead",
              f"module in {sw_end.dev}:{sw_end.name} reports host-side Tx LOS/LOL on lanes {[i + 1 for i in lanes]}; "
              f"light normal both ways; link down")


def failing_switch(fab: Fabric, sw, links: list[Link], side: str) -> dict:
    """A switch ASIC corrupting what it receives (side 'rx') or sends ('tx') on a share of its links."""
    rng = fab.rng
    for ln in links:
        me = ln.a if ln.a.dev == sw.name else ln.b
        far = ln.b if me is ln.a else ln.a
        tgt = me if side == "rx" else far
        tgt.rx_extra_ber = 10 ** rng.uniform(-5.2, -4.5)
        _fault_time(fab, tgt, hours=rng.uniform(20, 30))
    n = sum(1 for ln in fab.links if sw.name in (ln.a.dev, ln.b.dev))
    where = "its own receivers" if side == "rx" else "the far ends of its links (its transmit side)"
    return _t(f"failing_switch_{side}", "switch", sw.name, [ln.cid for ln in links], f"RMA switch {sw.name}",
              f"{len(links)} of {n} links of {sw.name} show uncorrectable FEC at {where} with clean optics; the "
              f"same error onset on all")


def nic_failure(fab: Fabric, host, nic: str, links: list[Link]) -> dict:
    """A NIC that fell off the PCIe bus: its ports vanish from the host's outputs; the far ends go dark."""
    for ln in links:
        hp = ln.a if ln.a.dev == host.name else ln.b
        hp.present = False
        far = ln.b if hp is ln.a else ln.a
        far.link_down += 1
    return _t("nic_failure", "nic", f"{host.name}:{nic}", [ln.cid for ln in links],
              f"reseat, then replace NIC {nic} of {host.name}",
              f"both ports of {nic} missing from ip link and ethtool on {host.name} while its other NICs are "
              f"there; the switch ends see no light")


def patch_panel(fab: Fabric, panel: str, links: list[Link]) -> dict:
    rng = fab.rng
    hops = []
    for ln in links:
        extra = rng.uniform(10.0, 11.5)
        for i in range(len(ln.loss_ab)):
            ln.loss_ab[i] += extra + rng.uniform(-0.3, 0.3)
            ln.loss_ba[i] += extra + rng.uniform(-0.3, 0.3)
        _fault_time(fab, ln.a, ln.b)
        hops += [h for h in ln.path if h.startswith(panel + ":")]
    return _t("patch_panel", "patch_panel", panel, [ln.cid for ln in links],
              f"inspect and clean the ports of panel {panel} (dusty cassette)",
              f"{len(links)} links through panel {panel} lose ~10 dB in both directions; other links of the same "
              f"switches are clean", also=hops)


def leaf_down(fab: Fabric, sw, links: list[Link]) -> dict:
    """A leaf loses power: unreachable, every link to it dark as its far ends see it."""
    sw.reachable = False
    for ln in links:
        me = ln.a if ln.a.dev == sw.name else ln.b
        for i in me.lanes:
            me.module.tx[i] = DARK_DBM
        me.admin_up = True
        me.present = False
        far = ln.b if me is ln.a else ln.a
        far.link_down += 1
    return _t("leaf_down", "switch", sw.name, [ln.cid for ln in links], f"restore power to {sw.name}",
              f"{sw.name} unreachable and all {len(links)} of its links down with Rx LOS at the far ends")


def swapped(fab: Fabric, l1: Link, l2: Link) -> dict:
    """Two cables crossed at their switch ends (b)."""
    l1.actual_b, l2.actual_b = l2.b, l1.b
    return _t("swapped", "cable", l1.cid, [l1.cid, l2.cid], f"swap {l1.cid} and {l2.cid} as the plan says",
              f"LLDP on {l1.b.dev}:{l1.b.name} reports the host end of {l2.cid} and vice versa", also=[l2.cid])


def miswire(fab: Fabric, ln: Link, spare: Port) -> dict:
    """The module and its fibre went into a spare cage of the same leaf instead of the planned one."""
    ln.actual_b = spare
    spare.module, ln.b.module = ln.b.module, None
    return _t("miswire", "cable", ln.cid, [ln.cid], f"move {ln.cid} from {spare.dev}:{spare.name} to {ln.b.dev}:{ln.b.name}",
              f"LLDP of {ln.a.dev}:{ln.a.name} reports {spare.dev}:{spare.name}, planned {ln.b.dev}:{ln.b.name}")


def breakout_harness(fab: Fabric, legs: list[Link]) -> dict:
    """The MPO end of a breakout harness is dirty/damaged: every leg loses light in one direction."""
    rng = fab.rng
    to_hosts = rng.random() < 0.5
    extra = rng.uniform(7.5, 9.0)
    for ln in legs:
        loss = ln.loss_ba if to_hosts else ln.loss_ab  # a = host end, b = leaf sub-port
        for i in range(len(loss)):
            loss[i] += extra + rng.uniform(-0.3, 0.3)
        _fault_time(fab, ln.a if to_hosts else ln.b)
    harness = legs[0].cid.rsplit(".", 1)[0]
    where = "the hosts' receivers" if to_hosts else "the leaf's receivers (all four lanes of its module)"
    return _t("breakout_harness", "cable", harness, [ln.cid for ln in legs], f"clean the MPO end, then replace harness {harness}",
              f"all {len(legs)} legs of {harness} low at {where} while every transmitter is normal")


def breakout_leg(fab: Fabric, ln: Link) -> dict:
    """One leg of a harness is crushed: both directions of that leg low, the other legs fine."""
    rng = fab.rng
    extra = rng.uniform(7.5, 9.0)
    for i in range(len(ln.loss_ab)):
        ln.loss_ab[i] += extra + rng.uniform(-0.3, 0.3)
        ln.loss_ba[i] += extra + rng.uniform(-0.3, 0.3)
    _fault_time(fab, ln.a, ln.b)
    harness = ln.cid.rsplit(".", 1)[0]
    return _t("breakout_leg", "cable", ln.cid, [ln.cid], f"replace harness {harness} (leg {ln.cid} is damaged)",
              f"leg {ln.cid}: Rx low at both ends with normal transmitters; the harness's other legs are clean",
              also=[harness])


def half_dead_module(fab: Fabric, ln: Link) -> dict:
    """One optical engine of X's module died: on half its lanes no Tx (bias 0) and no Rx; link down."""
    rng = fab.rng
    x, y = _ends(ln, rng)
    half = x.lanes[len(x.lanes) // 2:] if rng.random() < 0.5 else x.lanes[:len(x.lanes) // 2]
    for i in half:
        x.module.tx[i] = DARK_DBM
        x.module.bias[i] = 0.0
        x.module.dead_lanes.add(i)
    x.link_down += 1
    y.link_down += 1
    return _t("half_dead_module", "transceiver", _mref(x), [ln.cid], f"replace the module in {x.dev}:{x.name}",
              f"{x.dev}:{x.name} lanes {[i + 1 for i in half]}: Tx 0 mW and bias 0 mA, and no light received on "
              f"the same lanes although {y.dev}:{y.name} transmits on them; its other lanes are normal")


def nic_errors(fab: Fabric, host, nic: str, links: list[Link]) -> dict:
    """A NIC (PCIe/ASIC) corrupting what it receives on both ports, optics clean on both links."""
    rng = fab.rng
    for ln in links:
        hp = ln.a if ln.a.dev == host.name else ln.b
        hp.rx_extra_ber = 10 ** rng.uniform(-5.0, -4.5)
        _fault_time(fab, hp, hours=rng.uniform(10, 14))
    return _t("nic_errors", "nic", f"{host.name}:{nic}", [ln.cid for ln in links],
              f"reseat, then replace NIC {nic} of {host.name}",
              f"both ports of {nic} on {host.name} count uncorrectable FEC codewords from the same onset with "
              f"clean optics both ways on both links; the far ends receive clean")


def plane_down(fab: Fabric, plane: str, switches: list, links: list[Link]) -> dict:
    """A plane loses power (its switches unreachable): every host port of that plane goes dark."""
    for sw in switches:
        sw.reachable = False
    names = {sw.name for sw in switches}
    for ln in links:
        for me, far in ((ln.a, ln.b), (ln.b, ln.a)):
            if me.dev in names:
                for i in me.lanes:
                    me.module.tx[i] = DARK_DBM
                me.present = False
                if far.dev not in names:
                    far.link_down += 1
    return _t("plane_down", "plane", plane, [ln.cid for ln in links], f"restore plane {plane} (power to its switches)",
              f"every switch of plane {plane} unreachable; every host port of plane {plane} down with Rx LOS")

"""Fault classes (each with its ground truth) and noise that must not alarm.

A fault changes the physics of the fabric model (what a transmitter launches, what a strand
loses, what a receiver decodes, how a port is configured); the renderers then print what real
devices would print. The truth entry names the part a technician must act on, in the vocabulary
of the findings (component + ref): transceiver/port ``DEVICE:PORT`` (or ``DEVICE:CAGE`` for a
module serving several ports), cable/connector ``cable_id``, switch ``DEVICE``, plane id.
"""

from __future__ import annotations

import random

from benchmarks.scenarios.fabric import LOS_DBM, End, Link, dbm, mw
from benchmarks.scenarios.shapes import Fabric


class NoCandidate(Exception):
    """The fabric has no link this fault can be injected on."""


def _ref(end: End) -> str:
    if end.module is not None and end.module.cage:
        return f"{end.device}:{end.module.cage}"
    return f"{end.device}:{end.port}"


def _pick(fab: Fabric, rng: random.Random, used: set, media=None, tier=None, errors: bool = False,
          pred=None) -> Link:
    """A random free link (of these media / tier). Suite v2: `errors` (the fault makes a receiver count
    errors) keeps clear of devices already at their cap of independent erroring ports (a leaf 2, a
    host 1: more would be a switch or NIC pattern), and half of the draws crowd onto devices earlier
    faults touched (several faults on one leaf, host or link)."""
    cands = [l for l in fab.links if l.cable_id not in used
             and (media is None or l.media in media)
             and (tier is None or _tier(fab, l) == tier)
             and fab.devices[l.a.device].reachable and fab.devices[l.b.device].reachable
             and (pred is None or pred(l))]
    if fab.suite == "v2":
        if errors:
            cands = [l for l in cands if not _at_cap(fab, l.a.device) and not _at_cap(fab, l.b.device)]
        if fab.focus and rng.random() < 0.5:
            near = [l for l in cands if l.a.device in fab.focus or l.b.device in fab.focus]
            cands = near or cands
    if not cands:
        raise NoCandidate
    link = rng.choice(cands)
    used.add(link.cable_id)
    return link


def _at_cap(fab: Fabric, device: str) -> bool:
    cap = 1 if fab.devices[device].role == "gpu_host" else 2
    return fab.errs.get(device, 0) >= cap


def _erring(fab: Fabric, end: End) -> None:
    """Suite v2 bookkeeping: `end` now receives errors from a fault."""
    fab.errs[end.device] = fab.errs.get(end.device, 0) + 1


def _tier(fab: Fabric, link: Link) -> str:
    return "host" if fab.devices[link.a.device].role == "gpu_host" else "uplink"


def _used(end: End) -> range:
    return range(min(end.lanes_used, end.module.media_lanes) if end.module else 0)


def _ends(link: Link, rng: random.Random) -> tuple[End, End]:
    return (link.a, link.b) if rng.random() < 0.5 else (link.b, link.a)


def _entry(kind, component, ref, links, action, note) -> dict:
    return {"kind": kind, "component": component, "ref": ref, "links": links, "action": action, "note": note}


# --- link faults -------------------------------------------------------------------------------------

def tx_decay(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"})
    tx, rx = _ends(link, rng)
    t = tx.module.thresholds
    for i in _used(tx):
        tx.tx_mw[i] = mw(t["tx_low_alarm"] - rng.uniform(0.3, 1.5))
        tx.bias_ma[i] = t["bias_high_warn"] + rng.uniform(0.5, 4.0)
    return _entry("tx_decay", "transceiver", _ref(tx), [link.cable_id], "replace the module",
                  f"{tx.device}:{tx.port} transmits below its Tx low alarm with high bias; "
                  f"{rx.device}:{rx.port} receives low")


def _attenuate(tx: End, loss: list, extra: float) -> float:
    """Add `extra` dB to a strand, but keep the received light at least 1.5 dB above the LOS level:
    a dirty or damaged strand reads low, not dark. Returns the smallest added loss."""
    added = []
    for i in range(len(loss)):
        if i < len(tx.tx_mw) and tx.tx_mw[i] > 0:
            room = dbm(tx.tx_mw[i]) - loss[i] - (LOS_DBM + 1.5)
            add = max(min(extra, room), 0.0)
        else:
            add = extra
        loss[i] += add
        added.append(add)
    return min(added)


def dirty_connector(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"})
    if rng.random() < 0.5:
        loss, (tx, rx) = link.loss_ab, (link.a, link.b)
    else:
        loss, (tx, rx) = link.loss_ba, (link.b, link.a)
    extra = _attenuate(tx, loss, rng.uniform(7.5, 10.5))
    return _entry("dirty_connector", "connector", link.cable_id, [link.cable_id],
                  "inspect and clean both connectors of the strand",
                  f"{tx.device}:{tx.port} Tx normal, {rx.device}:{rx.port} Rx {extra:.1f} dB lower (one direction)")


def damaged_fiber(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"})
    _attenuate(link.a, link.loss_ab, rng.uniform(7.5, 10.5))
    _attenuate(link.b, link.loss_ba, rng.uniform(7.5, 10.5))
    return _entry("damaged_fiber", "cable", link.cable_id, [link.cable_id], "clean both ends, then replace the cable",
                  "low Rx in both directions, Tx normal at both ends")


def dead_link(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"})
    link.connected = False
    return _entry("dead_link", "cable", link.cable_id, [link.cable_id], "reseat or replace the cable",
                  "no light in either direction, both transmitters normal, link down")


def bad_module_errors(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"}, errors=True)
    tx, rx = _ends(link, rng)
    rx.extra_ber = 10 ** rng.uniform(-3.7, -3.2)
    _erring(fab, rx)
    return _entry("bad_module_errors", "transceiver", _ref(rx), [link.cable_id],
                  "reseat, then replace the module the errors follow",
                  f"{rx.device}:{rx.port} receives with uncorrectable FEC errors; optical power normal both ways")


def _sharing(fab: Fabric, end: End) -> list[End]:
    """The ends served by end's module (itself, and the other port of a twin-port module)."""
    return [e for e in fab.devices[end.device].ends.values() if e.module is end.module]


def hot_module(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber", "aoc"})
    end = rng.choice([link.a, link.b])
    temp = end.module.thresholds["temp_high_alarm"] + rng.uniform(1.5, 8.0)
    links = []
    for e in _sharing(fab, end):
        e.temp_c = temp
        l = fab.link_of(e.device, e.port)
        used.add(l.cable_id)
        links.append(l.cable_id)
    return _entry("hot_module", "transceiver", _ref(end), sorted(links), "replace the module",
                  f"{end.device}:{end.port} at {temp:.1f} C, above its high alarm")


def twin_module_errors(fab, rng, used):
    """A twin-port module whose receivers error on both of its ports: one part, two bad links."""
    cands = []
    for dev in fab.devices.values():
        for e in dev.ends.values():
            if e.module is not None and e.module.cage and e.lane_offset == 0:
                group = _sharing(fab, e)
                links = [fab.link_of(x.device, x.port) for x in group]
                if len(group) == 2 and not any(l.cable_id in used for l in links) \
                        and not (fab.suite == "v2" and _at_cap(fab, e.device)):
                    cands.append((e, group, links))
    if not cands:
        raise NoCandidate
    e, group, links = rng.choice(cands)
    for x in group:
        x.extra_ber = 10 ** rng.uniform(-3.7, -3.2)
    fab.errs[e.device] = fab.errs.get(e.device, 0) + 1     # one part
    for l in links:
        used.add(l.cable_id)
    return _entry("twin_module_errors", "transceiver", _ref(e), sorted(l.cable_id for l in links),
                  "reseat, then replace the twin-port module",
                  f"{e.device}:{e.module.cage} module: uncorrectable errors received on both of its ports, "
                  "optical power normal")


def breakout_lane(fab, rng, used):
    """One fibre of a breakout harness leg broken: one lane dark in one direction, that leg down."""
    cands = [l for l in fab.links if l.harness and l.cable_id not in used]
    if not cands:
        raise NoCandidate
    link = rng.choice(cands)
    used.add(link.cable_id)
    lane = rng.randrange(4)
    loss = link.loss_ab if rng.random() < 0.5 else link.loss_ba
    loss[lane] += 40.0
    e = _entry("breakout_lane", "cable", link.harness, [link.cable_id], "replace the breakout harness",
               f"harness {link.harness} leg {link.cable_id}: lane {lane + 1} dark in one direction")
    e["also"] = [link.cable_id]
    return e


def assembly_fault(fab, rng, used):
    link = _pick(fab, rng, used, media={"aoc", "dac"}, errors=True)
    for end in (link.a, link.b) if rng.random() < 0.5 else (rng.choice([link.a, link.b]),):
        end.extra_ber = 10 ** rng.uniform(-3.7, -3.2)
        _erring(fab, end)
    return _entry("assembly_fault", "cable", link.cable_id, [link.cable_id], "replace the cable assembly",
                  f"{link.media.upper()} link with uncorrectable FEC errors")


def flapping(fab, rng, used):
    link = _pick(fab, rng, used, media={"aoc", "dac"})
    n = rng.randint(150, 600)
    for end in (link.a, link.b):
        end.link_down_events += n + rng.randint(0, 3)
        end.carrier_changes += 2 * n
    return _entry("flapping", "cable", link.cable_id, [link.cable_id], "reseat, then replace the cable assembly",
                  f"{n} link-down events on both ends")


def half_dead_module(fab, rng, used):
    link = _pick(fab, rng, used, tier="uplink")
    tx, rx = _ends(link, rng)
    for i in range(4, 8):
        tx.tx_mw[i] = 0.0
        tx.bias_ma[i] = 0.0
        tx.tx_fault[i] = True
    return _entry("half_dead_module", "transceiver", _ref(tx), [link.cable_id], "replace the module",
                  f"{tx.device}:{tx.port} 800G module: lanes 5-8 dark (Tx fault), far end LOS on lanes 5-8")


def host_tx_los(fab, rng, used):
    # only where the platform reports a CMIS module's host-side flags (ethtool -m, SONiC status)
    cands = [(l, e) for l in fab.links if l.cable_id not in used and l.media in ("fiber", "aoc")
             and all(fab.devices[x.device].reachable for x in (l.a, l.b))
             for e in (l.a, l.b) if fab.devices[e.device].platform in ("linux", "sonic")
             and e.module.identifier != "QSFP56"]
    if not cands:
        raise NoCandidate
    link, end = rng.choice(cands)
    used.add(link.cable_id)
    for i in _used(end):
        end.host_tx_los[i] = True
        end.host_tx_lol[i] = True
        end.tx_mw[i] = 0.0
    return _entry("host_tx_los", "port", f"{end.device}:{end.port}", [link.cable_id],
                  "check the port / ASIC side: reseat the module, then move it to another port",
                  f"{end.device}:{end.port} module reports host-side Tx LOS/LOL; no optical output")


def rx_overload(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"})
    tx, rx = _ends(link, rng)
    loss = link.loss_ab if tx is link.a else link.loss_ba
    for i in _used(tx):
        tx.tx_mw[i] = mw(rng.uniform(5.6, 6.6))
        loss[i] = rng.uniform(0.0, 0.3)
    return _entry("rx_overload", "transceiver", _ref(tx), [link.cable_id],
                  "wrong optic or missing attenuator: fit the right module at the transmitting end",
                  f"{rx.device}:{rx.port} Rx above its high alarm; {tx.device}:{tx.port} launches too hot")


def _prints_config(fab: Fabric, link: Link) -> bool:
    """The link's switch end prints its configured FEC and speed (SONiC, Cumulus; not EOS here)."""
    return all(fab.devices[e.device].platform != "eos" for e in (link.a, link.b))


def fec_mismatch(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"}, tier="host", pred=lambda l: _prints_config(fab, l))
    sw = link.b if fab.devices[link.b.device].role != "gpu_host" else link.a
    sw.fec = "none"
    return _entry("fec_mismatch", "port", f"{sw.device}:{sw.port}", [link.cable_id],
                  "check FEC/speed settings on both ends",
                  f"{sw.device}:{sw.port} configured FEC none against rs on the far end; light both ways, link down")


def speed_mismatch(fab, rng, used):
    link = _pick(fab, rng, used, media={"fiber"}, tier="host", pred=lambda l: _prints_config(fab, l))
    sw = link.b if fab.devices[link.b.device].role != "gpu_host" else link.a
    sw.speed_gbps //= 2
    return _entry("speed_mismatch", "port", f"{sw.device}:{sw.port}", [link.cable_id],
                  "check speed/FEC/autoneg settings on both ends",
                  f"{sw.device}:{sw.port} configured {sw.speed_gbps}G against {2 * sw.speed_gbps}G on the far end; "
                  "light both ways, link down")


def _switch_fault(fab, rng, used, side: str):
    leaves = [n for n, d in fab.devices.items() if d.role == "leaf" and d.reachable]
    rng.shuffle(leaves)
    for leaf in leaves:
        links = [l for l in fab.links if leaf in (l.a.device, l.b.device) and l.cable_id not in used]
        total = len([l for l in fab.links if leaf in (l.a.device, l.b.device)])
        if len(links) < total * 0.9:
            continue
        if fab.suite == "v2":
            # a switch fault shows on several links: at least 4 and 10 %, so that it cannot be told
            # from one or two independent module faults on the same leaf only by luck
            if fab.errs.get(leaf, 0):
                continue
            links = [l for l in links if not _at_cap(fab, l.a.device) and not _at_cap(fab, l.b.device)]
            k = max(4, int(round(total * rng.uniform(0.10, 0.20))))
            if len(links) < k:
                continue
        else:
            k = max(2, int(round(total * rng.uniform(0.05, 0.20))))
        chosen = rng.sample(links, k)
        for l in chosen:
            used.add(l.cable_id)
            mine = l.a if l.a.device == leaf else l.b
            far = l.b if mine is l.a else l.a
            (mine if side == "rx" else far).extra_ber = 10 ** rng.uniform(-3.8, -3.3)
            if side == "tx":
                _erring(fab, far)
        fab.errs[leaf] = 99      # v2: no independent erroring module on a failing switch
        return _entry(f"switch_{side}", "switch", leaf, sorted(l.cable_id for l in chosen),
                      "one ticket for the switch (ASIC/port group), not per-link tickets",
                      f"{leaf}: errors at {'its receivers' if side == 'rx' else 'the far ends of'} "
                      f"{k}/{total} links, optics clean")
    raise NoCandidate


def switch_rx(fab, rng, used):
    return _switch_fault(fab, rng, used, "rx")


def switch_tx(fab, rng, used):
    return _switch_fault(fab, rng, used, "tx")


def dark_plane(fab, rng, used):
    p = str(rng.randrange(fab.planes))
    links = [l for l in fab.links if l.plane == p]
    if any(l.cable_id in used for l in links):
        raise NoCandidate
    for name, dev in fab.devices.items():
        if dev.role in ("leaf", "spine") and dev.plane == p:
            dev.reachable = False
            dev.error = f"ssh: connect to host {dev.address} port 22: Connection timed out"
    for l in links:
        used.add(l.cable_id)
        for end in (l.a, l.b):
            if fab.devices[end.device].role in ("leaf", "spine"):
                end.tx_mw = [0.0] * len(end.tx_mw)   # powered-off switches send no light
    return _entry("dark_plane", "plane", p, sorted(l.cable_id for l in links),
                  "plane-wide event: check power/management of the plane's switches",
                  f"plane {p}: every switch unreachable, every host port of the plane dark")


def swapped(fab, rng, used):
    """Two host cables swapped at the leaf: each host port lands on the other's planned leaf port."""
    leaves = [n for n, d in fab.devices.items() if d.role == "leaf" and d.reachable]
    rng.shuffle(leaves)
    for leaf in leaves:
        links = [l for l in fab.links if l.b.device == leaf and l.cable_id not in used
                 and fab.devices[l.a.device].role == "gpu_host" and l.media == "fiber"]
        if len(links) < 2:
            continue
        l1, l2 = rng.sample(links, 2)
        used.update({l1.cable_id, l2.cable_id})
        l1.planned_b = (l1.b.device, l1.b.port)
        l2.planned_b = (l2.b.device, l2.b.port)
        # physical swap: b ends exchange (the leaf port objects stay on the leaf)
        l1.b, l2.b = l2.b, l1.b
        e = _entry("swapped", "cable", l1.cable_id, sorted([l1.cable_id, l2.cable_id]),
                   "move the cables as the plan says",
                   f"{l1.a.device}:{l1.a.port} and {l2.a.device}:{l2.a.port} swapped at {leaf}")
        e["also"] = [l2.cable_id]
        return e
    raise NoCandidate


def miswire(fab, rng, used):
    """A host cable plugged into a free port of its leaf instead of the planned one."""
    leaves = [d for d in fab.devices.values() if d.role == "leaf" and d.reachable and d.unused_ports]
    rng.shuffle(leaves)
    for leaf in leaves:
        links = [l for l in fab.links if l.b.device == leaf.name and l.cable_id not in used
                 and fab.devices[l.a.device].role == "gpu_host" and not l.b.lane_offset
                 and not (l.b.module and l.b.module.cage)]
        if not links:
            continue
        link = rng.choice(links)
        used.add(link.cable_id)
        free_port, free_alias = leaf.unused_ports.pop(0)
        end = link.b
        link.planned_b = (end.device, end.port)
        del leaf.ends[end.port]
        leaf.unused_ports.append((end.port, end.alias))     # the planned port is now empty
        end.port, end.alias = free_port, free_alias
        leaf.ends[free_port] = end
        return _entry("miswire", "cable", link.cable_id, [link.cable_id], "move the cable as the plan says",
                      f"{link.a.device}:{link.a.port} plugged into {leaf.name}:{free_port} instead of "
                      f"{link.planned_b[1]}")
    raise NoCandidate



# --- suite v2 classes (drawn only by `--suite v2`; v1 scenarios stay as they were) -----------------

def _solo(end: End) -> bool:
    """The end's module serves this port only (no twin-port or split cage)."""
    return end.module is not None and not end.module.cage and not end.lane_offset


def _platform(fab: Fabric, end: End) -> str:
    return fab.devices[end.device].platform


def two_modules_same_leaf(fab, rng, used):
    """Two independent bad modules on one leaf: errors at the leaf's receivers on 2 of its ~36 links,
    optics normal. Two transceiver faults, not a switch fault (v2 switch faults take >= 4 links)."""
    leaves = [n for n, d in fab.devices.items() if d.role == "leaf" and d.reachable and not fab.errs.get(n)]
    rng.shuffle(leaves)
    for leaf in leaves:
        links = [l for l in fab.links if leaf in (l.a.device, l.b.device) and l.cable_id not in used
                 and l.media == "fiber" and _tier(fab, l) == "host"
                 and fab.devices[l.a.device].reachable and not _at_cap(fab, l.a.device)
                 and _solo(l.b if l.b.device == leaf else l.a)]
        if len(links) < 2:
            continue
        total = len([l for l in fab.links if leaf in (l.a.device, l.b.device)])
        out = []
        for l in rng.sample(links, 2):
            used.add(l.cable_id)
            rx = l.b if l.b.device == leaf else l.a
            rx.extra_ber = 10 ** rng.uniform(-3.7, -3.2)
            _erring(fab, rx)
            out.append(_entry("two_modules_same_leaf", "transceiver", _ref(rx), [l.cable_id],
                              "reseat, then replace the module the errors follow",
                              f"{rx.device}:{rx.port} receives with uncorrectable FEC errors, optical power normal "
                              f"both ways; one of only 2 erroring links of {total} on {leaf} (the other is "
                              "a separate module fault): two modules, not the switch"))
        fab.focus.append(leaf)
        return out
    raise NoCandidate


def _temp_with_errors(fab, rng, used, hot: bool):
    link = _pick(fab, rng, used, media={"fiber"}, errors=True, pred=lambda l: _solo(l.a) and _solo(l.b))
    end = rng.choice([link.a, link.b])
    t = end.module.thresholds
    if hot:
        end.temp_c = t["temp_high_alarm"] + rng.uniform(1.5, 6.0)
    else:
        end.temp_c = rng.uniform(t["temp_high_warn"] - 6.0, t["temp_high_alarm"] - 2.0)
    end.extra_ber = 10 ** rng.uniform(-3.7, -3.2)
    _erring(fab, end)
    kind = "hot_with_errors" if hot else "warm_with_errors"
    where = "above its high alarm" if hot else "below its high alarm (a warning at most)"
    return _entry(kind, "transceiver", _ref(end), [link.cable_id],
                  "reseat, then replace the module (errors outrank the temperature: not an airflow ticket)",
                  f"{end.device}:{end.port} at {end.temp_c:.1f} C, {where}, receiving with uncorrectable FEC "
                  "errors; optical power normal both ways")


def hot_with_errors(fab, rng, used):
    return _temp_with_errors(fab, rng, used, True)


def warm_with_errors(fab, rng, used):
    return _temp_with_errors(fab, rng, used, False)


def dac_down(fab, rng, used):
    """A passive copper cable that carries no signal: both ends admin up and down, EEPROM read at both."""
    link = _pick(fab, rng, used, media={"dac"})
    link.connected = False
    return _entry("dac_down", "cable", link.cable_id, [link.cable_id],
                  "reseat both ends of the DAC, then replace it (copper: no end faces to clean)",
                  f"DAC {link.a.device}:{link.a.port} - {link.b.device}:{link.b.port} down at both ends, both "
                  "admin up, the cable's EEPROM read at both ends, no error counts")


def dark_strand(fab, rng, used):
    """One strand dark: the receiver reads its -30 dBm noise floor (not -40) with Rx LOS on every lane in use;
    the far transmitter is normal, the other direction lit; the link is down. On a host captured without
    `ip link` when there is one (50 %): there the LOS flags and the floor are the signs."""
    def ok(l: Link, rx: End) -> bool:
        return l.media == "fiber" and _platform(fab, rx) in ("linux", "sonic") and _solo(rx) and \
            _solo(l.a if rx is l.b else l.b)
    pairs = [(l, rx) for l in fab.links if l.cable_id not in used
             and fab.devices[l.a.device].reachable and fab.devices[l.b.device].reachable
             for rx in (l.a, l.b) if ok(l, rx)]
    blind = [(l, rx) for l, rx in pairs if fab.devices[rx.device].without_ip_link]
    if blind and rng.random() < 0.5:
        pairs = blind
    elif fab.focus and rng.random() < 0.5:
        pairs = [(l, rx) for l, rx in pairs if l.a.device in fab.focus or l.b.device in fab.focus] or pairs
    if not pairs:
        raise NoCandidate
    link, rx = rng.choice(pairs)
    used.add(link.cable_id)
    loss = link.loss_ab if rx is link.b else link.loss_ba
    for i in range(len(loss)):
        loss[i] += 40.0
    rx.unused_reading_mw = 0.001
    tx = link.a if rx is link.b else link.b
    e = _entry("dark_strand", "cable", link.cable_id, [link.cable_id],
               "inspect and clean the strand's connectors, then replace the cable",
               f"{rx.device}:{rx.port} reads the -30 dBm noise floor on every lane in use with Rx LOS set; "
               f"{tx.device}:{tx.port} transmits normally and receives light; link down"
               + (" (receiver on a host captured without `ip link`)" if fab.devices[rx.device].without_ip_link
                  else ""))
    e["alt"] = [["connector", link.cable_id]]
    return e


def _zero(fab: Fabric, end: End) -> bool:
    return _platform(fab, end) != "eos" and end.module is not None and end.module.kind == "fiber"


def tx_decay_zero_thr(fab, rng, used):
    """tx_decay on a module whose EEPROM publishes 0 mW Tx/Rx low alarms (the far receiver's too)."""
    link = _pick(fab, rng, used, media={"fiber"}, pred=lambda l: _zero(fab, l.a) and _zero(fab, l.b)
                 and _solo(l.a) and _solo(l.b))
    tx, rx = _ends(link, rng)
    t = tx.module.thresholds
    for i in _used(tx):
        tx.tx_mw[i] = mw(t["tx_low_alarm"] - rng.uniform(0.3, 1.5))
        tx.bias_ma[i] = t["bias_high_warn"] + rng.uniform(0.5, 4.0)
    tx.module.zero_low = rx.module.zero_low = True
    fab.mark(link.cable_id, "zero_low_alarm")
    return _entry("tx_decay_zero_thr", "transceiver", _ref(tx), [link.cable_id], "replace the module",
                  f"{tx.device}:{tx.port} transmits 8-9 dB below its peers (below the -7.3 dBm a DR4/SR4 low "
                  f"alarm would be) with high bias; its EEPROM and {rx.device}:{rx.port}'s publish 0 mW low "
                  "alarms, so no low-power flag is raised; the far end receives low")


def dirty_zero_thr(fab, rng, used):
    """dirty_connector seen by a receiver whose EEPROM publishes 0 mW low alarms."""
    link = _pick(fab, rng, used, media={"fiber"}, pred=lambda l: _zero(fab, l.a) and _zero(fab, l.b))
    if rng.random() < 0.5:
        loss, (tx, rx) = link.loss_ab, (link.a, link.b)
    else:
        loss, (tx, rx) = link.loss_ba, (link.b, link.a)
    extra = _attenuate(tx, loss, rng.uniform(7.5, 10.5))
    rx.module.zero_low = True
    fab.mark(link.cable_id, "zero_low_alarm")
    return _entry("dirty_zero_thr", "connector", link.cable_id, [link.cable_id],
                  "inspect and clean both connectors of the strand",
                  f"{tx.device}:{tx.port} Tx normal, {rx.device}:{rx.port} Rx {extra:.1f} dB lower than the other "
                  "direction and its peers (one direction); the receiver publishes a 0 mW Rx low alarm")


def vanished_port(fab, rng, used):
    """A NIC port gone from a collected host (driver/firmware lost the PCI function): in no output of the
    host at all; its module is unpowered, so the leaf end is down with Rx LOS."""
    link = _pick(fab, rng, used, tier="host", media={"fiber", "aoc"},
                 pred=lambda l: _solo(l.a) and not fab.devices[l.a.device].without_ip_link
                 and _platform(fab, l.b) != "eos")
    host = link.a
    host.vanished = True
    host.tx_mw = [0.0] * len(host.tx_mw)
    e = _entry("vanished_port", "port", f"{host.device}:{host.port}", [link.cable_id],
               "check the NIC (dmesg, firmware, PCIe), then reseat or replace it",
               f"{host.device}:{host.port} is planned and its host was collected, but the port is in no output "
               f"(ip link, ethtool, LLDP); {link.b.device}:{link.b.port} is down with Rx LOS")
    if host.port.startswith("ens"):
        e["alt"] = [["nic", f"{host.device}:{host.port.split('f')[0]}"]]
    return e


def two_on_one_link(fab, rng, used):
    """Two parts of one link fail at once: one module decays (Tx low, far Rx low) while the module at the
    other end runs above its temperature alarm. Two transceiver faults on the same cable."""
    link = _pick(fab, rng, used, media={"fiber"}, pred=lambda l: _solo(l.a) and _solo(l.b))
    tx, hot = _ends(link, rng)
    t = tx.module.thresholds
    for i in _used(tx):
        tx.tx_mw[i] = mw(t["tx_low_alarm"] - rng.uniform(0.3, 1.5))
        tx.bias_ma[i] = t["bias_high_warn"] + rng.uniform(0.5, 4.0)
    hot.temp_c = hot.module.thresholds["temp_high_alarm"] + rng.uniform(1.5, 8.0)
    return [_entry("two_on_one_link", "transceiver", _ref(tx), [link.cable_id], "replace the module",
                   f"{tx.device}:{tx.port} transmits below its Tx low alarm with high bias; {hot.device}:{hot.port} "
                   "(the other end) receives low and is itself over temperature (a second fault)"),
            _entry("two_on_one_link", "transceiver", _ref(hot), [link.cable_id], "replace the module",
                   f"{hot.device}:{hot.port} at {hot.temp_c:.1f} C, above its high alarm; the same link's other "
                   f"module {tx.device}:{tx.port} is failing too (a second fault)")]


LINK_FAULTS = {
    "tx_decay": tx_decay, "dirty_connector": dirty_connector, "damaged_fiber": damaged_fiber,
    "dead_link": dead_link, "bad_module_errors": bad_module_errors, "hot_module": hot_module,
    "assembly_fault": assembly_fault, "flapping": flapping, "half_dead_module": half_dead_module,
    "host_tx_los": host_tx_los, "rx_overload": rx_overload, "fec_mismatch": fec_mismatch,
    "speed_mismatch": speed_mismatch,
    "switch_rx": switch_rx, "switch_tx": switch_tx, "twin_module_errors": twin_module_errors,
    "breakout_lane": breakout_lane,
}
RARE_FAULTS = {"dark_plane": dark_plane}
CABLING_FAULTS = {"swapped": swapped, "miswire": miswire}
V2_FAULTS = {
    **LINK_FAULTS, "two_modules_same_leaf": two_modules_same_leaf, "hot_with_errors": hot_with_errors,
    "warm_with_errors": warm_with_errors, "dac_down": dac_down, "dark_strand": dark_strand,
    "tx_decay_zero_thr": tx_decay_zero_thr, "dirty_zero_thr": dirty_zero_thr, "vanished_port": vanished_port,
    "two_on_one_link": two_on_one_link,
}
ALL_FAULTS = {**V2_FAULTS, **RARE_FAULTS, **CABLING_FAULTS}


# --- noise: true of healthy fleets, must raise nothing ----------------------------------------------

def _mark_device(fab: Fabric, dev, kind: str) -> None:
    for end in dev.ends.values():
        fab.mark(fab.link_of(end.device, end.port).cable_id, kind)


def add_noise(fab: Fabric, rng: random.Random, used: set) -> list[str]:
    """Apply background effects to the fabric; return a description of each for the scenario notes."""
    notes = []
    hosts = [d for d in fab.devices.values() if d.role == "gpu_host"]
    # reboots since boot of the switch: each host reboot is one link-down on both ends of its links
    for dev in hosts:
        reboots = rng.choice([0, 0, 1, 2, 3, 5, 8, 12])
        dev.uptime_days = rng.uniform(2, 30) if reboots else dev.uptime_days
        for end in dev.ends.values():
            end.uptime_s = dev.uptime_days * 86400
            far = fab.link_of(end.device, end.port)
            other = far.b if far.a is end else far.a
            end.link_down_events += 1 if reboots else 0      # the host's own counters restart at boot
            end.carrier_changes += 2 if reboots else 0
            other.link_down_events += reboots
            if reboots:
                fab.mark(far.cable_id, "host_reboots")
    notes.append("host reboots: leaf ports count one link-down per reboot of the host (up to 12)")
    # temperature-following DOM drift within spec
    for dev in fab.devices.values():
        ambient = rng.uniform(28, 45)
        for end in dev.ends.values():
            end.temp_c = ambient + rng.uniform(3, 17)
            end.vcc_v = rng.uniform(3.24, 3.34)
            for i in range(len(end.tx_mw)):
                if end.tx_mw[i] > 0:
                    end.tx_mw[i] *= 10 ** (-(end.temp_c - 40) * 0.01 / 10)
    for dev in fab.devices.values():
        for e in dev.ends.values():
            if e.module is not None and e.module.cage:
                first = min(_sharing(fab, e), key=lambda x: x.lane_offset)
                e.temp_c, e.vcc_v = first.temp_c, first.vcc_v
    notes.append("module temperatures 31-62 C with Tx power following temperature, all within thresholds")
    # capture gaps and representation differences
    if hosts:
        h = rng.choice(hosts)
        h.without_ip_link = True
        _mark_device(fab, h, "no_ip_link")
        notes.append(f"{h.name} captured without `ip link` output (admin state unknown)")
        h = rng.choice(hosts)
        h.without_thresholds = True
        _mark_device(fab, h, "no_thresholds")
        notes.append(f"{h.name}: modules report no thresholds")
    leaves = [d for d in fab.devices.values() if d.role == "leaf"]
    for d in leaves:
        down = sum(1 for e in d.ends.values() if e.speed_gbps < 800)
        cages = -(-down // 2) if any(e.lane_offset for e in d.ends.values()) else down
        if d.platform == "sonic":
            d.lldp_port_id = rng.choice(["ifname", "alias"])
            if d.lldp_port_id == "alias":
                _mark_device(fab, d, "lldp_alias")
            d.unused_ports = [(f"Ethernet{j * 8}", f"etp{j + 1}") for j in range(cages, min(cages + 4, 48))]
        elif d.platform == "eos":
            d.unused_ports = [(f"Ethernet{j + 1}/1", "") for j in range(cages, min(cages + 4, 48))]
        else:
            d.unused_ports = [(f"swp{j + 1}", "") for j in range(cages, min(cages + 4, 48))]
        d.unused_rows_dropped = rng.random() < 0.5
    notes.append("leaves advertising the port alias as LLDP Port ID: "
                 + ", ".join(d.name for d in leaves if d.lldp_port_id == "alias"))
    notes.append("leaves omitting rows for unused ports: "
                 + ", ".join(d.name for d in leaves if d.unused_rows_dropped))
    for d in hosts:
        d.lldp_port_id = rng.choice(["ifname", "mac"])
        if d.lldp_port_id == "mac":
            _mark_device(fab, d, "lldp_mac")
    notes.append("hosts whose lldpd advertises the MAC as Port ID (ifname as description): "
                 + ", ".join(d.name for d in hosts if d.lldp_port_id == "mac"))
    return notes


def add_counter_noise(fab: Fabric, rng: random.Random, used: set) -> list[str]:
    """Counter noise on the links no fault touches (so that a fault's detection is its own evidence)."""
    notes = []
    hosts = [d for d in fab.devices.values() if d.role == "gpu_host"]
    # lifetime uncorrectable codewords: a handful over months of uptime
    n = 0
    for link in fab.links:
        if link.cable_id in used:
            continue
        for end in (link.a, link.b):
            if rng.random() < 0.08 and end.uptime_s > 30 * 86400:
                end.extra_uncorrectable += rng.randint(1, 3)
                fab.mark(link.cable_id, "lifetime_uncorrectable")
                n += 1
    notes.append(f"{n} ports with 1-3 uncorrectable codewords accumulated over > 30 days")
    # cut-through forwarding: corrupted frames arrive at hosts with bad FCS, no PHY errors
    n = 0
    for dev in hosts:
        for end in dev.ends.values():
            cid = fab.link_of(end.device, end.port).cable_id
            if cid in used:
                continue
            if rng.random() < 0.1:
                end.crc_errors += rng.randint(3, 60)
                fab.mark(cid, "cut_through_fcs")
                n += 1
    notes.append(f"{n} host ports with a few FCS errors forwarded by cut-through switches")
    # PAM4 links always run with pre-FEC errors: some healthy links sit at 1e-6..5e-6, far below the
    # RS(544,514) limit, with no uncorrectable codeword
    n = 0
    for link in fab.links:
        if link.cable_id in used or link.media == "dac" or rng.random() >= 0.1:
            continue
        for end in (link.a, link.b):
            end.extra_ber = 10 ** rng.uniform(-6.0, -5.3)
        fab.mark(link.cable_id, "pam4_prefec_ber")
        n += 1
    notes.append(f"{n} healthy links with a pre-FEC BER of 1e-6..5e-6 (PAM4 normal, no uncorrectable codeword)")
    return notes


# --- suite v2 noise ----------------------------------------------------------------------------------

def add_v2_noise(fab: Fabric, rng: random.Random, used: set) -> list[str]:
    """Noise of suite v2, before the faults: ~12 % of optical modules (not on EOS) publish 0 mW Tx/Rx
    low alarms and warnings (a real fault on such a module must still be found; a healthy one must not
    alarm). Faults can land on these modules."""
    n = 0
    for dev in fab.devices.values():
        if dev.platform == "eos":
            continue
        for end in dev.ends.values():
            m = end.module
            if m is not None and m.kind == "fiber" and not m.zero_low and rng.random() < 0.12:
                m.zero_low = True
                n += 1
    for link in fab.links:
        if any(e.module is not None and e.module.zero_low for e in (link.a, link.b)):
            fab.mark(link.cable_id, "zero_low_alarm")
    notes = [f"{n} optical modules publish 0 mW Tx/Rx low alarm and warning thresholds"]
    fibre = [d for d in fab.devices.values() if d.role == "gpu_host" and not d.without_thresholds
             and not d.without_ip_link and d.ends
             and all(fab.link_of(e.device, e.port).media == "fiber" for e in d.ends.values())]
    if fibre:
        h = rng.choice(fibre)
        h.without_thresholds = True
        _mark_device(fab, h, "no_thresholds")
        notes.append(f"{h.name}: modules report no thresholds (a fibre-cabled host)")
    return notes + _legacy_hosts(fab, rng)


_LEGACY_PN = {"fiber": ("FINISAR CORP.", "FTLC9551REPM"), "aoc": ("Mellanox", "MFA1A00-C003"),
              "dac": ("Mellanox", "MCP1600-C002E30N")}


def _legacy_hosts(fab: Fabric, rng: random.Random) -> list[str]:
    """Mixed FEC modes on healthy links (QSFP shapes): one copper-cabled and one fibre-cabled host of an
    older generation run 100G (4 x 25G NRZ). Their DAC links run with FEC off at both ends (CA-N cable,
    clean below 1e-12), their fibre/AOC links RS(528,514) ('rs'); everything else RS(544,514)."""
    hosts = [d for d in fab.devices.values() if d.role == "gpu_host" and d.ends
             and all(e.module is not None and e.module.identifier == "QSFP56" and not e.module.cage
                     for e in d.ends.values())]
    picked = []
    for media in ("dac", "fiber"):
        cands = [d for d in hosts if d not in picked
                 and all(fab.link_of(e.device, e.port).media == media for e in d.ends.values())]
        if cands:
            picked.append(rng.choice(cands))
    notes = []
    for h in picked:
        for end in h.ends.values():
            link = fab.link_of(end.device, end.port)
            for e in (link.a, link.b):
                e.speed_gbps = 100
                e.nrz = True
                e.fec = "none" if link.media == "dac" else "rs"
                if e.module is not None:
                    e.module.vendor, e.module.part_number = _LEGACY_PN[link.media]
            fab.mark(link.cable_id, "fec_off_100g" if link.media == "dac" else "rs528_100g")
        dac = fab.link_of(h.name, next(iter(h.ends))).media == "dac"
        notes.append(f"{h.name}: 100G host (4 x 25G NRZ), {'DAC links with FEC off' if dac else 'RS(528,514) links'}")
    return notes


def nofec_ber(fab, rng, used):
    """A 100G DAC link running without FEC (both ends FEC off) whose copper pair degrades one way: BER
    1e-7..1e-6 at one receiver, which counts millions of FCS and symbol errors (no FEC counters to
    look at); the link stays up. Localized on the assembly."""
    link = _pick(fab, rng, used, media={"dac"}, errors=True, pred=lambda l: l.a.fec == "none" and l.b.fec == "none")
    rx = rng.choice([link.a, link.b])
    rx.extra_ber = 10 ** rng.uniform(-7.0, -6.0)
    _erring(fab, rx)
    return _entry("nofec_ber", "cable", link.cable_id, [link.cable_id], "reseat, then replace the DAC",
                  f"{rx.device}:{rx.port} on a 100G DAC link with FEC off at both ends: BER ~{rx.extra_ber:.0e}, "
                  "millions of FCS and symbol errors at that end, none at the other; link up")


def add_v2_late_noise(fab: Fabric, rng: random.Random, used: set) -> list[str]:
    """Noise of suite v2, after the faults, on a host no fault touched: it rebooted 2-8 minutes ago.
    Part of its ports are still admin down (network configuration not applied yet: no UP flag, laser off,
    the leaf end down with LOS), the rest are up again with minutes of counters; every leaf end counts
    one more link-down. Nothing is broken: admin down at the host explains each down link."""
    hosts = [d for d in fab.devices.values() if d.role == "gpu_host" and d.reachable and not d.without_ip_link
             and not any(fab.link_of(e.device, e.port).cable_id in used for e in d.ends.values())]
    if not hosts:
        return ["no host left for the recent-reboot noise"]
    h = rng.choice(hosts)
    h.uptime_days = rng.uniform(120, 480) / 86400
    ports = list(h.ends.values())
    down = rng.sample(ports, max(1, len(ports) // 2))
    for end in ports:
        end.uptime_s = h.uptime_days * 86400
        end.link_down_events = 0
        end.carrier_changes = 0
        link = fab.link_of(end.device, end.port)
        far = link.b if link.a is end else link.a
        far.link_down_events += 1
        far.carrier_changes += 2
        if end in down:
            end.admin_up = False
            end.tx_mw = [0.0] * len(end.tx_mw)
            end.bias_ma = [0.0] * len(end.bias_ma)
        used.add(link.cable_id)
        fab.mark(link.cable_id, "recent_reboot")
    return [f"{h.name} rebooted {h.uptime_days * 1440:.0f} min ago: {len(down)} of its {len(ports)} ports still "
            "admin down (leaf ends down, Rx LOS), the others up with minutes of counters"]


V2_FAULTS["nofec_ber"] = nofec_ber
ALL_FAULTS["nofec_ber"] = nofec_ber


def dirty_lane(fab, rng, used):
    """One fibre of an MPO connector contaminated: one lane of one direction 6-9 dB below the module's
    other lanes (kept 1.5 dB above LOS), the link up with corrected errors. Rx imbalance across lanes."""
    link = _pick(fab, rng, used, media={"fiber"}, pred=lambda l: _solo(l.a) and _solo(l.b))
    if rng.random() < 0.5:
        loss, (tx, rx) = link.loss_ab, (link.a, link.b)
    else:
        loss, (tx, rx) = link.loss_ba, (link.b, link.a)
    lane = rng.randrange(min(rx.lanes_used, rx.module.media_lanes))
    room = dbm(tx.tx_mw[lane]) - loss[lane] - (LOS_DBM + 1.5)
    add = max(min(rng.uniform(6.0, 9.0), room), 0.0)
    loss[lane] += add
    return _entry("dirty_lane", "connector", link.cable_id, [link.cable_id],
                  "inspect and clean both MPO end faces of the strand",
                  f"{rx.device}:{rx.port} lane {lane + 1} receives {add:.1f} dB less than the module's other lanes "
                  f"(Rx imbalance; {tx.device}:{tx.port} lane {lane + 1} Tx normal); link up")


def dirty_no_thr(fab, rng, used):
    """dirty_connector seen by a receiver on the host whose modules publish no thresholds (judged by
    the loss budget and the other direction, not by the module's own alarm)."""
    link = _pick(fab, rng, used, media={"fiber"},
                 pred=lambda l: any(fab.devices[e.device].without_thresholds and _solo(e) for e in (l.a, l.b)))
    rx = link.a if fab.devices[link.a.device].without_thresholds else link.b
    tx = link.b if rx is link.a else link.a
    loss = link.loss_ba if rx is link.a else link.loss_ab
    extra = _attenuate(tx, loss, rng.uniform(7.5, 10.5))
    return _entry("dirty_no_thr", "connector", link.cable_id, [link.cable_id],
                  "inspect and clean both connectors of the strand",
                  f"{tx.device}:{tx.port} Tx normal, {rx.device}:{rx.port} Rx {extra:.1f} dB lower (one direction); "
                  "the receiving host's modules publish no thresholds")


V2_FAULTS["dirty_lane"] = dirty_lane
V2_FAULTS["dirty_no_thr"] = dirty_no_thr
ALL_FAULTS["dirty_lane"] = dirty_lane
ALL_FAULTS["dirty_no_thr"] = dirty_no_thr

"""Faults and noise injected into an InfiniBand fabric model, each with its ground truth.

Every fault changes only what the real part would change (optics, flags, link state, counters,
neighbours) and records in its truth a `note` saying where the evidence is. Refs follow the
finding vocabulary of docs/findings.md: a host module ``HOST:mlx5_3/1``; a switch module (twin-port
OSFP) by its cage ``SWITCH:cageN`` (ports 2N-1 and 2N); a port ``DEVICE:PORT``; an HCA
``HOST:mlx5_3``; a cable or connector by cable id; a switch by name; a plane by its number.
"""

from __future__ import annotations

import random

from benchmarks.scenarios_v3i.model import LANES, NOISE_FLOOR_DBM, End, Fabric, Link, Module, SWITCH_MODULE

COMPONENT_KINDS = ["bad_transceiver_low_tx", "bad_transceiver_bias", "bad_transceiver_rx", "dirty_connector",
                   "damaged_cable", "broken_fiber", "bad_switch_port", "failing_switch_rx", "failing_switch_tx",
                   "hca_failure", "twin_port_module", "reduced_width", "flapping_link", "errors_both_directions",
                   "swapped", "miswire", "wrong_plane", "breakout_cable"]


_LAST_REF: dict[str, End] = {}


def module_ref(e: End) -> str:
    """A switch module by its cage; a host module by the (first) HCA port it serves."""
    if e.kind == "host":
        _LAST_REF[f"{e.device}:{e.module.ports[0].port}"] = e
        return f"{e.device}:{e.module.ports[0].port}"
    return f"{e.device}:cage{(int(e.port) + 1) // 2}"


def module_also(e: End) -> list[str]:
    """Other right names of a host twin-port module: the other HCA port it serves."""
    if e.kind == "host":
        return [f"{o.device}:{o.port}" for o in e.module.ports[1:]]
    return []


def port_ref(e: End) -> str:
    return f"{e.device}:{e.port}"


class Injector:
    def __init__(self, fab: Fabric, rng: random.Random):
        self.fab, self.rng = fab, rng
        self.used_links: set[str] = set()
        self.used_devices: set[str] = set()     # switches / hosts carrying a multi-link fault
        self.faults: list[dict] = []
        self.noise_links: dict[str, list[str]] = {}
        self.noise_ports: list[str] = []              # ports in no planned link (unused HCAs)

    # ------------------------------------------------------------------ helpers
    def _free(self, tier: str | None = None, plane: int | None = None) -> list[Link]:
        out = []
        for lk in self.fab.links:
            if lk.cable_id in self.used_links or lk.tier == "manager":
                continue
            if tier and lk.tier != tier:
                continue
            if plane is not None and lk.plane != plane:
                continue
            if lk.a.device in self.used_devices or lk.b.device in self.used_devices:
                continue
            # keep both ports of a twin cage to one fault (a cage fault would explain both)
            if any(self._cage_busy(e) for e in (lk.a, lk.b)):
                continue
            out.append(lk)
        return out

    def _cage_busy(self, e: End) -> bool:
        if e.module is None or len(e.module.ports) < 2:
            return False
        return any(o is not e and self._link_of_end(o) in self.used_links for o in e.module.ports)

    def _link_of_end(self, e: End) -> str | None:
        for lk in self.fab.links:
            if lk.a is e or lk.b is e:
                return lk.cable_id
        return None

    def _pick(self, tier=None) -> Link | None:
        c = self._free(tier)
        return self.rng.choice(c) if c else None

    def _add(self, kind, component, ref, links, action, note, mod_end: End | None = None, **extra):
        f = {"id": f"fault-{len(self.faults)}", "kind": kind, "component": component, "ref": ref,
             "links": sorted(links), "action": action, "note": note}
        if mod_end is None and component == "transceiver":
            mod_end = _LAST_REF.get(ref)
        if mod_end is not None and module_also(mod_end):
            f["also"] = module_also(mod_end)
        f.update(extra)
        self.faults.append(f)
        self.used_links.update(links)
        return f

    def _orient(self, lk: Link) -> tuple[End, End]:
        """(x, y) with x the receiving end of interest, chosen at random."""
        return (lk.a, lk.b) if self.rng.random() < 0.5 else (lk.b, lk.a)

    # ------------------------------------------------------------------ component faults
    def bad_transceiver_low_tx(self):
        lk = self._pick()
        if not lk:
            return None
        y, x = self._orient(lk)            # y transmits weakly, x receives
        lanes = self.rng.sample(range(LANES), self.rng.choice([1, 2, 4]))
        for i in lanes:
            y.tx_dbm[i] = round(y.module.spec["tx_lo"] - self.rng.uniform(1.0, 3.0), 2)
            y.bias_ma[i] = round(self.rng.uniform(2.0, 3.5), 3)
        return self._add("bad_transceiver", "transceiver", module_ref(y), [lk.cable_id],
                         f"replace the module at {port_ref(y)}",
                         f"{port_ref(y)} Tx power below its low alarm on lanes {sorted(i + 1 for i in lanes)} "
                         f"(bias low); {port_ref(x)} receives low power and pre-FEC errors on those lanes")

    def bad_transceiver_bias(self):
        lk = self._pick()
        if not lk:
            return None
        y, x = self._orient(lk)
        i = self.rng.randrange(LANES)
        y.bias_ma[i] = round(y.module.spec["bias_hi"] + self.rng.uniform(0.8, 3.0), 3)
        y.tx_dbm[i] = round(y.tx_dbm[i] - self.rng.uniform(2.5, 4.0), 2)
        x.rx_err = 10 ** self.rng.uniform(-5.5, -4.5)
        return self._add("bad_transceiver", "transceiver", module_ref(y), [lk.cable_id],
                         f"replace the module at {port_ref(y)}",
                         f"{port_ref(y)} lane {i + 1} laser bias over its high alarm with Tx power down "
                         f"2.5-4 dB (ageing laser); {port_ref(x)} sees pre-FEC BER and symbol errors")

    def bad_transceiver_rx(self):
        lk = self._pick()
        if not lk:
            return None
        x, y = self._orient(lk)            # x's own receiver is bad: errors at x, optics normal both ways
        x.rx_err = 10 ** self.rng.uniform(-5.0, -4.0)
        return self._add("bad_transceiver", "transceiver", module_ref(x), [lk.cable_id],
                         f"reseat, then replace the module at {port_ref(x)}",
                         f"{port_ref(x)} receives at normal power but its pre-FEC BER is high and symbol/"
                         f"PortRcv errors count; {port_ref(y)} is clean both ways")

    def dirty_connector(self):
        lk = self._pick()
        if not lk:
            return None
        x, y = self._orient(lk)
        extra = self.rng.uniform(0.5, 3.0)
        loss = lk.loss_ab if x is lk.b else lk.loss_ba
        # MPO end face: dirt covers every fibre, or only some (1-2 lanes)
        lanes = range(LANES) if self.rng.random() < 0.6 else self.rng.sample(range(LANES), self.rng.choice([1, 2]))
        for i in lanes:
            target = x.module.spec["rx_lo"] - extra + self.rng.uniform(-0.4, 0.4)
            loss[i] = round(y.tx_dbm[i] - target, 2)
        return self._add("dirty_connector", "connector", lk.cable_id, [lk.cable_id],
                         f"inspect and clean both connectors of the strand {port_ref(y)} -> {port_ref(x)}",
                         f"{port_ref(x)} Rx below its low alarm on lanes {sorted(i + 1 for i in lanes)} while {port_ref(y)} Tx is "
                         f"normal and {port_ref(y)} receives fine; pre-FEC errors at {port_ref(x)}")

    def damaged_cable(self):
        lk = self._pick()
        if not lk:
            return None
        for loss, dst in ((lk.loss_ab, lk.b), (lk.loss_ba, lk.a)):
            src = lk.a if dst is lk.b else lk.b
            for i in range(LANES):
                target = dst.module.spec["rx_lo"] - self.rng.uniform(0.5, 2.5)
                loss[i] = round(src.tx_dbm[i] - target, 2)
        return self._add("damaged_cable", "cable", lk.cable_id, [lk.cable_id],
                         f"replace cable {lk.cable_id}",
                         "Rx power below the low alarm at both ends on every lane while both transmitters "
                         "are normal (crushed / over-bent trunk); pre-FEC errors both ends")

    def broken_fiber(self):
        lk = self._pick()
        if not lk:
            return None
        x, y = self._orient(lk)
        loss = lk.loss_ab if x is lk.b else lk.loss_ba
        i = self.rng.randrange(LANES)
        loss[i] = 60.0
        for e in (lk.a, lk.b):
            e.state, e.phys = "Down", "Polling"
        return self._add("broken_fiber", "cable", lk.cable_id, [lk.cable_id],
                         f"replace cable {lk.cable_id} (one strand broken)",
                         f"{port_ref(x)} lane {i + 1} dark (Rx LOS, noise floor) while {port_ref(y)} transmits "
                         "normally and receives all lanes; the link cannot train and is down at both ends",
                         alt=[["connector", lk.cable_id]])

    def bad_switch_port(self):
        cands = [lk for lk in self._free() if lk.b.kind == "switch"]
        if not cands:
            return None
        lk = self.rng.choice(cands)
        sw_end = lk.b if self.rng.random() < 0.7 or lk.a.kind != "switch" else lk.a
        far = lk.a if sw_end is lk.b else lk.b
        for i in range(LANES):
            sw_end.tx_lol[i] = True
            if self.rng.random() < 0.5:
                sw_end.tx_los[i] = True
        far.rx_err = 10 ** self.rng.uniform(-5.0, -4.0)
        return self._add("bad_switch_port", "port", port_ref(sw_end), [lk.cable_id],
                         f"move the module of {port_ref(sw_end)} to a spare port; RMA if the flags stay",
                         f"the module in {port_ref(sw_end)} latches host-side Tx LOL/LOS (signal from the "
                         f"switch ASIC lost) while its optics are normal; {port_ref(far)} sees pre-FEC errors",
                         alt=[["module_cage", port_ref(sw_end)]])

    def _failing_switch(self, side: str):
        cands = [s for s in self.fab.switches.values() if s.name not in self.used_devices and not s.dark]
        self.rng.shuffle(cands)
        for sw in cands:
            links = [lk for lk in self.fab.links if (lk.a.device == sw.name or lk.b.device == sw.name)
                     and lk.tier != "manager"]
            if any(lk.cable_id in self.used_links for lk in links):
                continue         # another fault on one of its links would blur which part is to blame
            free = [lk for lk in links if lk.cable_id not in self.used_links
                    and not any(self._cage_busy(e) for e in (lk.a, lk.b))
                    and (lk.a.device == sw.name or lk.a.device not in self.used_devices)
                    and (lk.b.device == sw.name or lk.b.device not in self.used_devices)]
            k = max(3, round(len(links) * self.rng.uniform(0.08, 0.2)))
            if len(free) < k:
                continue
            self.rng.shuffle(free)
            chosen, cages, fars = [], set(), set()
            # one link per twin cage (a cage fault would explain two) and per far device (errors on several
            # links to one neighbour would point at that neighbour as much as at this switch)
            for lk in free:
                mine = lk.a if lk.a.device == sw.name else lk.b
                far = lk.b if mine is lk.a else lk.a
                if id(mine.module) in cages or far.device in fars:
                    continue
                cages.add(id(mine.module))
                fars.add(far.device)
                chosen.append(lk)
                if len(chosen) == k:
                    break
            if len(chosen) < k:
                continue
            for lk in chosen:
                mine = lk.a if lk.a.device == sw.name else lk.b
                other = lk.b if mine is lk.a else lk.a
                (mine if side == "rx" else other).rx_err = 10 ** self.rng.uniform(-5.3, -4.0)
            self.used_devices.add(sw.name)
            what = "its own receivers" if side == "rx" else "the far ends' receivers (its transmit side)"
            return self._add("failing_switch", "switch", sw.name, [lk.cable_id for lk in chosen],
                             f"check {sw.name} (ASIC / power / firmware logs); RMA the switch",
                             f"{k} of its {len(links)} links show pre-FEC BER and symbol errors at {what}, "
                             "with normal optics both ways and clean far-end directions", side=side)
        return None

    def failing_switch_rx(self):
        return self._failing_switch("rx")

    def failing_switch_tx(self):
        return self._failing_switch("tx")

    def hca_failure(self):
        cands = [lk for lk in self._free("host") if self.fab_host(lk.a.device).reachable]
        if not cands:
            return None
        lk = self.rng.choice(cands)
        h = lk.a
        h.vanished = True
        h.state, h.phys = "Down", "Disabled"
        lk.b.state, lk.b.phys = "Down", "Polling"
        ca = h.port.split("/")[0]
        self.used_devices.add(h.device)
        return self._add("hca_failure", "nic", f"{h.device}:{ca}", [lk.cable_id],
                         f"check {h.device} {ca} (lspci, dmesg); reseat or replace the HCA",
                         f"{ca} is missing from ibstat on {h.device} (no mlxlink/perfquery for it); "
                         f"{port_ref(lk.b)} is down with no light from the host (its module unpowered)",
                         alt=[["port", port_ref(h)], ["transceiver", module_ref(h)]])

    def fab_host(self, name):
        return next(h for h in self.fab.hosts if h.name == name)

    def twin_port_module(self):
        # a switch cage whose two ports both carry planned links
        cages = {}
        for lk in self._free():
            for e in (lk.a, lk.b):
                if e.module is not None and len(e.module.ports) == 2:
                    cages.setdefault(id(e.module), (e.module, []))[1].append((lk, e))
        full = [v for v in cages.values() if len(v[1]) == 2]
        if not full:
            return None
        mod, pairs = self.rng.choice(full)
        mode = self.rng.choice(["tx", "rx"])
        fars = {(lk.b if e is lk.a else lk.a).device for lk, e in pairs}
        if len(fars) < 2:
            mode = "tx"      # both ports to one neighbour: receive errors could be its twin module's doing
        for lk, e in pairs:
            other = lk.b if e is lk.a else lk.a
            if mode == "tx":
                for i in range(LANES):
                    e.tx_dbm[i] = round(e.module.spec["tx_lo"] - self.rng.uniform(0.5, 2.5), 2)
            else:
                e.rx_err = 10 ** self.rng.uniform(-4.8, -4.0)
        e0 = pairs[0][1]
        what = ("Tx power below the low alarm on all 8 lanes (both ports); both far ends receive low"
                if mode == "tx" else "pre-FEC BER and symbol errors on both its ports at normal Rx power")
        return self._add("twin_port_module", "transceiver", module_ref(e0), [lk.cable_id for lk, _ in pairs],
                         f"replace the twin-port module in {module_ref(e0)}",
                         f"module {mod.serial} serving ports {pairs[0][1].port} and {pairs[1][1].port}: {what}")

    def breakout_cable(self):
        """A splitter fibre damaged in its common part: both legs lose light both ways."""
        legs: dict[str, list[Link]] = {}
        for lk in self._free("host"):
            if "." in lk.cable_id:
                legs.setdefault(lk.cable_id.rsplit(".", 1)[0], []).append(lk)
        full = [(h, v) for h, v in legs.items() if len(v) == 2]
        if not full:
            return None
        harness, pair = self.rng.choice(full)
        for lk in pair:
            for loss, src, dst in ((lk.loss_ab, lk.a, lk.b), (lk.loss_ba, lk.b, lk.a)):
                for i in range(LANES):
                    loss[i] = round(src.tx_dbm[i] - (dst.module.spec["rx_lo"] - self.rng.uniform(0.5, 2.5)), 2)
        return self._add("breakout_cable", "cable", harness, [lk.cable_id for lk in pair],
                         f"replace splitter fibre {harness}",
                         f"both legs of {harness}: Rx below the low alarm at both ends on every lane while every "
                         "transmitter is normal", also=[lk.cable_id for lk in pair])

    def reduced_width(self):
        lk = self._pick()
        if not lk:
            return None
        y, x = self._orient(lk)
        i = self.rng.choice([2, 3])
        y.tx_dbm[i] = NOISE_FLOOR_DBM
        y.bias_ma[i] = 0.0
        y.tx_fault[i] = True
        for e in (lk.a, lk.b):
            e.width = 2
        return self._add("reduced_width", "transceiver", module_ref(y), [lk.cable_id],
                         f"replace the module at {port_ref(y)}",
                         f"{port_ref(y)} lane {i + 1} laser dead (Tx fault, no bias, no Tx power): the link "
                         f"trained at 2x instead of 4x (rate 200 instead of 400); {port_ref(x)} lane {i + 1} LOS",
                         keep_up=True)

    def errors_both_directions(self):
        lk = self._pick()
        if not lk:
            return None
        for e in (lk.a, lk.b):
            e.rx_err = 10 ** self.rng.uniform(-5.0, -4.2)
        return self._add("errors_both_directions", "cable", lk.cable_id, [lk.cable_id],
                         f"clean both end faces of {lk.cable_id}, reseat both modules; replace the cable if errors keep rising",
                         "pre-FEC BER and symbol errors rising at both ends (ibdiagnet PM_DELTA > 0) with normal optical "
                         "power both ways and clean flags", alt=[["connector", lk.cable_id]])

    def flapping_link(self):
        lk = self._pick()
        if not lk:
            return None
        n = self.rng.randint(12, 60)
        tsc = self.rng.uniform(600, 4000)
        for e in (lk.a, lk.b):
            e.link_down += n
            e.ler += self.rng.randint(n, 3 * n)
            e.tsc_min = round(tsc + self.rng.uniform(-2, 2), 1)
            e.symbol_errors += self.rng.randint(20, 400)
            e.flaps_per_min = n / tsc
            e.err_per_min = e.symbol_errors / tsc
            e.rcv_errors += self.rng.randint(10, 200)
        return self._add("flapping_link", "cable", lk.cable_id, [lk.cable_id],
                         f"reseat cable {lk.cable_id} and both modules; replace the cable if it keeps flapping",
                         f"{n} link-down events at both ends within {tsc / 60:.0f} h since the counters were "
                         "cleared, with link error recoveries and symbol errors", alt=[["connector", lk.cable_id]])

    def swapped(self):
        leaves = {}
        for lk in self._free("host"):
            leaves.setdefault(lk.b.device, []).append(lk)
        cands = [v for v in leaves.values() if len(v) >= 2]
        if not cands:
            return None
        l1, l2 = self.rng.sample(self.rng.choice(cands), 2)
        l1.actual_b, l2.actual_b = l2.b, l1.b
        return self._add("swapped", "cable", l1.cable_id, [l1.cable_id, l2.cable_id],
                         f"swap cables {l1.cable_id} and {l2.cable_id} at {l1.b.device} as planned",
                         f"ibdiagnet net_dump / ibnetdiscover: {l1.a.device} {l1.a.port} is on port {l2.b.port} "
                         f"and {l2.a.device} {l2.a.port} on port {l1.b.port} of {l1.b.device}",
                         also=[l2.cable_id])

    def _move(self, lk: Link, sw, num: int) -> End:
        """Plug the far end of host link `lk` into spare port `num` of switch `sw` (module in that cage)."""
        cage = (num + 1) // 2
        sib = sw.ports.get(cage * 2 - 1 if num % 2 == 0 else cage * 2)
        mod = sib.module if sib is not None and sib.module is not None else Module(
            "MT%04dFT%05d" % (self.rng.randint(2201, 2552), self.rng.randint(0, 99999)), SWITCH_MODULE,
            round(self.rng.uniform(38, 55), 1), 3300.0)
        e = End(sw.name, str(num), "switch", mod, lane_base=0 if num % 2 else 4, guid=sw.guid, lid=sw.lid)
        mod.ports.append(e)
        sw.ports[num] = e
        e.tx_dbm = [round(min(max(self.rng.gauss(0.0, 0.6), -2.5), 1.5), 2) for _ in range(LANES)]
        e.bias_ma = [round(self.rng.uniform(6.5, 8.5), 3) for _ in range(LANES)]
        e.raw_ber = [10 ** self.rng.uniform(-11, -8) for _ in range(LANES)]
        e.tsc_min = lk.a.tsc_min
        e.tx_pkts, e.rx_pkts, e.tx_data, e.rx_data = lk.b.tx_pkts, lk.b.rx_pkts, lk.b.tx_data, lk.b.rx_data
        planned = lk.b
        planned.state, planned.phys = "Down", "Polling"
        planned.rx_los = [True] * LANES          # its module is still in the cage, with no fiber
        lk.actual_b = e
        self.fab.spare[sw.name] = [n for n in self.fab.spare[sw.name] if n != num]
        return e

    def _spare(self, sw) -> int | None:
        spare = [n for n in self.fab.spare.get(sw.name) or [] if n not in sw.ports]
        return spare[0] if spare else None

    def miswire(self):
        for lk in self.rng.sample(self._free("host"), len(self._free("host"))):
            sw = self.fab.switches[lk.b.device]
            num = self._spare(sw)
            if num is None:
                continue
            planned = lk.b
            self._move(lk, sw, num)
            return self._add("miswire", "cable", lk.cable_id, [lk.cable_id],
                             f"move cable {lk.cable_id} from {sw.name} port {num} to port {planned.port}",
                             f"ibdiagnet sees {lk.a.device} {lk.a.port} on {sw.name} port {num}; planned port "
                             f"{planned.port} is down with no light")
        return None

    def wrong_plane(self):
        """A host cable plugged into the same rail's leaf of another plane (another IB subnet)."""
        if self.fab.planes < 2:
            return None
        for lk in self.rng.sample(self._free("host"), len(self._free("host"))):
            q = (lk.plane + 1 + self.rng.randrange(self.fab.planes - 1)) % self.fab.planes
            name = lk.b.device.replace(f"ib-p{lk.plane}-", f"ib-p{q}-", 1)
            sw = self.fab.switches.get(name)
            if sw is None or sw.dark or sw.name in self.used_devices:
                continue
            num = self._spare(sw)
            if num is None:
                continue
            planned = lk.b
            self._move(lk, sw, num)
            return self._add("wrong_plane", "cable", lk.cable_id, [lk.cable_id],
                             f"move cable {lk.cable_id} from {sw.name} port {num} (plane {q}) to "
                             f"{planned.device} port {planned.port} (plane {lk.plane})",
                             f"plane {q}'s ibdiagnet sees {lk.a.device} {lk.a.port} on {sw.name} port {num}; "
                             f"planned {planned.device} port {planned.port} (plane {lk.plane}) is down with no light")
        return None

    # ------------------------------------------------------------------ plane event
    def dark_plane(self, plane: int | None = None, whole: bool | None = None):
        """Every leaf of a plane powered off (its spines still answer the plane's ibdiagnet), or, `whole`,
        every switch of the plane (its ibdiagnet run reaches nothing and leaves no files)."""
        pl = self.rng.randrange(self.fab.planes) if plane is None else plane
        whole = self.rng.random() < 0.5 if whole is None else whole
        links = []
        for sw in self.fab.switches.values():
            if sw.plane == pl and (whole or sw.role == "leaf"):
                sw.dark = True
        for lk in self.fab.links:
            if lk.plane != pl or (lk.tier == "manager" and not whole):
                continue
            links.append(lk.cable_id)
            for e in (lk.a, lk.b):
                if self.fab.switches.get(e.device) is not None and self.fab.switches[e.device].dark:
                    e.vanished = True           # powered off: no light, no answer
                    e.tx_dbm = [NOISE_FLOOR_DBM] * LANES
                e.state, e.phys = "Down", "Polling"
        what = ("every switch of plane {pl} is powered off: every host port of the plane is down with Rx LOS "
                "on all lanes, and the plane's ibdiagnet run reached nothing (its files are missing)" if whole else
                "every leaf of plane {pl} is powered off: every host port of the plane is down with Rx LOS on all "
                "lanes; the plane's ibdiagnet sees only its spines, their leaf-facing ports down and dark")
        return self._add("dark_plane", "plane", str(pl), links,
                         f"check plane {pl} as a whole: the power of its switches",
                         what.format(pl=pl), whole=whole)

    # ------------------------------------------------------------------ noise
    def noise(self, unreachable: int = 1):
        rng = self.rng
        free_links = [lk for lk in self.fab.links if lk.cable_id not in self.used_links]

        def note(lk, what):
            self.noise_links.setdefault(lk.cable_id, []).append(what)

        # lifetime counters over long uptimes: a few symbol errors in months
        for lk in rng.sample(free_links, min(len(free_links), max(2, len(free_links) // 12))):
            e = rng.choice([lk.a, lk.b])
            if e.state != "Active":
                continue
            e.tsc_min = max(e.tsc_min, rng.uniform(250000, 500000))
            e.symbol_errors += rng.randint(1, 20)
            e.rcv_errors += rng.randint(0, 10)
            e.ler += rng.randint(0, 2)
            note(lk, "lifetime_counters")
        # link-downed from host reboots: both ends count, long time since clear
        for lk in rng.sample(free_links, min(len(free_links), max(2, len(free_links) // 8))):
            if lk.a.state != "Active":
                continue
            n = rng.randint(1, 4)
            for e in (lk.a, lk.b):
                e.link_down += n
                e.tsc_min = max(e.tsc_min, rng.uniform(100000, 400000))
            note(lk, "reboot_link_downs")
        # DOM near thresholds: a weak but in-spec transmitter (all its lanes 2.5-3.2 dB above its Tx low
        # alarm, normal link loss), so the far end also reads a low-ish Rx; BER stays clean
        for lk in rng.sample(free_links, min(len(free_links), max(1, len(free_links) // 25))):
            e = rng.choice([lk.a, lk.b])
            lo = e.module.spec["tx_lo"]
            e.tx_dbm = [round(lo + rng.uniform(2.5, 3.2), 2) for _ in range(LANES)]
            note(lk, "tx_near_low_alarm")
        for lk in rng.sample(free_links, min(len(free_links), max(1, len(free_links) // 30))):
            e = rng.choice([lk.a, lk.b])
            # near the alarm but inside the commercial case range (0-70 C) and any plausible warning
            e.module.temp = round(rng.uniform(65.0, 69.4), 1)
            note(lk, "temperature_near_alarm")
        # congestion: transmit discards and long transmit waits on some switch ports (not a physical fault)
        sw_ends = [(lk, e) for lk in free_links for e in (lk.a, lk.b) if e.kind == "switch" and e.state == "Active"]
        for lk, e in rng.sample(sw_ends, min(len(sw_ends), max(2, len(sw_ends) // 10))):
            e.xmit_discards += rng.randint(20, 400)
            note(lk, "congestion_discards")
        # corruption from a faulty link elsewhere, forwarded: PortRcvRemotePhysicalErrors on a few ports of the
        # same plane (IB marks such packets bad upstream; the receiving link is clean)
        erring = [f for f in self.faults if f["kind"] in ("bad_transceiver", "dirty_connector", "damaged_cable",
                                                          "errors_both_directions", "failing_switch")]
        if erring:
            planes = {self.fab.link_of(erring[0]["links"][0]).plane}
            cands = [lk for lk in free_links if lk.plane in planes and lk.a.state == "Active"]
            for lk in rng.sample(cands, min(len(cands), 3)):
                rng.choice([lk.a, lk.b]).remote_phys += rng.randint(5, 300)
                note(lk, "forwarded_remote_physical_errors")
        # an unused HCA (no module, no cable: Down / Polling), in none of the plan's links, on a quarter of the hosts
        gpu_hosts = [h for h in self.fab.hosts if h.ufm is None]
        for h in rng.sample(gpu_hosts, max(1, len(gpu_hosts) // 4)):
            ca = f"mlx5_{len(h.cas)}"
            h.cas[ca] = End(h.name, f"{ca}/1", "host", None, state="Down", phys="Polling",
                            guid="0x%04x%012x" % (0x5c25, rng.getrandbits(48)), lid=0)
            self.noise_ports.append(f"{h.name}:{ca}/1")
        # unreachable hosts (the ibdiagnet view of their ports stays healthy)
        hosts = [h for h in self.fab.hosts if h.ufm is None and h.name not in self.used_devices
                 and not any(e.cable_id in self.used_links for e in self.fab.links
                             if e.a.device == h.name)]
        unreach = [h.name for h in rng.sample(hosts, min(unreachable, len(hosts)))]
        for h in self.fab.hosts:
            if h.name in unreach:
                h.reachable = False
        return unreach


def inject(fab: Fabric, rng: random.Random, n_faults: int, kinds: list[str] | None = None,
           dark_plane: bool = False, unreachable: int = 1) -> tuple[list, list, dict]:
    inj = Injector(fab, rng)
    if dark_plane:
        inj.dark_plane()["class"] = "dark_plane"
    order = list(kinds or COMPONENT_KINDS)
    rng.shuffle(order)
    i = 0
    tries = 0
    while len([f for f in inj.faults if f["kind"] != "dark_plane"]) < n_faults and tries < n_faults * 4:
        kind = order[i % len(order)]
        i += 1
        tries += 1
        f = getattr(inj, kind)()
        if f is not None:
            f["class"] = kind
    unreach = inj.noise(unreachable=unreachable)
    noise = dict(inj.noise_links)
    if inj.noise_ports:
        noise["_unused_ports"] = inj.noise_ports
    return inj.faults, unreach, noise

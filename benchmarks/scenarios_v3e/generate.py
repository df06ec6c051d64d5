"""Build a v3e scenario: a multi-plane rail-optimised Ethernet fabric, noise that must not alarm,
injected faults, then every device's command outputs as a capture folder, devices.csv, cabling.csv
and truth.json.

    python -m benchmarks.scenarios_v3e.generate --shape 2p-sonic --seed 1 --faults 6 --out DIR
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

from . import faults as F
from . import render_cumulus, render_junos, render_linux, render_nxos, render_sonic
from .model import DARK_DBM, LANES, Fabric

STARTED = "2026-12-01T02:00:00.000Z"

SYSDESCR = {
    "linux": "Ubuntu 22.04.4 LTS Linux 5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 x86_64",
    "sonic": "SONiC Software Version: SONiC.202311.412345-abcdef0 - HwSku: Mellanox-SN4600C-C64 - "
             "Distribution: Debian 12.5 - Kernel: 6.1.0-11-2-amd64",
    "nxos": "Cisco Nexus Operating System (NX-OS) Software 10.3(4a)\nTAC support: http://www.cisco.com/tac\n"
            "Copyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.",
    "cumulus": "Cumulus Linux version 5.9.1 running on Mellanox Technologies Ltd. MSN4600C",
    "junos": "Juniper Networks, Inc. qfx5200-32c-32q Ethernet Switch, kernel JUNOS 21.4R3-S4.9, "
             "Build date: 2023-06-20 18:22:40 UTC Copyright (c) 1996-2023 Juniper Networks, Inc.",
}

RENDER = {"linux": render_linux.commands, "sonic": render_sonic.commands, "nxos": render_nxos.commands,
          "junos": render_junos.commands, "cumulus": render_cumulus.commands}


# --- shapes ------------------------------------------------------------------------------------------

def _switch_port_name(platform: str, k: int) -> str:
    if platform == "sonic":
        return f"Ethernet{4 * k}"
    if platform == "nxos":
        return f"Ethernet1/{k + 1}"
    if platform == "junos":
        return f"et-0/0/{k}"
    if platform == "cumulus":
        return f"swp{k + 1}"
    raise ValueError(platform)


def build(shape: str, seed: int, gpus: int) -> Fabric:
    """A rail-optimised fabric: hosts with 8 dual-port NICs; each NIC port in one plane; per plane,
    leaves (`down` host ports each, 8 uplinks through two patch panels) and two spines. With
    `breakout`, each leaf cage holds a 400G-DR4 module split by a harness into 4 x 100G legs to
    four hosts' 100G-DR modules, and the uplinks are 400G-DR4 ports."""
    spec = SHAPE_SPECS[shape]
    rng = random.Random(seed)
    fab = Fabric(rng, shape)
    planes = spec["planes"]
    leaf_pf, spine_pf = spec["leaf"], spec["spine"]
    down = spec["down"]
    brk = spec.get("breakout", False)
    hosts = max(2, (gpus + 7) // 8)
    nics = 8
    per_plane_rails = nics * 2 // planes
    hdevs = []
    for h in range(hosts):
        rack = f"r{h // 4 + 1:02d}"
        d = fab.device(f"gpu-{rack}-n{h % 4 + 1:02d}", "linux", "gpu_host", "", row="01", rack=rack, u=4 + 8 * (h % 4))
        for k in range(nics):
            for j in range(2):
                bus = 0x0d + 0x20 * k
                p = fab.port(d, f"ens{k + 1}f{j}np{j}", "DR1" if brk else "SR4", pci=f"0000:{bus:02x}:00.{j}")
                if brk:
                    p.lanes = [0]
        hdevs.append(d)
    fab.planes = [str(p) for p in range(planes)]
    fab.leaves, fab.spines = {}, {}
    for p in range(planes):
        hp = []  # the host ports of this plane, rail-major
        for r in range(per_plane_rails):
            for d in hdevs:
                t = r * planes + p  # NIC port index t = k*2+j: plane t % planes, rail t // planes
                k, j = divmod(t, 2)
                hp.append((d, d.ports[f"ens{k + 1}f{j}np{j}"]))
        n_leaves = (len(hp) + down - 1) // down
        leaves, leaf_down_ports, leaf_up_ports = [], {}, {}
        for li in range(n_leaves):
            lf = fab.device(f"leaf-p{p}-{li + 1:02d}", leaf_pf, "leaf", str(p), row="10", rack=f"n{p}{li // 2 + 1}",
                            u=40 - 2 * (li % 2))
            lf.lldp_alias = leaf_pf == "sonic" and rng.random() < 0.5
            lf.junos_port_id = bool(spec.get("junos_port_id"))
            dp, up = [], []
            if brk:
                for c in range(down // 4):
                    mod = fab.new_module("DR4")
                    for k in range(4):
                        sp_ = fab.port(lf, f"Ethernet{8 * c + 2 * k}", None, alias=f"etp{c + 1}{'abcd'[k]}")
                        sp_.module, sp_.lanes, sp_.cage = mod, [k], f"Ethernet{8 * c}"
                        sp_.serdes = [8 * c + 2 * k, 8 * c + 2 * k + 1]
                        dp.append(sp_)
                base = down // 4
                for u in range(8):
                    c = base + u
                    q = fab.port(lf, f"Ethernet{8 * c}", "DR4", alias=f"etp{c + 1}")
                    q.speed, q.serdes = 400, list(range(8 * c, 8 * c + 8))
                    up.append(q)
                for c in range(base + 8, base + 10):
                    q = fab.port(lf, f"Ethernet{8 * c}", None, alias=f"etp{c + 1}")
                    q.speed, q.serdes = 400, list(range(8 * c, 8 * c + 8))
            else:
                for k in range(down + 8):
                    q = fab.port(lf, _switch_port_name(leaf_pf, k), "SR4", alias=f"etp{k + 1}")
                    (dp if k < down else up).append(q)
                for k in range(down + 8, down + 12):
                    # spare ports at the end of the leaf: empty cages, no cable planned
                    fab.port(lf, _switch_port_name(leaf_pf, k), None, alias=f"etp{k + 1}")
            leaves.append(lf)
            leaf_down_ports[lf.name], leaf_up_ports[lf.name] = dp, up
        spines = []
        for si in range(2):
            sp = fab.device(f"spine-p{p}-{si + 1}", spine_pf, "spine", str(p), row="11", rack=f"s{p}", u=20 + 4 * si)
            sp.lldp_alias = spine_pf == "sonic" and rng.random() < 0.5
            for k in range(max(8, n_leaves * 4)):
                # cages beyond the planned uplinks stay empty
                kind = ("DR4" if brk else "SR4") if k < n_leaves * 4 else None
                if brk:
                    q = fab.port(sp, f"Ethernet{8 * k}", kind, alias=f"etp{k + 1}")
                    q.speed, q.serdes = 400, list(range(8 * k, 8 * k + 8))
                else:
                    fab.port(sp, _switch_port_name(spine_pf, k), kind, alias=f"etp{k + 1}")
            spines.append(sp)
        fab.leaves[str(p)], fab.spines[str(p)] = leaves, spines
        for idx, (d, hport) in enumerate(hp):
            lf = leaves[idx // down]
            lp = leaf_down_ports[lf.name][idx % down]
            if brk:
                c, k = divmod(idx % down, 4)
                fab.link(f"B-{lf.name}-{c + 1}.{k + 1}", hport, lp, "fiber", rng.choice([5, 7, 10]), str(p))
                continue
            media = "aoc" if rng.random() < spec.get("aoc", 0.0) else "fiber"
            if media == "aoc":
                # one AOC assembly: both ends are its own (non-separable) optics
                hport.module = fab.new_module("AOC")
                lp.module = fab.new_module("AOC")
            fab.link(f"C-{d.name}-{hport.name}", hport, lp, media, rng.choice([3, 5, 7, 10]), str(p))
        for li, lf in enumerate(leaves):
            for u in range(8):
                sp = spines[u % 2]
                sport = list(sp.ports.values())[li * 4 + u // 2]
                lport = leaf_up_ports[lf.name][u]
                panel_a = f"pp-{lf.rack}"
                panel_b = f"pp-s{p}-{u % 2 + 1}"
                path = [f"{panel_a}:{(li % 2) * 8 + u + 1}", f"{panel_b}:{li * 4 + u // 2 + 1}"]
                fab.link(f"U-{lf.name}-{u + 1}", lport, sport, "fiber", rng.choice([30, 45, 60]), str(p), path)
    fab.hosts = hdevs
    return fab


SHAPE_SPECS = {
    "2p-sonic": {"planes": 2, "leaf": "sonic", "spine": "sonic", "aoc": 0.1, "down": 32},
    "4p-sonic": {"planes": 4, "leaf": "sonic", "spine": "sonic", "aoc": 0.1, "down": 16},
    "2p-nxos": {"planes": 2, "leaf": "nxos", "spine": "sonic", "aoc": 0.0, "down": 32},
    "4p-nxos": {"planes": 4, "leaf": "nxos", "spine": "sonic", "aoc": 0.0, "down": 16},
    "2p-junos": {"planes": 2, "leaf": "junos", "spine": "nxos", "aoc": 0.0, "down": 32},
    "4p-junos": {"planes": 4, "leaf": "sonic", "spine": "junos", "aoc": 0.1, "down": 16},
    # as 2p-junos, with Junos printing the neighbor's LLDP port id (MAC, Eth1/N) as "Port info"
    "2p-junos-portid": {"planes": 2, "leaf": "junos", "spine": "nxos", "aoc": 0.0, "down": 32, "junos_port_id": True},
    "2p-cumulus": {"planes": 2, "leaf": "cumulus", "spine": "sonic", "aoc": 0.1, "down": 32},
    "4p-cumulus": {"planes": 4, "leaf": "cumulus", "spine": "junos", "aoc": 0.1, "down": 16},
    "2p-breakout": {"planes": 2, "leaf": "sonic", "spine": "sonic", "down": 32, "breakout": True},
    "4p-breakout": {"planes": 4, "leaf": "sonic", "spine": "sonic", "down": 16, "breakout": True},
}


# --- noise -------------------------------------------------------------------------------------------

def add_noise(fab: Fabric, protected: set) -> dict:
    """Harmless oddities; returns {cable_id: [what]} for the links they touch."""
    rng = fab.rng
    links = [ln for ln in fab.links if ln.cid not in protected]
    rng.shuffle(links)
    it = iter(links)
    noise = {}

    def take(what):
        ln = next(it)
        protected.add(ln.cid)
        noise.setdefault(ln.cid, []).append(what)
        return ln

    # DOM at the edge of (inside) the thresholds: a weak but in-spec transmitter (Tx just above its low
    # warning, normal loss), or a strong one on a short run (Rx just under the high warning)
    for _ in range(3):
        ln = take("tx_near_low_warning")
        x = ln.a if rng.random() < 0.5 else ln.b
        if x.module.thr is None or ln.media == "dac":
            continue
        for i in x.lanes:
            x.module.tx[i] = x.module.thr["tx"][2] + rng.uniform(0.2, 0.6)
    for _ in range(2):
        ln = take("rx_near_high_warning")
        x = ln.a if rng.random() < 0.5 else ln.b
        y = ln.b if x is ln.a else ln.a
        if x.module.thr is None or y.module.thr is None or ln.media == "dac":
            continue
        loss = ln.loss_ab if y is ln.a else ln.loss_ba
        for k in range(len(loss)):
            loss[k] = rng.uniform(0.2, 0.4)
            # at most +2.3 dBm: inside IEEE 802.3bm's 100GBASE-SR4 launch power (max +2.4 dBm average)
            y.module.tx[y.lanes[k]] = min(y.module.thr["tx"][1] - 0.2, 2.3,
                                          x.module.thr["rx"][1] - rng.uniform(0.15, 0.4) + loss[k])
    # modules without thresholds / with a 0 mW low alarm
    for _ in range(4):
        ln = take("module_without_thresholds")
        ln.a.module.thr = None
    for _ in range(3):
        ln = take("zero_mw_low_alarm")
        ln.b.module.zero_low_alarm = True
        ln.a.module.zero_low_alarm = True
    # warm modules inside their warning
    for _ in range(4):
        ln = take("warm_module")
        (ln.a if rng.random() < 0.5 else ln.b).module.temp = rng.uniform(60, 68.5)
    # mixed FEC modes: some short AOC host links run without FEC at both ends (and have the margin for it)
    aocs = [ln for ln in fab.links if ln.media == "aoc" and ln.cid not in protected]
    for ln in aocs[: max(1, len(aocs) // 3)]:
        protected.add(ln.cid)
        noise.setdefault(ln.cid, []).append("fec_off_both_ends")
        for p in (ln.a, ln.b):
            p.fec = "none"
            p.module.rx_floor_ber = 10 ** rng.uniform(-14.5, -13.5)
    # ports admin down on planned links (a host port taken out of service)
    ln = take("admin_down")
    ln.a.admin_up = False
    for i in ln.a.lanes:  # the port is shut: the module's transmitters are disabled
        ln.a.module.tx[i] = DARK_DBM
        ln.a.module.bias[i] = 0.0
    return noise


def late_noise(fab: Fabric, protected: set, noise: dict):
    """Counter noise applied after settle(): a few uncorrectable codewords over a long uptime; link flaps
    counted since boot from host reboots."""
    rng = fab.rng
    ups = [ln for ln in fab.links if ln.cid not in protected and ln.a.up]
    rng.shuffle(ups)
    for ln in ups[:5]:
        p = ln.a if rng.random() < 0.5 else ln.b
        d = fab.devices[p.dev]
        d.uptime_s = max(d.uptime_s, 86400 * rng.uniform(150, 400))
        n = rng.randint(1, 3)
        p.fec_uncorr += n
        p.fec_uncorr_lane[rng.randrange(LANES)] += n
        p.hist[15] += n
        noise.setdefault(ln.cid, []).append("few_uncorrectable_over_months")
    # cut-through forwarding: frames a switch received corrupted (a fault upstream) leave through its
    # other ports with a stomped CRC; their receivers count CRC errors on links that are clean
    by_port = {}
    for ln in fab.links:
        by_port[(ln.a.dev, ln.a.name)] = ln
        by_port[(ln.b.dev, ln.b.name)] = ln
    for d in fab.devices.values():
        if d.platform == "linux" or not d.reachable:
            continue
        bad = [p for p in d.ports.values() if p.up and p.fault_hours and p.fec_uncorr > 1000]
        if not bad:
            continue
        others = [p for p in d.ports.values() if p.up and (p.dev, p.name) in by_port
                  and by_port[(p.dev, p.name)].cid not in protected
                  and "few_uncorrectable_over_months" not in noise.get(by_port[(p.dev, p.name)].cid, [])]
        for p in bad:
            for q in rng.sample(others, min(3, len(others))):
                ln = by_port[(q.dev, q.name)]
                far = ln.b if q is ln.a else ln.a
                n = max(1, int(p.fec_uncorr * rng.uniform(0.0005, 0.002)))
                far.crc += n
                far.stomped += n
                noise.setdefault(ln.cid, []).append("forwarded_crc")
    # a host rebooted a few times: every one of its links went down and up, counted at both ends
    # (the switch ends keep counting since the switch's own boot)
    for d in rng.sample(fab.hosts, min(2, len(fab.hosts))):
        k = rng.randint(2, 6)
        for ln in fab.links:
            if d.name in (ln.a.dev, ln.b.dev):
                for p in (ln.a, ln.b):
                    p.link_down += k
                    p.carrier_changes += 2 * k
                noise.setdefault(ln.cid, []).append("host_reboots")


# --- faults ------------------------------------------------------------------------------------------

FAULT_MIX = ["tx_low", "bias_high", "rx_electrical", "dirty_connector", "damaged_cable", "dark_strand",
             "hot_module", "config_mismatch", "failing_switch_rx", "failing_switch_tx", "nic_failure",
             "patch_panel", "port_host_side", "swapped", "miswire", "leaf_down", "half_dead_module",
             "nic_errors", "plane_down"]
BREAKOUT_MIX = ["breakout_harness", "tx_low", "breakout_leg", "dirty_connector", "bias_high", "rx_electrical",
                "dark_strand", "hot_module", "failing_switch_rx", "breakout_harness", "config_mismatch",
                "nic_failure", "damaged_cable", "failing_switch_tx", "swapped", "patch_panel", "leaf_down",
                "port_host_side"]


def _free_nics(fab: Fabric, by_dev: dict, used: set, busy_dev: set) -> list:
    """(host, NIC number, its links) for NICs none of whose links is taken, on reachable idle hosts."""
    out = []
    for h in fab.hosts:
        if h.name in busy_dev or not h.reachable:
            continue
        for k in range(1, 9):
            lns = [ln for ln in by_dev[h.name] if ln.a.name.startswith(f"ens{k}f")]
            if len(lns) == 2 and all(ln.cid not in used for ln in lns):
                out.append((h, k, lns))
    return out


def inject(fab: Fabric, n: int, protected: set, kinds: list | None = None) -> list[dict]:
    rng = fab.rng
    used = set(protected)
    fault_links: set = set()
    truth = []
    if kinds is None:
        mix = BREAKOUT_MIX if any(ln.cid.startswith("B-") for ln in fab.links) else FAULT_MIX
        start = rng.randrange(len(mix))
        kinds = [mix[(start + i * 5) % len(mix)] for i in range(n)]
    by_dev = {}
    for ln in fab.links:
        by_dev.setdefault(ln.a.dev, []).append(ln)
        by_dev.setdefault(ln.b.dev, []).append(ln)
    busy_dev = set()  # devices hit by a shared-part fault: no second shared fault there

    def free(pred=lambda ln: True):
        c = [ln for ln in fab.links if ln.cid not in used and pred(ln)]
        return rng.choice(c) if c else None

    for kind in kinds:
        t = None
        if kind in ("tx_low", "bias_high", "rx_electrical", "dirty_connector", "damaged_cable", "dark_strand",
                    "hot_module", "config_mismatch"):
            ln = free(lambda ln: ln.media == "fiber" and ln.a.dev not in busy_dev and ln.b.dev not in busy_dev)
            if ln is None:
                continue
            if kind == "config_mismatch":
                # the odd FEC setting must be visible: NVUE's commands here print no FEC mode
                ends = [p for p in (ln.a, ln.b) if fab.devices[p.dev].platform != "cumulus"]
                if not ends:
                    continue
                used.add(ln.cid)
                t = F.config_mismatch(fab, ln, rng.choice(ends))
            else:
                used.add(ln.cid)
                t = getattr(F, kind)(fab, ln)
        elif kind == "breakout_harness":
            harn = {}
            for ln in fab.links:
                if ln.cid.startswith("B-"):
                    harn.setdefault(ln.cid.rsplit(".", 1)[0], []).append(ln)
            cands = [h for h, lns in harn.items() if all(ln.cid not in used for ln in lns)
                     and all(x.dev not in busy_dev for ln in lns for x in (ln.a, ln.b))]
            if not cands:
                continue
            lns = harn[rng.choice(sorted(cands))]
            used.update(ln.cid for ln in lns)
            t = F.breakout_harness(fab, lns)
        elif kind == "breakout_leg":
            ln = free(lambda ln: ln.cid.startswith("B-") and ln.a.dev not in busy_dev and ln.b.dev not in busy_dev)
            if ln is None:
                continue
            used.add(ln.cid)
            t = F.breakout_leg(fab, ln)
        elif kind == "half_dead_module":
            ln = free(lambda ln: ln.media == "fiber" and ln.a.dev not in busy_dev and ln.b.dev not in busy_dev
                      and len(ln.a.lanes) == 4)
            if ln is None:
                continue
            used.add(ln.cid)
            t = F.half_dead_module(fab, ln)
        elif kind == "nic_errors":
            pairs = _free_nics(fab, by_dev, used, busy_dev)
            if not pairs:
                continue
            h, k, lns = rng.choice(pairs)
            used.update(ln.cid for ln in lns)
            busy_dev.add(h.name)
            t = F.nic_errors(fab, h, f"ens{k}", lns)
        elif kind == "plane_down":
            if len(fab.planes) < 4 or len(kinds) < 10:
                continue
            cands = [p for p in fab.planes if not any(
                ln.cid in fault_links or ln.a.dev in busy_dev or ln.b.dev in busy_dev
                for ln in fab.links if ln.plane == p)]
            if not cands:
                continue
            pl = rng.choice(cands)
            sws = fab.leaves[pl] + fab.spines[pl]
            lns = [ln for ln in fab.links if ln.plane == pl]
            used.update(ln.cid for ln in lns)
            busy_dev.update(sw.name for sw in sws)
            t = F.plane_down(fab, pl, sws, lns)
        elif kind == "port_host_side":
            ln = free(lambda ln: ln.media == "fiber" and fab.devices[ln.b.dev].platform == "sonic"
                      and ln.b.dev not in busy_dev)
            if ln is None:
                continue
            used.add(ln.cid)
            t = F.port_host_side(fab, ln, ln.b)
        elif kind in ("failing_switch_rx", "failing_switch_tx"):
            cands = [lf for p in fab.planes for lf in fab.leaves[p] if lf.name not in busy_dev
                     and not any(ln.cid in fault_links for ln in by_dev[lf.name])]
            if not cands:
                continue
            sw = rng.choice(cands)
            # its host-facing links only (one per host): the far ends share nothing but this switch
            mine = [ln for ln in by_dev[sw.name] if ln.cid not in used and ln.a.dev.startswith("gpu")]
            k = max(3, round(len(by_dev[sw.name]) * rng.uniform(0.08, 0.2)))
            if len(mine) < k:
                continue
            chosen = rng.sample(mine, k)
            used.update(ln.cid for ln in chosen)
            busy_dev.add(sw.name)
            t = F.failing_switch(fab, sw, chosen, kind.rsplit("_", 1)[1])
        elif kind == "nic_failure":
            pairs = _free_nics(fab, by_dev, used, busy_dev)
            if not pairs:
                continue
            h, k, lns = rng.choice(pairs)
            used.update(ln.cid for ln in lns)
            busy_dev.add(h.name)
            t = F.nic_failure(fab, h, f"ens{k}", lns)
        elif kind == "patch_panel":
            panels = {}
            for ln in fab.links:
                for hop in ln.path:
                    panels.setdefault(hop.split(":")[0], []).append(ln)
            names = [pn for pn, lns in panels.items() if all(ln.cid not in used for ln in lns) and len(lns) >= 4]
            if not names:
                continue
            pn = rng.choice(sorted(names))
            lns = panels[pn]
            chosen = rng.sample(lns, min(len(lns), rng.randint(3, 5)))
            used.update(ln.cid for ln in lns)
            t = F.patch_panel(fab, pn, chosen)
        elif kind == "swapped":
            l1 = free(lambda ln: ln.a.dev.startswith("gpu") and ln.b.dev not in busy_dev)
            if l1 is None:
                continue
            cands = [ln for ln in by_dev[l1.b.dev] if ln.cid not in used and ln is not l1 and ln.a.dev.startswith("gpu")]
            if not cands:
                continue
            l2 = rng.choice(cands)
            used.update((l1.cid, l2.cid))
            t = F.swapped(fab, l1, l2)
        elif kind == "miswire":
            ln = free(lambda ln: ln.a.dev.startswith("gpu") and ln.b.dev not in busy_dev)
            if ln is None:
                continue
            dev = fab.devices[ln.b.dev]
            planned = {(l.b.dev, l.b.name) for l in fab.links} | {(l.a.dev, l.a.name) for l in fab.links}
            spares = [p for p in dev.ports.values() if (p.dev, p.name) not in planned]
            if not spares:
                continue
            used.add(ln.cid)
            t = F.miswire(fab, ln, rng.choice(spares))
        elif kind == "leaf_down":
            cands = [lf for p in fab.planes for lf in fab.leaves[p] if lf.name not in busy_dev
                     and all(ln.cid not in fault_links for ln in by_dev[lf.name])]
            if not cands or len(kinds) < 8:
                continue
            sw = rng.choice(cands)
            used.update(ln.cid for ln in by_dev[sw.name])
            busy_dev.add(sw.name)
            t = F.leaf_down(fab, sw, by_dev[sw.name])
        if t is not None:
            truth.append(t)
            fault_links.update(t["links"])
    return truth


# --- LLDP --------------------------------------------------------------------------------------------

def _advert(fab: Fabric, p) -> tuple:
    d = fab.devices[p.dev]
    if d.platform == "linux":
        return (d.name, d.mac, "mac", p.mac, p.name, SYSDESCR["linux"])
    if d.platform == "sonic":
        if d.lldp_alias:
            return (d.name, d.mac, "local", p.alias, "", SYSDESCR["sonic"])
        return (d.name, d.mac, "local", p.name, p.name, SYSDESCR["sonic"])
    if d.platform == "nxos":
        return (d.name, d.mac, "ifname", p.name.replace("Ethernet", "Eth"), p.name, SYSDESCR["nxos"])
    if d.platform == "cumulus":
        return (d.name, d.mac, "ifname", p.name, p.name, SYSDESCR["cumulus"])
    if d.platform == "junos":
        # Junos default port-id-subtype locally-assigned: the SNMP ifIndex, the name in the description
        idx = list(d.ports).index(p.name)
        return (d.name, d.mac, "local", str(515 + idx), p.name, SYSDESCR["junos"])
    raise ValueError(d.platform)


def set_lldp(fab: Fabric):
    for ln in fab.links:
        a = ln.actual_a or ln.a
        b = ln.actual_b or ln.b
        if a.up:
            a.lldp = _advert(fab, b)
            b.lldp = _advert(fab, a)


# --- writing -----------------------------------------------------------------------------------------

def write(fab: Fabric, out: Path, truth: dict):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "devices.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"])
        for i, d in enumerate(fab.devices.values()):
            w.writerow([d.name, d.platform, f"10.{20 + i // 250}.{i % 250}.1", d.role, d.plane, "dc2", "B", d.row,
                        d.rack, d.u])
    with open(out / "cabling.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m", "plane", "path"])
        for ln in fab.links:
            w.writerow([ln.cid, ln.a.dev, ln.a.name, ln.b.dev, ln.b.name, ln.media, ln.length, ln.plane,
                        ";".join(ln.path)])
    cap = out / "capture"
    (cap / "devices").mkdir(parents=True, exist_ok=True)
    names = []
    for d in fab.devices.values():
        names.append(d.name)
        dd = cap / "devices" / d.name
        dd.mkdir(exist_ok=True)
        if not d.reachable:
            (dd / "device.json").write_text(json.dumps({
                "name": d.name, "platform": d.platform, "address": None, "ok": False,
                "error": f"unreachable: ssh: connect to host {d.name} port 22: No route to host"}))
            (dd / "index.json").write_text("[]")
            continue
        (dd / "device.json").write_text(json.dumps({"name": d.name, "platform": d.platform, "address": None,
                                                    "ok": True, "error": None}))
        idx = []
        for n, (cmd, text, rc, err) in enumerate([c for c in RENDER[d.platform](d) if c[0] not in d.omit], 1):
            fn = f"{n:04d}.txt"
            (dd / fn).write_text(text)
            if err:
                (dd / f"{n:04d}.err").write_text(err + "\n")
            idx.append({"command": cmd, "file": fn, "exit_status": rc, "started": STARTED,
                        "duration_s": 0.05, "error": None})
        (dd / "index.json").write_text(json.dumps(idx, indent=1))
    (cap / "capture.json").write_text(json.dumps({"format": "netdiag-capture/1", "started": STARTED,
                                                  "finished": "2026-12-01T02:03:10.000Z", "tool_version": "0.1.0",
                                                  "devices": names}, indent=1))
    (out / "truth.json").write_text(json.dumps(truth, indent=1))


def _fault_devices(fab: Fabric, t: dict) -> set:
    if t["kind"] == "leaf_down":
        return {t["ref"]}
    if t["kind"] == "plane_down":
        return {sw.name for sw in fab.leaves[t["ref"]] + fab.spines[t["ref"]]}
    return set()


def generate(shape: str, seed: int, out: Path, n_faults: int, gpus: int = 64, kinds: list | None = None) -> dict:
    fab = build(shape, seed, gpus)
    rng = fab.rng
    protected: set = set()
    # an unreachable host (noise): its links are unknown, never faults
    unreach = rng.choice(fab.hosts)
    unreach.reachable = False
    protected.update(ln.cid for ln in fab.links if unreach.name in (ln.a.dev, ln.b.dev))
    noise = add_noise(fab, protected)
    faults = inject(fab, n_faults, protected, kinds)
    fab.settle()
    late_noise(fab, protected | {c for t in faults for c in t["links"]}, noise)
    # a host whose capture was put together by hand without `ip link` (admin state unknown)
    hand = rng.choice([h for h in fab.hosts if h.reachable and all(p.admin_up for p in h.ports.values())])
    hand.omit.add("ip -j -s -d link show")
    for ln in fab.links:
        if hand.name in (ln.a.dev, ln.b.dev):
            noise.setdefault(ln.cid, []).append("host_without_ip_link")
    set_lldp(fab)
    for i, t in enumerate(faults):
        t["id"] = f"fault-{i}"
    truth = {"source": "v3e", "shape": shape, "seed": seed, "gpus": gpus,
             "unreachable": sorted(d.name for d in fab.devices.values() if not d.reachable
                                   and not any(t["kind"] in ("leaf_down", "plane_down") and d.name in
                                               _fault_devices(fab, t) for t in faults)),
             "faults": faults, "noise_links": noise}
    write(fab, out, truth)
    return truth


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--shape", default="2p-sonic", choices=sorted(SHAPE_SPECS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--faults", type=int, default=6)
    ap.add_argument("--gpus", type=int, default=64)
    ap.add_argument("--kinds", default=None, help="comma-separated fault kinds, in turn (default: a mix)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t = generate(a.shape, a.seed, Path(a.out), a.faults, a.gpus, a.kinds.split(",") if a.kinds else None)
    print(json.dumps({"faults": len(t["faults"]), "unreachable": t["unreachable"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

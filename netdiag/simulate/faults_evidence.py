"""Evidence-class faults and noise for the simulator (docs/simulate.md, docs/thresholds.md): the
ways real captures differ from clean tables, each with its ground truth written from the injected
fault (never from netdiag.fabric).

Faults (each a finding is expected for):

| kind                           | what the readings show                                         | truth component / ref |
|--------------------------------|----------------------------------------------------------------|-----------------------|
| dead_link (no admin state)     | a host link dark both ways; the host's `ip link` was not captured | cable / cable_id   |
| dead_link (noise floor)        | a link dark both ways whose DOM reads -30 dBm, no LOS flags      | cable / cable_id      |
| dirty_connector (no thresholds)| one strand loses 10-13 dB into a module with a 0 mW / missing Rx low alarm | connector / cable_id |
| half_dead_module               | a module's upper half of lanes dead both ways (second engine)    | transceiver / DEV:CAGE|
| host_side_signal_loss          | host-side Tx LOS + Tx LOL on a module's lanes, output squelched  | port / DEV:PORT       |
| rx_overload                    | Rx 6-8 dB over the receiver's high alarm (wrong, too strong optic at the far end) | transceiver / far DEV:CAGE |
| ber_no_fec                     | a no-FEC port whose device-reported BER is 1e-7..1e-6            | transceiver / DEV:CAGE|
| config_mismatch                | link down both ends with light both ways; one switch port's FEC differs from its peers | port / DEV:PORT |

Noise (never findings): hosts with missing port rows (counters or module rows not captured),
SONiC leaves advertising their port alias as LLDP port id, background counts since boot on healthy
links (1-3 uncorrectable codewords, a few CRC errors over 1e12+ frames, link-downs from host
reboots on the switch end only), CRC errors forwarded by a cut-through switch (PHY counters clean),
and a mix of FEC modes with BERs that are healthy for their mode.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from netdiag.simulate import faults as base

KINDS = ("dead_link_no_admin", "dead_link_noise_floor", "dirty_connector_no_thresholds", "half_dead_module",
         "host_side_signal_loss", "rx_overload", "ber_no_fec", "config_mismatch")

#: the command a Linux host prints its admin state with (omitted for "no admin state")
IP_LINK = "ip -j -s -d link show"


def _post(fab) -> list:
    if not hasattr(fab, "evidence_edits"):
        fab.evidence_edits = []
    return fab.evidence_edits


def _omit(fab, device: str, command: str) -> None:
    if not hasattr(fab, "omit_commands"):
        fab.omit_commands = {}
    fab.omit_commands.setdefault(device, set()).add(command)


def inject(fab, work: dict, count: int, rng: np.random.Generator, noise: bool = True) -> None:
    """Inject `count` evidence-class faults, kinds in turn (skipping kinds the fabric cannot have),
    plus the evidence noise. Snapshot-level edits are applied by :func:`finish`."""
    pick = base._Picker(fab, work, rng)
    links = fab.links
    optical = links["media"].isin(["fiber"]).to_numpy()
    linux_hosts = fab.preset.host_platform == "linux"
    made = attempt = 0
    kinds = [k for k in KINDS if _possible(k, fab, optical)]
    start = len(fab.truth)
    while kinds and made < count and attempt < count * 4 + len(kinds):
        kind = kinds[attempt % len(kinds)]
        attempt += 1
        t = _one(kind, fab, work, pick, rng, optical, linux_hosts)
        if t is not None:
            t["id"] = f"evidence-{start + made}"
            fab.truth.append(t)
            made += 1
    if noise:
        _noise(fab, work, pick, rng, optical)


def _possible(kind, fab, optical) -> bool:
    if kind == "dead_link_no_admin":
        return fab.preset.host_platform == "linux" and bool((optical & (fab.links["tier"] == "host").to_numpy()).any())
    if kind == "config_mismatch":   # the switch's status output must show the configured FEC (SONiC's does)
        return fab.preset.switch_platform == "sonic" and bool(optical.any())
    if kind == "ber_no_fec":   # the switch's outputs must carry the FEC mode and a BER (SONiC's do)
        return fab.preset.switch_platform == "sonic" and bool(optical.any())
    return bool(optical.any())


def _one(kind, fab, work, pick, rng, optical, linux_hosts) -> dict | None:
    links = fab.links
    if kind == "dead_link_no_admin":
        row = pick.one(optical & (links["tier"] == "host").to_numpy())
        if row is None:
            return None
        cid = row["cable_id"]
        base._down(work, cid)
        _omit(fab, row["a_device"], IP_LINK)          # the host end: no admin state captured
        _post(fab).append(("admin_unknown", row["a_device"]))
        return {"kind": "dead_link", "evidence_class": "no_admin_state", "component": "cable", "ref": cid,
                "links": [cid], "action": f"reseat, then replace cable {cid}"}
    row = pick.one(optical)
    if row is None:
        return None
    cid = row["cable_id"]
    x = int(rng.integers(2))
    ends = [(row["a_device"], row["a_port"]), (row["b_device"], row["b_port"])]
    (dx, px), (dy, py) = ends[x], ends[1 - x]
    if kind == "ber_no_fec":   # the switch end reports the BER; both ends run without FEC
        sw = [(d, p) for d, p in ends if not str(d).startswith("gpu")]
        if not sw:
            return None
        dx, px = sw[0]
        _post(fab).append(("fec", [(d, p) for d, p in ends], "none"))
        c = work["counters"]
        m = (c["device"] == dx).to_numpy() & (c["port"] == px).to_numpy()
        c.loc[m, "raw_ber"] = float(10 ** rng.uniform(-7.0, -6.0))
        for d, p in ends:   # the other end of a healthy no-FEC link: under IEEE's 1e-12
            if (d, p) != (dx, px):
                mm = (c["device"] == d).to_numpy() & (c["port"] == p).to_numpy()
                c.loc[mm, "raw_ber"] = float(10 ** rng.uniform(-15.0, -13.0))
        ref = pick.cage(dx, px)
        return {"kind": "bad_transceiver", "evidence_class": "ber_no_fec", "component": "transceiver", "ref": ref,
                "links": [cid], "action": f"reseat, then replace the module at {ref}"}
    if kind == "config_mismatch":   # FEC set differently at one switch end: down both ends, light both ways
        sw = [(d, p) for d, p in ends if pick.plat.get(d, "") == "sonic"]
        if not sw:
            return None
        dx, px = sw[int(rng.integers(len(sw)))]
        e = work["ends"]
        m = (e["cable_id"] == cid).to_numpy()
        e.loc[m, "up"] = False                  # oper down; the lanes stay lit (work["lanes"] up)
        nb = work["neighbors"]
        gone = set(zip(e.loc[m, "device"], e.loc[m, "port"]))
        work["neighbors"] = nb[[(d, p) not in gone for d, p in zip(nb["device"], nb["port"])]].reset_index(drop=True)
        _post(fab).append(("fec", [(dx, px)], "fc"))
        return {"kind": "link_down_with_light", "evidence_class": "config_mismatch", "component": "port",
                "ref": f"{dx}:{px}", "links": [cid], "action": f"set the FEC mode of {dx}:{px} like its peers"}
    if kind == "dead_link_noise_floor":
        base._down(work, cid)
        _post(fab).append(("noise_floor", ends))
        return {"kind": "dead_link", "evidence_class": "noise_floor", "component": "cable", "ref": cid,
                "links": [cid], "action": f"reseat, then replace cable {cid}"}
    if kind == "dirty_connector_no_thresholds":
        base._loss(work, dx, px, rng.uniform(10.0, 13.0))
        mods = work["mods"]
        m = (mods["device"] == dx).to_numpy() & (mods["port"] == px).to_numpy()
        if rng.integers(2):
            mods.loc[m, [c for c in mods.columns if c.startswith("rx_power_mw_")]] = np.nan
        else:
            mods.loc[m, "rx_power_mw_low_alarm"] = 0.0   # a 0 mW low alarm: -inf dBm, must not silence the lane
        return {"kind": "dirty_connector", "evidence_class": "no_thresholds", "component": "connector", "ref": cid,
                "links": [cid], "action": f"inspect and clean both connectors of the strand into {dx}:{px}"}
    if kind == "half_dead_module":
        L = work["lanes"]
        m = base._lanes(work, dx, px)
        n = int(L.loc[m, "lane"].max())
        if n < 2:
            return None
        upper = m & (L["lane"] > n // 2).to_numpy()
        L.loc[upper, "tx_dbm"] = -np.inf        # its transmitters on those lanes are dead
        L.loc[upper, "bias_ma"] = 0.0
        _post(fab).append(("rx_dead", dx, px, list(range(n // 2 + 1, n + 1))))   # and its receivers
        ref = pick.cage(dx, px)
        return {"kind": "half_dead_module", "evidence_class": "half_dead_module", "component": "transceiver",
                "ref": ref, "links": [cid], "action": f"replace the module at {ref}"}
    if kind == "host_side_signal_loss":
        # only where the platform's module output carries host-side flags (ethtool -m, SONiC, ibdiagnet)
        ends_ok = [(d, p) for d, p in ends if pick.plat.get(d, "") in ("linux", "sonic", "ib", "ib-host", "ibdiagnet")]
        if not ends_ok:
            return None
        dx, px = ends_ok[int(rng.integers(len(ends_ok)))]
        L = work["lanes"]
        m = base._lanes(work, dx, px)
        lanes = sorted(L.loc[m, "lane"].unique())
        k = lanes[int(rng.integers(len(lanes)))]
        mm = m & (L["lane"] == k).to_numpy()
        L.loc[mm, "tx_dbm"] = -np.inf           # CMIS: output squelched on host-side LOS
        _post(fab).append(("tx_los", dx, px, [int(k)]))
        return {"kind": "host_side_signal_loss", "evidence_class": "host_side_tx_los", "component": "port",
                "ref": f"{dx}:{px}", "links": [cid], "action": f"move the module at {dx}:{px} to a spare port; "
                                                             f"check the port/ASIC path"}
    if kind == "rx_overload":
        base._loss(work, dx, px, -rng.uniform(7.0, 9.0))   # a too-strong (long-reach) optic at dy
        ref = pick.cage(dy, py)
        return {"kind": "rx_overload", "evidence_class": "rx_overload", "component": "transceiver", "ref": ref,
                "links": [cid], "action": f"fit the planned optic at {ref} or add an attenuator at {dx}:{px}"}
    return None


def _noise(fab, work, pick, rng, optical) -> None:
    links = fab.links
    up = links["up"].to_numpy(dtype=bool)
    clean = links[up & ~links["cable_id"].isin(pick.used)]
    if clean.empty:
        return
    n = min(max(len(clean) // 20, 4), 60, len(clean))
    sel = clean.sample(n=n, random_state=int(rng.integers(2**31)))
    q = max(n // 4, 1)
    c = work["counters"]
    bg, fwd, rb = sel.iloc[:q], sel.iloc[q:2 * q], sel.iloc[2 * q:3 * q]
    for r in bg.itertuples(index=False):     # background counts since boot, a year of traffic
        a = (c["device"] == r.a_device).to_numpy() & (c["port"] == r.a_port).to_numpy()
        b = (c["device"] == r.b_device).to_numpy() & (c["port"] == r.b_port).to_numpy()
        for m in (a, b):
            c.loc[m, "rx_packets"] = int(rng.integers(10**12, 10**13))
            c.loc[m, "fec_uncorrectable_cw"] = int(rng.integers(1, 4))
            c.loc[m, "rx_crc_errors"] = c.loc[m, "fec_uncorrectable_cw"]
        sw = b if not str(r.b_device).startswith("gpu") else a
        c.loc[sw, "link_down_events"] = int(rng.integers(8, 15))   # host reboots, counted at the switch
    for r in fwd.itertuples(index=False):    # CRC errors forwarded by a cut-through switch
        m = (c["device"] == r.a_device).to_numpy() & (c["port"] == r.a_port).to_numpy()
        c.loc[m, "rx_crc_errors"] = int(rng.integers(50, 5000))
        c.loc[m, "fec_uncorrectable_cw"] = 0
        c.loc[m, "symbol_errors"] = 0
    if fab.preset.switch_platform in ("sonic", "cumulus", "eos"):   # mixed FEC modes, healthy BER for each
        for r in rb.itertuples(index=False):
            ends = [(r.a_device, r.a_port), (r.b_device, r.b_port)]
            _post(fab).append(("fec", ends, "rs528" if rng.integers(2) else "rs544"))
            for d, p in ends:
                m = (c["device"] == d).to_numpy() & (c["port"] == p).to_numpy()
                c.loc[m, "raw_ber"] = float(10 ** rng.uniform(-8.0, -6.0))
    # hosts with missing rows: one host's counters and one host's module rows not captured
    hosts = fab.devices.loc[fab.devices["role"] == "gpu_host", "name"].tolist()
    touched = set(links.loc[links["cable_id"].isin(pick.used), "a_device"]) | set(
        links.loc[links["cable_id"].isin(pick.used), "b_device"])
    free = [h for h in hosts if h not in touched and h not in fab.unreachable]
    if len(free) >= 2 and fab.preset.host_platform == "linux":
        a, b = (free[i] for i in rng.choice(len(free), 2, replace=False))
        _post(fab).append(("drop_rows", a, "counters"))
        _post(fab).append(("drop_rows", b, "modules"))
    if fab.preset.switch_platform == "sonic":
        _post(fab).append(("lldp_alias",))


def _sonic_alias(port: str, nl) -> str | None:
    m = re.fullmatch(r"Ethernet(\d+)", str(port))
    if not m:
        return None
    cage, off = divmod(int(m.group(1)), 8)
    if not nl or pd.isna(nl) or int(nl) >= 8:
        return f"etp{cage + 1}"
    return f"etp{cage + 1}{'abcdefgh'[off // int(nl)]}"


def finish(fab, snap) -> None:
    """Apply the snapshot-level edits recorded by :func:`inject` (flags, unknown admin state, dropped
    rows, FEC modes, LLDP aliases)."""
    for e in getattr(fab, "evidence_edits", []):
        kind = e[0]
        if kind == "admin_unknown":
            m = (snap.ports["device"] == e[1]).to_numpy()
            snap.ports.loc[m, "admin_up"] = pd.NA
        elif kind == "noise_floor":
            L = snap.lanes
            for d, p in e[1]:
                m = (L["device"] == d).to_numpy() & (L["port"] == p).to_numpy()
                L.loc[m, "rx_power_mw"] = 0.001      # -30 dBm: the DOM's noise floor, not 0
                L.loc[m, "rx_los"] = pd.NA           # this module does not advertise LOS flags
        elif kind == "rx_dead":
            L = snap.lanes
            m = (L["device"] == e[1]).to_numpy() & (L["port"] == e[2]).to_numpy() & L["lane"].isin(e[3]).to_numpy()
            L.loc[m, "rx_power_mw"] = 0.0
            L.loc[m, "rx_los"] = True
        elif kind == "tx_los":
            L = snap.lanes
            m = (L["device"] == e[1]).to_numpy() & (L["port"] == e[2]).to_numpy()
            L.loc[m, "tx_los"] = False
            L.loc[m, "tx_lol"] = False
            mm = m & L["lane"].isin(e[3]).to_numpy()
            L.loc[mm, "tx_los"] = True
            L.loc[mm, "tx_lol"] = True
        elif kind == "fec":
            for d, p in e[1]:
                m = (snap.ports["device"] == d).to_numpy() & (snap.ports["port"] == p).to_numpy()
                snap.ports.loc[m, "fec"] = e[2]
        elif kind == "drop_rows":
            t = snap.table(e[2])
            setattr(snap, e[2], t[t["device"] != e[1]].reset_index(drop=True))
            cmd = {"counters": ("ethtool -S", "ethtool -I --show-fec"), "modules": ("ethtool -m",)}[e[2]]
            for c in cmd:
                _omit(fab, e[1], c)
        elif kind == "lldp_alias":
            P = snap.ports
            sonic = set(fab.devices.loc[fab.devices["platform"] == "sonic", "name"])
            nb = snap.neighbors
            far = nb["remote_device"].isin(sonic).to_numpy()
            if far.any():
                nl = P.set_index(["device", "port"])["lanes"]
                key = pd.MultiIndex.from_arrays([nb.loc[far, "remote_device"], nb.loc[far, "remote_port"]])
                lanes = nl.reindex(key).to_numpy()
                alias = [_sonic_alias(p, k) for p, k in zip(nb.loc[far, "remote_port"], lanes)]
                nb.loc[far, "remote_port_descr"] = None   # no description: only the port table maps the alias
                nb.loc[far, "remote_port"] = [a or p for a, p in zip(alias, nb.loc[far, "remote_port"])]

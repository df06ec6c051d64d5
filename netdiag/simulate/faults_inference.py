"""Inference-class faults for the simulator (docs/simulate.md): faults whose localization needs
more than one link's two ends -- a device bad on a few of its links on one side, a module shared by
two NIC ports -- each with ground truth written from the simulator's own topology (its a_cage /
b_cage columns), never from netdiag's naming or identity functions.

| kind                | what the readings show                                              | truth |
|---------------------|---------------------------------------------------------------------|-------|
| switch_rx_errors    | a leaf's receivers count errors on 5-20 % of its links (at least 3), optics clean | switch / DEV |
| switch_tx_errors    | the far ends of 5-20 % of a leaf's links (at least 3) count errors: its transmit side | switch / DEV |
| host_twin_module    | both NIC ports served by one twin-port module (one serial) count errors | transceiver / HOST:CAGE |

Asked for by name (`netdiag simulate --kinds`); the default fault mix is faults.KINDS.
"""

from __future__ import annotations

import math

import numpy as np

KINDS = ("switch_rx_errors", "switch_tx_errors", "host_twin_module")

ACTIONS = {
    "switch_rx_errors": "check switch {ref} (receive side); RMA it",
    "switch_tx_errors": "check switch {ref} (transmit side); RMA it",
    "host_twin_module": "clean, reseat, then replace the twin-port module at {ref}",
}


def possible(kind: str, fab) -> bool:
    if kind == "host_twin_module":
        return bool(fab.preset.host_twin_nics)
    return True


def inject_one(kind: str, fab, work: dict, pick, rng: np.random.Generator) -> dict | None:
    from netdiag.simulate.faults import _add_errors

    links = fab.links
    if kind in ("switch_rx_errors", "switch_tx_errors"):
        leaves = fab.devices.loc[fab.devices["role"] == "leaf", "name"]
        used_links = links[links["cable_id"].isin(pick.used)]
        touched = set(used_links["a_device"]) | set(used_links["b_device"])
        cand = [x for x in leaves if x not in touched and x not in pick.used_devices]
        if not cand:
            return None
        sw = cand[int(rng.integers(len(cand)))]
        mine = links[((links["a_device"] == sw) | (links["b_device"] == sw)) & links["up"]]
        k = max(3, math.ceil(float(rng.uniform(0.05, 0.20)) * len(mine)))
        if len(mine) < k:
            return None
        hit = mine.sample(n=k, random_state=int(rng.integers(2**31)))
        for r in hit.itertuples(index=False):
            at_sw = r.a_device == sw
            if kind == "switch_rx_errors":          # its own receivers count the errors
                dev, port = (r.a_device, r.a_port) if at_sw else (r.b_device, r.b_port)
            else:                                   # what it sends arrives corrupted at the far end
                dev, port = (r.b_device, r.b_port) if at_sw else (r.a_device, r.a_port)
            _add_errors(work, rng, dev, port)
        pick.used.update(mine["cable_id"])
        pick.used_devices.add(sw)
        return {"kind": kind, "component": "switch", "ref": sw, "links": sorted(hit["cable_id"]),
                "action": ACTIONS[kind].format(ref=sw)}
    if kind == "host_twin_module":
        host = links[(links["tier"] == "host").to_numpy()]
        cand = pick.free((links["tier"] == "host").to_numpy())
        slot = cand["a_device"] + ":" + cand["a_cage"]
        sizes = (host["a_device"] + ":" + host["a_cage"]).value_counts()
        free = slot.value_counts()
        full = [s for s in free.index if free[s] >= 2 and free[s] == sizes.get(s, 0)]
        if not full:
            return None
        ref = sorted(full)[int(rng.integers(len(full)))]
        legs = cand[slot == ref]
        for r in legs.itertuples(index=False):
            _add_errors(work, rng, r.a_device, r.a_port)
            pick.used.add(r.cable_id)
        return {"kind": kind, "component": "transceiver", "ref": ref, "links": sorted(legs["cable_id"]),
                "action": ACTIONS[kind].format(ref=ref)}
    return None

"""Shared parts by what they can cause (issue 14, independent scenarios): a switch's ASIC/SerDes is
blamed for electrical evidence on its links (errors with clean optics at its receivers or at the far
ends), never for optical loss; a plane is blamed for lost links (dark, down), never for errors; and a
few links of one switch are significant at small scale once the correction counts only the parts
that could be significant at all (Tarone). Fabrics come from the simulator; the faults are written
into its tables here, the ground truth is the simulator's own topology."""

import numpy as np
import pandas as pd

from netdiag.fabric.graph import FabricGraph
from netdiag.fabric.localize import _testable, localize
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.inventory import CABLE_COLUMNS, DeviceInfo, Inventory
from netdiag.simulate import engine, presets


def fabric(preset, gpus, seed):
    fab = engine.simulate(presets.get(preset), gpus, seed=seed)
    cols = ["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"]
    devices = {r["name"]: DeviceInfo(**{k: str(r[k]) for k in cols}) for r in fab.devices.to_dict("records")}
    return fab, Inventory(devices=devices, plan=fab.plan[list(CABLE_COLUMNS)].astype({"plane": str}))


def ends_of(fab, sw, cables, at_switch=True):
    p = fab.plan.set_index("cable_id").loc[cables]
    out = []
    for cid, r in p.iterrows():
        mine = r["a_device"] == sw
        if mine == at_switch:
            out.append((r["a_device"], r["a_port"]))
        else:
            out.append((r["b_device"], r["b_port"]))
    return out


def _mask(t, ends):
    return pd.MultiIndex.from_arrays([t["device"], t["port"]]).isin(pd.MultiIndex.from_tuples(list(ends)))


def corrupt(snap, ends):
    c = snap.counters
    m = _mask(c, ends)
    c.loc[m, "fec_uncorrectable_cw"] = 4000
    c.loc[m, "symbol_errors"] = 250000


def attenuate(snap, ends):
    """Low Rx on every lane of these ends (a dirty strand into each), transmitters untouched."""
    L = snap.lanes
    L.loc[_mask(L, ends) & (L["rx_power_mw"] > 0), "rx_power_mw"] = 0.02


def run(fab, inv):
    snap = fab.snapshot
    plats = dict(zip(fab.devices["name"], fab.devices["platform"]))
    return localize(snap, symptoms(snap, load_thresholds(), plats), inv, FabricGraph(inv))


def leaf_links(fab, sw, n, seed=4):
    mine = fab.plan[(fab.plan["a_device"] == sw) | (fab.plan["b_device"] == sw)]
    return sorted(mine.sample(n=n, random_state=seed)["cable_id"])


def test_five_of_a_small_leafs_links_erring_at_its_receivers_is_one_failing_switch():
    fab, inv = fabric("gb300-dual-plane", 64, 5)
    sw = "leaf-p0-0001"
    hit = leaf_links(fab, sw, 5)
    others = fab.plan[(fab.plan["a_device"] != sw) & (fab.plan["b_device"] != sw)].sample(n=2, random_state=1)
    corrupt(fab.snapshot, ends_of(fab, sw, hit) + [(r.a_device, r.a_port) for r in others.itertuples()])
    loc = run(fab, inv)
    (f,) = [f for f in loc.findings if f.kind == "failing_switch"]
    assert f.suspects[0]["ref"] == sw
    assert sorted(c["link"]["cable_id"] for c in f.children) == hit
    assert len(loc.findings) == 3      # the switch, and the two independent bad receivers


def test_optical_loss_on_five_of_a_leafs_links_is_five_link_findings_not_the_switch():
    fab, inv = fabric("gb300-dual-plane", 64, 5)
    sw = "leaf-p0-0001"
    hit = leaf_links(fab, sw, 5)
    attenuate(fab.snapshot, ends_of(fab, sw, hit))
    loc = run(fab, inv)
    assert not [f for f in loc.findings if f.kind.startswith("failing_")]
    assert sorted(f.link["cable_id"] for f in loc.findings) == hit


def test_errors_on_many_links_of_one_plane_are_not_a_failing_plane():
    fab, inv = fabric("gb300-dual-plane", 256, 5)
    p0 = fab.plan[fab.plan["plane"].astype(str) == "0"]
    # one bad host receiver on one link of each leaf of plane 0 (different hosts), none in plane 1:
    # independent faults in one plane
    host = p0[p0["a_device"].str.startswith("gpu-")]
    rows, hosts = [], set()
    for leaf, g in host.groupby("b_device"):
        r = g[~g["a_device"].isin(hosts)].head(1)
        hosts.update(r["a_device"])
        rows.append(r)
    pick = pd.concat(rows)
    assert len(pick) >= 6
    corrupt(fab.snapshot, [(r.a_device, r.a_port) for r in pick.itertuples()])
    loc = run(fab, inv)
    assert not [f for f in loc.findings if f.kind.startswith("failing_")]
    assert sorted(f.link["cable_id"] for f in loc.findings) == sorted(pick["cable_id"])


def test_tarone_counts_only_parts_that_could_be_significant():
    # log p_min of each test: three parts could reach any level, ten could never pass q/K
    lp = [np.log(1e-9)] * 3 + [np.log(0.2)] * 10
    assert _testable(lp, 0.01) == 3
    assert _testable([np.log(1e-9)] * 5, 0.01) == 5
    assert _testable([], 0.01) == 0

"""Cabling check: plan vs neighbors. Simulated fabrics with injected cabling faults (truth.json)
and hand-built cases for the unknown/FQDN/MAC-port-id corners."""

import pandas as pd
import pytest

from netdiag.fabric import cabling
from netdiag.inventory import Cable, DeviceInfo, Inventory
from netdiag.simulate import engine, presets


def inventory_of(fab) -> Inventory:
    inv = Inventory()
    cols = ["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"]
    inv.devices = {r["name"]: DeviceInfo(**{k: str(r[k]) for k in cols}) for r in fab.devices.to_dict("records")}
    inv.cables = [Cable(r["cable_id"], r["a_device"], r["a_port"], r["b_device"], r["b_port"], r["media"],
                        r["length_m"], str(r["plane"]), tuple(x for x in r["path"].split(";") if x))
                  for r in fab.plan.to_dict("records")]
    return inv


def verdicts(res):
    return sorted((f.kind, tuple(sorted(s["ref"] for s in f.suspects))) for f in res.findings)


def truth(fab):
    return sorted((t["kind"], tuple(sorted(t["links"]))) for t in fab.truth)


@pytest.mark.parametrize("preset", sorted(presets.PRESETS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_injected_cabling_fault_and_nothing_else(preset, seed):
    fab = engine.simulate(presets.get(preset), 1152, seed=seed, miswires=7)
    res = cabling.check(inventory_of(fab), fab.snapshot.neighbors, fab.snapshot.ports, None)
    assert verdicts(res) == truth(fab)
    kinds = {t["kind"] for t in fab.truth}
    assert {"swapped", "miswire", "missing"} <= kinds
    if fab.preset.planes > 1:
        assert "wrong_plane" in kinds
        assert all(f.severity == "critical" for f in res.findings if f.kind == "wrong_plane")


def test_swap_finding_says_swap_these_two():
    fab = engine.simulate(presets.get("hgx-rail"), 256, seed=4, miswires=1)
    res = cabling.check(inventory_of(fab), fab.snapshot.neighbors, fab.snapshot.ports, None)
    (f,) = res.findings
    t = fab.truth[0]
    a, b = t["links"]
    assert f.kind == "swapped" and f.action.startswith(("swap cables " + a + " and " + b, "swap cables " + b + " and " + a))
    assert {s["ref"] for s in f.suspects} == set(t["links"])


def _tiny(neighbors, ports=()):
    inv = Inventory()
    for n, plane in (("h1", ""), ("leaf0", "0"), ("leaf1", "1")):
        inv.devices[n] = DeviceInfo(n, "linux" if n == "h1" else "sonic", plane=plane)
    inv.cables = [Cable("C1", "h1", "eth0", "leaf0", "Ethernet0", "fiber", 3.0, "0"),
                  Cable("C2", "h1", "eth1", "leaf1", "Ethernet0", "fiber", 3.0, "1")]
    nb = pd.DataFrame(neighbors, columns=["device", "port", "remote_device", "remote_port", "remote_port_descr"])
    pt = pd.DataFrame(list(ports), columns=["device", "port", "oper_up"])
    return cabling.check(inv, nb, pt, {"h1", "leaf0", "leaf1"})


def test_fqdn_system_names_and_mac_port_ids_match_the_plan():
    res = _tiny([("leaf0", "Ethernet0", "h1.dc1.example.com", "b8:3f:d2:07:00:00", "eth0"),
                 ("h1", "eth1", "leaf1", "Ethernet0", "etp1")])
    assert res.findings == [] and res.counts["ok"] == 2


def test_no_neighbor_data_is_unknown_not_missing():
    res = _tiny([("h1", "eth0", "leaf0", "Ethernet0", None)])
    assert res.findings == []
    assert res.counts == {"ok": 1, "unknown": 1, "unexpected": 0}


def test_port_down_with_no_neighbor_on_either_end_is_missing():
    res = _tiny([("h1", "eth0", "leaf0", "Ethernet0", None)], ports=[("h1", "eth1", False)])
    assert verdicts(res) == [("missing", ("C2",))]


def test_host_cabled_to_the_other_planes_leaf_is_wrong_plane():
    res = _tiny([("h1", "eth0", "leaf1", "Ethernet8", None), ("h1", "eth1", "leaf1", "Ethernet0", None)])
    (f,) = res.findings
    assert (f.kind, f.severity, f.link["cable_id"]) == ("wrong_plane", "critical", "C1")
    assert f.action == "move cable C1 from leaf1:Ethernet8 to leaf0:Ethernet0"


def test_link_between_unplanned_ports_is_unexpected():
    res = _tiny([("h1", "eth0", "leaf0", "Ethernet0", None), ("h1", "eth1", "leaf1", "Ethernet0", None),
                 ("leaf0", "Ethernet40", "leaf1", "Ethernet40", None)])
    (f,) = res.findings
    assert f.kind == "unexpected" and f.link["a_port"] == "Ethernet40"


def test_miswire_seen_only_from_the_switch_side():
    """Hosts not collected: the leaf's unplanned port sees the planned host end -> that cable's miswire."""
    inv = Inventory()
    for n, plane in (("h1", ""), ("h2", ""), ("leaf", "0")):
        inv.devices[n] = DeviceInfo(n, "linux", plane=plane)
    inv.cables = [Cable("C1", "h1", "eth0", "leaf", "swp1", "fiber", 3.0, "0"),
                  Cable("C2", "h2", "eth0", "leaf", "swp2", "fiber", 3.0, "0")]
    nb = pd.DataFrame([("leaf", "swp1", "h1", "ae:00:00:00:00:01", "eth0"),
                       ("leaf", "swp3", "h2", "ae:00:00:00:00:02", "eth0")],
                      columns=["device", "port", "remote_device", "remote_port", "remote_port_descr"])
    res = cabling.check(inv, nb, pd.DataFrame(columns=["device", "port", "oper_up"]), {"leaf"})
    assert verdicts(res) == [("miswire", ("C2",))]
    assert res.findings[0].action == "move cable C2 from leaf:swp3 to leaf:swp2"

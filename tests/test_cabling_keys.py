"""Cabling check corners of its integer-keyed join: several neighbors on one port (stale entries),
repeated rows, a far port known only by its description; status in plan order."""

import numpy as np
import pandas as pd

from netdiag.fabric import cabling
from netdiag.inventory import Cable, DeviceInfo, Inventory


def _check(neighbors, ports=()):
    inv = Inventory()
    for n, plane in (("h1", ""), ("leaf0", "0"), ("leaf1", "1")):
        inv.devices[n] = DeviceInfo(n, "linux" if n == "h1" else "sonic", plane=plane)
    inv.cables = [Cable("C2", "h1", "eth1", "leaf1", "Ethernet0", "fiber", 3.0, "1"),
                  Cable("C1", "h1", "eth0", "leaf0", "Ethernet0", "fiber", 3.0, "0")]
    nb = pd.DataFrame(neighbors, columns=["device", "port", "remote_device", "remote_port", "remote_port_descr"])
    pt = pd.DataFrame(list(ports), columns=["device", "port", "oper_up"])
    return cabling.check(inv, nb, pt, {"h1", "leaf0", "leaf1"})


def test_a_stale_entry_beside_the_right_neighbor_is_ok():
    res = _check([("h1", "eth0", "leaf1", "Ethernet8", None), ("h1", "eth0", "leaf0", "Ethernet0", None),
                  ("h1", "eth0", "leaf0", "Ethernet0", None),   # the same entry twice
                  ("h1", "eth1", "leaf1", "Ethernet0", None)])
    assert res.findings == []
    assert res.status["cable_id"].tolist() == ["C2", "C1"] and res.status["verdict"].tolist() == ["ok", "ok"]


def test_two_wrong_neighbors_on_one_port_give_one_miswire():
    res = _check([("h1", "eth0", "leaf0", "Ethernet4", None), ("h1", "eth0", "leaf0", "Ethernet8", None),
                  ("h1", "eth1", "leaf1", "Ethernet0", None)])
    (f,) = res.findings
    assert (f.kind, f.link["cable_id"]) == ("miswire", "C1")
    assert f.action == "move cable C1 from leaf0:Ethernet4 to leaf0:Ethernet0"
    assert dict(zip(res.status["cable_id"], res.status["verdict"])) == {"C1": "miswire", "C2": "ok"}


def test_far_port_known_by_its_description():
    res = _check([("h1", "eth0", "leaf0", None, "Ethernet0")])   # port id missing, description right
    assert [f.kind for f in res.findings] == []
    assert dict(zip(res.status["cable_id"], res.status["verdict"])) == {"C1": "ok", "C2": "unknown"}
    assert res.counts == {"ok": 1, "unknown": 1, "unexpected": 0}


def test_no_neighbors_at_all_and_a_down_port():
    res = _check([], ports=[("h1", "eth1", False), ("h1", "eth0", np.nan)])
    assert [(f.kind, f.link["cable_id"]) for f in res.findings] == [("missing", "C2")]
    assert res.status["verdict"].tolist() == ["missing", "unknown"]

"""LLDP port ids that are not the far device's port names (issue 13 item 8), found by an
independently written scenario source (benchmarks/scenarios_v3e, shape 2p-junos-portid): a Junos leaf
lists the neighbour's port id as sent. NX-OS sends its short interface name (`Eth1/1` for Ethernet1/1);
a Linux host whose lldpd sends its MAC is not collected (or was captured without `ip link`), so the MAC
names no port. Each was a `miswire` (455 false findings in 6 scenarios); the first names the port,
the second says which device but not which port: unknown, never a finding."""

import pandas as pd

from netdiag.fabric import cabling
from netdiag.inventory import Cable, DeviceInfo, Inventory


def _inv():
    inv = Inventory()
    for n, plane, plat in (("leaf", "0", "junos"), ("spine", "0", "nxos"), ("h1", "", "linux")):
        inv.devices[n] = DeviceInfo(n, plat, plane=plane)
    inv.cables = [Cable("U1", "leaf", "et-0/0/32", "spine", "Ethernet1/1", "fiber", 30.0, "0"),
                  Cable("U2", "leaf", "et-0/0/33", "spine", "Ethernet1/2", "fiber", 30.0, "0"),
                  Cable("C1", "h1", "ens1f0np0", "leaf", "et-0/0/5", "fiber", 3.0, "0")]
    return inv


PORTS = pd.DataFrame([("spine", "Ethernet1/1", True), ("spine", "Ethernet1/2", True), ("spine", "Ethernet1/10", True),
                      ("leaf", "et-0/0/32", True), ("leaf", "et-0/0/33", True), ("leaf", "et-0/0/5", True)],
                     columns=["device", "port", "oper_up"])


def _check(rows, collected=frozenset({"leaf", "spine"})):
    nb = pd.DataFrame(rows, columns=["device", "port", "remote_device", "remote_port", "remote_port_descr"])
    return cabling.check(_inv(), nb, PORTS, set(collected))


def test_nxos_short_names_are_the_far_ports():
    res = _check([("leaf", "et-0/0/32", "spine", "Eth1/1", None), ("leaf", "et-0/0/33", "spine", "Eth1/2", None)])
    assert res.findings == [] and res.counts["ok"] == 2


def test_a_short_name_of_another_port_is_still_a_miswire():
    res = _check([("leaf", "et-0/0/32", "spine", "Eth1/10", None), ("leaf", "et-0/0/33", "spine", "Eth1/2", None)])
    assert [(f.kind, f.link["cable_id"]) for f in res.findings] == [("miswire", "U1")]


def test_a_mac_of_an_uncollected_host_is_unknown_not_a_miswire():
    res = _check([("leaf", "et-0/0/5", "h1", "0c:42:a1:00:02:61", None)])
    assert res.findings == []
    assert res.counts.get("ok", 0) == 0
    # with the ifname beside it (lldpd's port description) the end is verified as before
    res = _check([("leaf", "et-0/0/5", "h1", "0c:42:a1:00:02:61", "ens1f0np0")])
    assert res.findings == [] and res.counts["ok"] == 1
    # and a wrong device stays a finding whatever its port id
    res = _check([("leaf", "et-0/0/5", "spine", "0c:42:a1:00:02:61", None)])
    assert [(f.kind, f.link["cable_id"]) for f in res.findings] == [("miswire", "C1")]

"""Suite v2 weaknesses, hand-built snapshots: a reported admin-down end explains its dark link
(no fault, listed as not judged); a port that vanished from a collected host is blamed at that host."""

from __future__ import annotations

import pandas as pd

from netdiag.fabric import cabling
from netdiag.fabric.localize import localize
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.ingest import DeviceStatus
from netdiag.inventory import Cable, DeviceInfo, Inventory
from netdiag.jobs import analyse
from netdiag.model import Snapshot

CFG = load_thresholds()


def snap(**tables) -> Snapshot:
    return Snapshot.from_tables({k: list(v) for k, v in tables.items()})


def mod(device, port, **kw):
    m = {"device": device, "port": port, "present": True, "media": "optical", "temperature_c": 40.0,
         "rx_power_mw_high_alarm": 3.16, "rx_power_mw_high_warn": 2.0, "rx_power_mw_low_warn": 0.1,
         "rx_power_mw_low_alarm": 0.063, "tx_power_mw_high_alarm": 3.16, "tx_power_mw_high_warn": 2.5,
         "tx_power_mw_low_warn": 0.2, "tx_power_mw_low_alarm": 0.15, "serial": f"SN-{device}-{port}"}
    m.update(kw)
    return m


def lanes(device, port, n=4, rx=1.0, tx=1.0, bias=40.0, **kw):
    return [{"device": device, "port": port, "lane": i, "rx_power_mw": rx, "tx_power_mw": tx, "tx_bias_ma": bias, **kw}
            for i in range(1, n + 1)]


def _inv(n_links=2):
    inv = Inventory()
    inv.devices["h1"] = DeviceInfo("h1", "linux", plane="0")
    inv.devices["leaf"] = DeviceInfo("leaf", "sonic", plane="0", role="leaf")
    inv.cables = [Cable(f"C{i}", "h1", f"eth{i}", "leaf", f"Ethernet{4 * i}", "fiber", 3.0, "0") for i in range(n_links)]
    return inv


def _rebooted_host(host_admin):
    """h1:eth0 up and healthy; h1:eth1 with admin state `host_admin`, its laser off (Tx at the noise
    floor, Rx lit by the leaf); leaf:Ethernet4 admin up, oper down, Rx LOS on every lane, no LLDP."""
    ports = [{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True},
             {"device": "h1", "port": "eth1", "admin_up": host_admin, "oper_up": False},
             {"device": "leaf", "port": "Ethernet0", "admin_up": True, "oper_up": True},
             {"device": "leaf", "port": "Ethernet4", "admin_up": True, "oper_up": False}]
    ls = (lanes("h1", "eth0") + lanes("leaf", "Ethernet0") + lanes("h1", "eth1", tx=0.0, bias=0.0)
          + lanes("leaf", "Ethernet4", rx=0.0, rx_los=True))
    mods = [mod(d, p) for d, p in (("h1", "eth0"), ("h1", "eth1"), ("leaf", "Ethernet0"), ("leaf", "Ethernet4"))]
    nb = [{"device": "h1", "port": "eth0", "remote_device": "leaf", "remote_port": "Ethernet0"},
          {"device": "leaf", "port": "Ethernet0", "remote_device": "h1", "remote_port": "eth0"}]
    return snap(ports=ports, lanes=ls, modules=mods, neighbors=nb)


def _devices():
    return [DeviceStatus("h1", "linux", True), DeviceStatus("leaf", "sonic", True)]


def test_v2_reported_admin_down_far_end_explains_the_dark_link_no_finding_listed_not_judged():
    s = _rebooted_host(False)
    res = analyse(s, _devices(), _inv())
    assert res.findings == []                            # no broken_fiber / missing / link_down
    (nj,) = res.not_judged
    assert nj["cable_id"] == "C1" and "h1:eth1 administratively down" in nj["reason"]
    assert res.summary()["links_not_judged"] == 1
    assert res.to_json()["not_judged"][0]["cable_id"] == "C1"


def test_v2_unknown_admin_state_does_not_explain_a_dark_link():
    # the same link with the host's admin state not reported: a dark, down link stays a finding
    s = _rebooted_host(None)
    res = analyse(s, _devices(), _inv())
    assert res.not_judged == []
    assert [f.link["cable_id"] for f in res.findings if f.link] == ["C1"]


def test_v2_cabling_check_does_not_call_an_admin_down_link_missing():
    s = _rebooted_host(False)
    r = cabling.check(_inv(), s.neighbors, s.ports, {"h1", "leaf"})
    assert [f.kind for f in r.findings] == []
    assert dict(zip(r.status["cable_id"], r.status["verdict"])) == {"C0": "ok", "C1": "admin_down"}
    # admin up at the host: the same silence is `missing`
    s2 = _rebooted_host(True)
    r2 = cabling.check(_inv(), s2.neighbors, s2.ports, {"h1", "leaf"})
    assert [f.kind for f in r2.findings] == ["missing"]


def test_v2_admin_down_leaves_independent_evidence_of_the_far_end_judged():
    # the leaf's own transmitter is weak (measured at the leaf): still a decaying transmitter,
    # although the host end is admin down
    s = _rebooted_host(False)
    s.lanes.loc[(s.lanes["device"] == "leaf") & (s.lanes["port"] == "Ethernet4"), "tx_power_mw"] = 0.01
    loc = localize(s, symptoms(s, CFG), _inv())
    assert [(f.kind, f.suspects[0]["ref"]) for f in loc.findings] == [("decaying_transmitter", "leaf:Ethernet4")]


def test_v2_a_port_vanished_from_its_collected_host_is_blamed_at_the_host_not_the_cable():
    # h1 reports eth0 only; eth1 (planned) is in none of its outputs; the leaf end is down with LOS
    ports = [{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True},
             {"device": "leaf", "port": "Ethernet0", "admin_up": True, "oper_up": True},
             {"device": "leaf", "port": "Ethernet4", "admin_up": True, "oper_up": False}]
    ls = lanes("h1", "eth0") + lanes("leaf", "Ethernet0") + lanes("leaf", "Ethernet4", rx=0.0, rx_los=True)
    mods = [mod(d, p) for d, p in (("h1", "eth0"), ("leaf", "Ethernet0"), ("leaf", "Ethernet4"))]
    s = snap(ports=ports, lanes=ls, modules=mods)
    (f,) = localize(s, symptoms(s, CFG), _inv()).findings
    assert f.kind == "vanished_port"
    assert (f.suspects[0]["component"], f.suspects[0]["ref"]) == ("port", "h1:eth1")
    # the same host not collected at all: unknown, the old dead-link reading (the far end sent nothing)
    s2 = snap(ports=ports[1:], lanes=ls[4:], modules=mods[1:])
    (g,) = localize(s2, symptoms(s2, CFG), _inv()).findings
    assert g.kind == "dead_link" and g.suspects[0]["component"] == "cable"


def test_v2_explain_says_the_link_was_not_judged_because_its_far_end_is_admin_down():
    from netdiag.health.explain import explain

    res = analyse(_rebooted_host(False), _devices(), _inv())
    x = explain(res, "leaf", "Ethernet4", CFG)
    assert x["findings"] == []
    assert x["why"].startswith("no finding: link not judged: h1:eth1 administratively down")


def test_v2_terminal_output_lists_the_links_not_judged():
    from netdiag.render.text import render

    out = render(analyse(_rebooted_host(False), _devices(), _inv()), width=200)
    assert "(no findings)" in out
    assert "Not judged (1 link, an end administratively down):" in out
    assert "C1: h1:eth1 administratively down (reported)" in out
    # an admin state that is not reported explains nothing and lists nothing
    assert "Not judged" not in render(analyse(_rebooted_host(None), _devices(), _inv()), width=200)

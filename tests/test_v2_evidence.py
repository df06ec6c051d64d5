"""Suite v2 evidence weaknesses, hand-built snapshots: a decaying laser on a module that publishes no
Tx thresholds; two bad parts on one link."""

from __future__ import annotations

from netdiag.fabric.localize import localize
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.inventory import Cable, DeviceInfo, Inventory
from netdiag.model import Snapshot

CFG = load_thresholds()


def snap(**tables) -> Snapshot:
    return Snapshot.from_tables({k: list(v) for k, v in tables.items()})


def mod(device, port, thresholds=True, **kw):
    m = {"device": device, "port": port, "present": True, "media": "optical", "temperature_c": 40.0,
         "part_number": "MMS4X00-NS400", "wavelength_nm": 1311.0, "serial": f"SN-{device}-{port}"}
    if thresholds:
        m.update({"rx_power_mw_high_alarm": 3.16, "rx_power_mw_high_warn": 2.0, "rx_power_mw_low_warn": 0.1,
                  "rx_power_mw_low_alarm": 0.063, "tx_power_mw_high_alarm": 3.16, "tx_power_mw_high_warn": 2.5,
                  "tx_power_mw_low_warn": 0.4, "tx_power_mw_low_alarm": 0.3,
                  "temperature_c_high_alarm": 75.0, "temperature_c_high_warn": 70.0,
                  "temperature_c_low_warn": 0.0, "temperature_c_low_alarm": -5.0})
    m.update(kw)
    return m


def lanes(device, port, n=4, rx=0.8, tx=1.2, bias=55.0, **kw):
    return [{"device": device, "port": port, "lane": i, "rx_power_mw": rx, "tx_power_mw": tx, "tx_bias_ma": bias, **kw}
            for i in range(1, n + 1)]


def _host_without_thresholds(weak_tx: float):
    """h1 with 6 modules of one part number publishing no thresholds; eth2 transmits `weak_tx` mW
    at 92 mA (peers 1.2 mW at 55 mA); the leaf receives eth2's light 9 dB down."""
    ports, ls, mods = [], [], []
    for i in range(6):
        tx = weak_tx if i == 2 else 1.2
        ports += [{"device": "h1", "port": f"eth{i}", "admin_up": True, "oper_up": True},
                  {"device": "leaf", "port": f"Ethernet{4 * i}", "admin_up": True, "oper_up": True}]
        ls += lanes("h1", f"eth{i}", tx=tx, bias=92.0 if i == 2 else 55.0)
        ls += lanes("leaf", f"Ethernet{4 * i}", rx=0.8 * tx / 1.2)
        mods += [mod("h1", f"eth{i}", thresholds=False), mod("leaf", f"Ethernet{4 * i}")]
    inv = Inventory()
    inv.devices["h1"] = DeviceInfo("h1", "linux", plane="0")
    inv.devices["leaf"] = DeviceInfo("leaf", "sonic", plane="0", role="leaf")
    inv.cables = [Cable(f"C{i}", "h1", f"eth{i}", "leaf", f"Ethernet{4 * i}", "fiber", 3.0, "0") for i in range(6)]
    return snap(ports=ports, lanes=ls, modules=mods), inv


def test_v2_decaying_laser_without_published_thresholds_is_read_against_its_peers():
    s, inv = _host_without_thresholds(0.15)         # -8.2 dBm: above the -11 dBm class fallback
    sym = symptoms(s, CFG)
    weak = sym[(sym["rule"] == "tx_power_low")]
    assert sorted(set(zip(weak["device"], weak["port"]))) == [("h1", "eth2")]
    assert "median Tx of the modules of its type" in weak["detail"].iloc[0]
    (f,) = localize(s, sym, inv).findings
    assert f.kind == "decaying_transmitter" and (f.device, f.port) == ("h1", "eth2")
    assert f.suspects[0]["component"] == "transceiver"


def test_v2_peer_comparison_leaves_normal_spread_alone():
    s, _ = _host_without_thresholds(0.45)           # 4.3 dB under its peers: within a type's spread
    assert symptoms(s, CFG).empty


def test_v2_second_part_on_one_link_weak_laser_one_end_hot_module_the_other():
    # leaf:Ethernet0 transmits below its Tx low alarm (h1 receives low); h1:eth0 is over its own
    # temperature alarm: two findings on C0, each naming its own module first
    ports = [{"device": d, "port": p, "admin_up": True, "oper_up": True} for d, p in (("h1", "eth0"), ("leaf", "Ethernet0"))]
    ls = lanes("h1", "eth0", rx=0.1 * 0.8) + lanes("leaf", "Ethernet0", tx=0.1, bias=90.0)
    s = snap(ports=ports, lanes=ls, modules=[mod("h1", "eth0", temperature_c=82.0), mod("leaf", "Ethernet0")])
    inv = Inventory()
    inv.devices["h1"] = DeviceInfo("h1", "linux", plane="0")
    inv.devices["leaf"] = DeviceInfo("leaf", "sonic", plane="0", role="leaf")
    inv.cables = [Cable("C0", "h1", "eth0", "leaf", "Ethernet0", "fiber", 3.0, "0")]
    got = sorted((f.kind, f.suspects[0]["ref"]) for f in localize(s, symptoms(s, CFG), inv).findings)
    assert got == [("decaying_transmitter", "leaf:Ethernet0"), ("hot_module", "h1:eth0")]
    # the same weak laser with a cool far module: one finding only
    s.modules.loc[s.modules["device"] == "h1", "temperature_c"] = 40.0
    assert [f.kind for f in localize(s, symptoms(s, CFG), inv).findings] == ["decaying_transmitter"]


def test_v2_host_lldp_mac_port_id_maps_through_the_ifname_description_without_ip_link():
    # lldpd on a Linux host: port id = its MAC, port description = the ifname; the host was
    # captured without `ip link` (no MAC in its port table): the description names the far port
    from netdiag.fabric.cabling import canonical_far_ports
    import pandas as pd

    obs = pd.DataFrame([{"device": "leaf", "port": "Ethernet104", "remote_device": "h1",
                         "remote_port": "b8:3f:d2:2b:a3:af", "remote_port_descr": "rail1p1"}])
    ports = pd.DataFrame([{"device": "h1", "port": "rail1p1", "alias": None, "description": None, "mac": None},
                          {"device": "h1", "port": "rail1p0", "alias": None, "description": None, "mac": None}])
    assert canonical_far_ports(obs, ports)["remote_port"].tolist() == ["rail1p1"]

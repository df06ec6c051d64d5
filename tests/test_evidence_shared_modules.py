"""Evidence the independent scenarios showed netdiag misreading (issues 13/14), each on a hand-made
snapshot that states the one thing it checks:
- a module printed whole under each port it serves (Linux `ethtool -m` on both netdevs of a
  twin-port OSFP, Cumulus `nv show platform transceiver swp1s1`) belongs lane group by lane group to
  its ports; a module whose ports list their own lanes keeps them;
- a post-FEC BER computed from a handful of codewords is judged by the lower bound of its count;
- one lane dark one way with the far end fine is a broken fiber (the cable), not a dirty connector;
- Rx imbalance compares a lane with its own port's lanes, not a breakout sibling's."""

import numpy as np
import pandas as pd

from netdiag.fabric.localize import localize
from netdiag.health import evidence
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.inventory import Cable, DeviceInfo, Inventory
from netdiag.model import Snapshot

CFG = load_thresholds()


def snap(**tables) -> Snapshot:
    return Snapshot.from_tables({k: list(v) for k, v in tables.items()})


def mod(device, port, serial, **kw):
    m = {"device": device, "port": port, "present": True, "media": "optical", "serial": serial,
         "temperature_c": 40.0, "rx_power_mw_high_alarm": 3.16, "rx_power_mw_high_warn": 2.5,
         "rx_power_mw_low_warn": 0.2, "rx_power_mw_low_alarm": 0.1, "tx_power_mw_high_alarm": 3.98,
         "tx_power_mw_high_warn": 3.16, "tx_power_mw_low_warn": 0.37, "tx_power_mw_low_alarm": 0.19}
    m.update(kw)
    return m


def whole_print(device, port, rx):
    """An 8-lane module printed under `port`: Tx lit on all lanes, Rx per lane from `rx`."""
    return [{"device": device, "port": port, "lane": i + 1, "tx_power_mw": 1.2, "rx_power_mw": r,
             "tx_bias_ma": 60.0} for i, r in enumerate(rx)]


def port(device, name, lanes=4, up=True):
    return {"device": device, "port": name, "admin_up": True, "oper_up": up, "lanes": lanes, "speed_gbps": 400.0}


def low(s: pd.DataFrame) -> list:
    s = s[s["rule"].isin(["rx_power_low", "dark_lane", "rx_power_high"])]
    return sorted({(p, int(ln), r) for p, ln, r in zip(s["port"], s["lane"], s["rule"])})


def test_twin_port_module_printed_whole_under_each_netdev_is_cut_to_each_ports_lanes():
    # one serial on ens1f1np1 and ens2f1np1, the same 8 lanes under both; lanes 1-4 (ens1f1np1's
    # strand) read 0.09 mW, under the low alarm: only ens1f1np1 is low, ens2f1np1 is fine
    rx = [0.09] * 4 + [0.8] * 4
    s = snap(modules=[mod("h1", "ens1f1np1", "MT1"), mod("h1", "ens2f1np1", "MT1")],
             lanes=whole_print("h1", "ens1f1np1", rx) + whole_print("h1", "ens2f1np1", rx),
             ports=[port("h1", "ens1f1np1"), port("h1", "ens2f1np1")])
    assert low(symptoms(s, CFG)) == [("ens1f1np1", i, "rx_power_low") for i in range(1, 5)]
    share = evidence.module_share(s.modules)
    assert share[["port", "share_n", "share_i"]].values.tolist() == [["ens1f1np1", 2, 0], ["ens2f1np1", 2, 1]]


def test_second_port_of_a_whole_print_owns_lanes_5_to_8_even_without_a_port_lane_count():
    # Cumulus split cage: lane counts not reported; the second sub-port sees overload on ITS lanes
    rx = [0.8] * 4 + [4.0] * 4
    s = snap(modules=[mod("leaf", "swp3s0", "MT2"), mod("leaf", "swp3s1", "MT2")],
             lanes=whole_print("leaf", "swp3s0", rx) + whole_print("leaf", "swp3s1", rx),
             ports=[port("leaf", "swp3s0", lanes=None), port("leaf", "swp3s1", lanes=None)])
    assert low(symptoms(s, CFG)) == [("swp3s1", i, "rx_power_high") for i in range(5, 9)]


def test_a_module_whose_ports_list_their_own_lanes_keeps_them():
    # a twin-port cage whose OS prints each port's own 4 lanes (different readings): nothing is cut
    a = [{"device": "sw", "port": "Ethernet0", "lane": i, "tx_power_mw": 1.2, "rx_power_mw": 0.8, "tx_bias_ma": 60.0}
         for i in range(1, 5)]
    b = [{"device": "sw", "port": "Ethernet4", "lane": i, "tx_power_mw": 1.1, "rx_power_mw": 0.09 if i == 3 else 0.7,
          "tx_bias_ma": 60.0} for i in range(1, 5)]
    s = snap(modules=[mod("sw", "Ethernet0", "S1"), mod("sw", "Ethernet4", "S1")], lanes=a + b,
             ports=[port("sw", "Ethernet0"), port("sw", "Ethernet4")])
    assert low(symptoms(s, CFG)) == [("Ethernet4", 3, "rx_power_low")]


def counters(**kw):
    c = {"device": "leaf", "port": "Ethernet0", "rx_packets": 3_000_000_000_000}
    c.update(kw)
    return c


def test_post_fec_ber_from_three_codewords_is_not_over_its_limit_but_thousands_are():
    # SONiC FEC_POST_BER since the clear: 3 uncorrectable codewords in months read 1.01e-13, at the
    # 1e-13 warning limit; the count's lower 95 % bound is 0.27x that
    few = symptoms(snap(counters=[counters(effective_ber=1.01e-13, fec_uncorrectable_cw=3)]), CFG)
    assert "effective_ber" not in set(few["rule"])
    many = symptoms(snap(counters=[counters(effective_ber=3e-12, fec_uncorrectable_cw=3000)]), CFG)
    assert set(many.loc[many["rule"] == "effective_ber", "severity"]) == {"critical"}
    # no count reported beside it: judged as reported
    alone = symptoms(snap(counters=[counters(effective_ber=1.5e-13)]), CFG)
    assert set(alone.loc[alone["rule"] == "effective_ber", "severity"]) == {"warning"}
    assert np.allclose(evidence.poisson_lower(np.array([0, 3, 1000]), 1.645), [0.0, 0.8177, 948.5], atol=0.05)


def _one_link():
    devices = {d: DeviceInfo(d, p, "10.0.0.1", r, "0", "dc1", "A", "01", "r01", "1")
               for d, p, r in (("h1", "linux", "gpu_host"), ("leaf", "sonic", "leaf"))}
    return Inventory(devices=devices, cables=[Cable("C1.1", "h1", "eth0", "leaf", "Ethernet0", "fiber", 3.0, "0")])


def test_one_lane_dark_one_way_with_the_far_end_fine_is_a_broken_fiber_in_the_cable():
    near = [{"device": "h1", "port": "eth0", "lane": i, "tx_power_mw": 1.2, "rx_power_mw": 0.0 if i == 2 else 0.8,
             "tx_bias_ma": 60.0, "rx_los": i == 2} for i in range(1, 5)]
    far = [{"device": "leaf", "port": "Ethernet0", "lane": i, "tx_power_mw": 1.2, "rx_power_mw": 0.8,
            "tx_bias_ma": 60.0} for i in range(1, 5)]
    s = snap(modules=[mod("h1", "eth0", "A1"), mod("leaf", "Ethernet0", "B1")], lanes=near + far,
             ports=[port("h1", "eth0", up=False), port("leaf", "Ethernet0", up=False)])
    inv = _one_link()
    (f,) = localize(s, symptoms(s, CFG), inv).findings
    assert f.kind == "broken_fiber"
    assert [(x["component"], x["ref"]) for x in f.suspects[:2]] == [("cable", "C1.1"), ("connector", "C1.1")]
    assert f.action.startswith("Inspect and clean both connectors")   # clean before replace


def test_rx_imbalance_compares_a_lane_with_its_own_breakout_port_only():
    # SONiC prints a split cage's module once, under Ethernet0 (4 lanes each): Ethernet0's lanes 1-4
    # are overloaded at 4 mW, Ethernet4's lanes 5-8 read a normal 0.7 mW -- not "6 dB weaker"
    rx = [4.0] * 4 + [0.7] * 4
    s = snap(modules=[mod("sw", "Ethernet0", "S9")], lanes=whole_print("sw", "Ethernet0", rx),
             ports=[port("sw", "Ethernet0"), port("sw", "Ethernet4")])
    sym = symptoms(s, CFG)
    assert not len(sym[(sym["port"] == "Ethernet4")])
    assert low(sym) == [("Ethernet0", i, "rx_power_high") for i in range(1, 5)]

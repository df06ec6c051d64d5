"""Single-snapshot health rules on hand-built canonical tables."""

import math

import pytest

from netdiag.health.rules import effective_thresholds, load_thresholds, symptoms
from netdiag.model import Snapshot
from netdiag import units

CFG = load_thresholds()


def qsfp(port="eth0", **kw):
    m = {"device": "h1", "port": port, "present": True, "identifier": "QSFP28", "media": "optical",
         "temperature_c": 35.0, "voltage_v": 3.3,
         "rx_power_mw_high_alarm": 3.4, "rx_power_mw_high_warn": 2.4, "rx_power_mw_low_warn": 0.05,
         "rx_power_mw_low_alarm": 0.03,
         "tx_power_mw_high_alarm": 3.0, "tx_power_mw_high_warn": 2.5, "tx_power_mw_low_warn": 0.15,
         "tx_power_mw_low_alarm": 0.1,
         "temperature_c_high_alarm": 75.0, "temperature_c_high_warn": 70.0, "temperature_c_low_warn": 0.0,
         "temperature_c_low_alarm": -5.0}
    m.update(kw)
    return m


def lane(port, n, rx=1.0, tx=1.0, bias=40.0, **kw):
    return {"device": "h1", "port": port, "lane": n, "rx_power_mw": rx, "tx_power_mw": tx, "tx_bias_ma": bias, **kw}


def up(port="eth0", admin=True, oper=True):
    return {"device": "h1", "port": port, "admin_up": admin, "oper_up": oper}


def run(modules=(), lanes=(), ports=(), counters=()):
    snap = Snapshot.from_tables({"modules": list(modules), "lanes": list(lanes), "ports": list(ports),
                                 "counters": list(counters)})
    return symptoms(snap, CFG)


def rules(s):
    return sorted(zip(s["port"], s["lane"].astype(object).where(s["lane"].notna(), None), s["rule"], s["severity"]),
                  key=str)


def test_healthy_port_has_no_symptoms():
    s = run([qsfp()], [lane("eth0", i) for i in range(1, 5)], [up()])
    assert s.empty


def test_one_dark_lane_on_admin_up_port_is_critical_and_other_lanes_are_not_averaged_away():
    ls = [lane("eth0", i) for i in range(1, 5)]
    ls[2]["rx_power_mw"] = 0.0
    s = run([qsfp()], ls, [up()])
    assert rules(s) == [("eth0", 3, "dark_lane", "critical")]


def test_all_lanes_dark_on_admin_down_port_is_not_a_finding():
    s = run([qsfp()], [lane("eth0", i, rx=0.0, tx=0.0, bias=0.0) for i in range(1, 5)], [up(admin=False, oper=False)])
    assert s.empty


def test_all_lanes_dark_with_unknown_admin_state_and_no_transmitter_reading_is_unknown_not_bad():
    # issue 13 weakness 1: unknown stays unknown when nothing says the port is enabled
    s = run([qsfp()], [lane("eth0", i, rx=0.0, tx=None, bias=None) for i in range(1, 5)])
    assert s.empty


def test_all_lanes_dark_with_unknown_admin_state_but_lit_transmitter_is_dark():
    # issue 13 weakness 1 (changed: the old test called this unknown): a lit laser means the port
    # is enabled, so no light received on its lanes is evidence even without `ip link`
    s = run([qsfp()], [lane("eth0", i, rx=0.0) for i in range(1, 5)])
    assert rules(s) == [("eth0", i, "dark_lane", "critical") for i in range(1, 5)]


def test_partially_dark_port_is_flagged_even_without_admin_state():
    ls = [lane("eth0", i) for i in range(1, 5)]
    ls[0]["rx_power_mw"] = 0.0
    s = run([qsfp()], ls)
    assert rules(s) == [("eth0", 1, "dark_lane", "critical")]


def test_low_rx_against_module_thresholds_warn_and_alarm():
    ls = [lane("eth0", i) for i in range(1, 5)]
    ls[0]["rx_power_mw"] = 0.04   # between low alarm 0.03 and low warn 0.05
    ls[1]["rx_power_mw"] = 0.02   # below low alarm
    s = run([qsfp()], ls, [up()])
    assert rules(s) == [("eth0", 1, "rx_power_low", "warning"), ("eth0", 2, "rx_power_low", "critical")]
    row = s[s["lane"] == 2].iloc[0]
    assert row["threshold"] == pytest.approx(0.03)


def test_missing_thresholds_fall_back_to_defaults_in_dbm():
    m = qsfp(rx_power_mw_low_alarm=None, rx_power_mw_low_warn=None)
    ls = [lane("eth0", i) for i in range(1, 5)]
    ls[3]["rx_power_mw"] = units.dbm_to_mw(-15.0)   # below the default -14 dBm alarm
    s = run([m], ls, [up()])
    assert rules(s) == [("eth0", 4, "rx_power_low", "critical")]
    assert s.iloc[0]["threshold"] == pytest.approx(units.dbm_to_mw(-14.0))


def test_all_zero_module_thresholds_are_ignored():
    m = qsfp(rx_power_mw_high_alarm=0.0, rx_power_mw_high_warn=0.0, rx_power_mw_low_warn=0.0, rx_power_mw_low_alarm=0.0)
    thr = effective_thresholds(Snapshot.from_tables({"modules": [m]}).modules, CFG)
    assert thr.loc[0, "rx_power_mw_source"] == "default"
    assert thr.loc[0, "tx_power_mw_source"] == "module"


def test_unused_cmis_lanes_reading_zero_are_not_dark():
    ls = [lane("eth0", i) for i in range(1, 5)] + [lane("eth0", i, rx=0.0, tx=0.0, bias=0.0) for i in range(5, 9)]
    s = run([qsfp(identifier="QSFP-DD")], ls, [up()])
    assert s.empty


def test_lane_beyond_media_lanes_is_ignored_but_a_failed_last_lane_is_not():
    ls = [lane("eth0", i) for i in range(1, 4)] + [lane("eth0", 4, rx=0.0, tx=0.0, bias=0.0)]
    s = run([qsfp()], ls, [up()])   # 3 lit lanes: not a 1/2/4 prefix, so lane 4 is a real dark lane
    assert ("eth0", 4, "dark_lane", "critical") in rules(s)
    s = run([qsfp(media_lanes=3)], ls, [up()])
    assert s.empty


def test_low_tx_is_a_transmitter_symptom():
    ls = [lane("eth0", i) for i in range(1, 5)]
    ls[1]["tx_power_mw"] = 0.05
    s = run([qsfp()], ls, [up()])
    assert rules(s) == [("eth0", 2, "tx_power_low", "critical")]


def test_los_flag_on_used_lane_is_critical():
    ls = [lane("eth0", i, rx_los=(i == 2)) for i in range(1, 5)]
    s = run([qsfp()], ls, [up()])
    assert rules(s) == [("eth0", 2, "rx_los", "critical")]


def test_hot_module_uses_module_thresholds_and_the_absolute_hot_limit():
    s = run([qsfp(temperature_c=76.0)], [], [up()])
    assert rules(s) == [("eth0", None, "module_temperature_high", "critical")]
    s = run([qsfp(temperature_c=71.0, temperature_c_high_warn=80.0, temperature_c_high_alarm=85.0)], [], [up()])
    assert rules(s) == [("eth0", None, "module_temperature_high", "warning")]
    s = run([qsfp(temperature_c=None)], [], [up()])
    assert s.empty


def test_link_down_only_when_admin_up_and_something_is_plugged_in():
    mods = [qsfp("eth0"), qsfp("eth1"), qsfp("eth2"), qsfp("eth3", present=False)]
    s = run(mods, ports=[up("eth0", True, False), up("eth1", False, False), up("eth2", None, False),
                         up("eth3", True, False), up("eth4", True, False)])
    assert rules(s) == [("eth0", None, "link_down", "critical")]


def test_counters_zero_and_unknown_are_not_symptoms():
    c = [{"device": "h1", "port": "eth0", "fec_uncorrectable_cw": 0, "rx_crc_errors": 0},
         {"device": "h1", "port": "eth1"},
         {"device": "h1", "port": "eth2", "fec_uncorrectable_cw": 70, "rx_crc_errors": 30}]
    s = run(counters=c)
    assert rules(s) == [("eth2", None, "fec_uncorrectable_cw", "critical"), ("eth2", None, "rx_crc_errors", "warning")]


def test_device_reported_ber_limits():
    c = [{"device": "h1", "port": "eth0", "raw_ber": 3e-4}, {"device": "h1", "port": "eth1", "raw_ber": 2e-5},
         {"device": "h1", "port": "eth2", "raw_ber": 1e-8, "effective_ber": 0.0}]
    s = run(counters=c)
    assert rules(s) == [("eth0", None, "raw_ber", "critical"), ("eth1", None, "raw_ber", "warning")]


def test_symptoms_are_sorted_worst_first():
    c = [{"device": "h1", "port": "eth0", "rx_crc_errors": 30}, {"device": "h1", "port": "eth9", "fec_uncorrectable_cw": 10}]
    s = run(counters=c)
    assert list(s["severity"]) == ["critical", "warning"]


def test_user_override_file(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text("[counters]\nrx_crc_errors = \"off\"\n[temperature]\nhot_c = 60.0\n")
    cfg = load_thresholds(p)
    assert cfg["counters"]["rx_crc_errors"] == "off" and cfg["temperature"]["hot_c"] == 60.0
    assert cfg["counters"]["fec_uncorrectable_cw"] == "critical"
    assert math.isclose(cfg["optics"]["fallback"]["rx_power_dbm"]["low_alarm"], -14.0)


def test_lane_raw_ber_names_the_lane():
    ls = [lane("eth0", i, raw_ber=1e-9) for i in range(1, 5)]
    ls[2]["raw_ber"] = 3e-4
    s = run([qsfp()], ls, [up()])
    assert rules(s) == [("eth0", 3, "raw_ber", "critical")]


def test_infiniband_ports_use_the_infiniband_ber_table():
    snap = Snapshot.from_tables({"counters": [{"device": "h1", "port": "mlx5_0/1", "raw_ber": 2e-5},
                                              {"device": "h1", "port": "eth0", "raw_ber": 2e-5}]})
    s = symptoms(snap, CFG)
    assert rules(s) == [("eth0", None, "raw_ber", "warning"), ("mlx5_0/1", None, "raw_ber", "critical")]


def test_copper_cable_power_readings_are_not_optics():
    ls = [lane("eth0", i, rx=0.0, tx=None, bias=None) for i in range(1, 5)]
    s = run([qsfp(media="dac")], ls, [up()])
    assert s.empty
    s = run([qsfp(media="optical")], ls, [up()])
    assert {r[2] for r in rules(s)} == {"dark_lane"}


def test_one_weak_transmitter_lane_without_tx_thresholds():
    m = qsfp(tx_power_mw_high_alarm=None, tx_power_mw_high_warn=None, tx_power_mw_low_warn=None,
             tx_power_mw_low_alarm=None)   # fallback Tx alarm -11 dBm would not catch -8.5 dBm
    ls = [lane("eth0", i, tx=1.1) for i in range(1, 5)]
    ls[2]["tx_power_mw"] = units.dbm_to_mw(-8.5)
    s = run([m], ls, [up()])
    assert rules(s) == [("eth0", 3, "tx_power_low", "warning")]
    assert "below the module's other lanes" in s.iloc[0]["detail"]


def test_alarm_only_thresholds_get_warning_levels_inside_them():
    m = qsfp(rx_power_mw_low_warn=None, rx_power_mw_high_warn=None, rx_power_mw_low_alarm=0.1, rx_power_mw_high_alarm=3.0)
    thr = effective_thresholds(Snapshot.from_tables({"modules": [m]}).modules, CFG)
    assert thr.loc[0, "rx_power_mw_source"] == "module"
    assert thr.loc[0, "rx_power_mw_low_warn"] == pytest.approx(0.1 * 10 ** 0.2)
    # the high side warns at the alarm itself: a strong in-spec launch is not wear (the v3e source's
    # Cumulus leaves: +2.1 dBm under a +3.4 dBm alarm was rx_overload with a 2 dB derived warning)
    assert thr.loc[0, "rx_power_mw_high_warn"] == pytest.approx(3.0)

"""The evidence layer (netdiag/health/evidence.py, rules.py): what each port's data says. Each test
names the weakness of issue 13 it guards (W1..W8). Real samples come from tests/cases/*/input.txt
(their SOURCE files give the public origin and licence); the rest are hand-made snapshots."""

from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from netdiag import parsers, units
from netdiag.cli import main
from netdiag.fabric import cabling
from netdiag.fabric.localize import end_features, load_rules, localize
from netdiag.health import evidence
from netdiag.health.rules import effective_thresholds, load_thresholds, symptoms
from netdiag.inventory import Cable, DeviceInfo, Inventory
from netdiag.model import Snapshot

CASES = Path(__file__).resolve().parent / "cases"
DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
CFG = load_thresholds()


def parse(case: str, device="dut", port="eth0") -> dict:
    fmt = case.split("/")[0]
    return parsers.parse_text(fmt, (CASES / case / "input.txt").read_bytes(), device=device, port=port, command=None)


def snap(**tables) -> Snapshot:
    return Snapshot.from_tables({k: list(v) for k, v in tables.items()})


def rules(s: pd.DataFrame):
    return sorted(zip(s["port"], s["lane"].astype(object).where(s["lane"].notna(), None), s["rule"], s["severity"]),
                  key=str)


def mod(device="h1", port="eth0", **kw):
    m = {"device": device, "port": port, "present": True, "media": "optical", "temperature_c": 40.0,
         "rx_power_mw_high_alarm": 3.16, "rx_power_mw_high_warn": 2.0, "rx_power_mw_low_warn": 0.1,
         "rx_power_mw_low_alarm": 0.063, "tx_power_mw_high_alarm": 3.16, "tx_power_mw_high_warn": 2.5,
         "tx_power_mw_low_warn": 0.2, "tx_power_mw_low_alarm": 0.15}
    m.update(kw)
    return m


def lanes(device="h1", port="eth0", n=4, rx=1.0, tx=1.0, bias=40.0, **kw):
    return [{"device": device, "port": port, "lane": i, "rx_power_mw": rx, "tx_power_mw": tx, "tx_bias_ma": bias, **kw}
            for i in range(1, n + 1)]


# --- W1: missing data is not healthy --------------------------------------------------------------

def test_w1_real_lr_module_at_minus_40_dbm_without_ip_link_is_a_dark_lane():
    # ethtool -m of an SFP28 LR (jc fixture): Rx -40 dBm, Tx lit, no admin state captured
    t = parse("ethtool-module/sfp28_lr_rx_los_jc")
    s = symptoms(snap(**t), CFG)
    assert rules(s) == [("eth0", 1, "dark_lane", "critical")]
    assert effective_thresholds(snap(**t).modules, CFG)["module_class"].tolist() == ["lr"]


def test_w1_unknown_admin_with_module_ready_and_los_flag_is_dark_but_no_evidence_stays_unknown():
    ready = snap(modules=[mod(module_state="ModuleReady")],
                 lanes=lanes(rx=0.0, tx=None, bias=None, rx_los=True))
    assert rules(symptoms(ready, CFG)) == [("eth0", i, r, "critical") for i in range(1, 5)
                                           for r in ("dark_lane", "rx_los")]
    silent = snap(modules=[mod()], lanes=lanes(rx=0.0, tx=None, bias=None))
    assert symptoms(silent, CFG).empty


def test_w1_a_port_that_vanished_from_a_collected_host_is_gone_not_unseen():
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True}],
             lanes=lanes())
    seen, gone = evidence.end_seen(pd.Series(["h1", "h1", "h2"]), pd.Series(["eth0", "eth1", "eth0"]), s, {"h1"})
    assert seen.tolist() == [True, False, False]
    assert gone.tolist() == [False, True, False]          # h2 was not collected: unknown, not gone


def test_w1_link_down_is_raised_with_admin_inferred_from_a_lit_laser():
    s = snap(ports=[{"device": "h1", "port": "eth0", "oper_up": False}], modules=[mod()],
             lanes=lanes(rx=0.0))
    got = rules(symptoms(s, CFG))
    assert ("eth0", None, "link_down", "critical") in got
    assert ("eth0", 1, "dark_lane", "critical") in got


# --- W2: dark and lanes in use ---------------------------------------------------------------------

def test_w2_noise_floor_reading_is_dark_not_low_power():
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": False}], modules=[mod()],
             lanes=lanes(rx=0.001))                      # -30 dBm on every lane, no LOS flag reported
    got = {r for _, _, r, _ in rules(symptoms(s, CFG))}
    assert "dark_lane" in got and "rx_power_low" not in got


def test_w2_reading_far_below_the_modules_own_low_alarm_is_dark():
    ls = lanes()
    ls[1]["rx_power_mw"] = 0.004                          # -24 dBm: 12 dB under the -12 dBm low alarm
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True}], modules=[mod()], lanes=ls)
    assert rules(symptoms(s, CFG)) == [("eth0", 2, "dark_lane", "critical")]


def test_w2_half_dead_800g_module_lanes_5_to_8_are_in_use_and_dark():
    ls = lanes(n=8)
    for r in ls[4:]:
        r.update(rx_power_mw=0.0, tx_power_mw=0.0, tx_bias_ma=0.0)
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True, "speed_gbps": 800.0}],
             modules=[mod()], lanes=ls)
    got = rules(symptoms(s, CFG))
    assert [(ln, r) for _, ln, r, _ in got if r == "dark_lane"] == [(i, "dark_lane") for i in range(5, 9)]
    assert [ln for _, ln, r, _ in got if r == "tx_power_low"] == [5, 6, 7, 8]
    # the same bank on a 400G port (4 lanes of 100G) and nothing else known: lanes 5-8 unused
    s400 = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True, "speed_gbps": 400.0}],
                modules=[mod()], lanes=ls)
    assert symptoms(s400, CFG).empty


def test_w2_breakout_single_dark_lane_is_raised_on_its_sub_port():
    # SONiC 800G cage broken out 4x200G: module data on Ethernet0 (8 media lanes), sub-ports of 2 lanes
    ports = [{"device": "leaf", "port": f"Ethernet{i}", "admin_up": True, "oper_up": True, "lanes": 2,
              "speed_gbps": 200.0} for i in (0, 2, 4, 6)]
    ls = lanes("leaf", "Ethernet0", n=8)
    ls[4]["rx_power_mw"] = 0.0                            # lane 5 belongs to Ethernet4
    s = snap(ports=ports, modules=[mod("leaf", "Ethernet0", media_lanes=8)], lanes=ls)
    assert rules(symptoms(s, CFG)) == [("Ethernet4", 5, "dark_lane", "critical")]


def test_w2_real_cmis_dr4_bank_of_8_reports_only_its_4_media_lanes():
    # the sonic-leaf fixture capture: 400G DR4 in an 8-lane CMIS bank, lanes 5-8 read 0 and are unused
    r = CliRunner().invoke(main, ["sweep", "--capture", str(DEMO.parent / "captures" / "sonic-leaf"), "--json"])
    import json
    kinds = [(f["kind"], f["port"], f["lanes"]) for f in json.loads(r.output)["findings"]]
    assert ("dark_lane", "Ethernet8", [3]) in kinds
    assert not any(k == "dark_lane" and p != "Ethernet8" for k, p, _ in kinds)


# --- W3: counters since boot vs current -----------------------------------------------------------

def test_w3_real_mlxlink_time_since_clear_makes_a_lifetime_count_a_rate():
    t = parse("mlxlink/bluefield3_100g_dac_fs_q28")      # Time Since Last Clear 25,075 min
    assert t["counters"][0]["time_since_clear_s"] == 1504512.0
    few = dict(t, counters=[dict(t["counters"][0], fec_uncorrectable_cw=2)])
    s = symptoms(snap(**few), CFG)
    (row,) = s[s["rule"] == "fec_uncorrectable_cw"].itertuples()
    assert row.severity == "info" and row.detail.startswith("lifetime count: 0.00479 per hour")
    many = dict(t, counters=[dict(t["counters"][0], fec_uncorrectable_cw=2000)])
    s = symptoms(snap(**many), CFG)
    assert s[s["rule"] == "fec_uncorrectable_cw"]["severity"].tolist() == ["critical"]   # 4.8 per hour


def test_w3_without_time_base_counts_are_judged_per_received_frame_then_by_bring_up_allowance():
    c = [{"device": "h1", "port": "a", "fec_uncorrectable_cw": 2, "rx_packets": 4 * 10**12},
         {"device": "h1", "port": "b", "fec_uncorrectable_cw": 145, "rx_packets": 848 * 10**6},
         {"device": "h1", "port": "c", "fec_uncorrectable_cw": 3},
         {"device": "h1", "port": "d", "fec_uncorrectable_cw": 40}]
    s = symptoms(snap(counters=c), CFG)
    assert rules(s) == [("a", None, "fec_uncorrectable_cw", "info"), ("b", None, "fec_uncorrectable_cw", "critical"),
                        ("c", None, "fec_uncorrectable_cw", "info"), ("d", None, "fec_uncorrectable_cw", "critical")]
    assert all("lifetime count" in d for d in s["detail"])


def test_w3_a_flap_needs_both_ends_and_a_rate():
    c = pd.DataFrame({"device": ["sw", "sw", "h"], "port": ["p1", "p2", "q"], "link_down_events": [12, 30, 0],
                      "time_since_clear_s": [200 * 86400.0, np.nan, np.nan]})
    cfg = {**CFG, "links": load_rules()["links"]}
    assert evidence.flapping_ports(c, cfg).values.tolist() == [["sw", "p2"]]   # 12 in 200 days is no flap
    a, b = evidence.flap_both_ends(np.array([True, True]), np.array([False, False]), np.array([True, True]),
                                   np.array([True, False]))
    assert a.tolist() == [False, True] and b.tolist() == [False, False]  # far end known and quiet: no flap


# --- W4: counter semantics, BER by FEC mode x lane rate -------------------------------------------

def test_w4_crc_errors_with_clean_phy_counters_are_forwarded_not_evidence():
    c = [{"device": "h1", "port": "fwd", "rx_crc_errors": 4000, "fec_uncorrectable_cw": 0, "symbol_errors": 0,
          "fec_corrected_cw": 10},
         {"device": "h1", "port": "own", "rx_crc_errors": 4000, "fec_uncorrectable_cw": 900},
         {"device": "h1", "port": "crc_only", "rx_crc_errors": 4000}]
    s = symptoms(snap(counters=c), CFG)
    assert rules(s) == [("crc_only", None, "rx_crc_errors", "warning"), ("fwd", None, "rx_crc_errors", "info"),
                        ("own", None, "fec_uncorrectable_cw", "critical"), ("own", None, "rx_crc_errors", "warning")]
    f = end_features(s, snap(counters=c), {**CFG, "links": load_rules()["links"]})
    assert ("h1", "fwd") not in f.index and f.loc[("h1", "own"), "err"]


def test_w4_ber_limits_follow_fec_mode_and_lane_rate():
    ports = [{"device": "h1", "port": p, "fec": fec, "speed_gbps": sp, "lanes": ln}
             for p, fec, sp, ln in (("nofec25", "none", 25.0, 1), ("rs528", "rs528", 100.0, 4),
                                    ("rs544", "rs544", 400.0, 4), ("rs25", "rs", 25.0, 1))]
    c = [{"device": "h1", "port": p, "raw_ber": 1e-7} for p in ("nofec25", "rs528", "rs544", "rs25")]
    c.append({"device": "h1", "port": "rs528b", "raw_ber": 8e-5})
    ports.append({"device": "h1", "port": "rs528b", "fec": "rs528", "speed_gbps": 100.0, "lanes": 4})
    s = symptoms(snap(ports=ports, counters=c), CFG)
    assert rules(s) == [("nofec25", None, "raw_ber", "critical"), ("rs528b", None, "raw_ber", "critical")]
    assert s["detail"].tolist() == ["over error limit (ethernet_nofec)", "over error limit (ethernet_rs528)"]


def test_w4_real_fec_histogram_without_tail_is_quiet_and_a_tail_is_phy_local_evidence():
    t = parse("sonic-counters-fec-histogram/ethernet0", port="Ethernet0")
    assert max(r["bin"] for r in t["fec_histogram"] if r["count"]) == 7
    assert symptoms(snap(**t), CFG).empty
    tail = [r for r in t["fec_histogram"] if r["bin"] != 14] + [{"device": "dut", "port": "Ethernet0", "bin": 14,
                                                                  "count": 12}]
    s = symptoms(snap(fec_histogram=tail), CFG)
    assert rules(s) == [("Ethernet0", None, "fec_histogram_tail", "warning")]
    assert s["value"].tolist() == [12.0] and s["detail"].iloc[0].startswith("2.3e-06 of the codewords")
    # the same 12 codewords among 1e13 (a lifetime count on a healthy link): nothing
    bg = [dict(r, count=10**13) if r["bin"] == 0 else r for r in tail]
    assert symptoms(snap(fec_histogram=bg), CFG).empty


# --- W5: host-side flags, overload ------------------------------------------------------------------

def _link_inventory():
    inv = Inventory()
    for n in ("h1", "leaf"):
        inv.devices[n] = DeviceInfo(n, "linux" if n == "h1" else "sonic", plane="0")
    inv.cables = [Cable("C1", "h1", "eth0", "leaf", "Ethernet0", "fiber", 3.0, "0")]
    return inv


def test_w5_host_side_tx_los_blames_that_port_not_the_far_module():
    ls = lanes("h1", "eth0")
    ls[2].update(tx_los=True, tx_lol=True, tx_power_mw=0.0)
    far = lanes("leaf", "Ethernet0")
    far[2]["rx_power_mw"] = 0.0
    s = snap(ports=[{"device": d, "port": p, "admin_up": True, "oper_up": True} for d, p in
                    (("h1", "eth0"), ("leaf", "Ethernet0"))],
             modules=[mod("h1", "eth0"), mod("leaf", "Ethernet0")], lanes=ls + far)
    sym = symptoms(s, CFG)
    loc = localize(s, sym, _link_inventory())
    (f,) = loc.findings
    assert f.kind == "host_side_signal_loss"
    assert (f.suspects[0]["component"], f.suspects[0]["ref"]) == ("port", "h1:eth0")


def test_w5_rx_over_the_high_alarm_is_overload_from_the_far_optic():
    far = lanes("leaf", "Ethernet0")
    near = lanes("h1", "eth0", rx=units.dbm_to_mw(7.0))     # +7 dBm into a +5 dBm high alarm
    s = snap(ports=[{"device": d, "port": p, "admin_up": True, "oper_up": True} for d, p in
                    (("h1", "eth0"), ("leaf", "Ethernet0"))],
             modules=[mod("h1", "eth0"), mod("leaf", "Ethernet0")], lanes=near + far)
    loc = localize(s, symptoms(s, CFG), _link_inventory())
    (f,) = loc.findings
    assert f.kind == "rx_overload" and f.suspects[0]["ref"] == "leaf:Ethernet0"


# --- W6: thresholds ----------------------------------------------------------------------------------

def test_w6_a_zero_mw_low_alarm_is_replaced_by_the_class_fallback_not_trusted():
    m = mod(part_number="QSFP-100G-SR4", rx_power_mw_low_alarm=0.0)
    thr = effective_thresholds(snap(modules=[m]).modules, CFG).iloc[0]
    assert thr["rx_power_mw_source"] == "mixed" and thr["module_class"] == "sr"
    assert round(units.mw_to_dbm(thr["rx_power_mw_low_alarm"]), 1) == -12.3
    ls = lanes(rx=units.dbm_to_mw(-13.0))
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True}], modules=[m], lanes=ls)
    assert {(r, sev) for _, _, r, sev in rules(symptoms(s, CFG))} == {("rx_power_low", "critical")}


def test_w6_real_module_thresholds_are_used_when_sane():
    t = parse("ethtool-module/sfp28_lr_rx_los_jc")
    thr = effective_thresholds(snap(**t).modules, CFG).iloc[0]
    assert thr["rx_power_mw_source"] == "module"
    assert thr["rx_power_mw_low_alarm"] == t["modules"][0]["rx_power_mw_low_alarm"]


def test_w6_rx_imbalance_across_lanes_is_a_warning():
    ls = lanes(rx=1.0)
    ls[3]["rx_power_mw"] = 0.15                          # -8.2 dBm: above the alarm, 8 dB under the others
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True}],
             modules=[mod(rx_power_mw_low_warn=0.08, rx_power_mw_low_alarm=0.05)], lanes=ls)
    assert rules(symptoms(s, CFG)) == [("eth0", 4, "rx_power_low", "warning")]


# --- W7: trends ---------------------------------------------------------------------------------------

def _hist(points):
    from netdiag.health import trends
    rows = []
    for t, tx_dbm, temp in points:
        lanes_ = pd.DataFrame({"device": ["a"], "port": ["p1"], "lane": [1],
                               "tx_power_mw": [units.dbm_to_mw(tx_dbm)], "rx_power_mw": [1.0]})
        mods = pd.DataFrame({"device": ["a"], "port": ["p1"], "temperature_c": [temp]})
        from netdiag.model import conform
        rows.append(trends.optics_table(Snapshot(lanes=conform("lanes", lanes_), modules=conform("modules", mods)))
                    .assign(taken_at=t))
    return pd.concat(rows, ignore_index=True)


def _trend(points):
    from netdiag.health import trends
    from netdiag.model import conform
    from netdiag.store import load_settings
    h = _hist(points)
    fits = trends.slopes(h, points[-1][0])
    snap_ = Snapshot(modules=conform("modules", pd.DataFrame({"device": ["a"], "port": ["p1"], "temperature_c": [40.0],
                                                               "tx_power_mw_low_alarm": [units.dbm_to_mw(-7.6)],
                                                               "tx_power_mw_low_warn": [units.dbm_to_mw(-5.6)],
                                                               "tx_power_mw_high_warn": [2.5],
                                                               "tx_power_mw_high_alarm": [3.16]})))
    return trends.trend_symptoms(fits, snap_, CFG, load_settings()["trends"])


def test_w7_a_small_drift_over_two_hours_is_not_a_trend():
    pts = [(f"2026-11-20T{h:02d}:{m:02d}:00Z", -2.0 - 0.0058 * (h * 6 + m // 10), 40.0)
           for h in range(0, 2) for m in range(0, 60, 10)]      # 0.07 dB in two hours
    assert _trend(pts).empty


def test_w7_drift_that_follows_temperature_is_not_ageing_but_steady_loss_is():
    days = [f"2026-11-{d:02d}T{h:02d}:00:00Z" for d in range(20, 24) for h in (3, 15)]
    temps = [35.0 if i % 2 == 0 else 55.0 for i in range(len(days))]
    # Tx follows temperature (-0.1 dB/C) with no ageing: 2 dB swings, no trend
    follow = [(t, -2.0 - 0.1 * (T - 35.0), T) for t, T in zip(days, temps)]
    assert _trend(follow).empty
    # the same swings on top of a 0.5 dB/day loss: a trend heading for the low alarm
    age = [(t, -2.0 - 0.1 * (T - 35.0) - 0.25 * i, T) for i, (t, T) in enumerate(zip(days, temps))]
    s = _trend(age)
    assert s["rule"].tolist() == ["tx_power_low"] and "trend -0.50 dB/day" in s["detail"].iloc[0]


# --- W8: LLDP port identity ---------------------------------------------------------------------------

def test_w8_real_sonic_alias_in_lldp_maps_through_the_far_port_table():
    # T0-2's `show lldp table` (sonic-utilities doc): Ethernet112 sees T1-1 port id 'hundredGigE1/2';
    # T1-1's `show interfaces status` (same doc, read as T1-1) lists Ethernet4 with alias hundredGigE1/2
    nb = parse("sonic-lldp-table/t0_with_mgmt", device="T0-2")["neighbors"]
    st = parse("sonic-interfaces-status/older_no_fec_vlan", device="T1-1")["ports"]
    s = snap(neighbors=nb, ports=st)
    inv = Inventory()
    for n in ("T0-2", "T1-1"):
        inv.devices[n] = DeviceInfo(n, "sonic", plane="0")
    inv.cables = [Cable("C1", "T0-2", "Ethernet112", "T1-1", "Ethernet4", "fiber", 3.0, "0")]
    res = cabling.check(inv, s.neighbors, s.ports, {"T0-2", "T1-1"})
    assert res.status["verdict"].tolist() == ["ok"]
    # without the far device's port table the alias is not a port: the cable looks miswired
    res2 = cabling.check(inv, s.neighbors.assign(remote_port_descr=None), s.ports.iloc[0:0], {"T0-2"})
    assert res2.status["verdict"].tolist() == ["miswire"]


def test_w8_mac_port_id_maps_through_the_far_hosts_mac():
    nb = [{"device": "leaf", "port": "Ethernet0", "remote_device": "h1", "remote_port": "b8:3f:d2:aa:bb:01",
           "protocol": "lldp"}]
    pt = [{"device": "h1", "port": "eth0", "mac": "B8:3F:D2:AA:BB:01"},
          {"device": "h1", "port": "eth1", "mac": "b8:3f:d2:aa:bb:02"}]
    s = snap(neighbors=nb, ports=pt)
    inv = _link_inventory()
    inv.cables = [Cable("C1", "h1", "eth0", "leaf", "Ethernet0", "fiber", 3.0, "0")]
    assert cabling.check(inv, s.neighbors, s.ports, {"h1", "leaf"}).status["verdict"].tolist() == ["ok"]


# --- netdiag explain --------------------------------------------------------------------------------------

def test_explain_names_each_ends_evidence_and_unknowns():
    args = ["explain", "gpu-r07-n01:ens3np0", "--capture", str(DEMO / "capture"), "--inventory",
            str(DEMO / "devices.csv"), "--plan", str(DEMO / "cabling.csv")]
    r = CliRunner().invoke(main, args + ["--json"])
    assert r.exit_code == 0, r.output
    import json
    x = json.loads(r.output)
    assert x["far_end"] == "leaf-p0-r07:Ethernet8" and x["far_end_from"] == "plan (cable C07-01-3)"
    near, far = x["ends"]
    assert [ln["lane"] for ln in near["lanes"] if ln["dark"]] == [3]
    assert near["features"] == ["dark", "fec_known", "rx_low"]   # the host reports its FEC mode (ethtool)
    assert far["device_collected"] is False
    assert "device not collected: everything at this end is unknown" in far["unknown"]
    assert [f["kind"] for f in x["findings"]] == ["dirty_connector"]
    text = CliRunner().invoke(main, args).output
    assert "lane 3: tx -0.26 dBm  rx -inf dBm  in use  DARK" in text


def test_explain_says_why_there_is_no_finding():
    r = CliRunner().invoke(main, ["explain", "gpu-r07-n01:ens1np0", "--capture", str(DEMO / "capture"), "--json"])
    import json
    x = json.loads(r.output)
    assert x["findings"] == [] and x["why"].startswith("no finding: no symptom at either end")


def test_explain_rejects_a_target_without_port():
    r = CliRunner().invoke(main, ["explain", "gpu-r07-n01", "--capture", str(DEMO / "capture")])
    assert r.exit_code == 3 and "DEVICE:PORT expected" in r.output


def test_w6_link_loss_over_the_class_budget_is_low_rx_even_without_thresholds():
    # far Tx +0.5 dBm, near Rx -9 dBm: 9.5 dB on an SR link (budget 5 dB); Rx thresholds missing
    near = mod("h1", "eth0", part_number="QSFP-100G-SR4", **{f"rx_power_mw_{lv}": None for lv in
                                                              ("high_alarm", "high_warn", "low_warn", "low_alarm")})
    s = snap(ports=[{"device": d, "port": p, "admin_up": True, "oper_up": True} for d, p in
                    (("h1", "eth0"), ("leaf", "Ethernet0"))],
             modules=[near, mod("leaf", "Ethernet0")],
             lanes=lanes("h1", "eth0", rx=units.dbm_to_mw(-9.0)) + lanes("leaf", "Ethernet0", tx=units.dbm_to_mw(0.5)),
             neighbors=[{"device": "h1", "port": "eth0", "remote_device": "leaf", "remote_port": "Ethernet0",
                         "protocol": "lldp"}])
    got = symptoms(s, CFG)
    assert rules(got) == [("eth0", i, "rx_power_low", "warning") for i in range(1, 5)]
    assert got["detail"].iloc[0] == "link loss 9.5 dB over the 5 dB budget (sr; far Tx 0.50 dBm at leaf:Ethernet0)"


def test_link_down_with_light_both_ways_blames_the_port_whose_fec_is_the_odd_one():
    # leaf runs RS on its ports but Ethernet0 was set to BASE-R: down both ends, light both ways
    ports = [{"device": "leaf", "port": f"Ethernet{i}", "admin_up": True, "oper_up": i != 0, "lanes": 4,
              "fec": "fc" if i == 0 else "rs"} for i in range(0, 16, 4)]
    ports.append({"device": "h1", "port": "eth0", "admin_up": True, "oper_up": False})
    s = snap(ports=ports, modules=[mod("h1", "eth0"), mod("leaf", "Ethernet0")],
             lanes=lanes("h1", "eth0") + lanes("leaf", "Ethernet0"))
    assert evidence.odd_config(s.ports).values.tolist() == [["leaf", "Ethernet0"]]
    loc = localize(s, symptoms(s, CFG), _link_inventory())
    (f,) = loc.findings
    assert f.kind == "link_down_with_light" and f.suspects[0]["ref"] == "leaf:Ethernet0"


def test_end_features_with_only_context_features_keeps_a_severity_column():
    # a fault-free fabric: lit ports only, no symptom (the independent scenarios crashed on 'sev')
    s = snap(ports=[{"device": "h1", "port": "eth0", "admin_up": True, "oper_up": True}], modules=[mod()], lanes=lanes())
    f = end_features(symptoms(s, CFG), s, {**CFG, "links": load_rules()["links"]})
    assert f.loc[("h1", "eth0"), "lit"] and np.isnan(f.loc[("h1", "eth0"), "sev"])
    assert localize(s, symptoms(s, CFG), _link_inventory()).findings == []


def test_w2_breakout_sub_port_without_its_own_module_row_is_a_link_with_light():
    # SONiC 800G cage split 2x400G: the module sits on Ethernet0 (8 lanes), Ethernet4 owns lanes 5-8
    ports = [{"device": "leaf", "port": p, "admin_up": True, "oper_up": p != "Ethernet4", "lanes": 4}
             for p in ("Ethernet0", "Ethernet4")]
    s = snap(ports=ports, modules=[mod("leaf", "Ethernet0", media_lanes=8)], lanes=lanes("leaf", "Ethernet0", n=8))
    assert rules(symptoms(s, CFG)) == [("Ethernet4", None, "link_down", "critical")]
    assert evidence.lit_ports(s, symptoms(s, CFG), CFG).values.tolist() == [["leaf", "Ethernet0"], ["leaf", "Ethernet4"]]


def test_w6_a_1310nm_mpo_module_without_thresholds_is_dr_and_its_weak_laser_is_judged_by_the_dr_launch_minimum():
    # a twin-port 800G 2xDR4 OSFP as ethtool -m prints it with no threshold page: 1311 nm, MPO, no length;
    # lanes 1-4 launch -8.2 dBm (in spec for nothing but LR fallbacks), high bias
    bare = {"device": "h1", "port": "eth0", "present": True, "media": "optical", "temperature_c": 45.0,
            "wavelength_nm": 1311.0, "connector": "MPO 1x12", "part_number": "MMS4X00-NM"}
    weak = snap(modules=[bare], lanes=lanes(tx=0.15, bias=91.0))
    assert effective_thresholds(weak.modules, CFG)["module_class"].tolist() == ["dr"]
    assert [(r[2], r[3]) for r in rules(symptoms(weak, CFG))] == [("tx_power_low", "critical")] * 4
    # the same launch power from a duplex-LC 1310 nm module of unknown reach: generic fallback, no alarm
    lc = snap(modules=[{**bare, "connector": "LC"}], lanes=lanes(tx=0.15, bias=91.0))
    assert effective_thresholds(lc.modules, CFG)["module_class"].tolist() == ["default"]
    assert "tx_power_low" not in set(symptoms(lc, CFG)["rule"])

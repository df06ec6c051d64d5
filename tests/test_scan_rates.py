"""Rates, trends and the ticket lifecycle on small literal tables."""

import json

import numpy as np
import pandas as pd

from netdiag.findings import Finding
from netdiag.health import rates, trends
from netdiag.health.rules import load_thresholds
from netdiag.lifecycle import advance
from netdiag.model import Snapshot, conform
from netdiag.store import load_settings

CFG = load_settings()


def _counters(rows):
    return conform("counters", pd.DataFrame(rows))


def test_deltas_handle_reset_saturation_and_wrap():
    prev = _counters({"device": ["a"] * 4, "port": ["p1", "p2", "p3", "p4"],
                      "symbol_errors": [10, 100, 65535, 4294967290], "symbol_errors_bits": [64, 64, 16, 32]})
    cur = _counters({"device": ["a"] * 5, "port": ["p1", "p2", "p3", "p4", "p5"],
                     "symbol_errors": [25, 7, 65535, 5, 3], "symbol_errors_bits": [64, 64, 16, 32, None]})
    d = rates.counter_deltas(prev, cur, 3600.0, CFG["rates"])
    assert d["symbol_errors"].tolist()[:4] == [15.0, 7.0, 0.0, 5.0]   # reset: at least the new value
    assert np.isnan(d["symbol_errors"].iloc[4])                       # no earlier row: unknown
    assert d["reset"].tolist() == [False, True, False, True, False]
    assert d["saturated"].tolist() == [False, False, True, False, False]
    wrapping = {**CFG["rates"], "wrapping_widths": [32, 64], "saturating_widths": [16]}
    w = rates.counter_deltas(prev, cur, 3600.0, wrapping)
    assert w["symbol_errors"].iloc[3] == 11.0 and w["wrapped"].iloc[3]
    win = rates.windowed_counters(cur, d)
    assert win["symbol_errors"].tolist() == [15, 7, 0, 5, 3]          # first sight keeps its count


def test_measured_ber_is_asserted_only_over_a_long_enough_window():
    cur = _counters({"device": ["a", "a"], "port": ["p1", "p2"], "symbol_errors": [1, 7200]})
    prev = _counters({"device": ["a", "a"], "port": ["p1", "p2"], "symbol_errors": [0, 0]})
    ports = conform("ports", pd.DataFrame({"device": ["a", "a"], "port": ["p1", "p2"], "speed_gbps": [200.0, 200.0]}))
    short = rates.counter_deltas(prev, cur, 1.0, CFG["rates"])      # 1 s at 200G: floor 5e-12
    ber = rates.measured_ber(short, ports)
    assert ber["symbol_ber"].tolist() == [5e-12, 3.6e-08]
    s = rates.ber_symptoms(ber, short["has_prev"].to_numpy(), CFG["rates"])
    assert s.empty                                                   # 1e-12 needs 5 s at 200G
    long = rates.counter_deltas(prev, cur, 3600.0, CFG["rates"])
    s = rates.ber_symptoms(rates.measured_ber(long, ports), long["has_prev"].to_numpy(), CFG["rates"])
    assert s[["port", "rule", "severity"]].values.tolist() == [["p2", "symbol_ber", "critical"]]
    assert s["value"].iloc[0] == 7200 / (200e9 * 3600)


def _optics(tx_dbm, temp=45.0):
    lanes = conform("lanes", pd.DataFrame({"device": ["a"], "port": ["p1"], "lane": [3],
                                           "tx_power_mw": [round(10 ** (tx_dbm / 10), 4)], "rx_power_mw": [1.0]}))
    mods = conform("modules", pd.DataFrame({"device": ["a"], "port": ["p1"], "temperature_c": [temp],
                                            "tx_power_mw_low_alarm": [10 ** (-7.6 / 10)], "tx_power_mw_low_warn": [0.2754],
                                            "tx_power_mw_high_warn": [2.51], "tx_power_mw_high_alarm": [3.16]}))
    return Snapshot(lanes=lanes, modules=mods)


def test_a_falling_transmitter_is_projected_to_its_low_alarm():
    days = ["2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"]
    hist = pd.concat([trends.optics_table(_optics(-2.0 - 0.4 * i)).assign(taken_at=t) for i, t in enumerate(days)])
    fits = trends.slopes(hist, days[-1])
    tx = fits[(fits["sensor"] == "tx_dbm")].iloc[0]
    assert (tx["lane"], tx["n"], round(tx["slope"], 2)) == (3, 4, -0.4)
    snap = _optics(-3.2)
    s = trends.trend_symptoms(fits, snap, load_thresholds(), CFG["trends"])
    assert s[["port", "lane", "rule", "severity"]].values.tolist() == [["p1", 3, "tx_power_low", "warning"]]
    assert s["detail"].iloc[0] == "low alarm projected in 11.0 days (trend -0.40 dB/day over 4 scans)"
    flat = pd.concat([trends.optics_table(_optics(-2.0)).assign(taken_at=t) for t in days])
    assert trends.trend_symptoms(trends.slopes(flat, days[-1]), snap, load_thresholds(), CFG["trends"]).empty


def _finding(fid, severity="critical", kind="bad_transceiver", ref="a:p1"):
    return Finding(fid, severity, kind, "0", {"a_device": "a", "a_port": "p1", "b_device": "b", "b_port": "q1",
                                               "cable_id": "C1"},
                   [{"component": "transceiver", "ref": ref, "location": None, "confidence": 1.0}], "act", [], None, None,
                   device="a", port="p1")


def test_ticket_lifecycle_new_open_updated_resolved_reopened():
    tickets, seen = {}, []

    def step(scan, findings, collected=("a", "b")):
        rows, ev = advance(tickets, findings, scan, f"t{scan}", set(collected), resolve_after=2)
        tickets.update({r["finding_id"]: r for r in rows})
        seen.append([(e["type"], e["finding_id"]) for e in ev])

    step(1, [_finding("x")])
    step(2, [_finding("x")])
    step(3, [_finding("x")])
    step(4, [_finding("x", ref="C1")])
    step(5, [])
    step(6, [], collected=("b",))          # a not collected: unknown, not healthy
    step(7, [])
    step(8, [_finding("x")])
    assert seen == [[("new", "x")], [("open", "x")], [], [("updated", "x")], [], [], [("resolved", "x")],
                    [("reopened", "x")]]
    t = tickets["x"]
    assert (t["state"], t["first_seen"], t["reopened"], t["healthy_streak"]) == ("reopened", "t1", 1, 0)
    assert json.loads(t["devices"]) == ["a", "b"]

"""Acceptance of fleet scans on a simulated fabric advanced over seven daily scans (576 GPUs,
22 component faults, 4 cabling faults, seed 1): trends before alarms, swaps that fix and swaps that
do not, tickets never opened twice."""

from collections import Counter

import pytest

from netdiag import scan as scanlib
from netdiag.inventory import load
from netdiag.simulate import presets, timeline

SCANS = 7


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tl")
    tl = timeline.build(presets.get("gb300-dual-plane"), 576, 1, scans=SCANS, interval_s=86400, miswires=4, faults=22)
    timeline.write_timeline(tl, out / "fab", "parquet")
    inv = load(out / "fab" / "devices.csv", out / "fab" / "cabling.csv")
    results = [scanlib.scan(inv, out / "state" / "state.db", snapshot_dir=out / "fab" / f"scan-{k:03d}" / "snapshot")
               for k in range(SCANS)]
    truth = [timeline.snapshot_at(tl, k)[1] for k in range(SCANS)]
    return tl, results, truth


def _by_suspect(res, ref):
    return [f for f in res.sweep.findings if f.suspects and f.suspects[0]["ref"] == ref]


def test_decaying_transmitter_flagged_by_trend_before_its_alarm(run):
    tl, results, truth = run
    decaying = [t for t in truth[-1]["faults"] if t["kind"] == "decaying_transmitter"]
    assert len(decaying) == 3
    for t in decaying:
        seen = [k for k, r in enumerate(results) if _by_suspect(r, t["ref"])]
        first = _by_suspect(results[seen[0]], t["ref"])[0]
        assert seen[0] == 2                       # third scan: enough points for a fit
        assert first.kind == "decaying_transmitter" and first.severity == "warning"
        assert any("alarm projected in" in e for e in first.evidence)
        assert not any(s["rule"] == "tx_power_low" and s["severity"] == "critical" for s in first.symptoms)
        last = _by_suspect(results[-1], t["ref"])[0]
        assert last.severity == "critical" and last.id == first.id   # the alarm crossed later: same ticket


def test_swap_that_fixes_resolves_the_ticket(run):
    tl, results, truth = run
    fixed = [s for s in tl.schedule if s["fixes"] is True][0]
    ref = next(t["ref"] for t in truth[0]["faults"] if t["id"] == fixed["id"])
    before = _by_suspect(results[2], ref)
    assert len(before) == 1 and before[0].kind == "bad_transceiver"
    fid = before[0].id
    assert [k for k, r in enumerate(results) if any(e["type"] == "module_replaced" and
                                                     (e["device"], e["port"]) == fixed["swap_port"] for e in r.events)] == [3]
    assert all(not _by_suspect(r, ref) for r in results[3:])
    resolved = [k for k, r in enumerate(results) for e in r.events if e["type"] == "resolved" and e["finding_id"] == fid]
    assert resolved == [5]                        # swap at scan 3, three healthy scans: 3, 4, 5
    assert results[-1].tickets[fid]["state"] == "resolved"


def test_errors_surviving_the_swap_are_reattributed_to_the_cable(run):
    tl, results, truth = run
    stay = [s for s in tl.schedule if s["fixes"] is False][0]
    cable = next(t["links"][0] for t in truth[0]["faults"] if t["id"] == stay["id"])
    for k in range(4, SCANS):
        f = [x for x in results[k].sweep.findings if x.link.get("cable_id") == cable]
        assert len(f) == 1
        assert f[0].kind == "errors_after_module_swap"
        assert f[0].suspects[0] == {**f[0].suspects[0], "component": "cable", "ref": cable}
        assert any(t["component"] == "cable" and t["ref"] == cable for t in truth[k]["faults"])
    reatt = [k for k, r in enumerate(results) for e in r.events if e["type"] == "reattributed"]
    assert reatt == [4]                           # one event, not one per scan


def test_no_ticket_is_opened_twice(run):
    _, results, _ = run
    new = Counter(e["finding_id"] for r in results for e in r.events if e["type"] == "new")
    assert new and max(new.values()) == 1
    assert set(new) == set(results[-1].tickets)
    # a scan that changes nothing makes no lifecycle events after the second scan
    quiet = [Counter(e["type"] for e in r.events) for r in results]
    assert quiet[1]["open"] == len(results[0].sweep.findings)
    assert not quiet[5]["new"] and not quiet[5]["open"]


def test_rates_judge_errors_in_the_window_not_since_boot(run):
    _, results, _ = run
    r = results[1]
    assert r.window_s == 86400.0 and r.previous_id == results[0].scan_id
    assert r.links is not None and len(r.links) == 2432
    assert int(r.links["link_down_both"].sum()) == 2   # the two flapping links, both ends rose


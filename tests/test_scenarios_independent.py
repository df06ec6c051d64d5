"""Suite v2 of the independent scenario source (benchmarks/scenarios, README.md there): its new shapes,
fault classes and noise give captures `netdiag sweep --capture` reads without a failed output, and a
well-formed truth whose every fault leaves the evidence its note names in the rendered outputs."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))   # benchmarks/ is not an installed package

from benchmarks.scenarios import faults as F  # noqa: E402
from benchmarks.scenarios.generate import generate, make  # noqa: E402
from benchmarks.scenarios.score import localizes, score  # noqa: E402

V2_CLASSES = ["two_modules_same_leaf", "hot_with_errors", "warm_with_errors", "dac_down", "dark_strand",
              "tx_decay_zero_thr", "dirty_zero_thr", "vanished_port", "two_on_one_link", "dirty_lane",
              "dirty_no_thr"]
COMPONENTS = {"transceiver", "cable", "connector", "port", "nic", "switch", "linecard", "module_cage",
              "patch_panel", "plane"}


def _sweep(scn: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--inventory", str(scn / "devices.csv"),
                        "--plan", str(scn / "cabling.csv"), "--capture", str(scn / "capture"), "--json"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode in (0, 1, 2), p.stderr[-2000:]
    return json.loads(p.stdout)


def _outputs(scn: Path, device: str) -> dict:
    d = scn / "capture" / "devices" / device
    return {e["command"]: (d / e["file"]).read_text() for e in json.loads((d / "index.json").read_text())}


def _check_truth(scn: Path) -> dict:
    truth = json.loads((scn / "truth.json").read_text())
    with open(scn / "cabling.csv", newline="") as f:
        plan = {r["cable_id"]: r for r in csv.DictReader(f)}
    with open(scn / "devices.csv", newline="") as f:
        devices = {r["name"] for r in csv.DictReader(f)}
    ids = [t["id"] for t in truth["faults"]]
    assert len(ids) == len(set(ids))
    for t in truth["faults"]:
        assert {"id", "kind", "component", "ref", "links", "action", "note"} <= set(t), t
        assert t["component"] in COMPONENTS, t
        assert t["note"] and t["action"], t
        assert t["links"] and set(t["links"]) <= set(plan), t
        if t["component"] in ("transceiver", "port", "nic"):
            assert t["ref"].split(":")[0] in devices, t
        elif t["component"] in ("cable", "connector") and t["kind"] != "breakout_lane":
            assert t["ref"] in plan, t
        for comp, ref in t.get("alt", []):
            assert comp in COMPONENTS and ref, t
    assert set(truth["noise_links"]) <= set(plan)
    return truth


@pytest.mark.parametrize("shape,gpus", [("8plane", 16), ("3plane-eos", 32), ("4plane-mixed", 32)])
def test_new_shapes_with_v2_faults_parse_without_failures(tmp_path, shape, gpus):
    scn = tmp_path / shape
    truth = generate(shape, 11, scn, gpus=gpus, n_faults=10, suite="v2")
    assert truth["suite"] == "v2" and truth["planes"] == int(shape[0])
    _check_truth(scn)
    doc = _sweep(scn)
    assert doc["summary"]["outputs_failed"] == 0
    assert doc["summary"]["devices_failed"] == 0
    platforms = {r["platform"] for r in csv.DictReader(open(scn / "devices.csv", newline=""))}
    if shape == "4plane-mixed":
        assert {"sonic", "cumulus", "eos"} <= platforms
    if shape == "3plane-eos":
        assert {"eos", "cumulus"} <= platforms


def test_every_v2_class_is_drawn_parses_and_is_well_formed(tmp_path):
    scn = tmp_path / "all"
    truth = generate("2plane-custom", 4, scn, gpus=48, n_faults=14, classes=V2_CLASSES, suite="v2")
    kinds = {t["kind"] for t in truth["faults"]}
    assert kinds == set(V2_CLASSES), set(V2_CLASSES) - kinds
    _check_truth(scn)
    assert _sweep(scn)["summary"]["outputs_failed"] == 0


def test_v2_faults_leave_the_evidence_their_notes_name(tmp_path):
    scn = tmp_path / "ev"
    truth = generate("2plane-custom", 4, scn, gpus=48, n_faults=14, classes=V2_CLASSES, suite="v2")
    by_kind = {}
    for t in truth["faults"]:
        by_kind.setdefault(t["kind"], []).append(t)
    # two bad modules on one leaf: two transceiver faults, both on the same leaf
    two = by_kind["two_modules_same_leaf"]
    assert len(two) == 2 and len({t["ref"].split(":")[0] for t in two}) == 1
    # a vanished port is in no output of its host, though the host was collected
    host, port = by_kind["vanished_port"][0]["ref"].split(":")
    outs = _outputs(scn, host)
    assert outs and not any(port in text for text in outs.values())
    assert not any(port in cmd for cmd in outs)
    # a dark strand on a host: every lane in use reads the -30 dBm floor with Rx LOS
    t = by_kind["dark_strand"][0]
    assert "-30 dBm" in t["note"] and t["alt"] == [["connector", t["ref"]]]
    # 0 mW low alarms are printed as such (ethtool: '0.0000 mW / -inf dBm')
    zero = [t for t in truth["faults"] if t["kind"] in ("tx_decay_zero_thr", "dirty_zero_thr")]
    assert zero
    texts = "".join(text for d in {r["name"] for r in csv.DictReader(open(scn / "devices.csv", newline=""))}
                    for text in _outputs(scn, d).values())
    assert "low alarm threshold               : 0.0000 mW / -inf dBm" in texts \
        or "RxPowerLowAlarm   : -infdBm" in texts
    # two faults on one link: two parts, one cable
    pair = by_kind["two_on_one_link"]
    assert len(pair) == 2 and pair[0]["links"] == pair[1]["links"] and pair[0]["ref"] != pair[1]["ref"]


def test_dark_strand_receiver_reads_the_noise_floor_with_los(tmp_path):
    fab, truth, _ = make("2plane", 8, 32, 1, classes=["dark_strand"], suite="v2")
    (t,) = truth
    link = next(l for l in fab.links if l.cable_id == t["links"][0])
    rx = link.a if any(link.a.rx_los) else link.b
    tx = link.b if rx is link.a else link.a
    used = range(min(rx.lanes_used, rx.module.media_lanes))
    assert all(rx.rx_mw[i] == 0.001 and rx.rx_los[i] for i in used)      # -30 dBm, not -40, LOS set
    assert not any(tx.rx_los[i] for i in used) and not link.a.oper_up    # the other way lit, link down


def test_recent_reboot_noise_leaves_ports_admin_down_and_no_fault(tmp_path):
    scn = tmp_path / "clean"
    truth = generate("2plane", 3, scn, gpus=32, n_faults=0, suite="v2")
    assert truth["faults"] == []
    rebooted = [n for n in truth["noise"] if "rebooted" in n]
    assert len(rebooted) == 1
    host = rebooted[0].split()[0]
    ip = json.loads(_outputs(scn, host)["ip -j -s -d link show"])
    nic = [r for r in ip if r["ifname"].startswith("ens")]
    down = [r for r in nic if "UP" not in r["flags"]]
    assert down and len(down) < len(nic)
    assert any("recent_reboot" in v for v in truth["noise_links"].values())


def test_v1_scenarios_do_not_change_and_v2_is_reproducible():
    a = make("4plane", 1001, None, 9)
    b = make("4plane", 1001, None, 9)
    assert [t["ref"] for t in a[1]] == [t["ref"] for t in b[1]]
    assert all(not e.module.zero_low for d in a[0].devices.values() for e in d.ends.values() if e.module)
    assert set(F.LINK_FAULTS) < set(F.V2_FAULTS)
    v2a, v2b = make("8plane", 5, 32, 12, suite="v2"), make("8plane", 5, 32, 12, suite="v2")
    assert v2a[1] == v2b[1] and v2a[2] == v2b[2]


def test_v2_crowds_faults_onto_shared_devices():
    fab, truth, _ = make("4plane", 2001, 64, 14, suite="v2")
    devs = []
    for t in truth:
        for cid in t["links"][:1]:
            link = next(l for l in fab.links if l.cable_id == cid)
            devs += [link.a.device, link.b.device]
    leaves = [d for d in devs if d.startswith("leaf")]
    assert len(leaves) - len(set(leaves)) >= 3        # several faults share a leaf
    assert len(truth) >= 14


def test_mixed_fec_noise_and_nofec_fault(tmp_path):
    """QSFP shapes get a 100G host on DAC with FEC off (clean: no error counted) and one on RS(528,514);
    a nofec_ber fault counts FCS and symbol errors at one end, no FEC counters."""
    fab, truth, notes = make("4plane", 9, 64, 1, classes=["nofec_ber"], suite="v2")
    assert sum("100G host" in n for n in notes) == 2
    off = [e for d in fab.devices.values() for e in d.ends.values() if e.fec == "none"]
    rs528 = [e for d in fab.devices.values() for e in d.ends.values() if e.nrz and e.fec == "rs"]
    assert off and rs528
    (t,) = truth
    assert t["kind"] == "nofec_ber"
    bad = [e for e in off if fab.link_of(e.device, e.port).cable_id == t["ref"] and e.extra_ber]
    assert len(bad) == 1 and bad[0].crc_errors > 10 ** 6 and bad[0].fec_uncorrectable == 0 and bad[0].oper_up
    clean = [e for e in off if fab.link_of(e.device, e.port).cable_id != t["ref"]]
    assert max(e.symbol_errors for e in clean) <= 20


def test_scorer_accepts_alt_parts(tmp_path):
    scn = tmp_path / "alt"
    truth = generate("2plane", 8, scn, gpus=32, n_faults=1, classes=["dark_strand"], suite="v2")
    (t,) = truth["faults"]
    finding = {"kind": "x", "link": {"cable_id": t["ref"]}, "suspects": [{"component": "connector", "ref": t["ref"]}]}
    assert localizes(finding, t)
    r = score(scn, [finding])
    assert r["faults"][0]["top1"] and r["matched_findings"] == 1
    wrong = {"kind": "x", "link": {}, "suspects": [{"component": "transceiver", "ref": "nowhere:x"}]}
    assert score(scn, [wrong])["faults"][0]["detected"] is False

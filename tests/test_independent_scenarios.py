"""The independent scenario source (benchmarks/scenarios): its outputs are real formats netdiag
reads, its scorer counts what it says, and a fault-free fabric must give no finding."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))   # benchmarks/ is not an installed package

from benchmarks.scenarios.fabric import dbm  # noqa: E402
from benchmarks.scenarios.generate import generate, make  # noqa: E402
from benchmarks.scenarios.score import score, totals  # noqa: E402
from netdiag import parsers, platforms  # noqa: E402

# format each command must be read with, as the platform drivers map them
EXPECTED_FORMATS = {
    "ip -j -s -d link show": "ip-link-json", "lldpctl -f json": "lldpctl-json",
    "ethtool -m": "ethtool-module", "ethtool -S": "ethtool-stats", "ethtool -I --show-fec": "ethtool-fec",
    "ethtool": "ethtool-link", "show interfaces status": "sonic-interfaces-status",
    "show interfaces transceiver eeprom --dom": "sonic-transceiver-eeprom",
    "show interfaces transceiver status": "sonic-transceiver-status",
    "show interfaces counters -a": "sonic-counters", "show interfaces counters errors": "sonic-counters",
    "show interfaces counters fec-stats": "sonic-counters-fec-stats", "show lldp table": "sonic-lldp-table",
    "show interfaces counters fec-histogram": "sonic-counters-fec-histogram",
    "show interfaces status | json": "eos-interfaces-status-json",
    "show interfaces transceiver detail | json": "eos-transceiver-detail-json",
    "show interfaces transceiver dom thresholds | json": "eos-transceiver-dom-thresholds-json",
    "show interfaces phy detail | json": "eos-phy-detail-json",
    "show interfaces counters errors | json": "eos-counters-errors-json",
    "show lldp neighbors detail | json": "eos-lldp-neighbors-detail-json",
    "nv show interface": "nvue-interface", "nv show platform transceiver": "nvue-transceiver-brief",
}
NVUE_PER_PORT = {"link phy-detail": "nvue-link-phy-detail", "counters errors": "nvue-counters-errors",
                 "channel": "nvue-transceiver-channel"}


def _expected_format(command: str) -> str:
    if command in EXPECTED_FORMATS:
        return EXPECTED_FORMATS[command]
    if command.startswith("nv show "):
        tail = command.split(" ", 4)[-1]
        return next((f for k, f in NVUE_PER_PORT.items() if tail.endswith(k)), "nvue-transceiver")
    best = max((k for k in EXPECTED_FORMATS if command == k or command.startswith(k + " ")), key=len)
    return EXPECTED_FORMATS[best]


def _entries(capture: Path):
    for ddir in sorted((capture / "devices").iterdir()):
        meta = json.loads((ddir / "device.json").read_text())
        for e in json.loads((ddir / "index.json").read_text()):
            yield meta, e, (ddir / e["file"]).read_text()


# SONiC split cages; EOS spines and SFF-8636 hosts; twin-port CMIS hosts; Cumulus split cages
@pytest.mark.parametrize("shape", ["2plane-breakout", "4plane", "2plane-twin", "2plane-nvue"])
def test_every_generated_output_parses_with_its_platform_parser(tmp_path, shape):
    out = tmp_path / shape
    generate(shape, 11, out, gpus=16, n_faults=4)
    n = 0
    for meta, e, text in _entries(out / "capture"):
        fmt, port = platforms.get(meta["platform"]).parser_for(e["command"])
        assert fmt == _expected_format(e["command"]), e["command"]
        tables = parsers.parse_text(fmt, text, device=meta["name"], port=port, command=e["command"])
        assert tables, f"{meta['name']}: {e['command']} gave no rows"
        n += 1
    assert n > 100


@pytest.mark.parametrize("shape", ["2plane-breakout", "4plane", "2plane-nvue"])
def test_parsed_values_are_the_generator_values(tmp_path, shape):
    """Serial numbers, per-lane Rx power and FEC counters read back from the rendered text equal the
    fabric model's (rounding of the printed form aside), on Linux hosts, SONiC and EOS switches."""
    from benchmarks.scenarios.generate import write
    fab, truth, notes = make(shape, 12, gpus=16, n_faults=3)
    write(fab, truth, notes, tmp_path / "s", 12)
    cap = tmp_path / "s" / "capture"
    optics = ("ethtool-module", "sonic-transceiver-eeprom", "eos-transceiver-dom-thresholds-json",
              "nvue-transceiver")
    fec = ("ethtool-fec", "sonic-counters-fec-stats", "eos-phy-detail-json", "nvue-link-phy-detail")
    checked = dict.fromkeys(optics + fec, 0)
    for meta, e, text in _entries(cap):
        fmt, port = platforms.get(meta["platform"]).parser_for(e["command"])
        if fmt not in checked:
            continue
        tables = parsers.parse_text(fmt, text, device=meta["name"], port=port, command=e["command"])
        dev = fab.devices[meta["name"]]
        if fmt in optics:
            for m in tables.get("modules", []):
                if m["port"] not in dev.ends:          # an empty cage
                    assert m["present"] is False
                    continue
                end = dev.ends[m["port"]]
                assert m["serial"] == end.module.serial
            for ln in tables.get("lanes", []):
                end = dev.ends[ln["port"]]
                i = ln["lane"] - 1 - end.lane_offset
                if 0 <= i < end.lanes_used and end.rx_mw[i] > 0.001 and ln.get("rx_power_mw") is not None:
                    assert dbm(ln["rx_power_mw"]) == pytest.approx(dbm(end.rx_mw[i]), abs=0.01)
                    checked[fmt] += 1
        else:
            for c in tables["counters"]:
                end = dev.ends[c["port"]]
                assert c["fec_uncorrectable_cw"] == end.fec_uncorrectable
                if fmt == "nvue-link-phy-detail":      # AmBER gives the counter window, not corrected codewords
                    assert c["time_since_clear_s"] == end.uptime_s // 60 * 60
                else:
                    assert c["fec_corrected_cw"] == end.fec_corrected
                checked[fmt] += 1
    platform_of = {"eos": "eos", "nvue": "cumulus", "sonic": "sonic"}
    present = {d.platform for d in fab.devices.values()}
    expected = {f for f in checked if platform_of.get(f.split("-")[0], "linux") in present}
    assert all(checked[f] > 10 for f in expected), checked


def test_truth_names_modules_by_the_plan_cage_where_the_plan_gives_one(tmp_path):
    generate("2plane-twin", 3, tmp_path / "s", gpus=16, n_faults=6, classes=["twin_module_errors", "hot_module"])
    import csv
    with open(tmp_path / "s" / "cabling.csv", newline="") as f:
        rows = {r["cable_id"]: r for r in csv.DictReader(f)}
    truth = json.loads((tmp_path / "s" / "truth.json").read_text())["faults"]
    assert {t["kind"] for t in truth} == {"twin_module_errors", "hot_module"}
    for t in truth:
        device, name = t["ref"].split(":")
        for cid in t["links"]:
            r = rows[cid]
            side = "a" if r["a_device"] == device else "b"
            assert name == (r[f"{side}_cage"] or r[f"{side}_port"]), (t, r)
        if t["kind"] == "twin_module_errors":
            assert len(t["links"]) == 2 and name.startswith("osfp")


def test_scorer_counts_precision_recall_and_top1(tmp_path):
    generate("2plane", 5, tmp_path / "s", gpus=16, n_faults=2, classes=["dead_link", "tx_decay"])
    truth = json.loads((tmp_path / "s" / "truth.json").read_text())["faults"]
    dead = next(t for t in truth if t["kind"] == "dead_link")
    decay = next(t for t in truth if t["kind"] == "tx_decay")
    findings = [
        {"id": "1", "kind": "dead_link", "link": {"cable_id": dead["links"][0]},
         "suspects": [{"component": "cable", "ref": dead["ref"]}]},                 # detected, top-1
        {"id": "2", "kind": "low_rx", "link": {"cable_id": decay["links"][0]},
         "suspects": [{"component": "connector", "ref": decay["links"][0]}]},      # detected, wrong part
        {"id": "3", "kind": "bad_transceiver", "link": {"cable_id": "C9999"},
         "suspects": [{"component": "transceiver", "ref": "nowhere:eth0"}]},      # false
    ]
    r = score(tmp_path / "s", findings)
    t = totals([r])
    assert (t["faults"], t["findings"], t["false_findings"]) == (2, 3, 1)
    assert t["precision"] == pytest.approx(2 / 3)
    assert t["recall"] == 1.0
    assert t["top1"] == 0.5


def _sweep(scn: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--inventory", str(scn / "devices.csv"),
                           "--plan", str(scn / "cabling.csv"), "--capture", str(scn / "capture"), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_sweep_reads_a_generated_capture_without_failed_outputs(tmp_path):
    generate("2plane", 21, tmp_path / "s", gpus=16, n_faults=3)
    p = _sweep(tmp_path / "s")
    doc = json.loads(p.stdout)
    assert doc["summary"]["outputs_failed"] == 0
    assert doc["summary"]["devices_failed"] == 0
    assert p.returncode in (1, 2)          # three injected faults


def test_fault_free_fabric_gives_no_finding_and_exit_0(tmp_path):
    generate("2plane", 31, tmp_path / "s", gpus=32, n_faults=0)
    p = _sweep(tmp_path / "s")
    doc = json.loads(p.stdout)
    assert doc["findings"] == []
    assert p.returncode == 0


@pytest.mark.parametrize("shape", ["2plane-nvue", "2plane-twin"])
def test_lane_faults_on_modules_printed_under_two_ports_are_found_on_their_own_port(tmp_path, shape):
    """Cumulus split cages and Linux twin-port OSFPs print one module's eight lanes under both of its
    ports: a strand's loss, a lane's break or an overload must be found on the port whose lanes they
    are, and not on its sibling (issue 13, independent scenarios)."""
    classes = ["rx_overload", "dirty_connector", "breakout_lane"] if shape == "2plane-nvue" else \
        ["rx_overload", "dirty_connector"]
    generate(shape, 41, tmp_path / "s", gpus=32, n_faults=len(classes), classes=classes)
    p = _sweep(tmp_path / "s")
    r = score(tmp_path / "s", json.loads(p.stdout)["findings"])
    t = totals([r])
    assert (t["precision"], t["recall"], t["top1"]) == (1.0, 1.0, 1.0), (r["false"], r["faults"])

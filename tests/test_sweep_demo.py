"""End to end on the demo fabric: the README's first command, its exit code and JSON contract."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netdiag import jobs
from netdiag.capture import CaptureWriter, read_capture
from netdiag.cli import main
from netdiag.collect import collect_device
from netdiag.collect.replay import ReplayTransport
from netdiag.inventory import load

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
ARGS = ["sweep", "--inventory", str(DEMO / "devices.csv"), "--plan", str(DEMO / "cabling.csv"),
        "--capture", str(DEMO / "capture")]
EXPECTED = [
    ("critical", "dead_link", "gpu-r07-n03", "ens4np0"),
    ("critical", "decaying_transmitter", "gpu-r07-n02", "ens2np0"),
    ("critical", "dirty_connector", "gpu-r07-n01", "ens3np0"),
    ("critical", "bad_transceiver", "gpu-r07-n03", "ens1np0"),
    ("critical", "hot_module", "gpu-r07-n02", "ens4np0"),
    ("warning", "dirty_connector", "gpu-r07-n04", "ens2np0"),
]
#: without a plan, the same capture gives one finding per port, named by its worst symptom
EXPECTED_NO_PLAN = [
    ("critical", "link_down", "gpu-r07-n03", "ens4np0"),
    ("critical", "tx_power_low", "gpu-r07-n02", "ens2np0"),
    ("critical", "dark_lane", "gpu-r07-n01", "ens3np0"),
    ("critical", "fec_uncorrectable_cw", "gpu-r07-n03", "ens1np0"),
    ("critical", "module_temperature_high", "gpu-r07-n02", "ens4np0"),
    ("warning", "rx_power_low", "gpu-r07-n04", "ens2np0"),
]


def run_cli(*extra):
    return CliRunner().invoke(main, ARGS + list(extra))


def test_demo_json_finds_exactly_the_injected_faults():
    r = run_cli("--json")
    assert r.exit_code == 2, r.output
    out = json.loads(r.output)
    got = sorted((f["severity"], f["kind"], f["device"], f["port"]) for f in out["findings"])
    assert got == sorted(EXPECTED)
    s = out["summary"]
    assert (s["critical"], s["warning"], s["devices"], s["devices_failed"], s["status"]) == (5, 1, 5, 1, "CRITICAL")
    assert s["by_plane"] == {"0": 2, "1": 4}
    assert {d["name"]: d["ok"] for d in out["devices"]}["gpu-r07-n05"] is False


def test_demo_findings_carry_evidence_suspects_plan_and_location():
    out = json.loads(run_cli("--json").output)
    by = {(f["device"], f["port"]): f for f in out["findings"]}
    dark = by[("gpu-r07-n01", "ens3np0")]
    assert dark["lanes"] == [3]
    assert dark["evidence"] == ["gpu-r07-n01:ens3np0 lane 3: Rx power 0.0000 mW (-inf dBm): no light"]
    assert dark["link"] == {"a_device": "gpu-r07-n01", "a_port": "ens3np0", "b_device": "leaf-p0-r07",
                            "b_port": "Ethernet8", "cable_id": "C07-01-3"}
    # one strand dark, the far transmitter unknown (leaf not collected): the strand first
    assert [(s["component"], s["ref"]) for s in dark["suspects"]] == [
        ("connector", "C07-01-3"), ("cable", "C07-01-3"), ("transceiver", "leaf-p0-r07:Ethernet8"),
        ("transceiver", "gpu-r07-n01:ens3np0")]
    assert dark["suspects"][0]["location"] == "dc1 hall A row 07 rack r07 U40"
    tx = by[("gpu-r07-n02", "ens2np0")]
    assert tx["evidence"][0] == "gpu-r07-n02:ens2np0 lane 2: Tx power 0.1200 mW (-9.21 dBm) < low alarm 0.1585 mW (-8.00 dBm)"
    assert tx["suspects"][0] == {"component": "transceiver", "ref": "gpu-r07-n02:ens2np0",
                                 "location": "dc1 hall A row 07 rack r07 U36", "confidence": 0.85}
    fec = by[("gpu-r07-n03", "ens1np0")]
    assert "gpu-r07-n03:ens1np0 fec_uncorrectable_cw = 145 (lifetime count: 1.71e-07 per received frame since the last clear (no time base))" in fec["evidence"]
    assert "gpu-r07-n03:ens1np0 rx_crc_errors = 5021 (lifetime count: 5.94e-06 per received frame since the last clear (no time base))" in fec["evidence"]
    assert fec["suspects"][0]["ref"] == "gpu-r07-n03:ens1np0"
    assert by[("gpu-r07-n02", "ens4np0")]["evidence"] == [
        "gpu-r07-n02:ens4np0 module temperature 63.50 C > high alarm 60.00 C"]
    dead = by[("gpu-r07-n03", "ens4np0")]
    assert dead["evidence"][0] == "gpu-r07-n03:ens4np0 is down and sees no neighbor"
    assert dead["suspects"][0]["ref"] == "C07-03-4"
    weak = by[("gpu-r07-n04", "ens2np0")]
    assert weak["evidence"] == [
        "gpu-r07-n04:ens2np0 lane 1: Rx power 0.0500 mW (-13.01 dBm) < low warning 0.0631 mW (-12.00 dBm)"]


def test_without_a_plan_findings_are_per_port():
    r = CliRunner().invoke(main, ["sweep", "--capture", str(DEMO / "capture"), "--json"])
    got = sorted((f["severity"], f["kind"], f["device"], f["port"]) for f in json.loads(r.output)["findings"])
    assert got == sorted(EXPECTED_NO_PLAN)


def test_finding_ids_are_stable_across_runs_and_unique():
    a = [f["id"] for f in json.loads(run_cli("--json").output)["findings"]]
    b = [f["id"] for f in json.loads(run_cli("--json").output)["findings"]]
    assert a == b and len(set(a)) == len(a)


def test_terminal_table_is_worst_first_and_names_the_unreachable_host():
    r = run_cli()
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert lines[0].split()[:3] == ["SEV", "DEVICE", "PORT"]
    sev = [ln.split()[0] for ln in lines[1:] if ln.split() and ln.split()[0] in ("CRITICAL", "WARNING")]
    assert sev == ["CRITICAL"] * 5 + ["WARNING"]
    assert "gpu-r07-n05: unreachable: connect timeout after 10.0 s" in r.output
    assert lines[-1].startswith("CRITICAL: 5 critical, 1 warning; 5 devices (1 failed")


def test_jsonl_has_one_line_per_finding_device_and_summary():
    r = run_cli("--jsonl")
    recs = [json.loads(x) for x in r.output.splitlines()]
    assert [x["type"] for x in recs].count("finding") == 6
    assert [x["type"] for x in recs].count("device") == 5
    assert recs[-1]["type"] == "summary" and recs[-1]["exit_code"] == 2


def test_replaying_the_capture_through_the_collection_flow_gives_the_same_findings(tmp_path):
    """Collect from a transport that plays the demo devices (discovery -> per-port commands), record a
    new capture, analyse it: the same findings as analysing the original capture."""
    src = read_capture(DEMO / "capture")
    with CaptureWriter(tmp_path / "again") as cw:
        for dev in src.devices:
            rec = cw.device(dev.name, dev.platform, dev.address)
            if not dev.ok:
                rec.fail(dev.error)
                continue
            collect_device(ReplayTransport(dev), rec, dev.platform)
    inv = load(DEMO / "devices.csv", DEMO / "cabling.csv")
    a = jobs.sweep_capture(DEMO / "capture", inv).to_json()
    b = jobs.sweep_capture(tmp_path / "again", inv).to_json()
    def strip(fs):
        return [{k: v for k, v in f.items() if k not in ("first_seen", "last_seen")} for f in fs]

    assert strip(a["findings"]) == strip(b["findings"]) and len(a["findings"]) == 6
    assert [d["commands"] for d in a["devices"]] == [d["commands"] for d in b["devices"]]


def test_demo_capture_is_reproducible_from_the_build_script(tmp_path):
    sys.path.insert(0, str(DEMO))
    try:
        import build
    finally:
        sys.path.remove(str(DEMO))
    build.build(tmp_path / "cap")
    for f in sorted((DEMO / "capture").rglob("*")):
        if f.is_file():
            rel = f.relative_to(DEMO / "capture")
            assert (tmp_path / "cap" / rel).read_bytes() == f.read_bytes(), rel


def test_healthy_capture_exits_ok_and_unreadable_output_exits_unknown(tmp_path):
    src = read_capture(DEMO / "capture").device("gpu-r07-n01")
    with CaptureWriter(tmp_path / "one") as cw:
        rec = cw.device("h", "linux")
        for e in src.entries:
            if e.command.endswith("ens3np0"):
                continue
            rec.record(e.command, e.stdout())
    r = CliRunner().invoke(main, ["sweep", "--capture", str(tmp_path / "one")])
    assert r.exit_code == 0, r.output
    with CaptureWriter(tmp_path / "two") as cw:
        rec = cw.device("h", "linux")
        for e in src.entries:
            if e.command.endswith("ens3np0"):
                continue
            rec.record(e.command, b"\x00\x01garbage" if e.command == "ethtool -m ens1np0" else e.stdout())
    r = CliRunner().invoke(main, ["sweep", "--capture", str(tmp_path / "two"), "--json"])
    assert r.exit_code == 3
    dev = json.loads(r.output)["devices"][0]
    assert dev["failed"] == [{"command": "ethtool -m ens1np0",
                              "error": "device h, command 'ethtool -m ens1np0', format ethtool-module: "
                                       "binary data (NUL bytes), not command output"}]


@pytest.mark.parametrize("args, code", [(["sweep"], 3), (["sweep", "--capture", "/nonexistent"], 3),
                                        (["nope"], 3), (["sweep", "--capture", "x", "--hosts", "y"], 3)])
def test_usage_errors_exit_unknown_not_warning_or_critical(args, code):
    r = subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True, text=True)
    assert r.returncode == code, r.stderr


def test_readme_first_command_runs_as_written():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    line = next(ln for ln in readme.splitlines() if ln.startswith("pip install -e . && netdiag sweep"))
    cmd = line.split("&& ", 1)[1].split()
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-m", "netdiag.cli", *cmd[1:]], capture_output=True, text=True, cwd=root)
    assert r.returncode == 2 and "gpu-r07-n01" in r.stdout

"""The v3e scenario source (benchmarks/scenarios_v3e: Ethernet fabrics in Linux/SONiC/NX-OS/Junos/Cumulus formats):
its captures replay through `netdiag sweep --capture` with every device read and no output failing to
parse, and its truth is well formed (each fault names a part in the findings' vocabulary, planned links
and known devices, a note and an action)."""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ is not an installed package

from benchmarks.scenarios_v3e.generate import SHAPE_SPECS, generate  # noqa: E402

COMPONENTS = {"transceiver", "cable", "connector", "port", "nic", "switch", "linecard", "patch_panel", "plane"}


def _sweep(scn: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--capture", str(scn / "capture"),
                        "--inventory", str(scn / "devices.csv"), "--plan", str(scn / "cabling.csv"), "--json"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode in (0, 1, 2, 3), p.stderr[-2000:]
    return json.loads(p.stdout)


def _csv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# one shape per renderer mix: SONiC CMIS breakout + Linux 100G-DR; SONiC leaves + Junos spines;
# Junos leaves + NX-OS spines; Cumulus leaves + SONiC spines
@pytest.mark.parametrize("shape,seed,faults", [("2p-breakout", 5, 6), ("4p-junos", 6, 12), ("2p-junos", 7, 6),
                                               ("2p-cumulus", 8, 6)])
def test_capture_replays_without_parse_failures(tmp_path, shape, seed, faults):
    truth = generate(shape, seed, tmp_path, faults, 64)
    doc = _sweep(tmp_path)
    devices = {d["name"]: d for d in doc["devices"]}
    inv = {r["name"]: r for r in _csv(tmp_path / "devices.csv")}
    assert set(devices) == set(inv)
    for name, d in devices.items():
        down = any((f["kind"] == "leaf_down" and f["ref"] == name)
                   or (f["kind"] == "plane_down" and inv[name]["plane"] == f["ref"]) for f in truth["faults"])
        if name in truth["unreachable"] or down:
            assert d["ok"] is False and d["cause"] == "unreachable"
            continue
        assert d["ok"] is True, (name, d["error"])
        assert d["failed"] == [], (name, d["failed"][:3])
        assert d["commands"] >= 2
    # every platform of the shape was actually read
    assert {inv[n]["platform"] for n in devices} == {"linux", SHAPE_SPECS[shape]["leaf"], SHAPE_SPECS[shape]["spine"]}
    assert doc["summary"]["outputs_failed"] == 0


@pytest.mark.parametrize("shape", sorted(SHAPE_SPECS))
def test_truth_well_formed(tmp_path, shape):
    nf = 12 if shape.startswith("4p") else 6
    truth = generate(shape, 11, tmp_path, nf, 64)
    cables = {r["cable_id"]: r for r in _csv(tmp_path / "cabling.csv")}
    devices = {r["name"] for r in _csv(tmp_path / "devices.csv")}
    assert truth["shape"] == shape and truth["faults"], truth
    assert len(truth["faults"]) >= nf // 2
    assert set(truth["unreachable"]) <= devices
    ids = [f["id"] for f in truth["faults"]]
    assert len(ids) == len(set(ids))
    seen_links = set()
    for f in truth["faults"]:
        assert f["component"] in COMPONENTS, f
        assert f["note"] and f["action"] and f["kind"]
        assert f["links"] and set(f["links"]) <= set(cables), f
        # no link carries two faults: each fault's evidence is its own
        assert not (set(f["links"]) & seen_links), f
        seen_links |= set(f["links"])
        dev = f["ref"].split(":")[0]
        if f["component"] in ("transceiver", "port", "nic", "switch"):
            assert dev in devices, f
        if f["component"] in ("cable", "connector"):
            assert f["ref"] in cables or any(c.startswith(f["ref"] + ".") for c in cables), f
        if f["component"] == "patch_panel":
            assert all(any(h.split(":")[0] == f["ref"] for h in cables[c]["path"].split(";")) for c in f["links"])
    for cid in truth["noise_links"]:
        assert cid in cables


def test_generation_is_deterministic_and_fast(tmp_path):
    import time
    t0 = time.process_time()
    a = generate("4p-sonic", 3, tmp_path / "a", 12, 128)
    cpu = time.process_time() - t0
    b = generate("4p-sonic", 3, tmp_path / "b", 12, 128)
    assert a == b
    for rel in ("cabling.csv", "devices.csv", "capture/devices/leaf-p0-01/0002.txt"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    assert cpu < 10, cpu  # a 128-GPU fabric in a few seconds


def _output(scn: Path, device: str, command: str) -> str | None:
    """The recorded stdout of `command` on `device`, None when the capture has no such command."""
    d = scn / "capture" / "devices" / device
    for ent in json.loads((d / "index.json").read_text()):
        if ent["command"] == command:
            return (d / ent["file"]).read_text()
    return None


def _sonic_block(text: str, port: str) -> str:
    """The `PORT: ...` block of a SONiC per-port listing (eeprom, transceiver status)."""
    out, on = [], False
    for line in text.splitlines():
        if line and not line.startswith(" "):
            on = line.startswith(port + ":")
        if on:
            out.append(line)
    return "\n".join(out)


def test_each_fault_leaves_the_evidence_its_note_names(tmp_path):
    """The rendered outputs carry what a fault's note says an engineer localizes it from (no fault is
    only in the truth): checked in the raw text, per platform, for five classes."""
    kinds = ["tx_low", "nic_failure", "dark_strand", "config_mismatch", "port_host_side", "tx_low", "dark_strand"]
    truth = generate("2p-sonic", 4, tmp_path, 0, 64, kinds)
    plan = {r["cable_id"]: r for r in _csv(tmp_path / "cabling.csv")}
    assert {f["kind"] for f in truth["faults"]} >= {"tx_low", "nic_failure", "dark_strand", "config_mismatch",
                                                   "bad_switch_port"}
    for f in truth["faults"]:
        dev, _, port = f["ref"].partition(":")
        if f["kind"] == "tx_low":
            if dev.startswith("gpu"):
                assert re.search(r"Laser tx power low alarm +\(Channel \d\) +: On", _output(tmp_path, dev, f"ethtool -m {port}"))
            else:
                block = _sonic_block(_output(tmp_path, dev, "show interfaces transceiver eeprom --dom"), port)
                low = float(re.search(r"TxPowerLowAlarm *: (-?[\d.]+)dBm", block).group(1))
                assert min(float(v) for v in re.findall(r"TX\dPower: (-?[\d.]+)dBm", block)) < low
        elif f["kind"] == "nic_failure":
            nic = port  # ensK
            links = json.loads(_output(tmp_path, dev, "ip -j -s -d link show"))
            assert not [x for x in links if x["ifname"].startswith(nic + "f")]
            assert [x for x in links if re.match(r"ens\d+f\dnp\d$", x["ifname"])]  # its other NICs are there
            assert _output(tmp_path, dev, f"ethtool -m {nic}f0np0") is None
        elif f["kind"] == "dark_strand":
            c = plan[f["links"][0]]
            los = []
            for d_, p_ in ((c["a_device"], c["a_port"]), (c["b_device"], c["b_port"])):
                if d_.startswith("gpu"):
                    los.append("Rx loss of signal                         : [ Yes, Yes, Yes, Yes ]"
                               in (_output(tmp_path, d_, f"ethtool -m {p_}") or ""))
                else:
                    block = _sonic_block(_output(tmp_path, d_, "show interfaces transceiver status"), p_)
                    los.append(block.count("Rx loss of signal flag on media lane") == 4
                               and "Rx loss of signal flag on media lane 1: True" in block)
            assert los.count(True) == 1, los  # one strand dark, the other lit
        elif f["kind"] == "config_mismatch":
            if dev.startswith("gpu"):
                assert "Supported/Configured FEC encodings: None" in _output(tmp_path, dev, f"ethtool -I --show-fec {port}")
            else:
                row = [ln for ln in _output(tmp_path, dev, "show interfaces status").splitlines()
                       if ln.split() and ln.split()[0] == port][0]
                assert " none " in row
        elif f["kind"] == "bad_switch_port":
            block = _sonic_block(_output(tmp_path, dev, "show interfaces transceiver status"), port)
            assert re.search(r"Tx loss of signal flag on host lane \d: True", block)

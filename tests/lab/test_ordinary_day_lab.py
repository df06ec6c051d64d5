"""A live sweep against real sshd where every host key is unknown: nothing is collected, the sweep
says UNKNOWN (exit 3) with each device's cause, no finding, no traceback (issue 12)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdiag.capture import read_capture
from netdiag.lab import SSHLab
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def refused_lab(tmp_path_factory):
    """A healthy simulated fabric (hgx-rail, 8 GPUs: hosts, leaves, spines) played over sshd, every
    device with a host key the client has never seen."""
    fab = tmp_path_factory.mktemp("fab")
    write_fabric(engine.simulate(presets.get("hgx-rail"), 8, 5), fab, "capture")
    lab = SSHLab(net=78)
    cap = read_capture(fab / "capture")
    played = lab.add_capture(fab / "capture", faults={d.name: "unknown_key" for d in cap.devices})
    lab.start()
    yield lab, played, fab
    lab.stop()


def test_live_sweep_with_every_host_key_unknown(refused_lab, tmp_path):
    lab, played, fab = refused_lab
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    plan = fab / "cabling.csv"
    base = [sys.executable, "-m", "netdiag.cli", "sweep", "--inventory", str(lab.inventory), "--plan",
            str(plan), "--ssh-config", str(lab.ssh_config), "--hosts", "*", "--connect-timeout", "3"]
    r = subprocess.run([*base, "--json", "--record", str(tmp_path / "rec")], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert r.stdout.startswith("{"), (r.stdout, r.stderr)
    out = json.loads(r.stdout)
    assert out["findings"] == [] and out["summary"]["status"] == "UNKNOWN"
    names = sorted(d.name for d in played)
    assert len(names) == out["summary"]["devices"] == out["summary"]["devices_failed"] > 1
    by = {d["name"]: d for d in out["devices"]}
    assert sorted(by) == names
    for d in played:
        e = by[d.name]
        assert (e["ok"], e["cause"]) == (False, "host_key")
        assert e["error"].startswith(f"host_key: unknown host key for [{d.address}]:{lab.port}: ssh-ed25519 SHA256:")
    # the recorded capture replays to the same answer
    r2 = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--inventory", str(lab.inventory), "--plan",
                         str(plan), "--capture", str(tmp_path / "rec"), "--jsonl"],
                        capture_output=True, text=True, env=env, timeout=300)
    assert r2.returncode == 3, r2.stderr
    causes = {x["name"]: x["cause"] for x in map(json.loads, r2.stdout.splitlines()) if x["type"] == "device"}
    assert causes == {n: "host_key" for n in names}

"""`netdiag inventory init` against real sshd (netdiag.lab): platform and ports discovered per host,
a host that answers no probe left out with its cause, and the file it writes validates."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdiag.lab import SSHLab

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = [ROOT / "fixtures" / "demo" / "capture"] + [ROOT / "fixtures" / "captures" / n
                                                        for n in ("sonic-leaf", "cumulus-leaf", "eos-leaf")]


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def lab():
    lab = SSHLab()
    for c in CAPTURES:
        lab.add_capture(c)
    lab.add_device("x-refuse", lab.devices[0].source, "refuse")
    lab.start()
    yield lab
    lab.stop()


def test_inventory_init_discovers_platform_and_ports_over_ssh(lab, tmp_path):
    names = [d.name for d in lab.devices]
    out = tmp_path / "devices.csv"
    r = run("inventory", "init", "--ssh-config", str(lab.ssh_config), "--out", str(out),
            *[a for n in names for a in ("--hosts", n)])
    assert r.returncode == 3, r.stderr          # x-refuse did not answer
    assert "x-refuse: refused" in r.stderr
    text = out.read_text()
    rows = {row["name"]: row for row in csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#"))}
    plats = {n: (row["platform"], row["role"]) for n, row in rows.items()}
    assert plats == {"gpu-r07-n01": ("linux", "gpu_host"), "gpu-r07-n02": ("linux", "gpu_host"),
                     "gpu-r07-n03": ("linux", "gpu_host"), "gpu-r07-n04": ("linux", "gpu_host"),
                     **{n: p for n, p in plats.items() if not n.startswith("gpu-")}}
    switch = {row["platform"] for n, row in rows.items() if not n.startswith("gpu-")}
    assert switch == {"sonic", "cumulus", "eos"}
    assert "# gpu-r07-n01: 4 ports: ens1np0 ens2np0 ens3np0 ens4np0" in text.splitlines()
    assert "x-refuse" not in rows and "# x-refuse: not added: refused" in text
    v = run("validate", "--inventory", str(out))
    assert v.returncode == 0, v.stdout + v.stderr

"""Issue 17 item 4 on real sshd (netdiag.lab): a live sweep and `inventory init` draw click's bar on
a terminal (a pty here), nothing with --quiet, and stdout keeps only the result."""

import json
from pathlib import Path

import pytest

from netdiag.lab import SSHLab
from tests.ptyrun import run_on_tty

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = [ROOT / "fixtures" / "demo" / "capture", ROOT / "fixtures" / "captures" / "eos-leaf"]


def on_tty(*args, cwd=None):
    """(exit status, stdout, what the terminal on stderr showed)."""
    return run_on_tty(args, cwd=cwd)


@pytest.fixture(scope="module")
def lab():
    lab = SSHLab()
    for c in CAPTURES:
        lab.add_capture(c)
    lab.start()
    yield lab
    lab.stop()


def test_live_sweep_bar_on_a_terminal_and_quiet(lab, tmp_path):
    names = [d.name for d in lab.devices]
    assert len(names) == 5          # the demo's unreachable host is not played
    rc, out, term = on_tty("sweep", "--inventory", str(lab.inventory), "--ssh-config", str(lab.ssh_config),
                           "--hosts", "*", "--json", "--record", str(tmp_path / "a"))
    assert rc == 2
    assert b"sweeping" in term and b"5/5" in term and b"0 failed" in term
    assert {d["name"] for d in json.loads(out)["devices"]} == set(names)
    rc, out, term = on_tty("sweep", "--inventory", str(lab.inventory), "--ssh-config", str(lab.ssh_config),
                           "--hosts", "*", "--json", "--record", str(tmp_path / "b"), "--quiet")
    assert rc == 2 and term == b"" and len(json.loads(out)["devices"]) == 5


def test_inventory_init_bar_and_quiet(lab, tmp_path):
    hosts = [a for d in lab.devices for a in ("--hosts", d.name)]
    rc, out, term = on_tty("inventory", "init", "--ssh-config", str(lab.ssh_config), "--out", "-", *hosts)
    assert rc == 0 and b"probing hosts" in term and b"5/5" in term
    assert out.decode().count("\n") >= 6          # header and five devices on stdout, no bar in it
    rc, out, term = on_tty("inventory", "init", "--ssh-config", str(lab.ssh_config), "--out", "-", "-q", *hosts)
    assert rc == 0 and b"probing hosts" not in term and b"wrote -: 5 devices" in term

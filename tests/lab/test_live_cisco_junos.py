"""The nxos, iosxe and junos drivers over real OpenSSH sshd (netdiag.lab): a live sweep of the played
fixture switches runs exactly the drivers' commands and reports the same faults as the replay, and
`isolate --apply` sends exactly the platform's shut line, `--undo` its undo line."""

import csv
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from netdiag import jobs, platforms
from netdiag.act.commands import port_commands
from netdiag.collect.ssh import SSHOptions
from netdiag.inventory import load
from netdiag.lab import SSHLab
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = {"nxos": ROOT / "fixtures" / "captures" / "nxos-leaf",
            "iosxe": ROOT / "fixtures" / "captures" / "iosxe-leaf",
            "junos": ROOT / "fixtures" / "captures" / "junos-spine"}
OPTIONS = SSHOptions(connect_timeout=2.0, banner_timeout=3.0, command_timeout=5.0, device_timeout=30.0)


def _key(f):
    return (f["severity"], f["kind"], f["device"], f["port"])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = SSHLab(log_commands=True)
    for cap in CAPTURES.values():
        lab.add_capture(cap)
    lab.start()
    yield lab, tmp_path_factory.mktemp("live")
    lab.stop()


def test_live_sweep_equals_replay_and_reports_each_fixture_fault(lab):
    lab, tmp = lab
    inv = load(lab.inventory)
    live = jobs.sweep_live(inv, ssh_config=lab.ssh_config, parallel=3, record_dir=tmp / "live", options=OPTIONS)
    out = live.to_json()
    assert sorted(d["name"] for d in out["devices"]) == ["c9k-leaf-01", "nx-leaf-01", "qfx-spine-01"]
    assert all(d["ok"] and not d["failed"] for d in out["devices"]), out["devices"]
    got = sorted(_key(f) for f in out["findings"])
    replay = sorted(_key(f) for name in CAPTURES
                    for f in jobs.sweep_capture(CAPTURES[name], None).to_json()["findings"])
    assert got == replay
    assert len(got) == 4 + 4 + 4   # junos-spine F4 (CRC with clean FEC counters) is forwarded corruption: no finding
    assert ("critical", "fec_uncorrectable_cw", "qfx-spine-01", "et-0/0/1") in got
    assert ("critical", "link_down", "nx-leaf-01", "Ethernet1/9/3") in got
    # each switch was asked exactly its driver's discovery commands (several channels at once: any order)
    for d in lab.devices:
        log = (lab.dir / "play" / f"{d.name}.log").read_text().splitlines()
        assert sorted(log) == sorted(platforms.get(d.platform).discovery), d.name


@pytest.mark.parametrize("platform,shut", [
    ("nxos", "configure terminal ; interface {p} ; shutdown ; end"),
    ("iosxe", "configure terminal\ninterface {p}\nshutdown\nend"),
    ("junos", "configure private ; set interfaces {p} disable ; commit and-quit"),
])
def test_isolate_apply_sends_the_platforms_shut_line_and_undo_its_undo(tmp_path, platform, shut):
    preset = dataclasses.replace(presets.get("gb300-dual-plane"), name=f"{platform}-lab", switch_platform=platform)
    fab = engine.simulate(preset, 72, seed=4, faults=6)
    write_fabric(fab, tmp_path / "fab")
    rows = {r["name"]: r for r in csv.DictReader(open(tmp_path / "fab" / "devices.csv"))}
    with SSHLab(log_commands=True, accept_unrecorded=True) as lab:
        lab.add_capture(tmp_path / "fab" / "capture", inventory=rows)
        lab.start()
        played = {r["name"]: r for r in csv.DictReader(open(lab.inventory))}
        cols = list(next(iter(rows.values()))) + ["port"]
        with open(tmp_path / "devices.csv", "w", newline="") as f:
            w = csv.DictWriter(f, cols)
            w.writeheader()
            for name, r in rows.items():
                p = played.get(name, {})
                w.writerow({**r, "address": p.get("address", r["address"]), "port": p.get("port", "")})
        common = ["--inventory", str(tmp_path / "devices.csv"), "--plan", str(tmp_path / "fab" / "cabling.csv"),
                  "--capture", str(tmp_path / "fab" / "capture"), "--journal", str(tmp_path / "journal.sqlite"),
                  "--ssh-config", str(lab.ssh_config), "--json"]

        def netdiag(*args):
            p = subprocess.run([sys.executable, "-c", "from netdiag.cli import main; main()", *args],
                               capture_output=True, text=True, timeout=180)
            return p.returncode, p.stdout, p.stderr

        def logged(device):
            f = lab.dir / "play" / f"{device}.log"
            return f.read_text() if f.exists() else ""

        rc, out, err = netdiag("isolate", *common, "--apply", "--scheduler", "none")
        res = json.loads(out)
        mine = [a for a in res["plan"]["isolate"] if a["platform"] == platform]
        assert mine and res["applied"]["failed"] == 0, err
        want: dict[str, str] = {}
        for a in res["plan"]["isolate"]:
            want[a["device"]] = want.get(a["device"], "") + port_commands(a["platform"], a["port"]).shut + "\n"
        for a in mine:
            assert shut.format(p=a["port"]) + "\n" in want[a["device"]]
        for d in lab.devices:
            assert logged(d.name) == want.get(d.name, ""), d.name
        rc, out, err = netdiag("isolate", "--undo", res["applied"]["run"], "--inventory", str(tmp_path / "devices.csv"),
                               "--journal", str(tmp_path / "journal.sqlite"), "--ssh-config", str(lab.ssh_config),
                               "--json")
        assert rc == 0, err
        assert {a["status"] for a in json.loads(out)["actions"]} == {"undone"}
        for a in mine:
            undo = shut.format(p=a["port"]).replace("shutdown", "no shutdown").replace("set interfaces",
                                                                                      "delete interfaces")
            assert undo + "\n" in logged(a["device"]), a

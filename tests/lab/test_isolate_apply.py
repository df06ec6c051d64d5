"""netdiag isolate --apply against the SSH lab: exactly the planned shut commands reach each switch,
and --undo sends exactly their undo commands."""

import csv
import json
import subprocess
import sys

import pytest

from netdiag.lab import SSHLab
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric


@pytest.fixture(scope="module")
def lab_fabric(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("isolate")
    fab = engine.simulate(presets.get("gb300-dual-plane"), 72, seed=4, faults=6)
    write_fabric(fab, tmp / "fab")
    rows = {r["name"]: r for r in csv.DictReader(open(tmp / "fab" / "devices.csv"))}
    lab = SSHLab(log_commands=True, accept_unrecorded=True)
    lab.add_capture(tmp / "fab" / "capture", inventory=rows)
    lab.start()
    # the fabric's inventory, with the lab's address and port for the devices it plays (a device
    # unreachable when recorded is not played)
    played = {r["name"]: r for r in csv.DictReader(open(lab.inventory))}
    cols = list(next(iter(rows.values()))) + ["port"]
    with open(tmp / "devices.csv", "w", newline="") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        for name, r in rows.items():
            p = played.get(name, {})
            w.writerow({**r, "address": p.get("address", r["address"]), "port": p.get("port", "")})
    yield lab, tmp
    lab.stop()


def netdiag(*args):
    p = subprocess.run([sys.executable, "-c", "from netdiag.cli import main; main()", *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def logged(lab, device):
    f = lab.dir / "play" / f"{device}.log"
    return f.read_text() if f.exists() else ""


def test_apply_issues_exactly_the_planned_commands_and_undo_restores(lab_fabric):
    lab, tmp = lab_fabric
    fab = tmp / "fab"
    common = ["--inventory", str(tmp / "devices.csv"), "--plan", str(fab / "cabling.csv"), "--capture", str(fab / "capture"),
              "--journal", str(tmp / "journal.sqlite"), "--ssh-config", str(lab.ssh_config), "--json"]
    rc, out, err = netdiag("isolate", *common)
    dry = json.loads(out)["plan"]
    assert dry["isolate"], err
    assert all(logged(lab, d.name) == "" for d in lab.devices)       # a dry run touches nothing
    rc, out, err = netdiag("isolate", *common, "--apply", "--scheduler", "none")
    res = json.loads(out)
    assert res["plan"]["isolate"] == dry["isolate"]
    applied = res["applied"]
    assert applied["failed"] == 0, err
    from netdiag.act.commands import port_commands

    want: dict[str, str] = {}
    for a in dry["isolate"]:
        want[a["device"]] = want.get(a["device"], "") + port_commands(a["platform"], a["port"]).shut + "\n"
    for d in lab.devices:
        assert logged(lab, d.name) == want.get(d.name, ""), d.name
    # links isolated by the applied run are not planned again
    rc, out, err = netdiag("isolate", *common)
    assert json.loads(out)["plan"]["isolate"] == []
    rc, out, err = netdiag("isolate", "--undo", applied["run"], "--inventory", str(tmp / "devices.csv"),
                           "--journal", str(tmp / "journal.sqlite"), "--ssh-config", str(lab.ssh_config), "--json")
    assert rc == 0, err
    undo = json.loads(out)
    assert {a["status"] for a in undo["actions"]} == {"undone"}
    for a in dry["isolate"]:
        pc = port_commands(a["platform"], a["port"])
        assert logged(lab, a["device"]).endswith(pc.undo + "\n") or pc.undo + "\n" in logged(lab, a["device"])
    rc, out, err = netdiag("isolate", *common)
    assert json.loads(out)["plan"]["isolate"] == dry["isolate"]

"""Issue 18 item 6: small but visible things, each checked on real inputs."""

import subprocess
import sys
from pathlib import Path

from netdiag import jobs, parsers
from netdiag.inventory import load
from netdiag.render import repair, text, tickets

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def test_eos_media_type_names_the_module(realworld):
    data = (realworld / "arista_eos" / "eos_show_interfaces_transceiver_40gsr4_napalm.json").read_bytes()
    mods = parsers.parse_text("auto", data)["modules"]
    assert {(m["port"], m["media_type"], m["media"], m["serial"]) for m in mods} == {
        ("Ethernet3/1/1", "40GBASE-SR4", "optical", "XMD1401000RP"),
        ("Ethernet3/1/2", "40GBASE-SR4", "optical", "XMD1401000RP"),
        ("Ethernet3/1/3", "40GBASE-SR4", "optical", "XMD1401000RP")}


def test_eos_switch_end_ticket_brings_the_media_type(tmp_path):
    from netdiag.simulate import engine, presets
    from netdiag.simulate.write import write_fabric

    write_fabric(engine.simulate(presets.get("gb300-dual-plane"), 144, 3, miswires=2, faults=6), tmp_path, "capture")
    res = jobs.sweep_capture(tmp_path / "capture", load(tmp_path / "devices.csv", tmp_path / "cabling.csv"))
    eos = {d.name for d in res.devices if d.platform == "eos"}
    reps = [r for r in repair.repairs(res) if r["parts"] and r["parts"][0]["component"] == "transceiver"
            and r["parts"][0]["ref"].split(":")[0] in eos]
    assert reps
    for r in reps:
        # the part number comes from `show inventory | json` (per cage), the media type from the DOM output
        assert r["bring"] == ["transceiver 400GBASE-SR4 optical (MMA4Z00-NS400)"]
        assert r["parts"][0]["vendor"] == "NVIDIA" and r["parts"][0]["serial"].startswith("SIM")


def test_ticket_markdown_keeps_kind_names_greppable():
    res = jobs.sweep_capture(DEMO / "capture", load(DEMO / "devices.csv", DEMO / "cabling.csv"))
    md = {data["kind"]: m for _, m, data in tickets.render_tickets(res)}
    assert "| Kind | hot_module |" in md["hot_module"] and "hot\\_module" not in md["hot_module"]
    assert "# \\[CRITICAL\\] decaying_transmitter gpu-r07-n02:ens2np0 - " in md["decaying_transmitter"]


def test_one_lane_is_singular_and_summary_names_missing_inventory_devices():
    res = jobs.sweep_capture(DEMO / "capture", load(DEMO / "devices.csv", None))
    actions = [f.action for f in res.findings]
    assert "Replace the module at gpu-r07-n02:ens2np0 (lane 2); inspect and clean the connector before plugging the new one" in actions
    assert not [a for a in actions if "(lanes 1)" in a or "(lanes 3)" in a]
    assert res.summary()["devices_not_captured"] == 2
    out = text.render(res, color=False)
    lines = out.splitlines()
    at = lines.index("Could not tell (data missing or unreadable):")
    assert "    2 inventory devices not in the capture: leaf-p0-r07, leaf-p1-r07" in lines[at:]


def test_simulate_says_what_it_built_and_why(tmp_path):
    r = cli("simulate", "--preset", "hgx-rail", "--gpus", 3, "--out", tmp_path / "s")
    assert r.returncode == 0
    assert ("wrote " + str(tmp_path / "s") + ": 13 devices: 1 GPU host (8 GPUs), 8 leaves, 4 spines [--gpus 3 rounded up "
            "to whole 8-GPU nodes") in r.stderr
    assert len((tmp_path / "s" / "devices.csv").read_text().splitlines()) == 14

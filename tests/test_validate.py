"""`netdiag validate` and the same checks on offline runs: bad values named by file:line, exit 3,
nothing collected; a hand-built folder without capture.json explained."""

from pathlib import Path

from click.testing import CliRunner

from netdiag.cli import main
from netdiag.inventory import platform_names

PLATS = "|".join(platform_names())

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo"


def cli(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_demo_files_validate():
    r = cli("validate", "--inventory", DEMO / "devices.csv", "--plan", DEMO / "cabling.csv", "--capture", DEMO / "capture")
    assert r.exit_code == 0, r.output
    assert "checked" in r.output and "7 devices, planes 0, 1" in r.output and "20 cables" in r.output
    assert "5 devices, 72 outputs" in r.output


def _bad_files(tmp_path):
    d = tmp_path / "devices.csv"
    d.write_text("name,platform,role,plane,u\n" "leaf0,sonic,leaf,0,\n" "leaf1,Sonic,leaf,1,\n"
                 "gpu1,linux,GPU,,forty\n" "spine0,windows,spine,0,\n")
    c = tmp_path / "cabling.csv"
    c.write_text("cable_id,a_device,a_port,b_device,b_port,media,plane,path\n"
                 "C1,gpu1,eth0,leaf0,Ethernet0,fiber,1,\n"
                 "C2,gpu1,eth1,leaf9,Ethernet0,copper,0,\n"
                 "C3,leaf0,Ethernet8,spine0,Ethernet0,fiber,0,pp-1:1;pp-2\n")
    return d, c


def test_validate_names_every_problem_with_file_and_line(tmp_path):
    d, c = _bad_files(tmp_path)
    r = CliRunner().invoke(main, ["validate", "--inventory", str(d), "--plan", str(c)])
    assert r.exit_code == 3
    assert r.stdout.splitlines() == [
        f"{d}:3: platform: unknown platform 'Sonic': not one of {PLATS}; did you mean 'sonic'?",
        f"{d}:4: role: unknown role 'GPU': not one of gpu_host|cpu_host|storage|leaf|tor|spine|superspine|core|"
        "fabric_manager|patch_panel; did you mean 'gpu_host'?",
        f"{d}:4: u: 'forty' is not a rack unit (a number such as 30, or 30-31)",
        f"{d}:5: platform: unknown platform 'windows': not one of {PLATS}",
        f"{c}:2: plane: '1' contradicts devices.csv, where b_device 'leaf0' is in plane '0'",
        f"{c}:3: b_device: unknown device 'leaf9' (not in devices.csv)",
        f"{c}:3: media: 'copper' is not one of dac|acc|aoc|fiber; did you mean 'dac'?",
        f"{c}:4: path: hop 'pp-2' is not PANEL:PORT (hops are separated by ';')",
    ]


def test_offline_sweep_and_cabling_reject_the_same_values(tmp_path):
    d, c = _bad_files(tmp_path)
    for cmd in ("sweep", "cabling"):
        r = CliRunner().invoke(main, [cmd, "--inventory", str(d), "--plan", str(c),
                                                      "--capture", str(DEMO / "capture")])
        assert r.exit_code == 3, (cmd, r.output)
        assert f"{d}:5: platform: unknown platform 'windows'" in r.stderr
        assert "CRITICAL" not in r.stdout  # nothing analysed


def test_hand_built_folder_without_capture_json_is_explained(tmp_path):
    (tmp_path / "cap" / "devices" / "gpu1").mkdir(parents=True)
    r = CliRunner().invoke(main, ["sweep", "--capture", str(tmp_path / "cap")])
    assert r.exit_code == 3
    assert f"{tmp_path / 'cap' / 'capture.json'}: missing, so {tmp_path / 'cap'} is not a netdiag capture" in r.stderr
    assert "devices/NAME/index.json" in r.stderr and "docs/capture.md" in r.stderr
    v = CliRunner().invoke(main, ["validate", "--capture", str(tmp_path / "cap")])
    assert v.exit_code == 3 and "is not a netdiag capture" in v.stdout


def test_capture_platform_contradicting_the_inventory(tmp_path):
    d = tmp_path / "devices.csv"
    d.write_text((DEMO / "devices.csv").read_text().replace("gpu-r07-n02,linux", "gpu-r07-n02,ib-host"))
    r = CliRunner().invoke(main, ["validate", "--inventory", str(d), "--capture", str(DEMO / "capture")])
    assert r.exit_code == 3
    assert r.stdout.splitlines() == [f"{DEMO / 'capture' / 'devices' / 'gpu-r07-n02' / 'device.json'}: platform: "
                                     "'linux', but devices.csv says 'ib-host'"]

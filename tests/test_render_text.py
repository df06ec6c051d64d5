"""The terminal table for people (issue 17): strictly worst first, a location column, fitted to the
terminal without cutting suspects or locations, values with counter name, unit and window, real
port names, --color, and a click progress bar only on a terminal."""

import io
import json
import os
import pty
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netdiag import jobs
from netdiag.cli import main
from netdiag.collect.sweep import Progress
from netdiag.inventory import load
from netdiag.render import text

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo"
ARGS = ["sweep", "--inventory", str(DEMO / "devices.csv"), "--plan", str(DEMO / "cabling.csv"),
        "--capture", str(DEMO / "capture")]


def run(*extra, columns=120):
    return CliRunner().invoke(main, ARGS + list(extra), env={"COLUMNS": str(columns), "NO_COLOR": None})


@pytest.fixture(scope="module")
def demo():
    inv = load(DEMO / "devices.csv", DEMO / "cabling.csv")
    return jobs.sweep_capture(DEMO / "capture", inv)


def rows(out):
    return [ln for ln in out.splitlines() if ln.split() and ln.split()[0] in ("CRITICAL", "WARNING", "INFO")
            and not ln.startswith(("CRITICAL:", "WARNING:"))]


def test_demo_table_names_suspects_whole_with_real_port_names_and_locations():
    r = run(columns=200)
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert lines[0].split() == ["SEV", "DEVICE", "PORT", "LANES", "KIND", "HALL/ROW/RACK", "U", "FIRST", "SUSPECT"]
    got = [re.split(r"\s{2,}", ln.strip()) for ln in rows(r.output)]
    assert got == [
        ["CRITICAL", "gpu-r07-n03", "ens4np0", "1,2,3,4", "dead_link", "A/07/r07 U32", "cable C07-03-4"],
        ["CRITICAL", "gpu-r07-n02", "ens2np0", "2", "decaying_transmitter", "A/07/r07 U36",
         "transceiver gpu-r07-n02:ens2np0"],
        ["CRITICAL", "gpu-r07-n02", "ens4np0", "-", "hot_module", "A/07/r07 U36", "transceiver gpu-r07-n02:ens4np0"],
        ["CRITICAL", "gpu-r07-n01", "ens3np0", "3", "dirty_connector", "A/07/r07 U40", "connector C07-01-3"],
        ["CRITICAL", "gpu-r07-n03", "ens1np0", "-", "bad_transceiver", "A/07/r07 U32", "transceiver gpu-r07-n03:ens1np0"],
        ["WARNING", "gpu-r07-n04", "ens2np0", "1", "dirty_connector", "A/07/r07 U28", "connector C07-04-2"],
    ]
    assert "gpu-r07-n03:ens1 " not in r.output and not r.output.count("…")


def test_values_name_the_counter_unit_and_window():
    out = run(columns=200).output
    # the demo's ethtool counters carry no time since clear: the window is the lifetime, said so
    assert re.search(r"measured: 145 uncorrectable FEC codewords, lifetime count.*; limit: more than 0", out)
    assert "measured: Tx power 0.1200 mW (-9.21 dBm) on lane 2; limit: below low alarm 0.1585 mW (-8.00 dBm)" in out
    assert "measured: module temperature 63.50 °C; limit: above high alarm 60.00 °C" in out
    assert "measured: Rx power 0.0000 mW (-inf dBm) on lanes 1,2,3,4: no light" in out


def test_counter_window_when_the_device_reports_time_since_clear():
    m, limit = text.measured({"rule": "fec_uncorrectable_cw", "value": 2512.0, "threshold": 0.0, "unit": "count",
                              "detail": "non-zero since last clear"}, since_clear_s=3 * 3600 + 50)
    assert (m, limit) == ("2,512 uncorrectable FEC codewords since clear, 3 h", "more than 0")


@pytest.mark.parametrize("columns", [50, 80, 100, 120])
def test_table_fits_the_terminal_and_moves_suspect_and_location_to_their_own_lines(columns):
    out = run(columns=columns).output
    too_wide = [ln for ln in out.splitlines() if len(ln) > columns]
    assert too_wide == []
    for s in ("cable C07-03-4", "transceiver gpu-r07-n02:ens2np0", "connector C07-04-2", "transceiver gpu-r07-n03:ens1np0"):
        assert s in out
    assert out.count("A/07/r07 U36") == 2
    if columns == 80:
        assert "    suspect: transceiver gpu-r07-n02:ens2np0" in out.splitlines()
    if columns == 50:   # even the kind moves to a line of its own rather than overflow
        assert "    kind: decaying_transmitter" in out.splitlines()


def test_color_always_never_and_auto_off_when_not_a_terminal():
    assert "\x1b[1;31mCRITICAL\x1b[0m" in run("--color", "always").output
    assert "\x1b[" not in run("--color", "never").output
    assert "\x1b[" not in run().output  # CliRunner's stdout is not a terminal


def test_worst_first_puts_cabling_warnings_after_criticals(tmp_path):
    r = CliRunner().invoke(main, ["simulate", "--preset", "hgx-rail", "--gpus", "64", "--seed", "3", "--faults", "4",
                                  "--miswires", "3", "--out", str(tmp_path / "f")])
    assert r.exit_code == 0, r.output
    f = tmp_path / "f"
    r = CliRunner().invoke(main, ["sweep", "--inventory", str(f / "devices.csv"), "--plan", str(f / "cabling.csv"),
                                  "--capture", str(f / "capture")], env={"COLUMNS": "200"})
    sev_kind = [(ln.split()[0], ln.split()[4]) for ln in rows(r.output)]
    sevs = [s for s, _ in sev_kind]
    assert sevs == sorted(sevs, key=["CRITICAL", "WARNING", "INFO"].index)
    assert ("WARNING", "miswire") in sev_kind and ("WARNING", "swapped") in sev_kind
    assert sevs[0] == "CRITICAL"


def test_progress_bar_draws_on_a_terminal_and_is_silent_otherwise():
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        bar = Progress(3, stream=tty)
        for ok in (True, False, True):
            bar.update(ok)
        tty.flush()
    chunks = []
    while True:  # everything written, up to the end of the closed terminal
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    got = b"".join(chunks).decode()
    assert "sweeping" in got and "3/3" in got and "1 failed" in got
    quiet = io.StringIO()
    bar = Progress(3, stream=quiet)
    for ok in (True, False, True):
        bar.update(ok)
    assert quiet.getvalue() == ""


def test_json_lists_findings_in_the_tables_order():
    table = [(ln.split()[1], ln.split()[2]) for ln in rows(run(columns=200).output)]
    out = json.loads(run("--json").output)
    assert [(f["device"], f["port"]) for f in out["findings"]] == table

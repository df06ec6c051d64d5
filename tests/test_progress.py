"""Progress bars for long offline runs (issue 17 item 4): drawn on a terminal (a real pty here),
never when stderr is a pipe (cron) nor after --quiet; stdout stays clean either way."""

import io
import json
import os
import subprocess
import sys

import pytest

from netdiag import progress
from tests.conftest import ROOT
from tests.ptyrun import run_on_tty as _run_on_tty


def _env():
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            "COLUMNS": "100"}


@pytest.fixture(scope="module")
def fabric(tmp_path_factory):
    """A simulated 56-device fabric (above progress.MIN_INGEST_DEVICES) with one fault."""
    d = tmp_path_factory.mktemp("prog") / "fab"
    subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", "hgx-rail", "--gpus", "256",
                    "--faults", "1", "--seed", "3", "--out", str(d)], check=True, env=_env(),
                   capture_output=True, timeout=300)
    assert len(list((d / "capture" / "devices").iterdir())) == 56
    return d


def test_offline_sweep_draws_a_bar_on_a_terminal(fabric):
    rc, out, term = _run_on_tty(["sweep", "--capture", str(fabric / "capture"), "--json"])
    assert rc in (1, 2)
    assert b"parsing" in term and b"56/56" in term          # click's bar, devices parsed
    doc = json.loads(out)                                   # stdout is the JSON, untouched by the bar
    assert doc["summary"]["findings"] >= 1


def test_quiet_and_pipes_draw_no_bar(fabric):
    rc, out, term = _run_on_tty(["sweep", "--capture", str(fabric / "capture"), "--json", "--quiet"])
    assert rc in (1, 2) and term == b""
    assert json.loads(out)["summary"]["findings"] >= 1
    # cron: stderr is not a terminal
    p = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--capture", str(fabric / "capture")],
                       capture_output=True, env=_env(), timeout=300)
    assert p.returncode in (1, 2) and b"parsing" not in p.stderr and b"#" not in p.stderr


def test_scan_and_merge_bars(fabric, tmp_path):
    rc, _, term = _run_on_tty(["scan", "--capture", str(fabric / "capture"), "--state", str(tmp_path / "s2.db"), "-q"])
    assert rc in (1, 2) and term == b""
    rc, _, term = _run_on_tty(["merge", str(fabric / "capture"), "--out", str(tmp_path / "merged")])
    assert rc == 0 and b"merging" in term and b"56/56" in term
    assert len(list((tmp_path / "merged" / "devices").iterdir())) == 56
    rc, _, term = _run_on_tty(["merge", str(fabric / "capture"), "--out", str(tmp_path / "merged2"), "-q"])
    assert rc == 0 and b"merging" not in term and b"wrote" in term


def test_track_passes_items_through_and_counts_weights():
    buf = io.StringIO()
    progress.configure(True)
    try:
        items = list(progress.track(iter([[1, 2], [3]]), 3, "x", weight=len, stream=buf))
    finally:
        progress.configure(None)
    assert items == [[1, 2], [3]]
    # a StringIO is not a terminal: click hides the bar but the items still pass unchanged
    progress.configure(False)
    try:
        assert list(progress.track(range(4), 4, "x")) == [0, 1, 2, 3]
        assert not progress.enabled()
    finally:
        progress.configure(None)

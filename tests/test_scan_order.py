"""Issue 18 item 4: scans move forward in time. An older (or the same) capture is refused (exit 3)
and changes nothing; --force replays it with no ticket change; simulated captures are stamped
--interval apart; history of an unknown port is an error."""

import json
import subprocess
import sys

import pytest

from netdiag import scan as scanlib
from netdiag.inventory import load
from netdiag.store import Store


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def fab(tmp_path_factory):
    out = tmp_path_factory.mktemp("tl") / "fab"
    r = cli("simulate", "--preset", "hgx-rail", "--gpus", 64, "--seed", 2, "--faults", 4, "--scans", 3,
            "--interval", 3600, "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def state_of(db):
    st = Store(db)
    try:
        return (st.tickets(), st.scans()[["id", "taken_at", "status"]].to_dict("records"),
                st.db.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        st.close()


def test_simulated_captures_follow_the_interval(fab):
    stamps = [json.loads((fab / f"scan-{k:03d}" / "capture" / "capture.json").read_text()) for k in range(3)]
    assert [s["finished"] for s in stamps] == ["2026-11-28T03:00:00Z", "2026-11-28T04:00:00Z", "2026-11-28T05:00:00Z"]
    assert [s["started"] for s in stamps] == [s["finished"] for s in stamps]


def test_out_of_order_and_repeated_scans_change_nothing(fab, tmp_path):
    inv = load(fab / "devices.csv", fab / "cabling.csv")
    db = tmp_path / "state.db"
    first = scanlib.scan(inv, db, capture_dir=fab / "scan-000" / "capture")
    last = scanlib.scan(inv, db, capture_dir=fab / "scan-002" / "capture")
    assert first.window_s is None and last.window_s == 7200.0
    before = state_of(db)
    assert len(before[1]) == 2 and before[0]
    for k in ("000", "002", "001"):   # older, the same, older
        with pytest.raises(scanlib.ScanOutOfOrder, match=r"not newer than the last scan #2 \(taken at 2026-11-28T05:00:00Z\)"):
            scanlib.scan(inv, db, capture_dir=fab / f"scan-{k}" / "capture")
    assert state_of(db) == before
    rep = scanlib.scan(inv, db, capture_dir=fab / "scan-000" / "capture", force=True, jsonl=tmp_path / "ev.jsonl",
                       prom=tmp_path / "m.prom")
    assert rep.replay_of == 2 and rep.events == [] and rep.summary()["replay"] is True
    assert {f.id for f in rep.sweep.findings} == {f.id for f in first.sweep.findings}
    assert not (tmp_path / "ev.jsonl").exists() and not (tmp_path / "m.prom").exists()
    assert state_of(db) == before


def test_cli_refuses_exit_3_and_force_replays(fab, tmp_path):
    db = tmp_path / "state.db"
    common = ("scan", "--inventory", fab / "devices.csv", "--plan", fab / "cabling.csv", "--state", db)
    assert cli(*common, "--capture", fab / "scan-001" / "capture").returncode in (0, 1, 2)
    before = state_of(db)
    r = cli(*common, "--capture", fab / "scan-001" / "capture")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert "not newer than the last scan #1" in r.stderr and "--force" in r.stderr
    r = cli(*common, "--capture", fab / "scan-000" / "capture", "--force")
    assert r.returncode in (0, 1, 2), r.stderr
    assert "history and tickets unchanged" in r.stderr and r.stdout == ""
    assert state_of(db) == before
    r = cli(*common, "--capture", fab / "scan-002" / "capture", "-v")
    assert "window 3600 s" in r.stdout


def test_history_of_an_unknown_port_is_an_error(fab, tmp_path):
    db = tmp_path / "state.db"
    inv = load(fab / "devices.csv", fab / "cabling.csv")
    scanlib.scan(inv, db, capture_dir=fab / "scan-000" / "capture")
    r = cli("history", "nosuch:port", "--state", db)
    assert r.returncode == 3
    assert "nosuch:port: no scan in" in r.stderr and "(1 scan stored)" in r.stderr
    r = cli("history", "leaf-p0-0004:Ethernet200", "--state", db)
    assert r.returncode == 0 and "SIMF91D68B23B" in r.stdout

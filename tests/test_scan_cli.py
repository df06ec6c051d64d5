"""netdiag scan from cron: kill -9 mid-scan, the lock, the Prometheus textfile, shards and merge."""

import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from netdiag import jobs
from netdiag.capture import CaptureWriter, read_capture
from netdiag.cli import main
from netdiag.inventory import load
from netdiag.scan import PAUSE_ENV, select_shard, shard_of
from netdiag.simulate import presets, timeline

DEMO = "fixtures/demo"


@pytest.fixture(scope="module")
def fab(tmp_path_factory):
    out = tmp_path_factory.mktemp("fab") / "fab"
    tl = timeline.build(presets.get("hgx-rail"), 256, 3, scans=3, interval_s=3600, miswires=2, faults=8)
    timeline.write_timeline(tl, out, "parquet")
    return out


def _args(fab, k, state, *extra):
    return ["scan", "--inventory", str(fab / "devices.csv"), "--plan", str(fab / "cabling.csv"), "--state", str(state),
            "--snapshot", str(fab / f"scan-{k:03d}" / "snapshot"), *extra]


def _events(path):
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_kill_9_mid_scan_leaves_the_store_readable_and_the_next_scan_correct(fab, tmp_path):
    clean, crashed = tmp_path / "clean" / "s.db", tmp_path / "crash" / "s.db"
    r = CliRunner()
    for k in (0, 1):
        assert r.invoke(main, _args(fab, k, clean, "--jsonl", str(tmp_path / "clean.jsonl"), "-q")).exit_code == 2
    assert r.invoke(main, _args(fab, 0, crashed, "--jsonl", str(tmp_path / "crash.jsonl"), "-q")).exit_code == 2
    env = {**os.environ, PAUSE_ENV: "written:60"}
    p = subprocess.Popen([sys.executable, "-m", "netdiag.cli", *_args(fab, 1, crashed, "-q")], env=env)
    scan_dir = crashed.parent / "s.db.d" / "scans" / "00000002"
    deadline = time.monotonic() + 60
    while not scan_dir.exists() and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    assert scan_dir.exists()
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    db = sqlite3.connect(crashed)
    assert db.execute("SELECT id, status FROM scans ORDER BY id").fetchall() == [(1, "complete"), (2, "running")]
    assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == len(
        [e for e in _events(tmp_path / "crash.jsonl") if e["type"] == "new"])
    db.close()
    res = r.invoke(main, _args(fab, 1, crashed, "--jsonl", str(tmp_path / "crash.jsonl"), "-q"))
    assert res.exit_code == 2
    db = sqlite3.connect(crashed)
    assert db.execute("SELECT id, status FROM scans ORDER BY id").fetchall() == [(1, "complete"), (3, "complete")]
    assert not scan_dir.exists()
    strip = [{k: v for k, v in e.items() if k != "scan_id"} for e in _events(tmp_path / "crash.jsonl")]
    assert strip == [{k: v for k, v in e.items() if k != "scan_id"} for e in _events(tmp_path / "clean.jsonl")]


def test_a_second_scan_while_one_runs_exits_unknown(fab, tmp_path):
    state = tmp_path / "s.db"
    with open(tmp_path / "s.db.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fh.write("4242")
        fh.flush()
        res = CliRunner().invoke(main, _args(fab, 0, state))
    assert res.exit_code == 3
    assert "another scan holds" in res.output and "pid 4242" in res.output
    assert not state.exists()


def test_prom_textfile_has_fleet_aggregates_not_per_port_series(fab, tmp_path):
    prom = tmp_path / "textfile" / "netdiag.prom"
    r = CliRunner()
    for k in (0, 1):
        assert r.invoke(main, _args(fab, k, tmp_path / "s.db", "--prom", str(prom), "-q")).exit_code == 2
    text = prom.read_text()
    lines = [x for x in text.splitlines() if not x.startswith("#")]
    assert "netdiag_scan_success 1.0" in lines
    assert "netdiag_scan_exit_code 2.0" in lines
    assert 'netdiag_devices{state="ok"} 55.0' in lines
    assert 'netdiag_tickets{state="open"} 7.0' in lines
    assert 'netdiag_tickets{state="new"} 2.0' in lines
    assert sum(x.startswith("netdiag_worst_link_symbol_ber{") for x in lines) == 20
    assert len(lines) < 60
    assert not list(prom.parent.glob(".*.tmp"))


def test_shards_cover_every_device_exactly_once():
    inv = load(f"{DEMO}/devices.csv", f"{DEMO}/cabling.csv")
    names = sorted(inv.devices)
    shards = [[n for n in names if shard_of(n, 3) == i] for i in range(3)]
    assert sorted(sum(shards, [])) == names
    assert all(shards)
    snap, devices = jobs.load_observed(f"{DEMO}/capture")
    parts = [select_shard(snap, devices, (i, 3)) for i in range(3)]
    assert sum(len(p[0].ports) for p in parts) == len(snap.ports)
    assert sorted(d.name for p in parts for d in p[1]) == sorted(d.name for d in devices)


def _shard_capture(src, out, i, n):
    cap = read_capture(src)
    with CaptureWriter(out) as cw:
        for d in cap.devices:
            if shard_of(d.name, n) != i:
                continue
            rec = cw.device(d.name, d.platform, d.address)
            for e in d.entries:
                rec.record(e.command, e.stdout(), e.stderr(), e.exit_status, e.started, e.duration_s, e.error, e.format)


def test_merge_of_two_shard_captures_gives_the_whole_fabrics_findings(tmp_path):
    _shard_capture(f"{DEMO}/capture", tmp_path / "s0", 0, 2)
    _shard_capture(f"{DEMO}/capture", tmp_path / "s1", 1, 2)
    res = CliRunner().invoke(main, ["merge", str(tmp_path / "s0"), str(tmp_path / "s1"), "--out", str(tmp_path / "m")])
    assert res.exit_code == 0, res.output
    inv = load(f"{DEMO}/devices.csv", f"{DEMO}/cabling.csv")
    whole = jobs.sweep_capture(f"{DEMO}/capture", inv)
    merged = jobs.sweep_capture(tmp_path / "m", inv)
    assert sorted(f.id for f in merged.findings) == sorted(f.id for f in whole.findings)
    assert sorted(d.name for d in read_capture(tmp_path / "m").devices) == sorted(
        d.name for d in read_capture(f"{DEMO}/capture").devices)
    again = CliRunner().invoke(main, ["merge", str(tmp_path / "s0"), str(tmp_path / "s0"), "--out", str(tmp_path / "x")])
    assert again.exit_code == 3 and "is in both" in again.output
    shutil.rmtree(tmp_path / "m")


def test_history_prints_a_links_timeline(fab, tmp_path):
    r = CliRunner()
    for k in (0, 1, 2):
        r.invoke(main, _args(fab, k, tmp_path / "s.db", "-q"))
    port = next(iter(load(fab / "devices.csv", fab / "cabling.csv").plan.itertuples()))
    res = r.invoke(main, ["history", f"{port.a_device}:{port.a_port}", "--state", str(tmp_path / "s.db"), "--json"])
    assert res.exit_code == 0
    doc = json.loads(res.output)
    assert [s["taken_at"] for s in doc["scans"]] == ["2026-11-28T03:00:00Z", "2026-11-28T04:00:00Z",
                                                     "2026-11-28T05:00:00Z"]
    assert doc["scans"][1]["dt_s"] == 3600.0 and doc["scans"][1]["d_symbol_errors"] == 0

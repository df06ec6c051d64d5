"""Shards to one analysis: each shard's devices parsed into a Parquet snapshot (`netdiag snapshot
--shard i/N`), the snapshots merged (`netdiag merge`), the merged snapshot analysed once -- the
same tables and the same findings as parsing and analysing the whole capture at once."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from netdiag import jobs
from netdiag.capture import read_capture
from netdiag.cli import main
from netdiag.ingest import ingest
from netdiag.inventory import load
from netdiag.model import KEYS, LIST, TABLES
from netdiag.scan import shard_of
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

SHARDS = 3


@pytest.fixture(scope="module")
def fabric(tmp_path_factory):
    out = tmp_path_factory.mktemp("fab")
    fab = engine.simulate(presets.get("gb300-dual-plane"), 288, 4, miswires=3, faults=8)
    write_fabric(fab, out, fmt="capture")
    return out


def _sorted(t, df):
    keys = list(KEYS[t]) if t != "neighbors" else list(df.columns)
    df = df.sort_values(keys, kind="stable").reset_index(drop=True)
    for c, k in TABLES[t]:  # list columns come back from Parquet as arrays: compare the items
        if k == LIST and c in df.columns:
            df[c] = [None if v is None else tuple(v) for v in df[c]]
    return df


def _findings(res):
    return sorted((f.id, f.kind, f.severity) for f in res.findings)


def test_sharded_parse_and_merge_equals_the_whole(fabric, tmp_path):
    run = CliRunner().invoke
    for i in range(SHARDS):
        r = run(main, ["snapshot", "--capture", str(fabric / "capture"), "--shard", f"{i}/{SHARDS}", "--jobs", "1",
                       "--out", str(tmp_path / f"shard-{i}")])
        assert r.exit_code == 0, r.output
    r = run(main, ["merge", *(str(tmp_path / f"shard-{i}") for i in range(SHARDS)), "--out", str(tmp_path / "all")])
    assert r.exit_code == 0, r.output

    cap = read_capture(fabric / "capture")
    whole = ingest(cap, jobs=1)
    per_shard = [sum(1 for d in cap.devices if shard_of(d.name, SHARDS) == i) for i in range(SHARDS)]
    assert min(per_shard) > 0 and sum(per_shard) == len(cap.devices)
    for i in range(SHARDS):
        names = {d["name"] for d in json.loads((tmp_path / f"shard-{i}" / "devices.json").read_text())}
        assert len(names) == per_shard[i] and all(shard_of(n, SHARDS) == i for n in names)

    snap, devices = jobs.load_observed(snapshot_dir=tmp_path / "all")
    assert sorted(d.name for d in devices) == sorted(d.name for d in whole.devices)
    for t in TABLES:
        if t == "collection":
            continue
        a, b = _sorted(t, whole.snapshot.table(t)), _sorted(t, snap.table(t))
        assert len(a) == len(b), t
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=False)
    assert snap.taken_at == whole.snapshot.taken_at

    inv = load(fabric / "devices.csv", fabric / "cabling.csv")
    merged_res = jobs.analyse(snap, devices, inv)
    whole_res = jobs.analyse(whole.snapshot, whole.devices, inv)
    assert len(whole_res.findings) >= 8  # the injected faults and miswires are found at all
    assert _findings(merged_res) == _findings(whole_res)


def test_a_device_in_two_shards_is_refused(fabric, tmp_path):
    run = CliRunner().invoke
    for name in ("a", "b"):  # the same shard twice: every device twice
        assert run(main, ["snapshot", "--capture", str(fabric / "capture"), "--shard", "0/4", "--jobs", "1",
                          "--out", str(tmp_path / name)]).exit_code == 0
    r = run(main, ["merge", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "all")])
    assert r.exit_code == 3
    assert "is in both" in r.output and str(tmp_path / "a") in r.output
    assert not (tmp_path / "all").exists()


def test_captures_and_snapshots_are_not_mixed(fabric, tmp_path):
    run = CliRunner().invoke
    assert run(main, ["snapshot", "--capture", str(fabric / "capture"), "--shard", "1/4", "--jobs", "1",
                      "--out", str(tmp_path / "s")]).exit_code == 0
    r = run(main, ["merge", str(tmp_path / "s"), str(fabric / "capture"), "--out", str(tmp_path / "all")])
    assert r.exit_code == 3 and "not both" in r.output  # usage errors exit UNKNOWN

"""Shards to one analysis: each shard's devices parsed into a Parquet snapshot (`netdiag snapshot
--shard i/N`), the snapshots merged (`netdiag merge`), the merged snapshot analysed once -- the
same tables and the same findings as parsing and analysing the whole capture at once."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
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


# --- the Kubernetes example of docs/scale.md ------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "scale.md"


def _k8s_docs() -> list[dict]:
    text = DOC.read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/scale.md should hold one YAML example"
    return [d for d in yaml.safe_load_all(blocks[0])]


def _script(job: dict) -> tuple[str, dict]:
    (c,) = job["spec"]["template"]["spec"]["containers"]
    assert c["command"][:2] == ["sh", "-c"]
    return c["command"][2], {e["name"]: e["value"] for e in c["env"]}


def test_the_kubernetes_example_is_two_complete_jobs_wired_by_the_completion_index():
    parse, analyse = _k8s_docs()
    for job in (parse, analyse):
        assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job" and job["metadata"]["name"]
        pod = job["spec"]["template"]["spec"]
        assert pod["restartPolicy"] in ("Never", "OnFailure")
        (c,) = pod["containers"]
        assert c["image"] and c["name"]
        vols = {v["name"] for v in pod["volumes"]}
        assert {m["name"] for m in c["volumeMounts"]} <= vols   # every mount has its volume
    spec = parse["spec"]
    assert spec["completionMode"] == "Indexed"
    script, env = _script(parse)
    n = int(env["N"])
    assert spec["completions"] == n and spec["parallelism"] <= n
    assert "i=$JOB_COMPLETION_INDEX" in script
    # both collection and parsing take shard $i of $N, and the snapshot lands where the analysis looks
    assert script.count("--shard $i/$N") == 2
    assert "--out /srv/netdiag/$RUN/snapshot-$i" in script
    a_script, a_env = _script(analyse)
    assert a_env == env   # the same RUN and N
    assert "/srv/netdiag/$RUN/snapshot-*/snapshot.json" in a_script and '-lt "$N"' in a_script
    assert "netdiag merge /srv/netdiag/$RUN/snapshot-* --out /srv/netdiag/$RUN/all" in a_script
    assert "--snapshot /srv/netdiag/$RUN/all" in a_script
    for s in (script, a_script):
        assert subprocess.run(["sh", "-n", "-c", s]).returncode == 0


SHIM = """#!{python}
# `netdiag` for the pod scripts: live collection (scan --hosts) replaced by copying a recorded capture
import os, shutil, sys
args = sys.argv[1:]
if args[:1] == ["scan"] and "--hosts" in args:
    with open(os.environ["SHIM_LOG"], "a") as f:
        f.write(" ".join(args) + "\\n")
    shutil.copytree(os.environ["SHIM_CAPTURE"], args[args.index("--record") + 1])
    sys.exit(2)
os.execv(sys.executable, [sys.executable, "-m", "netdiag.cli", *args])
"""


def test_the_kubernetes_pods_scripts_parse_merge_and_scan_a_fabric(fabric, tmp_path):
    parse, analyse = _k8s_docs()
    (script, env), (a_script, _) = _script(parse), _script(analyse)
    srv, etc = tmp_path / "srv", tmp_path / "etc"
    srv.mkdir()
    (etc / "ssh").mkdir(parents=True)
    shutil.copy(fabric / "devices.csv", etc / "devices.csv")
    shutil.copy(fabric / "cabling.csv", etc / "cabling.csv")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "netdiag").write_text(SHIM.format(python=sys.executable))
    (bindir / "netdiag").chmod(0o755)

    def sh(text, **extra):
        text = text.replace("/srv/netdiag", str(srv)).replace("/etc/netdiag", str(etc))
        e = {**os.environ, **env, "N": str(SHARDS), "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
             "SHIM_LOG": str(tmp_path / "shim.log"), "SHIM_CAPTURE": str(fabric / "capture"), **extra}
        return subprocess.run(["sh", "-c", text], env=e, capture_output=True, text=True, timeout=600)

    run = srv / env["RUN"]
    for i in range(SHARDS):
        r = sh(script, JOB_COMPLETION_INDEX=str(i))
        assert r.returncode == 0, r.stderr
        names = {d["name"] for d in json.loads((run / f"snapshot-{i}" / "devices.json").read_text())}
        assert names and all(shard_of(x, SHARDS) == i for x in names)
    log = (tmp_path / "shim.log").read_text().splitlines()
    assert [x.split("--shard ")[1].split()[0] for x in log] == [f"{i}/{SHARDS}" for i in range(SHARDS)]
    r = sh(script, JOB_COMPLETION_INDEX="0")   # a retried pod: collects again, keeps the finished snapshot
    assert r.returncode == 0, r.stderr
    assert sh(script).returncode != 0         # no index: refused (set -u), nothing guessed

    r = sh(a_script)
    assert r.returncode == 0, r.stderr
    snap, devices = jobs.load_observed(snapshot_dir=run / "all")
    assert len(devices) == len(read_capture(fabric / "capture").devices)
    prom = (run / "netdiag.prom").read_text()
    assert "netdiag_" in prom
    events = [json.loads(x) for x in (srv / "events.jsonl").read_text().splitlines()]
    assert len(events) >= 8   # the injected faults and miswires, opened as tickets

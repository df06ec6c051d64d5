"""Issue 18 item 5: plan export says what it could not see, leaves out links whose ends disagree,
takes media from the modules' EEPROM and never overwrites without --force (nor does simulate)."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from netdiag import jobs
from netdiag.fabric import plan_io
from netdiag.inventory import load

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def test_demo_export_accounts_for_every_planned_cable(tmp_path):
    out = tmp_path / "plan.csv"
    r = cli("plan", "export", "--capture", DEMO / "capture", "--inventory", DEMO / "devices.csv", "--out", out, "--json")
    assert r.returncode == 3, r.stderr
    rep = json.loads(r.stdout)
    assert rep["cables"] == 15
    gaps = {(g["device"], g["port"], g["what"]) for g in rep["gaps"]}
    assert ("gpu-r07-n05", None, "not_collected") in gaps
    assert ("gpu-r07-n03", "ens4np0", "no_neighbor") in gaps
    assert {("leaf-p0-r07", None, "one_end_only"), ("leaf-p1-r07", None, "one_end_only")} <= gaps
    # each of the 20 planned cables is either exported or has an end named by a left-out gap
    planned = pd.read_csv(DEMO / "cabling.csv")
    got = pd.read_csv(out)
    seen = {frozenset([(a, ap), (b, bp)]) for a, ap, b, bp in got[["a_device", "a_port", "b_device", "b_port"]].itertuples(index=False)}
    left = [g for g in rep["gaps"] if not g["written"]]
    missing = [r for r in planned.itertuples(index=False)
               if frozenset([(r.a_device, r.a_port), (r.b_device, r.b_port)]) not in seen]
    assert len(missing) == 5
    for m in missing:
        assert any(g["device"] in (m.a_device, m.b_device) and g["port"] in (None, m.a_port, m.b_port) for g in left), m
    assert set(got["media"]) == {"fiber"}      # the demo's modules are QSFP28 optical (FTLC1152RGPL6-FB)


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "plan.csv"
    out.write_text("keep me\n")
    r = cli("plan", "export", "--capture", DEMO / "capture", "--out", out)
    assert r.returncode == 3 and "not overwriting it without --force" in r.stderr and "Traceback" not in r.stderr
    assert out.read_text() == "keep me\n"
    r = cli("plan", "export", "--capture", DEMO / "capture", "--out", out, "--force")
    assert r.returncode == 3 and out.read_text().startswith("cable_id,")


def test_simulate_refuses_a_non_empty_out(tmp_path):
    (tmp_path / "x.txt").write_text("mine")
    r = cli("simulate", "--preset", "hgx-rail", "--gpus", 64, "--out", tmp_path)
    assert r.returncode == 3 and "is not empty" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.txt"]


def _demo():
    snap, devices = jobs.load_observed(DEMO / "capture")
    return snap, devices, load(DEMO / "devices.csv", None)


def test_media_from_the_eeprom_of_either_end():
    snap, devices, inv = _demo()
    mods = snap.modules.copy()
    media = mods["media"].astype(object)
    media[(mods["device"] == "gpu-r07-n01") & (mods["port"] == "ens1np0")] = "dac"
    media[(mods["device"] == "gpu-r07-n01") & (mods["port"] == "ens2np0")] = "aoc"
    media[(mods["device"] == "gpu-r07-n02") & (mods["port"] == "ens1np0")] = None
    df, gaps = plan_io.export_plan(replace(snap, modules=mods.assign(media=media)), devices, inv)
    m = {(a, p): x for a, p, x in df[["a_device", "a_port", "media"]].itertuples(index=False)}
    assert m[("gpu-r07-n01", "ens1np0")] == "dac" and m[("gpu-r07-n01", "ens2np0")] == "aoc"
    assert m[("gpu-r07-n01", "ens3np0")] == "fiber"
    assert m[("gpu-r07-n02", "ens1np0")] == "fiber"   # unknown: written as fiber and said so
    assert [(g["device"], g["port"]) for g in gaps if g["what"] == "media_unknown"] == [("gpu-r07-n02", "ens1np0")]


def test_links_whose_ends_disagree_are_left_out_and_named():
    snap, devices, inv = _demo()
    nb = snap.neighbors
    extra = nb.iloc[:2].copy()
    # a second port claiming gpu-r07-n01:ens1np0's far end, and a leaf-to-leaf link across planes
    extra.iloc[0, extra.columns.get_loc("port")] = "ens9np0"
    extra.iloc[1, extra.columns.get_loc("device")] = "leaf-p0-r07"
    extra.iloc[1, extra.columns.get_loc("port")] = "Ethernet200"
    extra.iloc[1, extra.columns.get_loc("remote_device")] = "leaf-p1-r07"
    extra.iloc[1, extra.columns.get_loc("remote_port")] = "Ethernet200"
    extra.iloc[1, extra.columns.get_loc("remote_port_descr")] = None
    snap2 = replace(snap, neighbors=pd.concat([nb, extra], ignore_index=True))
    devices = devices + [type(devices[0])("leaf-p0-r07", "sonic", True)]
    df, gaps = plan_io.export_plan(snap2, devices, inv)
    bad = {(g["device"], g["port"]): g["detail"] for g in gaps if g["what"] == "ends_disagree"}
    assert set(bad) == {(nb.iloc[0]["device"], nb.iloc[0]["port"]), (nb.iloc[0]["device"], "ens9np0"),
                        ("leaf-p0-r07", "Ethernet200")}
    assert bad[("gpu-r07-n01", "ens9np0")] == ("reports leaf-p0-r07:Ethernet0, but another port also reports "
                                               "leaf-p0-r07:Ethernet0: not in the plan")
    assert "plane 0 to leaf-p1-r07:Ethernet200 in plane 1" in bad[("leaf-p0-r07", "Ethernet200")]
    ends = {(a, p) for a, p in df[["a_device", "a_port"]].itertuples(index=False)} | {
        (b, p) for b, p in df[["b_device", "b_port"]].itertuples(index=False)}
    assert not ends & set(bad)
    assert len(df) == 14

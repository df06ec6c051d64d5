"""Inference (issue 14): part identity from data, shared parts by evidence (direction, peers,
false-discovery control, log space), and first actions by field practice.

Fabrics come from the simulator with faults written into its tables here, so each test states the
one thing it changes; the ground truth is the simulator's own topology, never netdiag's naming."""

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from netdiag.fabric.graph import FabricGraph
from netdiag.fabric.localize import _bh_cutoff, localize, log_binomial_tail
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.inventory import CABLE_COLUMNS, DeviceInfo, Inventory
from netdiag.simulate import engine, presets


def fabric(preset="hgx-rail", gpus=256, seed=7):
    fab = engine.simulate(presets.get(preset), gpus, seed=seed)
    cols = ["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"]
    devices = {r["name"]: DeviceInfo(**{k: str(r[k]) for k in cols}) for r in fab.devices.to_dict("records")}
    inv = Inventory(devices=devices, plan=fab.plan[list(CABLE_COLUMNS)].astype({"plane": str}))
    return fab, inv


def corrupt(snap, ends):
    """PHY-local receive errors at these (device, port) ends, optics untouched."""
    c = snap.counters
    m = pd.MultiIndex.from_arrays([c["device"], c["port"]]).isin(pd.MultiIndex.from_tuples(list(ends)))
    c.loc[m, "fec_uncorrectable_cw"] = 4000
    c.loc[m, "symbol_errors"] = 250000


def run(fab, inv):
    snap = fab.snapshot
    plats = dict(zip(fab.devices["name"], fab.devices["platform"]))
    sym = symptoms(snap, load_thresholds(), plats)
    return localize(snap, sym, inv, FabricGraph(inv))


def background(fab, rng, n=10, avoid=()):
    """`n` independent bad receivers elsewhere, at random ends: a realistic base rate."""
    links = fab.plan[~fab.plan["a_device"].isin(avoid) & ~fab.plan["b_device"].isin(avoid)]
    pick = links.sample(n=n, random_state=int(rng.integers(2**31)))
    side = rng.integers(2, size=n)
    return [(r.a_device, r.a_port) if s else (r.b_device, r.b_port) for r, s in zip(pick.itertuples(), side)]


@pytest.mark.parametrize("side", ["rx", "tx"])
def test_switch_bad_on_8_of_its_links_is_one_failing_switch_either_side(side):
    fab, inv = fabric()
    rng = np.random.default_rng(1)
    sw = "leaf-p0-0003"
    mine = fab.plan[(fab.plan["a_device"] == sw) | (fab.plan["b_device"] == sw)]
    hit = mine.sample(n=8, random_state=3)
    ends = []
    for r in hit.itertuples():
        at_a = r.a_device == sw
        if side == "rx":     # its own receivers count the errors
            ends.append((r.a_device, r.a_port) if at_a else (r.b_device, r.b_port))
        else:                # the far ends count errors in what it sends
            ends.append((r.b_device, r.b_port) if at_a else (r.a_device, r.a_port))
    noise = background(fab, rng, avoid={sw})
    corrupt(fab.snapshot, ends + noise)
    loc = run(fab, inv)
    sw_f = [f for f in loc.findings if f.kind == "failing_switch"]
    assert [f.suspects[0]["ref"] for f in sw_f] == [sw]
    assert sorted(c["link"]["cable_id"] for c in sw_f[0].children) == sorted(hit["cable_id"])
    # the links it explains are not repeated as separate findings
    singles = {f.link.get("cable_id") for f in loc.findings if f.kind != "failing_switch"}
    assert not singles & set(hit["cable_id"])
    assert ("its own receivers" if side == "rx" else "far ends") in sw_f[0].evidence[0]
    # the 10 background receivers stay 10 findings of their own
    assert len(loc.findings) == 11


def test_two_bad_receivers_on_a_64_link_switch_are_not_a_failing_switch():
    fab, inv = fabric()
    rng = np.random.default_rng(2)
    sw = "leaf-p0-0003"
    mine = fab.plan[fab.plan["b_device"] == sw].drop_duplicates("b_cage").head(2)   # two cages, two modules
    corrupt(fab.snapshot, [(r.b_device, r.b_port) for r in mine.itertuples()] + background(fab, rng, avoid={sw}))
    loc = run(fab, inv)
    assert not [f for f in loc.findings if f.kind.startswith("failing_")]
    assert len(loc.findings) == 12


def test_a_fault_free_fabric_gives_no_finding():
    fab, inv = fabric("gb300-dual-plane", 288, seed=5)
    assert run(fab, inv).findings == []


def test_twin_port_module_on_two_hcas_is_one_part_with_one_finding():
    fab, inv = fabric("dgx-twin-osfp", 256, seed=2)
    # the simulator's own slot: two HCA ports (mlx5_0/1, mlx5_1/1) behind one cage
    legs = fab.plan[(fab.plan["a_device"] == "gpu-r0001-n01") & (fab.plan["a_cage"] == "mlx5_0/1")]
    assert sorted(legs["a_port"]) == ["mlx5_0/1", "mlx5_1/1"]
    corrupt(fab.snapshot, [(r.a_device, r.a_port) for r in legs.itertuples()])
    loc = run(fab, inv)
    assert len(loc.findings) == 1
    f = loc.findings[0]
    assert f.kind == "twin_port_module" and f.suspects[0] == {
        "component": "transceiver", "ref": "gpu-r0001-n01:mlx5_0/1", "location": f.suspects[0]["location"],
        "confidence": 0.9}
    assert sorted(c["link"]["cable_id"] for c in f.children) == sorted(legs["cable_id"])


def test_two_ports_of_one_nic_with_different_serials_are_two_modules_under_one_nic():
    fab, inv = fabric("gb300-dual-plane", 288, seed=5)
    host = "gpu-r0001-n01"
    legs = fab.plan[(fab.plan["a_device"] == host) & fab.plan["a_port"].isin(["ens1f0np0", "ens1f1np1"])]
    mods = fab.snapshot.modules.set_index(["device", "port"])["serial"]
    assert mods[(host, "ens1f0np0")] != mods[(host, "ens1f1np1")]
    corrupt(fab.snapshot, [(r.a_device, r.a_port) for r in legs.itertuples()])
    (f,) = run(fab, inv).findings
    # both ports of one NIC bad on an otherwise clean fabric: the NIC they share, not one "module ens1"
    assert f.kind == "failing_nic" and f.suspects[0]["ref"] == f"{host}:ens1"
    assert sorted(c["suspects"][0]["ref"] for c in f.children) == [f"{host}:ens1f0np0", f"{host}:ens1f1np1"]


def test_errors_outrank_a_temperature_warning_below_the_module_alarm():
    fab, inv = fabric()
    r = fab.plan.iloc[0]
    mods = fab.snapshot.modules
    m = (mods["device"] == r.a_device) & (mods["port"] == r.a_port)
    mods.loc[m, "temperature_c"] = 71.0          # over its 70 C warning, under its 75 C alarm
    corrupt(fab.snapshot, [(r.a_device, r.a_port)])
    (f,) = run(fab, inv).findings
    assert f.kind == "bad_transceiver"
    act = f.action
    assert act.index("clean") < act.index("reseat") < act.index("swap") < act.index("replace")
    assert act.index(f"{r.a_device}:{r.a_port}") < act.index(f"{r.b_device}:{r.b_port}")   # which end first


def test_hot_module_over_its_own_alarm_is_the_heat():
    fab, inv = fabric()
    r = fab.plan.iloc[0]
    mods = fab.snapshot.modules
    mods.loc[(mods["device"] == r.a_device) & (mods["port"] == r.a_port), "temperature_c"] = 78.0
    corrupt(fab.snapshot, [(r.a_device, r.a_port)])
    (f,) = run(fab, inv).findings
    assert f.kind == "hot_module" and "airflow" in f.action


def test_copper_and_aoc_actions_never_ask_to_clean_end_faces():
    for preset, media in (("b300-quad-plane", "dac"), ("gb200-nvl72", "aoc")):
        fab, inv = fabric(preset, 256, seed=3)
        r = fab.plan[fab.plan["media"] == media].iloc[0]
        corrupt(fab.snapshot, [(r.a_device, r.a_port)])
        (f,) = run(fab, inv).findings
        assert f.kind == "bad_cable_assembly" and f.suspects[0]["component"] == "cable"
        assert "clean" not in f.action.replace("cannot be cleaned", "").replace("no end faces to clean", "")
        assert "Reseat" in f.action


def test_link_down_with_light_both_ways_checks_settings_before_hardware():
    fab, inv = fabric()
    r = fab.plan[fab.plan["media"] == "fiber"].iloc[0]
    p = fab.snapshot.ports
    p.loc[p["device"].isin([r.a_device, r.b_device]) & p["port"].isin([r.a_port, r.b_port]), "oper_up"] = False
    (f,) = run(fab, inv).findings
    assert f.kind == "link_down_with_light"
    assert {s["component"] for s in f.suspects[:2]} == {"port"}
    assert f.action.startswith("Before touching hardware, compare FEC mode, speed")


def test_log_binomial_tail_has_no_overflow_and_matches_the_exact_sum():
    exact = sum(math.comb(64, i) * 1e-3 ** i * (1 - 1e-3) ** (64 - i) for i in range(8, 65))
    assert math.isclose(math.exp(log_binomial_tail(8, 64, 1e-3)), exact, rel_tol=1e-9)
    assert log_binomial_tail(3000, 100000, 1e-4) < -5000      # the old float sum overflowed here
    assert log_binomial_tail(0, 10, 0.5) == 0.0 and log_binomial_tail(11, 10, 0.5) == -math.inf


def test_benjamini_hochberg_cutoff():
    logp = np.log(np.array([1e-6, 0.004, 0.03, 0.5]))
    # m = 10 tests at q = 0.05: thresholds 0.005, 0.01, 0.015, 0.02 -> the two smallest are rejected
    assert math.isclose(math.exp(_bh_cutoff(logp, 10, 0.05)), 0.004)
    assert _bh_cutoff(np.log(np.array([0.2])), 10, 0.05) == -math.inf


def test_simulate_kinds_writes_inference_faults_with_truth_from_the_topology(tmp_path):
    r = subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", "hgx-rail", "--gpus", "256",
                        "--seed", "3", "--faults", "2", "--kinds", "switch_rx_errors,switch_tx_errors",
                        "--format", "parquet", "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    truth = json.loads((tmp_path / "truth.json").read_text())["faults"]
    assert [t["kind"] for t in truth] == ["switch_rx_errors", "switch_tx_errors"]
    for t in truth:
        assert t["component"] == "switch" and t["ref"].startswith("leaf-")
        assert 3 <= len(t["links"]) <= math.ceil(0.2 * 64)
    bad = subprocess.run([sys.executable, "-m", "netdiag.cli", "simulate", "--preset", "hgx-rail", "--gpus", "64",
                          "--faults", "1", "--kinds", "no_such_kind", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "unknown fault kind(s) no_such_kind" in bad.stderr


def test_localize_toml_override_changes_only_the_keys_it_names(tmp_path):
    from netdiag.fabric.localize import load_rules

    f = tmp_path / "mine.toml"
    f.write_text("[shared]\nfdr = 0.05\n[shared.action]\nswitch_rx = \"Call the vendor about {ref}\"\n")
    base, mine = load_rules(), load_rules(f)
    assert mine["shared"]["fdr"] == 0.05 and base["shared"]["fdr"] == 0.01
    assert mine["shared"]["min_links"] == base["shared"]["min_links"]
    assert mine["shared"]["action"]["switch_rx"] == "Call the vendor about {ref}"
    assert mine["shared"]["action"]["switch_tx"] == base["shared"]["action"]["switch_tx"]
    assert mine["pattern"] == base["pattern"]


def test_plan_cage_and_module_columns_are_optional_and_name_the_module(tmp_path):
    from netdiag.inventory import load

    (tmp_path / "devices.csv").write_text("name,platform,address,role,plane,site,hall,row,rack,u\n"
                                          "h1,linux,10.0.0.1,gpu_host,,dc1,A,01,r01,10\n"
                                          "sw,sonic,10.0.0.2,leaf,0,dc1,A,01,r02,40\n")
    head = "cable_id,a_device,a_port,b_device,b_port,media,length_m,plane,path"
    rows = ["C1,h1,ens1f0np0,sw,Ethernet0,fiber,3,0,", "C2,h1,ens2f0np0,sw,Ethernet4,fiber,3,0,"]
    (tmp_path / "old.csv").write_text(head + "\n" + "\n".join(rows) + "\n")
    (tmp_path / "new.csv").write_text(head + ",a_cage,b_cage,a_module\n" + rows[0] + ",osfp1,etp1,twin-A\n"
                                      + rows[1] + ",osfp1,etp1,twin-A\n")
    old = load(tmp_path / "devices.csv", tmp_path / "old.csv")
    assert list(old.plan.columns) == list(CABLE_COLUMNS)          # an old plan loads unchanged
    e = FabricGraph(old).ends.set_index(["device", "port"])
    assert e.loc[("h1", "ens1f0np0"), "module_basis"] == "name"
    new = load(tmp_path / "devices.csv", tmp_path / "new.csv")
    e = FabricGraph(new).ends.set_index(["device", "port"])
    assert e.loc[("h1", "ens1f0np0"), "module"] == e.loc[("h1", "ens2f0np0"), "module"] == "h1:twin-A"
    assert e.loc[("sw", "Ethernet0"), "module"] == e.loc[("sw", "Ethernet4"), "module"] == "sw:etp1"
    assert set(e["module_basis"]) == {"plan"}


def test_a_dark_plane_is_one_plane_finding_not_one_per_switch():
    fab, inv = fabric("gb300-dual-plane", 288, seed=5)
    snap = fab.snapshot
    sw = set(fab.devices.loc[(fab.devices["plane"] == "1") & (fab.devices["role"] != "gpu_host"), "name"])
    for t in ("ports", "modules", "lanes", "counters", "neighbors"):      # the plane's switches answer nothing
        df = snap.table(t)
        setattr(snap, t, df[~df["device"].isin(sw)].reset_index(drop=True))
    host_ends = fab.plan[fab.plan["b_device"].isin(sw) & ~fab.plan["a_device"].isin(sw)][["a_device", "a_port"]]
    keys = pd.MultiIndex.from_frame(host_ends)
    L, P = snap.lanes, snap.ports
    L.loc[pd.MultiIndex.from_arrays([L["device"], L["port"]]).isin(keys), "rx_power_mw"] = 0.0
    P.loc[pd.MultiIndex.from_arrays([P["device"], P["port"]]).isin(keys), "oper_up"] = False
    loc = run(fab, inv)
    shared = [f for f in loc.findings if f.kind.startswith("failing_")]
    assert [(f.kind, f.suspects[0]["ref"]) for f in shared] == [("failing_plane", "1")]
    assert len(shared[0].children) == len(host_ends)
    assert len(loc.findings) == 1

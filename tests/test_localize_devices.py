"""Device faults against independent faults, and what counts as evidence for each (issues 13/14,
independent scenarios): a switch is taken by likelihood ratio when three or more of its links err
in one direction, two bad links on one switch stay two module findings, errors both ways on a link
are its medium, a plane is blamed only when most of its links are lost, a module that only one port
reports is named after that port, and a lifetime pre-FEC BER is estimated from corrected bits where
a port reports none. Fabrics come from the simulator with faults written into its tables here (the
ground truth is the simulator's own topology); the BER test starts from a real mlx5 `ethtool -S`."""

import math
from pathlib import Path

import pandas as pd
import pytest

from netdiag import parsers
from netdiag.fabric.graph import FabricGraph, module_refs
from netdiag.fabric.localize import device_log_bf, load_rules, localize
from netdiag.health import evidence
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.inventory import CABLE_COLUMNS, DeviceInfo, Inventory
from netdiag.model import Snapshot
from netdiag.simulate import engine, presets

CASES = Path(__file__).resolve().parent / "cases"


def fabric(preset="gb300-dual-plane", gpus=144, seed=5):
    fab = engine.simulate(presets.get(preset), gpus, seed=seed)
    cols = ["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u"]
    devices = {r["name"]: DeviceInfo(**{k: str(r[k]) for k in cols}) for r in fab.devices.to_dict("records")}
    return fab, Inventory(devices=devices, plan=fab.plan[list(CABLE_COLUMNS)].astype({"plane": str}))


def _mask(t, ends):
    return pd.MultiIndex.from_arrays([t["device"], t["port"]]).isin(pd.MultiIndex.from_tuples(list(ends)))


def corrupt(snap, ends):
    """PHY-local receive errors at these (device, port) ends, optics untouched."""
    c = snap.counters
    m = _mask(c, ends)
    c.loc[m, "fec_uncorrectable_cw"] = 4000
    c.loc[m, "symbol_errors"] = 250000


def run(fab, inv, rules=None):
    snap = fab.snapshot
    plats = dict(zip(fab.devices["name"], fab.devices["platform"]))
    return localize(snap, symptoms(snap, load_thresholds(), plats), inv, FabricGraph(inv), rules=rules)


def switch_ends(fab, sw, n, seed=4):
    """n links of switch `sw` (one per cage), as (cable ids, the switch's ends, the far ends)."""
    mine = fab.plan[fab.plan["b_device"] == sw].drop_duplicates("b_cage").sample(n=n, random_state=seed)
    return (sorted(mine["cable_id"]), [(r.b_device, r.b_port) for r in mine.itertuples()],
            [(r.a_device, r.a_port) for r in mine.itertuples()])


def elsewhere(fab, sw, n, seed=1):
    """n bad receivers on links of other switches: the fabric's background of independent faults."""
    other = fab.plan[(fab.plan["a_device"] != sw) & (fab.plan["b_device"] != sw)].sample(n=n, random_state=seed)
    return [(r.a_device, r.a_port) for r in other.itertuples()]


def leaf_with_most_links(fab):
    return fab.plan["b_device"].value_counts().index[0]


def test_device_log_bf_grows_with_links_and_shrinks_with_the_peers_rate():
    assert device_log_bf(0, 36, 0.01) == -math.inf
    assert device_log_bf(3, 36, 0.005) > device_log_bf(2, 36, 0.005) > device_log_bf(1, 36, 0.005)
    assert device_log_bf(3, 36, 0.005) > device_log_bf(3, 36, 0.02)
    # 2 of 36 at a 1.4 % peer rate is no evidence either way (about even), 6 of 36 is overwhelming
    assert abs(device_log_bf(2, 36, 0.0138)) < 0.5
    assert device_log_bf(6, 36, 0.0138) > 8


def test_three_links_erring_at_a_switchs_receivers_is_the_switch_by_likelihood_ratio():
    fab, inv = fabric()
    sw = leaf_with_most_links(fab)
    hit, at_sw, _ = switch_ends(fab, sw, 3)
    corrupt(fab.snapshot, at_sw + elsewhere(fab, sw, 4))
    loc = run(fab, inv)
    (f,) = [f for f in loc.findings if f.kind == "failing_switch"]
    assert f.suspects[0]["ref"] == sw
    assert sorted(c["link"]["cable_id"] for c in f.children) == hit
    assert len(loc.findings) == 5     # the switch and the four independent receivers
    # the binomial test over every part tested alone does not reach it: the likelihood ratio does
    rules = load_rules()
    rules = {**rules, "shared": {**rules["shared"], "device_bayes_factor": math.inf}}
    fab2, inv2 = fabric()
    corrupt(fab2.snapshot, at_sw + elsewhere(fab2, sw, 4))
    assert not [f for f in run(fab2, inv2, rules=rules).findings if f.kind == "failing_switch"]


def test_two_links_erring_on_one_switch_stay_two_module_findings():
    fab, inv = fabric()
    sw = leaf_with_most_links(fab)
    hit, at_sw, _ = switch_ends(fab, sw, 2)
    corrupt(fab.snapshot, at_sw + elsewhere(fab, sw, 4))
    loc = run(fab, inv)
    assert not [f for f in loc.findings if f.kind.startswith("failing_")]
    mine = [f for f in loc.findings if f.link.get("cable_id") in hit]
    assert sorted(f.suspects[0]["component"] for f in mine) == ["transceiver", "transceiver"]


def test_errors_both_ways_on_a_switchs_links_are_their_cables_not_the_switch():
    fab, inv = fabric()
    sw = leaf_with_most_links(fab)
    hit, at_sw, far = switch_ends(fab, sw, 3)
    corrupt(fab.snapshot, at_sw + far + elsewhere(fab, sw, 4))
    loc = run(fab, inv)
    assert not [f for f in loc.findings if f.kind == "failing_switch"]
    assert sorted(f.kind for f in loc.findings if f.link.get("cable_id") in hit) == ["errors_both_directions"] * 3


def test_a_few_dead_links_in_one_plane_are_not_a_failing_plane():
    fab, inv = fabric()
    links = fab.plan[fab.plan["plane"].astype(str) == "0"].sample(n=4, random_state=2)
    ends = [(r.a_device, r.a_port) for r in links.itertuples()] + [(r.b_device, r.b_port) for r in links.itertuples()]
    L = fab.snapshot.lanes
    L.loc[_mask(L, ends), "rx_power_mw"] = 0.0
    P = fab.snapshot.ports
    P.loc[_mask(P, ends), "oper_up"] = False
    loc = run(fab, inv)
    assert not [f for f in loc.findings if f.kind == "failing_plane"]
    assert sorted(f.link["cable_id"] for f in loc.findings if f.kind == "dead_link") == sorted(links["cable_id"])


def test_a_module_only_one_port_reports_is_named_after_that_port():
    ends = pd.DataFrame({"device": ["sp1"] * 4, "port": ["Ethernet2/1", "Ethernet3/1", "Ethernet5/1", "Ethernet5/5"],
                         "cage": ["Ethernet2", "Ethernet3", "Ethernet5", "Ethernet5"]})
    serials = pd.DataFrame({"device": ["sp1"] * 4, "port": list(ends["port"]),
                            "serial": ["XA1", "XA2", "TWIN9", "TWIN9"]})
    ref, basis = module_refs(ends, serials)
    # EOS prints a single-port module under Ethernet2/1 (the cage Ethernet2 holds nothing else);
    # one module reported on two ports of cage 5 is that cage's
    assert list(ref) == ["sp1:Ethernet2/1", "sp1:Ethernet3/1", "sp1:Ethernet5", "sp1:Ethernet5"]
    assert list(basis) == ["serial"] * 4
    # a cage the plan names keeps the plan's name even when the switch prints the module once
    planned = ends.assign(cage=["etp2", "etp3", "etp5", "etp5"], cage_source="plan")
    ref, _ = module_refs(planned, serials)
    assert list(ref) == ["sp1:etp2", "sp1:etp3", "sp1:etp5", "sp1:etp5"]


def test_lifetime_pre_fec_ber_is_estimated_from_corrected_bits_where_none_is_reported():
    text = (CASES / "ethtool-stats/mlx5_cx4_ubuntu1804_headerless/input.txt").read_text()
    cfg = load_thresholds()
    healthy = Snapshot.from_tables(parsers.parse_text("ethtool-stats", text.encode(), device="h1", port="eth0",
                                                      command=None))
    c = healthy.counters
    assert c["raw_ber"].isna().all() and int(c["fec_corrected_bits"].iloc[0]) == 0
    assert evidence.lifetime_pre_fec_ber(c, cfg).empty       # 0 corrected bits: nothing to estimate
    # the same port after 2.2e12 received bytes with 3.5e15 corrected bits: BER about 2e-4
    bad_text = text.replace("rx_corrected_bits_phy: 0", "rx_corrected_bits_phy: 3500000000000000")
    bad = Snapshot.from_tables(parsers.parse_text("ethtool-stats", bad_text.encode(), device="h1", port="eth0",
                                                  command=None))
    est = evidence.lifetime_pre_fec_ber(bad.counters, cfg)
    rx_bytes = int(bad.counters["rx_bytes"].iloc[0])
    assert est["raw_ber"].iloc[0] * cfg["ber_estimate"]["margin"] == pytest.approx(3.5e15 / (8 * rx_bytes), rel=1e-12)
    sym = symptoms(bad, cfg, {"h1": "linux"})
    ber = sym[sym["rule"] == "raw_ber"]
    assert len(ber) == 1 and "estimated from the FEC-corrected bits" in ber["detail"].iloc[0]
    assert not len(symptoms(healthy, cfg, {"h1": "linux"}).query("rule == 'raw_ber'"))


def test_a_plan_module_column_filled_on_some_rows_names_those_modules():
    # cabling.csv may give a module on a few rows only: the other ends keep their cage names
    ends = pd.DataFrame({"device": ["h1", "h1", "h2"], "port": ["p0", "p1", "p0"], "cage": ["c0", "c1", "c0"],
                         "plan_module": [None, "twinA", None]}, index=[4, 7, 9])
    ref, basis = module_refs(ends, None)
    assert list(ref) == ["h1:c0", "h1:twinA", "h2:c0"]
    assert list(basis) == ["name", "plan", "name"]


def test_a_module_reported_on_one_port_of_a_platform_derived_cage_keeps_the_cage_name():
    # an InfiniBand twin-port OSFP (ports 51/52 in cage26) with only port 52 cabled and read: the
    # module is still the one in cage26 (only EOS-style sub-ports, Ethernet2/1 of Ethernet2, take the port's name)
    ends = pd.DataFrame({"device": ["sp1", "sp1"], "port": ["52", "Ethernet2/1"], "cage": ["cage26", "Ethernet2"]})
    serials = pd.DataFrame({"device": ["sp1", "sp1"], "port": ["52", "Ethernet2/1"], "serial": ["MT1", "XA1"]})
    ref, _ = module_refs(ends, serials)
    assert list(ref) == ["sp1:cage26", "sp1:Ethernet2/1"]

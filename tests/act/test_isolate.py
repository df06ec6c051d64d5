"""Isolation plans: capacity rules on a tiny fabric with literal outcomes, and a property-based
check on simulated fabrics: no plan breaks a rule, and every finding left unsafe would break one."""

import math
import os

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from netdiag.act.isolate import TIERS, Rules, plan_isolation
from netdiag.fabric.graph import FabricGraph

from act_fabrics import link_finding, part_finding, tiny_inventory


def test_second_uplink_of_a_leaf_is_unsafe_and_repair_first_names_the_first():
    g = FabricGraph(tiny_inventory())
    plan = plan_isolation([link_finding("U0"), link_finding("U1", "warning")], g, Rules())
    by = {d.finding: d for d in plan.decisions}
    assert by["f-U0"].status == "isolate" and by["f-U0"].links == ["U0"]
    assert by["f-U1"].status == "unsafe"
    assert by["f-U1"].why == [{"rule": "min_uplink_share", "where": "leaf0 plane 0",
                               "detail": "leaf0 plane 0 would keep 2 of 4 uplinks (needs 3, has 3 in service)"}]
    assert plan.repair_first == [{"cable_id": "U0", "finding": "f-U0", "state": "isolated by this plan",
                                  "unblocks": ["f-U1"]}]
    assert plan.isolate == [{"cable_id": "U0", "device": "leaf0", "port": "Ethernet33/1", "platform": "eos",
                             "far_device": "spine0-0", "far_port": "Ethernet1/1", "plane": "0", "finding": "f-U0"}]


def test_host_link_isolated_while_another_plane_is_healthy_then_host_drained():
    g = FabricGraph(tiny_inventory())
    plan = plan_isolation([link_finding("H1p0"), link_finding("H1p1", "warning")], g, Rules())
    by = {d.finding: d for d in plan.decisions}
    assert (by["f-H1p0"].status, by["f-H1p0"].links) == ("isolate", ["H1p0"])
    assert (by["f-H1p1"].status, by["f-H1p1"].drain) == ("drain", ["gpu-r01-n01"])
    assert [a["device"] + ":" + a["port"] for a in plan.isolate] == ["leaf0:Ethernet1/1"]   # the switch end
    assert plan.drain == [{"host": "gpu-r01-n01", "findings": ["f-H1p1"],
                           "reason": "netdiag f-H1p1 damaged_cable"}]


def test_cap_blocks_an_uplink_and_drains_instead_of_isolating_a_host_link():
    g = FabricGraph(tiny_inventory())
    rules = Rules(max_links=1, max_links_share=0.0)
    plan = plan_isolation([link_finding("U0"), link_finding("V0", "warning"), link_finding("H2p0", "warning")],
                          g, rules)
    by = {d.finding: d for d in plan.decisions}
    assert by["f-U0"].status == "isolate"
    assert by["f-V0"].status == "unsafe" and by["f-V0"].why[0]["rule"] == "cap"
    assert (by["f-H2p0"].status, by["f-H2p0"].drain) == ("drain", ["gpu-r01-n02"])
    assert plan.summary["isolated"] == 1 and plan.summary["cap"] == 1


def test_failing_spine_takes_all_its_links_and_links_isolated_earlier_are_not_shut_again():
    g = FabricGraph(tiny_inventory())
    plan = plan_isolation([part_finding("switch", "spine0-2", ["U2"])], g, Rules(), isolated={"V1"})
    assert plan.decisions[0].status == "isolate" and plan.decisions[0].links == ["U2"]
    plan = plan_isolation([link_finding("V1")], g, Rules(), isolated={"V1"})
    assert plan.decisions[0].status == "already" and plan.isolate == []


def test_a_host_drained_earlier_is_resumed_when_its_finding_is_gone():
    g = FabricGraph(tiny_inventory())
    plan = plan_isolation([link_finding("U0")], g, Rules(), drained={"gpu-r01-n02": ["f-old"]})
    assert plan.resume == ["gpu-r01-n02"]


# --- property: an independent, plain check of the rules ------------------------------------------

def broken_rules(inv, out: set[str], drained: set[str], rules: Rules, shut: int) -> list[str]:
    """The rules that a fabric with `out` links and `drained` hosts breaks, checked link by link."""
    role = {n: d.role for n, d in inv.devices.items()}
    tier = lambda d: TIERS.get(role.get(d, ""), 0)  # noqa: E731
    ups, downs_live, host_planes = {}, {}, {}
    for c, a, b, p in inv.plan[["cable_id", "a_device", "b_device", "plane"]].itertuples(index=False):
        ta, tb = tier(a), tier(b)
        if ta and tb and ta != tb:
            lo, hi = (a, b) if ta < tb else (b, a)
            ups.setdefault((lo, p), []).append(c)
            if c not in out:
                downs_live[(hi, p)] = downs_live.get((hi, p), 0) + 1
        elif (ta == 0) != (tb == 0):
            host, sw = (a, b) if ta == 0 else (b, a)
            host_planes.setdefault(host, {}).setdefault(p, []).append(c)
            if c not in out and host not in drained:
                downs_live[(sw, p)] = downs_live.get((sw, p), 0) + 1
    bad = []
    if shut > rules.link_cap(len(inv.plan)):
        bad.append("cap")
    for key, cables in ups.items():
        avail = sum(c not in out for c in cables)
        if avail < math.ceil(rules.min_uplink_share * len(cables) - 1e-9) and downs_live.get(key, 0) > 0:
            bad.append(f"uplinks {key}")
    for host, planes in host_planes.items():
        if host in drained:
            continue
        healthy = sum(all(c not in out for c in cs) for cs in planes.values())
        if healthy < min(rules.min_healthy_planes, len(planes)):
            bad.append(f"planes {host}")
    return bad


def random_findings(inv, rng, k):
    from act_fabrics import link_finding, part_finding

    g = FabricGraph(inv)
    cables = inv.plan["cable_id"].to_numpy()
    out = [link_finding(c, "critical" if rng.random() < 0.5 else "warning")
           for c in rng.choice(cables, size=min(k, len(cables)), replace=False)]
    parts = g.parts[g.parts["component"].isin(["switch", "transceiver", "cable"])].drop_duplicates(["component", "ref"])
    for _, r in parts.sample(n=max(1, k // 4), random_state=int(rng.integers(1 << 30))).iterrows():
        out.append(part_finding(r["component"], r["ref"], g.links_sharing(r["component"], r["ref"])[:2]))
    return g, out


@settings(max_examples=int(os.environ.get("NETDIAG_PROPERTY_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fabric=st.sampled_from(["hgx-rail", "gb300-dual-plane", "b300-quad-plane"]), seed=st.integers(0, 10**6),
       k=st.integers(1, 30), share=st.sampled_from([0.5, 0.75, 0.9, 1.0]), planes=st.integers(1, 4),
       max_links=st.integers(1, 12))
def test_no_plan_breaks_a_rule_and_every_unsafe_finding_would_break_one(small_fabrics, fabric, seed, k, share,
                                                                        planes, max_links):
    inv = small_fabrics[fabric]
    rules = Rules(share, planes, max_links, 0.0)
    g, findings = random_findings(inv, np.random.default_rng(seed), k)
    plan = plan_isolation(findings, g, rules)
    out = {a["cable_id"] for a in plan.isolate}
    drained = {d["host"] for d in plan.drain}
    assert len(out) == len(plan.isolate)
    assert broken_rules(inv, out, drained, rules, len(out)) == []
    role = {n: d.role for n, d in inv.devices.items()}
    for d in plan.decisions:
        f = next(x for x in findings if x.id == d.finding)
        if d.status == "unsafe":
            cables = {c["link"]["cable_id"] for c in f.children} | set(g.links_sharing(f.suspects[0]["component"], f.suspects[0]["ref"])) if f.children else {f.link["cable_id"]}
            ends = inv.plan.set_index("cable_id").loc[sorted(cables)]
            host_of = {c: (a if role[a] == "gpu_host" else b if role[b] == "gpu_host" else None)
                       for c, a, b in zip(ends.index, ends["a_device"], ends["b_device"])}
            todo = {c for c in cables if host_of[c] not in drained or host_of[c] is None}
            # what the plan would be with this finding's links added (hosts short of planes drained)
            extra_drain = {h for h in {host_of[c] for c in todo} - {None}
                           if broken_rules(inv, out | {c for c in todo if host_of[c] == h}, drained, rules, 0)
                           and any(x.startswith(f"planes {h}") for x in
                                   broken_rules(inv, out | {c for c in todo if host_of[c] == h}, drained, rules, 0))}
            add = {c for c in todo if host_of[c] not in extra_drain}
            new_out = out | add
            assert add - out, f"{d.finding} unsafe though nothing is left to take out"
            assert broken_rules(inv, new_out, drained | extra_drain, rules, len(new_out)), \
                f"{d.finding} could have been isolated: {d.why}"
        elif d.status != "already":
            assert set(d.links) <= out and set(d.drain) <= drained


@settings(max_examples=6, deadline=None)
@given(fabric=st.sampled_from(["gb300-dual-plane", "b300-quad-plane", "hgx-rail"]), seed=st.integers(0, 1000),
       faults=st.integers(1, 12))
def test_simulated_fault_sets_never_break_a_rule(fabric, seed, faults):
    from netdiag import jobs
    from netdiag.ingest import DeviceStatus
    from netdiag.simulate import engine, presets

    from act_fabrics import inventory_of

    fab = engine.simulate(presets.get(fabric), 64, seed, faults=faults)
    inv = inventory_of(fab)
    snap = fab.snapshot
    res = jobs.analyse(snap, [DeviceStatus(d, inv.devices[d].platform, True) for d in sorted(set(snap.ports["device"]))],
                       inv)
    plan = jobs.isolate(res)
    out = {a["cable_id"] for a in plan.isolate}
    rules = Rules()
    from netdiag.act.isolate import down_cables

    down = down_cables(snap, inv)
    # links seen down are out already; a rule they break alone is not the plan's doing
    before = set(broken_rules(inv, down, set(), rules, 0))
    after = set(broken_rules(inv, out | down, {d["host"] for d in plan.drain}, rules, len(out)))
    assert after <= before

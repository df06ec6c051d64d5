"""The healthy topology schedulers read: hosts under their leaf switches, leaves under spines,
spines under cores, and accelerator (NVLink) domains, leaving out isolated links and drained hosts.

A Slurm tree wants each node under exactly one leaf switch (slurmctld warns "Multiple leaf switches
contain nodes" otherwise), but a rail-optimized, multi-plane host reaches one leaf per NIC and plane.
Hosts that reach the same set of leaves are one hop from each other on every rail and plane, so they
form one *leaf group*: the leaf-level switch of the tree, named after its first leaf (``rg-LEAF``
for a group of several leaves, the leaf itself when it is alone). Above it, each tier is the
connected groups of the tier below joined through in-service links (named ``spine-FIRST`` and
``core-FIRST``, or just FIRST when its name already starts with the tier: ``spine-p0-000``). Accelerator domains (Slurm blocks) are racks: an NVL72 rack is one NVLink domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from netdiag.act.isolate import TIERS
from netdiag.fabric.graph import FabricGraph


@dataclass
class Topology:
    hosts: pd.DataFrame                       # name, rack, leaf, spine, core (None when absent)
    switches: list[dict] = field(default_factory=list)   # name, level, nodes [..], switches [..]
    blocks: list[dict] = field(default_factory=list)     # name, nodes [..]
    excluded_links: list[str] = field(default_factory=list)
    excluded_hosts: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        h = self.hosts.astype(object).where(self.hosts.notna(), None)
        return {"hosts": h.to_dict("records"), "switches": self.switches, "blocks": self.blocks,
                "excluded": {"links": self.excluded_links, "hosts": self.excluded_hosts}}


def build(graph: FabricGraph, out_links: set[str] | None = None, drained: set[str] | None = None) -> Topology:
    """The topology of `graph` without the cables `out_links` (isolated or down) and the hosts
    `drained`."""
    out_links, drained = out_links or set(), drained or set()
    inv = graph.inventory
    role = {n: d.role for n, d in inv.devices.items()}
    plan = inv.plan
    live = plan[~plan["cable_id"].isin(out_links)]
    ta = live["a_device"].map(role).map(TIERS).fillna(0)
    tb = live["b_device"].map(role).map(TIERS).fillna(0)

    def is_host(devices: pd.Series) -> pd.Series:
        r = devices.map(role).fillna("")
        return ~r.isin(list(TIERS)) & ~r.isin(["patch_panel", ""])

    ha = is_host(live["a_device"]) & (tb == 1)
    hb = is_host(live["b_device"]) & (ta == 1)
    hl = pd.DataFrame({"host": pd.concat([live.loc[ha, "a_device"], live.loc[hb, "b_device"]]),
                       "leaf": pd.concat([live.loc[ha, "b_device"], live.loc[hb, "a_device"]])})
    # leaf groups from the *planned* leaves of each host (an isolated link does not move a host)
    pa = plan["a_device"].map(role).map(TIERS).fillna(0)
    pb = plan["b_device"].map(role).map(TIERS).fillna(0)
    pha = is_host(plan["a_device"]) & (pb == 1)
    phb = is_host(plan["b_device"]) & (pa == 1)
    planned = pd.DataFrame({"host": pd.concat([plan.loc[pha, "a_device"], plan.loc[phb, "b_device"]]),
                            "leaf": pd.concat([plan.loc[pha, "b_device"], plan.loc[phb, "a_device"]])})
    sets = planned.drop_duplicates().sort_values(["host", "leaf"]).groupby("host")["leaf"].agg(tuple)
    in_service = set(hl["host"])
    all_hosts = sorted(set(sets.index))
    excluded_hosts = sorted(h for h in all_hosts if h in drained or h not in in_service)
    keep = sets[~sets.index.isin(excluded_hosts)]
    group_name = {s: (s[0] if len(s) == 1 else f"rg-{s[0]}") for s in set(keep)}
    host_group = keep.map(group_name)
    # upper tiers: groups and switches joined by in-service switch-switch links
    sw = live[(ta > 0) & (tb > 0) & (ta != tb)]
    lo = sw["a_device"].where(ta[sw.index] < tb[sw.index], sw["b_device"])
    hi = sw["b_device"].where(ta[sw.index] < tb[sw.index], sw["a_device"])
    leaf_group = {}
    for s, name in group_name.items():
        for leaf in s:
            leaf_group.setdefault(leaf, name)
    switches = []
    for name in sorted(set(host_group)):
        switches.append({"name": name, "level": 0, "nodes": sorted(host_group.index[host_group == name]),
                         "switches": []})
    below = {leaf: leaf_group[leaf] for leaf in leaf_group}      # switch -> its unit at the current level
    parents: dict[int, dict[str, str]] = {}
    for tier, label in ((2, "spine"), (3, "core")):
        m = (hi.map(role).map(TIERS) == tier) & lo.map(lambda x: x in below)
        if not m.any():
            break
        g = nx.Graph()
        g.add_edges_from(("u:" + below[a], "s:" + b) for a, b in zip(lo[m], hi[m]))
        up_of: dict[str, str] = {}
        for comp in nx.connected_components(g):
            units = sorted(x[2:] for x in comp if x.startswith("u:"))
            tops = sorted(x[2:] for x in comp if x.startswith("s:"))
            # named after its first switch, prefixed with the tier unless the name already says it
            # (spine-p0-000, not spine-spine-p0-000)
            name = tops[0] if re.match(rf"{label}[^a-z]", tops[0].lower()) else f"{label}-{tops[0]}"
            switches.append({"name": name, "level": tier - 1, "nodes": [], "switches": units})
            for u in units:
                up_of[u] = name
            for t in tops:
                below[t] = name
        parents[tier] = up_of
    hosts = pd.DataFrame({"name": keep.index.to_numpy(), "rack": [inv.devices[h].rack or None for h in keep.index],
                          "leaf": host_group.to_numpy()})
    hosts["spine"] = hosts["leaf"].map(parents.get(2, {}))
    hosts["core"] = hosts["spine"].map(parents.get(3, {})) if 3 in parents else None
    hosts = hosts.sort_values("name", ignore_index=True)
    # nodes of every switch: the hosts beneath it
    by_leaf = hosts.groupby("leaf")["name"].agg(list).to_dict()
    for s in switches:
        if s["level"] > 0:
            col = "spine" if s["level"] == 1 else "core"
            s["nodes"] = sorted(hosts.loc[hosts[col] == s["name"], "name"])
        else:
            s["nodes"] = sorted(by_leaf.get(s["name"], []))
    blocks = [{"name": rack, "nodes": sorted(g["name"])} for rack, g in hosts.dropna(subset=["rack"]).groupby("rack")]
    return Topology(hosts, switches, blocks, sorted(out_links & set(plan["cable_id"])), excluded_hosts)

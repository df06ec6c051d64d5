"""Isolation plan: which links to take out of service and which hosts to drain for the open
findings, without breaking the capacity rules of thresholds.toml [isolation].

Rules (each checked for every action before it enters the plan):

* **uplinks** — every switch keeps at least ``min_uplink_share`` of its planned uplinks (links to a
  higher tier: leaf -> spine -> superspine/core) in service, per plane; a switch with no downlink
  left in service carries nothing and is exempt;
* **host planes** — every host keeps ``min_healthy_planes`` planes whose links are all in service
  (all its planes when it has fewer); a host that would not is drained instead (no job runs there,
  no fabric capacity is cut);
* **cap** — one run isolates at most ``max(max_links, max_links_share x links)`` links (NVIDIA UFM's
  isolation caps; CorrOpt disables a corrupting link only when every ToR keeps enough paths).

An action never takes capacity a rule needs: a rule already broken by links that are down (or
isolated earlier) refuses further isolation there but does not block actions elsewhere.

Findings are taken worst first (severity, then fewer links); a finding on one link isolates that
link (or drains its host), a shared-part finding isolates every link through the part. After the
greedy pass refused findings are retried until nothing changes, so the plan is maximal: every
finding left unsafe would break a rule given the rest of the plan. Unsafe findings name the rule
and the switch or host, and ``repair_first`` ranks the out-of-service links whose repair would
unblock the most of them.

Counting is column-wise: the per-(switch, plane) and per-(host, plane) counts are numpy arrays
updated as actions are committed, so a plan over a million-link fabric costs one pass over the
plan plus work proportional to the findings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netdiag.fabric.graph import FabricGraph
from netdiag.findings import Finding
from netdiag.health.rules import SEVERITY_RANK

#: switch tiers: a link from a lower to a higher tier is the lower switch's uplink
TIERS = {"leaf": 1, "tor": 1, "spine": 2, "superspine": 3, "core": 3}
_NOT_HOST = {"patch_panel", ""}
_PART_COMPONENTS = ("transceiver", "cable", "nic", "patch_panel", "linecard", "switch", "module_cage")


@dataclass(frozen=True)
class Rules:
    min_uplink_share: float = 0.75
    min_healthy_planes: int = 1
    max_links: int = 10
    max_links_share: float = 0.005

    @classmethod
    def from_config(cls, cfg: dict) -> "Rules":
        """From the thresholds dict (netdiag.health.rules.load_thresholds) [isolation] table."""
        t = cfg.get("isolation", {})
        return cls(float(t.get("min_uplink_share", 0.75)), int(t.get("min_healthy_planes", 1)),
                   int(t.get("max_links", 10)), float(t.get("max_links_share", 0.005)))

    def link_cap(self, links: int) -> int:
        """Most links one run may isolate, for a fabric of `links` planned links."""
        return max(self.max_links, int(math.floor(self.max_links_share * links)))


class Capacity:
    """The planned links with the counts the rules read, and the state of an isolation plan.

    Per link i: ``up[i]`` the (switch, plane) key whose uplink it is (-1: none), ``down[i]`` the key
    of the higher-tier end it is a downlink of, ``host[i]`` and ``hp[i]`` its host and (host, plane)
    key (-1: not a host link). State: ``out`` (link not in service) and ``drained`` (host)."""

    def __init__(self, graph: FabricGraph, rules: Rules, down: set[str] | None = None,
                 isolated: set[str] | None = None, drained: set[str] | None = None):
        self.rules = rules
        plan = graph.inventory.plan
        roles = {n: d.role for n, d in graph.inventory.devices.items()}
        self.cable = plan["cable_id"].to_numpy(dtype=object)
        self.n = len(plan)
        self.index = pd.Index(self.cable)
        a, b = plan["a_device"].to_numpy(dtype=object), plan["b_device"].to_numpy(dtype=object)
        plane = plan["plane"].astype(str).to_numpy(dtype=object)
        ra = pd.Series(a).map(roles).fillna("").to_numpy(dtype=object)
        rb = pd.Series(b).map(roles).fillna("").to_numpy(dtype=object)
        ta = pd.Series(ra).map(TIERS).fillna(0).to_numpy(dtype=int)
        tb = pd.Series(rb).map(TIERS).fillna(0).to_numpy(dtype=int)
        host_a = (ta == 0) & ~pd.Series(ra).isin(_NOT_HOST).to_numpy() & (tb > 0)
        host_b = (tb == 0) & ~pd.Series(rb).isin(_NOT_HOST).to_numpy() & (ta > 0)
        sw_sw = (ta > 0) & (tb > 0) & (ta != tb)
        lower = np.where(ta < tb, a, b)
        upper = np.where(ta < tb, b, a)
        # (switch, plane) keys for uplinks (lower end) and downlinks (upper end, or the host's switch)
        up_sw = np.where(sw_sw, lower, None)
        down_sw = np.where(sw_sw, upper, np.where(host_a, b, np.where(host_b, a, None)))
        keys = pd.Series(np.concatenate([up_sw, down_sw])).astype(object)
        kplane = np.concatenate([plane, plane])
        kk = pd.Series([None if s is None else f"{s}\x00{p}" for s, p in zip(keys, kplane)], dtype=object)
        codes, uniq = pd.factorize(kk, use_na_sentinel=True)
        self.key_names = [u.replace("\x00", " plane ") for u in uniq]
        self.up, self.down = codes[: self.n], codes[self.n:]
        nk = len(uniq)
        self.up_total = np.bincount(self.up[self.up >= 0], minlength=nk)
        self.need = np.ceil(rules.min_uplink_share * self.up_total - 1e-9).astype(int)
        host = np.where(host_a, a, np.where(host_b, b, None))
        hcodes, self.host_names = pd.factorize(pd.Series(host, dtype=object), use_na_sentinel=True)
        self.host = hcodes
        hp = pd.Series([None if h is None else f"{h}\x00{p}" for h, p in zip(host, plane)], dtype=object)
        self.hp, hp_uniq = pd.factorize(hp, use_na_sentinel=True)
        hp_host = pd.Index(self.host_names).get_indexer([u.split("\x00")[0] for u in hp_uniq])
        self.hp_host = np.asarray(hp_host, dtype=int)
        nh = len(self.host_names)
        self.host_planes = np.bincount(self.hp_host, minlength=nh)
        self.host_need = np.minimum(rules.min_healthy_planes, self.host_planes)
        self.platform = {n: d.platform for n, d in graph.inventory.devices.items()}
        # state
        self.out = np.zeros(self.n, dtype=bool)
        self.drained = np.zeros(nh, dtype=bool)
        self.earlier = np.zeros(self.n, dtype=bool)   # isolated by an earlier run
        for cables, flag in ((down or set(), None), (isolated or set(), self.earlier)):
            idx = self.index.get_indexer(sorted(cables))
            idx = idx[idx >= 0]
            self.out[idx] = True
            if flag is not None:
                flag[idx] = True
        if drained:
            h = pd.Index(self.host_names).get_indexer(sorted(drained))
            self.drained[h[h >= 0]] = True
        order = np.argsort(self.host, kind="stable")
        order = order[self.host[order] >= 0]
        self._by_host = order                                   # link indices grouped by host
        self._host_start = np.searchsorted(self.host[order], np.arange(nh + 1))
        self._recount()

    def links_of_host(self, h: int) -> np.ndarray:
        return self._by_host[self._host_start[h]:self._host_start[h + 1]]

    def _recount(self) -> None:
        nk = len(self.up_total)
        o = self.out
        self.up_out = np.bincount(self.up[o & (self.up >= 0)], minlength=nk)
        active = ~o & (self.down >= 0)
        hl = self.host >= 0
        active &= ~(hl & self.drained[np.where(hl, self.host, 0)])
        self.down_active = np.bincount(self.down[active], minlength=nk)
        self.hp_out = np.bincount(self.hp[o & (self.hp >= 0)], minlength=int(self.hp.max(initial=-1)) + 1)
        self.healthy = self.host_planes - np.bincount(self.hp_host[self.hp_out > 0], minlength=len(self.host_names))

    # --- the rules, for a candidate set of new out links and drained hosts ----------------------
    def host_short(self, links: np.ndarray) -> np.ndarray:
        """Hosts (codes) that taking `links` out would leave short of healthy planes."""
        new = links[~self.out[links] & (self.hp[links] >= 0)]
        if not len(new):
            return np.array([], dtype=int)
        hp_new = np.unique(self.hp[new])
        lost = hp_new[self.hp_out[hp_new] == 0]
        hosts, n_lost = np.unique(self.hp_host[lost], return_counts=True)
        after = self.healthy[hosts] - n_lost
        bad = (after < self.host_need[hosts]) & ~self.drained[hosts]
        return hosts[bad]

    def violations(self, links: np.ndarray, drain: np.ndarray, used: int, cap: int, shut: int) -> list[dict]:
        """Rules that taking `links` out (`shut` of them by a new command, `used` shut so far this
        run) and draining hosts `drain` would break."""
        out = []
        new = links[~self.out[links]]
        if used + shut > cap:
            out.append({"rule": "cap", "where": None,
                        "detail": f"would isolate {used + shut} links this run, over the cap of {cap}"})
        u = new[self.up[new] >= 0]
        if len(u):
            keys, n = np.unique(self.up[u], return_counts=True)
            avail_b = self.up_total[keys] - self.up_out[keys]
            avail_a = avail_b - n
            # downlinks still in service after: those not taken out and not on drained hosts
            d = new[self.down[new] >= 0]
            gone = np.zeros(len(self.up_total), dtype=int)
            if len(d):
                gone += np.bincount(self.down[d], minlength=len(gone))
            for h in drain:
                hl = self.links_of_host(int(h))
                hl = hl[~self.out[hl] & ~np.isin(hl, new)]
                gone += np.bincount(self.down[hl], minlength=len(gone))
            carries = self.down_active[keys] - gone[keys] > 0
            bad = (avail_a < self.need[keys]) & carries
            for k, b_, a_ in zip(keys[bad], avail_b[bad], avail_a[bad]):
                out.append({"rule": "min_uplink_share", "where": self.key_names[k],
                            "detail": f"{self.key_names[k]} would keep {a_} of {self.up_total[k]} uplinks "
                                      f"(needs {self.need[k]}, has {b_} in service)"})
        short = self.host_short(links)
        short = short[~np.isin(short, drain)]
        for h in short:
            out.append({"rule": "min_healthy_planes", "where": self.host_names[h],
                        "detail": f"{self.host_names[h]} would keep fewer than {self.host_need[h]} healthy planes"})
        return out

    def commit(self, links: np.ndarray, drain: np.ndarray) -> None:
        """Take `links` out of service and drain hosts `drain`; counts updated for those alone."""
        nk = len(self.up_total)
        new = np.unique(links[~self.out[links]])
        hl = self.host[new]
        was_active = (self.down[new] >= 0) & ~((hl >= 0) & self.drained[np.maximum(hl, 0)])
        self.down_active -= np.bincount(self.down[new[was_active]], minlength=nk)
        self.out[new] = True
        self.up_out += np.bincount(self.up[new[self.up[new] >= 0]], minlength=nk)
        hp = self.hp[new]
        hp = hp[hp >= 0]
        if len(hp):
            fresh = np.unique(hp[self.hp_out[hp] == 0])
            np.add.at(self.hp_out, hp, 1)
            np.subtract.at(self.healthy, self.hp_host[fresh], 1)
        for h in np.unique(drain):
            if self.drained[h]:
                continue
            self.drained[h] = True
            hl_ = self.links_of_host(int(h))
            hl_ = hl_[~self.out[hl_] & (self.down[hl_] >= 0)]
            self.down_active -= np.bincount(self.down[hl_], minlength=nk)


@dataclass
class Decision:
    finding: str
    severity: str
    kind: str
    status: str                 # isolate | drain | isolate+drain | already | unsafe | not_planned
    links: list[str] = field(default_factory=list)     # cable ids isolated for it
    drain: list[str] = field(default_factory=list)     # hosts drained for it
    why: list[dict] = field(default_factory=list)      # rules it would break (unsafe)


@dataclass
class IsolationPlan:
    decisions: list[Decision]
    isolate: list[dict]          # one per link to shut: cable_id, device, port, platform, plane, finding
    drain: list[dict]            # one per host: host, reason, findings
    resume: list[str]            # hosts drained earlier whose findings are all resolved
    repair_first: list[dict]     # cable_id, finding (or null), unblocks [finding ids]
    summary: dict

    @property
    def unsafe(self) -> list[Decision]:
        return [d for d in self.decisions if d.status == "unsafe"]

    def to_json(self) -> dict:
        return {"decisions": [d.__dict__ for d in self.decisions], "isolate": self.isolate, "drain": self.drain,
                "resume": self.resume, "repair_first": self.repair_first, "summary": self.summary}


def finding_links(findings: list[Finding], graph: FabricGraph) -> dict[str, tuple[list[str], str | None]]:
    """finding id -> (cable ids it would take out of service, why none when empty).

    A shared-part finding takes every planned link through its part (graph.parts), a link finding
    its cable, a port finding the planned cable on that port."""
    plan_ids = set(graph.inventory.plan["cable_id"])
    parts_q = []
    out: dict[str, tuple[list[str], str | None]] = {}
    for f in findings:
        if f.children:
            s = f.suspects[0] if f.suspects else {}
            if s.get("component") == "plane":
                out[f.id] = ([], "a whole plane is suspect: repair it, isolating it would take the plane away")
                continue
            if s.get("component") == "row":
                out[f.id] = ([], "a whole row is suspect (its power or trunk): repair it, isolating it would "
                                 "take the row away")
                continue
            kids = [c["link"]["cable_id"] for c in f.children if c.get("link", {}).get("cable_id") in plan_ids]
            out[f.id] = (kids, None)
            if s.get("component") in _PART_COMPONENTS:
                parts_q.append((f.id, s["component"], s["ref"]))
            continue
        cid = (f.link or {}).get("cable_id")
        if cid in plan_ids:
            out[f.id] = ([cid], None)
            continue
        far = graph.far_end(f.device, f.port) if f.device and f.port else None
        if far is not None:
            out[f.id] = ([far[2]], None)
        else:
            out[f.id] = ([], "not on a planned link: the capacity it carries is unknown")
    if parts_q:
        q = pd.DataFrame(parts_q, columns=["fid", "component", "ref"])
        m = q.merge(graph.parts[["component", "ref", "cable_id"]], on=["component", "ref"])
        for fid, g in m.groupby("fid"):
            cur = out[fid][0]
            out[fid] = (sorted(set(cur) | set(g["cable_id"])), None)
    return out


def _switch_end(graph: FabricGraph, cap: Capacity, idx: np.ndarray) -> pd.DataFrame:
    """Per link: the end to shut (the switch end; the lower tier of two switches)."""
    p = graph.inventory.plan.iloc[idx]
    role = {n: d.role for n, d in graph.inventory.devices.items()}
    ta = p["a_device"].map(role).map(TIERS).fillna(0).to_numpy()
    tb = p["b_device"].map(role).map(TIERS).fillna(0).to_numpy()
    use_b = (ta == 0) & (tb > 0) | ((ta > 0) & (tb > 0) & (tb < ta))
    dev = np.where(use_b, p["b_device"], p["a_device"])
    port = np.where(use_b, p["b_port"], p["a_port"])
    far = np.where(use_b, p["a_device"], p["b_device"])
    far_port = np.where(use_b, p["a_port"], p["b_port"])
    return pd.DataFrame({"cable_id": p["cable_id"].to_numpy(), "device": dev, "port": port,
                         "platform": [cap.platform.get(d, "") for d in dev], "far_device": far,
                         "far_port": far_port, "plane": p["plane"].astype(str).to_numpy()})


def plan_isolation(findings: list[Finding], graph: FabricGraph, rules: Rules, down: set[str] | None = None,
                   isolated: set[str] | None = None, drained: dict[str, list[str]] | None = None,
                   min_severity: str = "warning") -> IsolationPlan:
    """The isolation plan for `findings` on the fabric `graph`.

    `down`: cables already out of service (seen down); `isolated`: cables isolated by earlier runs
    (not shut again, not counted in this run's cap); `drained`: hosts drained earlier -> the
    finding ids they were drained for (a host whose findings are all gone is resumed)."""
    drained = drained or {}
    cap_state = Capacity(graph, rules, down, isolated, set(drained))
    cap = rules.link_cap(cap_state.n)
    floor = SEVERITY_RANK[min_severity]
    links_of = finding_links(findings, graph)
    decisions: dict[str, Decision] = {}
    units = []
    for f in findings:
        if SEVERITY_RANK.get(f.severity, 0) < floor:
            continue
        cables, why = links_of[f.id]
        d = Decision(f.id, f.severity, f.kind, "not_planned")
        decisions[f.id] = d
        if not cables:
            d.status, d.why = "unsafe", [{"rule": "unplanned", "where": f"{f.device}:{f.port}", "detail": why}]
            continue
        idx = cap_state.index.get_indexer(cables)
        units.append((-SEVERITY_RANK[f.severity], len(idx), f.id, idx[idx >= 0]))
    units.sort(key=lambda u: u[:3])
    used = 0
    shut_here = np.zeros(cap_state.n, dtype=bool)   # links this plan shuts
    isolated_by: dict[int, str] = {}
    drained_by: dict[int, list[str]] = {}
    pending = units
    while pending:
        refused = []
        for _, _, fid, idx in pending:
            d = decisions[fid]
            st = cap_state
            hl = idx[st.host[idx] >= 0]
            on_drained = hl[st.drained[st.host[hl]]]
            rest = idx[~np.isin(idx, on_drained)]
            # hosts that would run short of healthy planes are drained instead of losing the link
            short = st.host_short(rest[st.host[rest] >= 0])
            drain = short
            links = rest[~np.isin(st.host[rest], short) | (st.host[rest] < 0)]
            todo = np.unique(links[~st.earlier[links] & ~shut_here[links]])
            if not len(todo) and not len(drain):
                d.status, d.why = "already", []
                d.links = sorted(st.cable[idx].tolist())
                continue
            why = cap_state.violations(links, drain, used, cap, len(todo))
            host_only = len(links) and (st.host[links] >= 0).all()
            if why and host_only and all(w["rule"] == "cap" for w in why):
                # the cap blocks the link but the host can be drained: jobs leave it all the same
                drain = np.union1d(drain, st.host[links])
                links, todo, why = links[:0], todo[:0], []
            if why:
                if len(drain):
                    st.commit(links[:0], drain)
                    for h in drain:
                        drained_by.setdefault(int(h), []).append(fid)
                    d.drain = sorted(st.host_names[drain].tolist())
                d.status, d.why = "unsafe", why
                refused.append((0, 0, fid, idx))
                continue
            st.commit(links, drain)
            shut_here[todo] = True
            used += len(todo)
            for i in todo:
                isolated_by.setdefault(int(i), fid)
            for h in drain:
                drained_by.setdefault(int(h), []).append(fid)
            d.links = sorted(st.cable[todo].tolist())
            d.drain = sorted(set(d.drain) | set(st.host_names[drain].tolist()))
            d.status = "+".join(x for x, v in (("isolate", len(todo)), ("drain", len(d.drain))) if v)
            d.why = []
        pending = refused if len(refused) < len(pending) else []
    st = cap_state
    for _, _, fid, idx in units:   # refused, but other findings took all its links out meanwhile
        d = decisions[fid]
        hl = st.host[idx]
        if d.status == "unsafe" and (st.out[idx] | ((hl >= 0) & st.drained[np.maximum(hl, 0)])).all():
            d.status, d.why = "already", []
    ends = _switch_end(graph, st, np.array(sorted(isolated_by), dtype=int))
    ends["finding"] = [isolated_by[i] for i in sorted(isolated_by)]
    drains = [{"host": st.host_names[h], "findings": sorted(set(fs)),
               "reason": slurm_reason(sorted(set(fs)), decisions)} for h, fs in sorted(drained_by.items())]
    open_ids = {f.id for f in findings}
    resume = sorted(h for h, fs in drained.items() if not (set(fs) & open_ids))
    unsafe = [d for d in decisions.values() if d.status == "unsafe"]
    summary = {"links": st.n, "cap": cap, "isolated": int(len(ends)), "drained": len(drains),
               "resumed": len(resume), "unsafe": len(unsafe), "findings": len(decisions),
               "rules": rules.__dict__}
    return IsolationPlan(sorted(decisions.values(), key=lambda d: (-SEVERITY_RANK[d.severity], d.finding)),
                         ends.to_dict("records"), drains, resume, _repair_first(unsafe, st, isolated_by), summary)


def slurm_reason(fids: list[str], decisions: dict[str, Decision]) -> str:
    """A drain reason naming the findings: 'netdiag <id> <kind>[; ...]'."""
    return "; ".join(f"netdiag {f} {decisions[f].kind}" for f in fids)


def _repair_first(unsafe: list[Decision], st: Capacity, isolated_by: dict[int, str]) -> list[dict]:
    """Out-of-service links on the switches and hosts that block unsafe findings, ranked by how
    many of those findings their repair would help."""
    helps: dict[int, set[str]] = {}
    for d in unsafe:
        for w in d.why:
            if w["rule"] == "min_uplink_share":
                k = st.key_names.index(w["where"])
                idx = np.flatnonzero(st.out & (st.up == k))
            elif w["rule"] == "min_healthy_planes":
                h = int(np.flatnonzero(st.host_names == w["where"])[0])
                idx = np.flatnonzero(st.out & (st.host == h))
            else:
                continue
            for i in idx.tolist():
                helps.setdefault(i, set()).add(d.finding)
    ranked = sorted(helps.items(), key=lambda kv: (-len(kv[1]), st.cable[kv[0]]))
    return [{"cable_id": st.cable[i], "finding": isolated_by.get(i),
             "state": "isolated by this plan" if i in isolated_by else
                      ("isolated earlier" if st.earlier[i] else "down"),
             "unblocks": sorted(fs)} for i, fs in ranked]


def down_cables(snap, inventory) -> set[str]:
    """Planned cables with an end that is administratively up (or not reported) and operationally
    down in the snapshot: already out of service. Unknown state is not down."""
    p = snap.ports
    if p is None or p.empty or inventory.plan.empty:
        return set()
    oper_down = p["oper_up"].astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
    admin_down = p["admin_up"].astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
    dn = p[oper_down & ~admin_down]
    if dn.empty:
        return set()
    idx = pd.MultiIndex.from_frame(dn[["device", "port"]].astype(object))
    plan = inventory.plan
    m = (pd.MultiIndex.from_arrays([plan["a_device"], plan["a_port"]]).isin(idx)
         | pd.MultiIndex.from_arrays([plan["b_device"], plan["b_port"]]).isin(idx))
    return set(plan.loc[m, "cable_id"])

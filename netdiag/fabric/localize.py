"""Localize the bad part: symptoms of both ends of every planned link -> link findings, and
shared-part findings when many links that depend on one part are bad (health/localize.toml).

Everything is column-wise over the links: per-end features from the symptoms table, joined onto
the plan's cables for each end; the patterns are boolean masks evaluated for X = a and X = b; the
shared-part test is a group-by over the fabric's parts table with a binomial tail per part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netdiag.fabric import naming
from netdiag.fabric.graph import SWITCH_ROLES, FabricGraph
from netdiag.fabric.stats import format_tail, log_binom_sf
from netdiag.findings import Finding, _jsonable, describe, finding_id
from netdiag.health.rules import SEVERITY_RANK
from netdiag.inventory import Inventory
from netdiag.model import Snapshot

FEATURES = ("rx_low", "dark", "tx_low", "err", "hot", "down", "flap", "volt", "seen", "host_tx", "overload", "lit",
            "odd_config", "fec_known")
_RULE_FEATURES = {
    "rx_power_low": ("rx_low",), "dark_lane": ("rx_low", "dark"), "rx_los": ("rx_low", "dark"),
    "rx_lol": ("rx_low",), "tx_power_low": ("tx_low",), "tx_bias_high": ("tx_low",), "tx_bias_low": ("tx_low",),
    "tx_fault": ("tx_low",), "fec_uncorrectable_cw": ("err",), "rx_crc_errors": ("err",), "symbol_errors": ("err",),
    "port_rcv_errors": ("err",), "raw_ber": ("err",), "effective_ber": ("err",), "symbol_ber": ("err",),
    "module_temperature_high": ("hot",), "link_down": ("down",), "module_voltage_high": ("volt",),
    "module_voltage_low": ("volt",),
    # evidence layer (issue 13): host-side Tx flags point at this port/ASIC path, Rx over the high
    # alarm is overload (wrong optic / no attenuator), FEC histogram tail is PHY-local error evidence
    "tx_los": ("host_tx",), "tx_lol": ("host_tx",), "rx_power_high": ("overload",), "fec_histogram_tail": ("err",),
    "rx_errors": ("err",),     # only gross shares on ports whose PHY counters say nothing (rules._gross_rx_error_symptoms)
}
_SPECIFIC = ["transceiver", "cable", "nic", "patch_panel", "linecard", "switch", "row", "plane"]


def load_rules(override: str | Path | None = None) -> dict:
    """The packaged localize.toml, deep-merged with a user's TOML file when given."""
    from netdiag.health import load_toml

    return load_toml("localize.toml", override)


@dataclass
class Localized:
    findings: list[Finding]          # link and shared-part findings, worst first
    handled_ports: set[tuple[str, str]]   # ports whose symptoms these findings cover
    links: pd.DataFrame              # per diagnosed link: cable_id, pattern, x/y ends, severity


def end_features(symptoms: pd.DataFrame, snap: Snapshot, cfg: dict) -> pd.DataFrame:
    """(device, port) -> boolean features and worst severity (health.evidence builds the inputs:
    info symptoms, e.g. forwarded CRC errors or lifetime counts at a negligible rate, are context,
    not evidence; a flap is judged as a rate where the time since the clear is known; `lit` marks a
    port receiving light; `odd_config` a port whose FEC mode differs from its device's other ports)."""
    from netdiag.health import evidence

    s = symptoms[symptoms["severity"] != "info"] if len(symptoms) else symptoms
    rows = []
    if len(s):
        feat = s["rule"].map(_RULE_FEATURES)
        s2 = s.assign(feat=feat).dropna(subset=["feat"]).explode("feat")
        if len(s2):
            piv = pd.crosstab([s2["device"], s2["port"]], s2["feat"]).astype(bool)
            sev = s.assign(r=s["severity"].map(SEVERITY_RANK)).groupby(["device", "port"])["r"].max().rename("sev")
            rows.append(piv.join(sev, how="left"))
    fl = evidence.flapping_ports(snap.counters, cfg)
    if len(fl):
        rows.append(pd.DataFrame({"flap": True, "sev": 1}, index=pd.MultiIndex.from_frame(fl)))
    lit = evidence.lit_ports(snap, symptoms, cfg)
    if len(lit):
        rows.append(pd.DataFrame({"lit": True}, index=pd.MultiIndex.from_frame(lit)))
    odd = evidence.odd_config(snap.ports)
    if len(odd):
        rows.append(pd.DataFrame({"odd_config": True}, index=pd.MultiIndex.from_frame(odd)))
    known = evidence.fec_reported(snap.ports)
    if len(known):
        rows.append(pd.DataFrame({"fec_known": True}, index=pd.MultiIndex.from_frame(known)))
    # no symptomatic end: an empty frame that still has the (device, port) index
    none = pd.MultiIndex.from_arrays([pd.Index([], dtype=object)] * 2, names=["device", "port"])
    f = pd.concat(rows) if rows else pd.DataFrame({"sev": pd.Series([], dtype=float)}, index=none)
    if len(f):   # numeric before the group-by: object columns (bool + NaN) take pandas' per-group Python path
        f = f.astype("float64").groupby(level=[0, 1]).max()
    if "sev" not in f.columns:   # only context features (lit, odd_config): no severity yet
        f["sev"] = np.nan
    for col in FEATURES:
        if col not in f.columns:
            f[col] = False
    for col in FEATURES:
        if col != "seen":
            f[col] = f[col].fillna(0).astype(bool) if f[col].dtype == "float64" else f[col].fillna(False).astype(bool)
    f.index.names = ["device", "port"]
    return f


def _extra_features(symptoms: pd.DataFrame, snap: Snapshot, index: pd.MultiIndex) -> pd.DataFrame:
    """Features the patterns need beyond end_features, per (device, port) of `index`:
    hot_alarm  module temperature over the module's own high alarm (not only a warning)
    lit        light received on the port's lanes (Rx known and above the dark level, nothing low)
    """
    out = pd.DataFrame({"hot_alarm": False, "lit": False}, index=index)
    if len(symptoms):
        s = symptoms
        hot = s[(s["rule"] == "module_temperature_high") & (s["severity"] == "critical")]
        if len(hot):
            out.loc[out.index.isin(pd.MultiIndex.from_frame(hot[["device", "port"]])), "hot_alarm"] = True
    L = snap.lanes
    if len(L):
        rx = L["rx_power_mw"].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            lane_lit = rx > 1e-3          # above -30 dBm: light, not the noise floor
        g = pd.DataFrame({"device": L["device"].to_numpy(), "port": L["port"].to_numpy(), "lit": lane_lit})
        lit = g.groupby(["device", "port"], sort=False)["lit"].any()
        out["lit"] = lit.reindex(index).fillna(False).to_numpy(dtype=bool)
    return out


def localize(snap: Snapshot, symptoms: pd.DataFrame, inv: Inventory, graph: FabricGraph | None = None,
             exclude_cables: set[str] | None = None, cfg: dict | None = None, rules: dict | None = None) -> Localized:
    from netdiag.health import evidence
    from netdiag.health.rules import load_thresholds

    cfg = cfg or load_thresholds()
    rules = rules or load_rules()
    graph = graph or FabricGraph(inv)
    if len(snap.modules) and "serial" in snap.modules:
        graph.identify(snap.modules[["device", "port", "serial"]])
    cfg = {**cfg, "links": rules["links"]}
    feats = end_features(symptoms, snap, cfg)
    plan = inv.plan
    if exclude_cables:
        plan = plan[~plan["cable_id"].isin(exclude_cables)]
    seen = {d for t in (snap.ports, snap.lanes, snap.counters, snap.modules) for d in t["device"].unique()}
    in_play = (pd.MultiIndex.from_arrays([plan["a_device"], plan["a_port"]]).isin(feats.index)
               | pd.MultiIndex.from_arrays([plan["b_device"], plan["b_port"]]).isin(feats.index))
    # InfiniBand: planned links the subnet manager's sweep no longer sees (sm_lost) are lost links
    # for the plane and row tests, even where no end has a symptom of its own
    sm_lost, vanished = sm_lost_links(plan, snap, inv, seen)
    in_play = in_play | sm_lost
    sm_lost_ids = set(plan.loc[sm_lost, "cable_id"])
    # planned links with an end its device reports administratively down (health.evidence)
    plan_adm_a, plan_adm_b = evidence.admin_down_ends(plan, snap.ports)
    links = plan[in_play].reset_index(drop=True)
    if links.empty:
        return Localized([], set(), pd.DataFrame())
    ia = pd.MultiIndex.from_arrays([links["a_device"], links["a_port"]])
    ib = pd.MultiIndex.from_arrays([links["b_device"], links["b_port"]])
    fa, fb = feats.reindex(ia), feats.reindex(ib)
    xa, xb = _extra_features(symptoms, snap, ia), _extra_features(symptoms, snap, ib)
    A = {c: fa[c].fillna(False).to_numpy(dtype=bool) for c in FEATURES if c != "seen"}
    B = {c: fb[c].fillna(False).to_numpy(dtype=bool) for c in FEATURES if c != "seen"}
    for c in xa.columns:   # features of the evidence layer (end_features) take precedence, e.g. `lit`
        if c not in A:
            A[c], B[c] = xa[c].to_numpy(dtype=bool), xb[c].to_numpy(dtype=bool)
    A["seen"], A["gone"] = evidence.end_seen(links["a_device"], links["a_port"], snap, seen)
    B["seen"], B["gone"] = evidence.end_seen(links["b_device"], links["b_port"], snap, seen)
    A["flap"], B["flap"] = evidence.flap_both_ends(A["flap"], B["flap"], *evidence.link_down_known(links, snap))
    # an end reported administratively down explains its link's darkness (its laser is off, no LLDP):
    # no fault finding, not counted for shared parts; listed as not judged (health.evidence)
    adm_a, adm_b = plan_adm_a[in_play], plan_adm_b[in_play]
    evidence.explain_admin_down(A, B, adm_a, adm_b)
    sev = np.fmax(fa["sev"].to_numpy(dtype=float), fb["sev"].to_numpy(dtype=float))
    media = links["media"].astype(str).str.lower()
    link_feats = {"assembly": media.isin(["dac", "acc", "aoc"]).to_numpy(),
                  "copper": media.isin(["dac", "acc"]).to_numpy(), "aoc": (media == "aoc").to_numpy()}
    n = len(links)
    chosen = np.full(n, -1)
    patterns = list(rules["pattern"]) + [_SM_LOST]
    x_is_a = np.ones(n, dtype=bool)
    for i, pat in enumerate(rules["pattern"]):
        for xa_, X, Y in ((True, A, B), (False, B, A)):
            m = chosen < 0
            for feat, want in pat["when"].items():
                if feat in link_feats:
                    v = link_feats[feat]
                else:
                    name, side = feat.rsplit("_", 1)
                    v = (X if side == "x" else Y)[name]
                m &= v == want
            chosen[m] = i
            x_is_a[m] = xa_
    # a link the subnet manager lost with no symptom pattern of its own: counted for the wide parts
    # (plane, row) and shown under them; alone it is the cabling check's `missing`, not a finding here
    quiet = (chosen < 0) & links["cable_id"].isin(sm_lost_ids).to_numpy()
    chosen[quiet] = len(patterns) - 1
    sev = np.where(quiet & np.isnan(sev), 2.0, sev)
    diag = links.assign(pattern=[patterns[i]["name"] if i >= 0 else None for i in chosen],
                        pidx=chosen, x_is_a=x_is_a, sev=sev)
    diag["rx_a"], diag["rx_b"], diag["tx_a"], diag["tx_b"] = _device_evidence(A, B, links, seen)
    # what a passive part of the path (patch panel) can cause: loss, or errors seen both ways
    # (light lost on the way, not light never sent: a far transmitter measured low explains its loss)
    diag["medium"] = (((A["rx_low"] | A["dark"]) & ~B["tx_low"]) | ((B["rx_low"] | B["dark"]) & ~A["tx_low"])
                      | (A["err"] & B["err"]))
    # what a fabric-wide event (a plane's switches powered off or unreachable) can cause: lost links
    diag["lost"] = (A["dark"] | B["dark"] | A["down"] | B["down"] | A["gone"] | B["gone"]
                    | links["cable_id"].isin(sm_lost_ids).to_numpy())
    diag["lidx"] = np.arange(n)
    diag = diag[diag["pidx"] >= 0].reset_index(drop=True)
    diag["x_device"] = np.where(diag["x_is_a"], diag["a_device"], diag["b_device"])
    diag["x_port"] = np.where(diag["x_is_a"], diag["a_port"], diag["b_port"])
    diag["y_device"] = np.where(diag["x_is_a"], diag["b_device"], diag["a_device"])
    diag["y_port"] = np.where(diag["x_is_a"], diag["b_port"], diag["a_port"])
    e = graph.ends
    near = e[e["cable_id"].isin(set(diag["cable_id"]))]
    ident = {(d, p): (m, b) for d, p, m, b in zip(near["device"], near["port"], near["module"], near["module_basis"])}
    rules = {**rules, "pattern": patterns}
    # devices the sweep looked for and did not find were observed (as gone), not unknown
    # links with an end reported administratively down are neither bad nor good for the shared-part
    # tests: out of every part's denominator too
    adm_plan = plan_adm_a | plan_adm_b
    judged_plan = plan[~adm_plan] if adm_plan.any() else plan
    shared, absorbed = shared_parts(diag, graph, rules, seen | vanished, judged_plan,
                                    _identity_groups(diag, rules, ident))
    gone_nics = _vanished_nics(diag, graph, patterns, absorbed)
    shared += gone_nics
    absorbed |= {c for part in gone_nics for c in part["cables"]}
    findings = []
    # symptom records of the diagnosed links' ends only, converted once
    by_port: dict[tuple[str, str], list[dict]] = {}
    if len(symptoms):
        ends = pd.MultiIndex.from_arrays([np.concatenate([diag["a_device"], diag["b_device"]]),
                                          np.concatenate([diag["a_port"], diag["b_port"]])])
        mine = symptoms[pd.MultiIndex.from_arrays([symptoms["device"], symptoms["port"]]).isin(ends)]
        for rec in mine[["device", "port", "lane", "rule", "severity", "value", "threshold", "unit",
                         "detail"]].to_dict("records"):
            by_port.setdefault((rec["device"], rec["port"]), []).append(rec)
    child_findings: dict[str, Finding] = {}
    for r in diag.itertuples(index=False):
        f = _link_finding(r, rules["pattern"][r.pidx], by_port, ident, inv, snap.taken_at)
        child_findings[r.cable_id] = f
    for part in shared:
        kids = [child_findings[c] for c in part["cables"] if c in child_findings]
        findings.append(_shared_finding(part, kids, rules, inv, snap.taken_at))
    rest = [f for c, f in child_findings.items() if c not in absorbed and f.kind != _SM_LOST["name"]]
    rest += _second_part_findings(diag[~diag["cable_id"].isin(absorbed)], A, B, rules, by_port, ident, inv,
                                  snap.taken_at)
    findings += _merge_same_part(rest, rules, inv, snap.taken_at)
    diag = diag[(diag["pidx"] != len(patterns) - 1).to_numpy() | diag["cable_id"].isin(absorbed).to_numpy()]
    diag = diag.reset_index(drop=True)
    handled = set(zip(diag["a_device"], diag["a_port"])) | set(zip(diag["b_device"], diag["b_port"]))
    # the ends of links an admin-down end explains are handled too (listed by jobs.admin_down_links)
    nj = links[adm_a | adm_b]
    handled |= set(zip(nj["a_device"], nj["a_port"])) | set(zip(nj["b_device"], nj["b_port"]))
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.kind, f.device, f.port))
    return Localized(findings, handled, diag)


def _vanished_nics(diag: pd.DataFrame, graph: FabricGraph, patterns: list[dict], absorbed: set[str]) -> list[dict]:
    """A NIC all of whose planned ports (two or more) vanished from their collected host (the
    `vanished_port` pattern on each): one NIC, not that many separate ports. A cable or a module
    never removes a netdev; every function of one NIC gone at once is the NIC (off the bus, its
    firmware or driver failed), or its slot. A NIC keeping one planned port is left to the tests."""
    idx = [i for i, p in enumerate(patterns) if p.get("name") == "vanished_port"]
    e = graph.ends
    if diag.empty or not idx or "nic" not in e:
        return []
    sel = diag[diag["pidx"].isin(idx).to_numpy() & ~diag["cable_id"].isin(absorbed).to_numpy()]
    if sel.empty:
        return []
    nics = e.loc[e["nic"].notna().to_numpy(), ["device", "port", "nic", "cable_id"]]
    gone = pd.DataFrame({"device": sel["y_device"].to_numpy(), "port": sel["y_port"].to_numpy(),
                         "cable_id": sel["cable_id"].to_numpy()})
    gone = gone.merge(nics[["device", "port", "nic"]].drop_duplicates(["device", "port"]), on=["device", "port"])
    out = []
    for (dev, nic), g in gone.groupby(["device", "nic"], sort=True):
        planned = nics.loc[(nics["device"] == dev).to_numpy() & (nics["nic"] == nic).to_numpy(), "cable_id"].nunique()
        if len(g) < 2 or len(g) < planned:
            continue
        ref = f"{dev}:{nic}"
        out.append({"component": "nic", "ref": ref, "direction": "any", "cables": sorted(g["cable_id"]),
                    "k": len(g), "n": planned, "p": math.nan, "base": math.nan, "logp": math.nan, "tests": 0,
                    "evidence": f"every planned port of NIC {ref} ({len(g)} of {planned}: "
                                f"{', '.join(sorted(g['port']))}) is missing from every output of its collected "
                                "host, the far ends down: the NIC (or its slot), not separate ports"})
    return out


def _second_part_findings(diag: pd.DataFrame, A: dict, B: dict, rules: dict, by_port: dict, ident: dict,
                          inv: Inventory, taken_at) -> list[Finding]:
    """A second bad part on a diagnosed link (localize.toml [[second_part]]): evidence measured at the
    end the link's finding does not blame, of that end's own module or port (its temperature over its
    own alarm, its own laser measured low, its host-side Tx LOS/LOL), which the first part's fault
    cannot cause. One extra finding naming that part; the link's first finding stays as it is."""
    seconds = rules.get("second_part") or []
    if diag.empty or not seconds:
        return []
    first_role = np.array([rules["pattern"][i]["suspects"][0][0] for i in diag["pidx"]], dtype=object)
    blamed_x = np.array([r.endswith("_x") for r in first_role], dtype=bool)
    blamed_y = np.array([r.endswith("_y") for r in first_role], dtype=bool)
    xa = diag["x_is_a"].to_numpy(dtype=bool)
    li = diag["lidx"].to_numpy()
    # candidate end E: the end the first finding does not blame (either end when it blames the cable)
    cand_a = np.where(xa, ~blamed_x, ~blamed_y)
    cand_b = np.where(xa, ~blamed_y, ~blamed_x)
    out: list[Finding] = []
    done = np.zeros((len(diag), 2), dtype=bool)
    for pat in seconds:
        for k, (E, F, cand) in enumerate(((A, B, cand_a), (B, A, cand_b))):
            m = cand & ~done[:, k]
            for feat, want in pat["when"].items():
                name, side = feat.rsplit("_", 1)
                m &= (E if side == "x" else F)[name][li] == want
            done[:, k] |= m
            for j in np.flatnonzero(m):
                r = diag.iloc[j]
                e_is_a = k == 0
                row = r.copy()
                row["x_device"], row["x_port"] = (r["a_device"], r["a_port"]) if e_is_a else (r["b_device"], r["b_port"])
                row["y_device"], row["y_port"] = (r["b_device"], r["b_port"]) if e_is_a else (r["a_device"], r["a_port"])
                t = next(iter(pd.DataFrame([row]).itertuples(index=False)))
                f = _link_finding(t, pat, by_port, ident, inv, taken_at)
                f.id = finding_id("link", str(r["cable_id"]), "second", str(row["x_device"]), str(row["x_port"]))
                out.append(f)
    return out


_IB_PLATFORMS = ("ib-host", "ibdiagnet", "ib")
_SM_PARSERS = ("ibdiagnet-net-dump", "ibdiagnet-db-csv")
#: the pseudo-pattern of a link the subnet manager lost without a symptom pattern of its own
_SM_LOST = {"name": "link_lost",
            "reason": "the subnet manager's sweep (ibdiagnet) no longer sees this planned link: a port reported down, "
                      "or an end whose port or whole device the sweep did not find",
            "when": {}, "suspects": [["cable", 0.5], ["port_x", 0.25], ["port_y", 0.25]],
            "action": "Check cable {cable} between {x} and {y}, and that both devices are powered"}


def sm_lost_links(plan: pd.DataFrame, snap: Snapshot, inv: Inventory, seen: set[str]) -> tuple[np.ndarray, set[str]]:
    """InfiniBand links the subnet manager's sweep no longer sees (docs/localization.md).

    ibdiagnet walks the whole subnet from the SM over the links that are up: every device it does
    not report was looked for and not found. So, when a sweep's net_dump or db_csv was read, a
    planned link between two InfiniBand devices (inventory platform ib-host / ibdiagnet) of a plane
    the sweep reached (it reported a device of that plane) is lost when an end's port is reported
    down, or is missing from a device the sweep reported, or its device was not found at all
    (vanished). Without a sweep (the SM host did not answer) nothing is inferred: unknown.
    Returns (per plan row: lost, the vanished devices)."""
    none = np.zeros(len(plan), dtype=bool), set()
    col = snap.collection
    if plan.empty or col.empty or "parser" not in col:
        return none
    ok = col["ok"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if not (col["parser"].isin(_SM_PARSERS).to_numpy() & ok).any():
        return none
    ib = {n for n, d in inv.devices.items() if d.platform in _IB_PLATFORMS}
    a, b = plan["a_device"], plan["b_device"]
    both = (a.isin(ib) & b.isin(ib)).to_numpy()
    reached_any = (a.isin(seen) | b.isin(seen)).to_numpy() & both
    planes = plan["plane"].astype(str).to_numpy()
    swept = both & np.isin(planes, np.unique(planes[reached_any]))
    if not swept.any():
        return none
    vanished = (set(a[swept]) | set(b[swept])) - seen
    p = snap.ports
    down_keys = pd.MultiIndex.from_frame(
        p.loc[(p["oper_up"].astype("boolean") == False).fillna(False).to_numpy(dtype=bool),  # noqa: E712
              ["device", "port"]])
    with_ports = set(p["device"].unique())
    known = pd.MultiIndex.from_frame(p[["device", "port"]])
    lost = np.zeros(len(plan), dtype=bool)
    for dev, port in ((a, plan["a_port"]), (b, plan["b_port"])):
        key = pd.MultiIndex.from_arrays([dev, port])
        end = (np.asarray(key.isin(down_keys), dtype=bool) | dev.isin(vanished).to_numpy()
               | (dev.isin(with_ports).to_numpy() & ~np.asarray(key.isin(known), dtype=bool)))
        lost |= end
    return lost & swept, vanished


def _device_evidence(A: dict, B: dict, links: pd.DataFrame, seen: set[str]):
    """Per link: (rx_a, rx_b, tx_a, tx_b), the evidence a link gives against a device-side part
    (switch, linecard, NIC) at end a or b, by direction.

    A device's ASIC/SerDes does not attenuate light: what points at it is electrical. Its receive
    side (rx): its own receiver counts PHY errors while the optics of the link are clean (no low,
    dark or overloaded Rx at that end, the far transmitter not low, the module not over its
    temperature alarm). Its transmit side (tx): the far receiver counts such errors in what it
    sends. A module's host-side Tx LOS/LOL names that port (its own finding), not the device: one
    port's electrical path failing is a port fault. Optical loss (low Rx, dark lanes, a weak laser) belongs to modules, fiber
    and connectors and is not counted for devices. A device that was not collected (an unreachable,
    perhaps dead switch) is also blamed on its transmit side for far ends that are dark or down."""
    # errors at a receiver over its high alarm (overload) or in a module over its temperature alarm
    # have a cause of their own at that end: not the device's electrical path
    clean_a = ~A["rx_low"] & ~A["dark"] & ~B["tx_low"] & ~A["overload"] & ~A.get("hot_alarm", False)
    clean_b = ~B["rx_low"] & ~B["dark"] & ~A["tx_low"] & ~B["overload"] & ~B.get("hot_alarm", False)
    # errors both ways on one link are the medium between them (the cable, an assembly), not one
    # device's receiver and the other's transmitter at once
    one_way = ~(A["err"] & B["err"])
    rx_a, rx_b = A["err"] & clean_a & one_way, B["err"] & clean_b & one_way
    gone_a = ~links["a_device"].isin(seen).to_numpy(dtype=bool)
    gone_b = ~links["b_device"].isin(seen).to_numpy(dtype=bool)
    tx_a = rx_b | (gone_a & (B["dark"] | B["down"]))
    tx_b = rx_a | (gone_b & (A["dark"] | A["down"]))
    return rx_a, rx_b, tx_a, tx_b


def _merge_same_part(findings: list[Finding], rules: dict, inv: Inventory, taken_at) -> list[Finding]:
    """Link findings whose first suspect is one replaceable part: a module (identified by its serial
    number, so a twin-port module seen from both of its ports, even on two NICs) or a breakout
    harness (legs C123.1, C123.2 of one harness). One finding for the part, the links under it."""
    def key(f: Finding):
        s = f.suspects[0] if f.suspects else None
        if not s:
            return None
        if s["component"] == "transceiver":
            return ("transceiver", s["ref"])
        if s["component"] == "cable" and f.link.get("cable_id"):
            h = naming.harness_of(f.link["cable_id"])
            return ("cable", h) if h else None
        return None

    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        k = key(f)
        if k:
            groups.setdefault(k, []).append(f)
    out = [f for f in findings if not (key(f) and len(groups[key(f)]) > 1)]
    for (comp, ref), fs in groups.items():
        if len(fs) > 1:
            part = {"component": comp, "ref": ref, "k": len(fs), "n": len(fs), "p": float("nan"), "base": float("nan"),
                    "direction": None}
            out.append(_shared_finding(part, fs, rules, inv, taken_at))
    return out


def _identity_groups(diag: pd.DataFrame, rules: dict, ident: dict) -> dict[str, list[str]]:
    """Links whose first suspect is one replaceable part by identity (one module serial, one
    breakout harness): representative cable -> all the group's cables, for groups of two or more.
    The shared-part test counts such a group once: one bad module is one event, not k."""
    key = []
    for r in diag.itertuples(index=False):
        role = rules["pattern"][r.pidx]["suspects"][0][0]
        if role.startswith("transceiver"):
            end = (r.x_device, r.x_port) if role.endswith("_x") else (r.y_device, r.y_port)
            key.append(("transceiver", ident.get(end, (f"{end[0]}:{end[1]}", ""))[0]))
        elif role == "cable" and naming.harness_of(r.cable_id):
            key.append(("cable", naming.harness_of(r.cable_id)))
        else:
            key.append(None)
    groups: dict = {}
    for k, c in zip(key, diag["cable_id"]):
        if k is not None:
            groups.setdefault(k, []).append(c)
    return {min(cs): sorted(cs) for cs in groups.values() if len(cs) > 1}


def log_binomial_tail(k: int, n: int, p: float) -> float:
    """log P(X >= k) for X ~ Binomial(n, p), summed in log space (no overflow for any n)."""
    return float(log_binom_sf(k, n, p))


def device_log_bf(k: int, n: int, p: float, shares: tuple[float, float] = (0.03, 0.3), steps: int = 28) -> float:
    """ln of the Bayes factor of "a device fault makes each of its n links symptomatic with a
    probability f (uniform over `shares`), on top of the peers' rate p" against "independent faults
    at rate p", for k symptomatic links of n (the binomial coefficients cancel)."""
    if n <= 0 or k <= 0:
        return -math.inf
    p = min(max(p, 1e-9), 1.0 - 1e-9)
    f = np.linspace(shares[0], shares[1], steps)
    q = np.clip(f + p - f * p, 1e-12, 1.0 - 1e-12)
    terms = k * np.log(q / p) + (n - k) * np.log((1.0 - q) / (1.0 - p))
    top = float(terms.max())
    return top + math.log(float(np.exp(terms - top).mean()))


def _bh_cutoff(logp: np.ndarray, m: int, q: float) -> float:
    """Benjamini-Hochberg over `m` tests of which `logp` are the ones that can be rejected (the
    rest have p = 1): the largest log p-value rejected at false-discovery rate q (-inf: none)."""
    if not len(logp) or m <= 0:
        return -math.inf
    srt = np.sort(logp)
    ranks = np.arange(1, len(srt) + 1)
    ok = srt <= np.log(ranks * q / m)
    if not ok.any():
        return -math.inf
    return float(srt[np.flatnonzero(ok).max()])


_DEVICE_SIDE = ("switch", "linecard", "nic")
_WIDE = ("plane", "row")   # fabric-wide parts: blamed for lost links only
_CABLE_SIDE = ("cable", "patch_panel", "plane")


def shared_parts(diag: pd.DataFrame, graph: FabricGraph, rules: dict, seen: set[str], plan: pd.DataFrame,
                 groups: dict[str, list[str]] | None = None):
    """Shared parts (switch, linecard, NIC, breakout harness, patch panel, plane) whose links are
    symptomatic beyond what their peers show (docs/localization.md).

    Device-side parts are tested per direction: `rx` counts the part's links whose receiver at the
    part's device saw trouble, `tx` the links whose far receiver saw trouble in what the part sent
    (or whose own transmitter reports low power). n counts only the part's links whose observing end
    was collected. The base rate is that of its peers (same component, device role and media,
    leave-one-out, Laplace-smoothed); the p-value a binomial tail in log space; the parts
    significant under Benjamini-Hochberg at false-discovery rate `fdr` over every part tested are
    then taken greedily, narrowest kind of part first (harness, NIC, patch panel, linecard, switch,
    plane) and the most significant first within a kind, re-testing the rest without the links
    already explained: a plane is blamed only for what its switches and cables do not explain. A part whose links span several classes (a
    leaf's host-facing AOCs and its fiber uplinks) is tested on all of them at once against the
    mean of its classes' peer rates. Modules are not tested here: their identity (one
    serial on several ports) merges their links directly; such a group (`groups`: representative
    cable -> its cables) counts as one symptomatic link here, and goes with its representative."""
    cfg = rules["shared"]
    min_links, q = int(cfg["min_links"]), float(cfg["fdr"])
    e = graph.ends
    if not len(diag):
        return [], set()
    collected = e["device"].isin(seen).to_numpy()
    far_collected = e["far_device"].isin(seen).to_numpy()
    e = e.assign(_col=collected, _farcol=far_collected, _media=e["media"].astype(str).str.lower())
    # membership by a hash index of the plan's ids (isin over pandas' Arrow text is ~10x slower)
    in_plan = pd.Index(pd.unique(plan["cable_id"].to_numpy(dtype=object))).get_indexer(e["cable_id"]) >= 0
    if not in_plan.all():   # every end is normally planned: no copy of the wide ends table then
        e = e[in_plan]
    # per (cable, device): did this end receive trouble, did it send trouble
    flags = pd.concat([
        pd.DataFrame({"cable_id": diag["cable_id"].to_numpy(), "device": diag["a_device"].to_numpy(),
                      "rx": diag["rx_a"].to_numpy(dtype=bool), "tx": diag["tx_a"].to_numpy(dtype=bool)}),
        pd.DataFrame({"cable_id": diag["cable_id"].to_numpy(), "device": diag["b_device"].to_numpy(),
                      "rx": diag["rx_b"].to_numpy(dtype=bool), "tx": diag["tx_b"].to_numpy(dtype=bool)})],
        ignore_index=True)
    groups = groups or {}
    members_of = {c: rep for rep, cs in groups.items() for c in cs}
    hidden = {c for c, rep in members_of.items() if c != rep}
    if hidden:
        flags = flags[~flags["cable_id"].isin(hidden)]
        diag = diag[~diag["cable_id"].isin(hidden)]
    dev_parts = _device_side_parts(e)
    cparts = _cable_side_parts(plan)
    rows = row_parts(plan, graph.inventory, seen)
    if len(rows):   # a row counts whole links: a member of a breakout/module group is as bad as its group
        rep = rows["cable_id"].map(members_of).astype(object)
        rows["_rep"] = rep.where(rep.notna(), rows["cable_id"])
        cparts = pd.concat([cparts, rows], ignore_index=True)
    lk = e.groupby("cable_id", sort=False).agg(_any=("_col", "any"), _media=("_media", "first"))
    cparts = cparts.merge(lk, left_on="cable_id", right_index=True)
    cparts = cparts[cparts["_any"]]
    chosen, absorbed = [], set()
    wide_share = float(cfg.get("wide_min_share", 0.0))
    # device faults by likelihood ratio (docs/localization.md): a switch/linecard/NIC whose pattern
    # of symptomatic links is `device_bayes_factor` times likelier under a device fault touching a
    # share in `device_fault_share` of its links than under independent faults at its peers' rate
    bayes_min = int(cfg.get("device_min_links", 10 ** 9))
    log_bf_min = math.log(float(cfg.get("device_bayes_factor", math.inf)))
    shares = tuple(float(x) for x in cfg.get("device_fault_share", (0.03, 0.3)))
    # rounds: the links explained by the parts found so far leave the peers' base rates, so one
    # failing switch does not hide another; each round is a fresh Benjamini-Hochberg over its tests
    while True:
        lpmin: list[float] = []
        m, cands = _part_tests(dev_parts, cparts, flags, diag, absorbed, min_links,
                               float(cfg.get("lone_plane_rate", 0.5)), lpmin, float(cfg.get("prior", 1.0)))
        if cfg.get("tarone", True):
            m = _testable(lpmin, q)
            cands = [c for c in cands if c["n"] * math.log(max(c["base"], 1e-300)) <= math.log(q / max(m, 1))]
        # a plane or row event (power, reachability, a trunk) loses most of its links; a handful of
        # independent faults that happen to share a plane is not one
        cands = [c for c in cands if c["component"] not in _WIDE or len(c["all"]) >= wide_share * c["n"]]
        cutoff = _bh_cutoff(np.array([c["logp"] for c in cands]), m, q)

        def accept(d: dict, cables: list[str], logp: float) -> bool:
            if logp <= cutoff:
                return True
            if d["component"] not in _DEVICE_SIDE + ("patch_panel",):
                return False
            # by likelihood ratio, a module or harness erring on all its ports (an identity group)
            # explains itself: only single links count toward the device
            k = sum(c not in groups for c in cables)
            return k >= bayes_min and device_log_bf(k, d["n"], d["base"], shares) >= log_bf_min

        cands = [c for c in cands if accept(c, c["all"], c["logp"]) and (c["component"], c["ref"]) not in
                 {(x["component"], x["ref"]) for x in chosen}]
        significant = list(cands)
        first_new = len(chosen)
        found = 0
        while cands:
            best = None
            for d in cands:
                cables = [c for c in d["all"] if c not in absorbed]
                k = len(cables)
                if k < min_links or (d["component"] in _WIDE and k < wide_share * d["n"]):
                    continue
                logp = log_binomial_tail(k, d["n"], d["base"])
                if not accept(d, cables, logp):
                    continue
                key = (_SPECIFIC.index(d["component"]) if d["component"] in _SPECIFIC else 99, logp, -k)
                if best is None or key < best[0]:
                    best = (key, {**d, "cables": cables, "k": k, "p": math.exp(logp), "logp": logp, "tests": m})
            if best is None:
                break
            part = best[1]
            chosen.append(part)
            found += 1
            part["cables"] = sorted({x for c in part["cables"] for x in groups.get(c, [c])})
            part["k"] = len(part["cables"])
            absorbed.update(part["cables"])
            cands = [d for d in cands if (d["component"], d["ref"]) != (part["component"], part["ref"])]
        if not found:
            return chosen, absorbed
        chosen[first_new:] = _parsimony(chosen[first_new:], significant, groups, m)
        absorbed = {c for part in chosen for c in part["cables"]}


def _parsimony(chosen: list[dict], significant: list[dict], groups: dict[str, list[str]], m: int) -> list[dict]:
    """One broad part instead of several narrower ones inside it when the broad part is bad as a
    whole: two or more chosen parts whose links all belong to a significant broader part (a plane,
    a switch for its linecards) whose own share of bad links is at least each of theirs -- every
    switch of a plane dark is the plane, not each switch; four bad switches among a plane's forty
    stay four switches."""
    rank = {c: i for i, c in enumerate(_SPECIFIC)}
    for big in sorted(significant, key=lambda d: -rank.get(d["component"], 99)):
        mine = set(big["all"])
        inside = [p for p in chosen if rank.get(p["component"], 99) < rank.get(big["component"], 99)
                  and p["cables"] and set(p["cables"]) <= {x for c in mine for x in groups.get(c, [c])}]
        if len(inside) < 2:
            continue
        # shares over whole links: a breakout or twin-port group counts as its member links on
        # both sides (the part's n counts every link; its candidates list one per group)
        cables = sorted({x for c in big["all"] for x in groups.get(c, [c])})
        share = min(1.0, len(cables) / big["n"])
        # or the narrower parts taken together are no worse than the broad part: they are the broad
        # part (every leaf of a dark plane blamed, a few healthy links spread over all of them)
        pooled = min(1.0, sum(len(p["cables"]) for p in inside) / max(sum(p["n"] for p in inside), 1))
        if all(share >= min(1.0, len(p["cables"]) / p["n"]) for p in inside) or share >= pooled - 1e-9:
            merged = {**big, "cables": cables, "k": len(cables), "p": math.exp(big["logp"]), "tests": m}
            # the broad part may itself have been taken this round for the links its narrower parts
            # left over: one entry for it, holding all of its links
            chosen = [p for p in chosen if p not in inside
                      and (p["component"], p["ref"]) != (big["component"], big["ref"])] + [merged]
    return chosen


def _part_tests(dev_parts: pd.DataFrame, cparts: pd.DataFrame, flags: pd.DataFrame, diag: pd.DataFrame,
                drop: set[str], min_links: int, lone_rate: float = 0.5,
                lpmin: list | None = None, prior: float = 1.0) -> tuple[int, list[dict]]:
    """The shared-part tests without the links in `drop`: how many parts are tested (m), and the
    candidates (parts with at least `min_links` symptomatic links) with n, peer rate and log p.
    `lpmin`, when given, receives each test's smallest attainable log p-value (all n links bad).
    The peers' rate is smoothed with `prior` pseudo-links each way: (K + prior) / (N + 2 prior)."""
    m = 0
    cands: list[dict] = []
    if drop:
        flags = flags[~flags["cable_id"].isin(drop)]
        diag = diag[~diag["cable_id"].isin(drop)]
    if len(dev_parts):
        kept = ~dev_parts["cable_id"].isin(drop).to_numpy(dtype=bool) if drop else None
        for direction, colflag in (("rx", "_col"), ("tx", "_farcol")):
            sel = dev_parts[colflag].to_numpy(dtype=bool)   # one filter of the wide table, not two
            dp = dev_parts[sel & kept if kept is not None else sel]
            if dp.empty:
                continue
            fl = flags[flags[direction]][["cable_id", "device"]]
            # the few flagged cables first, then the exact merge over their rows only (same rows, same order)
            near = dp["cable_id"].isin(set(fl["cable_id"])).to_numpy(dtype=bool)
            hit = dp[near].merge(fl, on=["cable_id", "device"])
            cls = ["component", "role", "_media"]
            keys = ["component", "ref", "role", "_media"]
            N = dp.groupby(cls, sort=False).size().rename("N")
            K = hit.groupby(cls, sort=False).size().rename("K")
            members = dp.groupby(cls, sort=False)["ref"].nunique().rename("members")
            per = dp.groupby(keys, sort=False).size().rename("n").reset_index()
            per = (per.join(hit.groupby(keys, sort=False).size().rename("k"), on=keys)
                   .join(N, on=cls).join(K, on=cls).join(members, on=cls).fillna({"k": 0, "K": 0}))
            # the part's expected share from its peers in each class it has links in (leave-one-out,
            # Laplace-smoothed; a class with no other member gives no peers: not tested)
            per = per[per["members"] >= 2]
            per = per.assign(exp=_robust_peer_rate(per, cls, prior) * per["n"])
            agg = per.groupby(["component", "ref"], sort=False).agg(n=("n", "sum"), exp=("exp", "sum"), k=("k", "sum"))
            agg = agg[agg["n"] >= min_links]
            m += len(agg)
            if lpmin is not None:
                lpmin.extend(_log_pmin(agg))
            agg = agg[agg["k"] >= min_links]
            if agg.empty:
                continue
            cab = hit.groupby(["component", "ref"], sort=False)["cable_id"].agg(list)
            for (comp, ref), row in agg.iterrows():
                nn, cables = int(row["n"]), sorted(cab[(comp, ref)])
                base = float(row["exp"]) / nn
                cands.append({"component": comp, "ref": ref, "direction": direction, "all": cables, "n": nn,
                              "base": base, "logp": log_binomial_tail(len(cables), nn, base)})
    # cable-side parts: links with at least one end collected; a patch panel only for what a
    # passive part can cause (loss, or errors both ways), a plane (or row) only for lost links
    # (dark, down, vanished: power, reachability, a fabric-wide event does not dim optics or corrupt
    # codewords), a harness for any symptom
    cp = cparts[~cparts["cable_id"].isin(drop)] if drop else cparts
    if len(cp):
        medium = set(diag.loc[diag["medium"].to_numpy(dtype=bool), "cable_id"])
        anysym = set(diag["cable_id"])
        lost = set(diag.loc[diag["lost"].to_numpy(dtype=bool), "cable_id"]) if "lost" in diag else anysym
        comp = cp["component"].to_numpy()
        cp = cp.assign(_bad=np.where(comp == "patch_panel", cp["cable_id"].isin(medium),
                                     np.where(np.isin(comp, _WIDE), cp["cable_id"].isin(lost),
                                              cp["cable_id"].isin(anysym))))
        if "_rep" in cp:   # row parts (row_parts): a group's member links count with their representative
            cp.loc[cp["_rep"].notna().to_numpy(), "_bad"] = cp["_rep"].dropna().isin(lost).to_numpy()
        cls = ["component", "_media"]
        keys = ["component", "ref", "_media"]
        per = cp.groupby(keys, sort=False).agg(n=("cable_id", "size"), k=("_bad", "sum")).reset_index()
        per = (per.join(cp.groupby(cls, sort=False).size().rename("N"), on=cls)
               .join(cp.groupby(cls, sort=False)["_bad"].sum().rename("K"), on=cls)
               .join(cp.groupby(cls, sort=False)["ref"].nunique().rename("members"), on=cls))
        # one test per part over all its media: each media class contributes its peers' expected share
        # (leave-one-out, Laplace-smoothed), as for device-side parts, so a plane that carries fiber
        # and copper links is one candidate, not one per medium
        # a fabric of one plane has no peer plane: its plane is tested against lone_plane_rate, a
        # prior share of symptomatic links (0.5: most of its links; a whole plane dark is then one
        # finding, not one per link, while a handful of faults in a one-plane fabric stay their own)
        keep = ((per["members"] >= 2) | per["component"].isin(["plane", "row"])).to_numpy()
        per = per[keep]
        lone = ((per["members"] < 2) & per["component"].isin(["plane", "row"])).to_numpy()
        peer = (per["K"] - per["k"] + prior) / (per["N"] - per["n"] + 2.0 * prior)
        per = per.assign(exp=np.where(lone, lone_rate, peer) * per["n"])
        agg = per.groupby(["component", "ref"], sort=False).agg(n=("n", "sum"), exp=("exp", "sum"), k=("k", "sum"))
        agg = agg[agg["n"] >= min_links]
        m += len(agg)
        if lpmin is not None:
            lpmin.extend(_log_pmin(agg))
        agg = agg[agg["k"] >= min_links]
        if len(agg):
            cab = cp[cp["_bad"]].groupby(["component", "ref"], sort=False)["cable_id"].agg(list)
            for (comp, ref), row in agg.iterrows():
                nn, cables = int(row["n"]), sorted(cab[(comp, ref)])
                base = float(row["exp"]) / nn
                cands.append({"component": comp, "ref": ref, "direction": "any", "all": cables,
                              "n": nn, "base": base, "logp": log_binomial_tail(len(cables), nn, base)})
    return m, cands


#: a peer whose own share of symptomatic links has a binomial tail below this (against the others)
#: is itself anomalous (a second failing switch, a dark plane's unreachable leaves) and does not
#: set the base rate its peers are judged by
_OUTLIER_LOGP = math.log(1e-6)


def _robust_peer_rate(per: pd.DataFrame, cls: list[str], prior: float) -> pd.Series:
    """Each part's peer base rate in its class (leave-one-out, smoothed with `prior`), estimated
    without the peers that are anomalous themselves (docs/localization.md): a class's K and N are
    first taken over all members, each member's own tail is tested against the rest, and the
    members below _OUTLIER_LOGP leave the class's counts. Columns: n, k, N, K of `per`."""
    n, k = per["n"].to_numpy(dtype=float), per["k"].to_numpy(dtype=float)
    N, K = per["N"].to_numpy(dtype=float), per["K"].to_numpy(dtype=float)
    loo = (K - k + prior) / (N - n + 2.0 * prior)
    out = (k >= 1) & (log_binom_sf(k, n, np.clip(loo, 1e-12, 1.0)) < _OUTLIER_LOGP)
    if not out.any():
        return pd.Series(loo, index=per.index)
    g = per.assign(_on=np.where(out, n, 0.0), _ok=np.where(out, k, 0.0)).groupby(cls, sort=False)[["_on", "_ok"]]
    sums = g.transform("sum")
    Nc = N - sums["_on"].to_numpy(dtype=float)
    Kc = K - sums["_ok"].to_numpy(dtype=float)
    # an outlier's own links are already out of Nc/Kc; a regular member leaves its own out
    rate = np.where(out, (Kc + prior) / (Nc + 2.0 * prior), (Kc - k + prior) / (Nc - n + 2.0 * prior))
    return pd.Series(np.where(Nc - np.where(out, 0.0, n) > 0, rate, loo), index=per.index)


def _log_pmin(agg: pd.DataFrame) -> list[float]:
    """Smallest attainable log p-value of each test of `agg` (n, exp): all n links bad, n ln(base)."""
    n = agg["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        return list(n * np.log(np.clip(agg["exp"].to_numpy(dtype=float) / n, 0.0, 1.0)))


def _testable(lpmin: list[float], q: float) -> int:
    """Tarone's count of testable hypotheses for discrete tests, as used with Benjamini-Hochberg
    (Gilbert 2005): the smallest K such that at most K tests can reach a p-value of q/K at all. A part
    whose every link would have to fail to be significant (a two-port NIC at a high base rate) cannot
    be a discovery, so it does not dilute the correction for the parts that can."""
    if not lpmin:
        return 0
    v = np.sort(np.asarray(lpmin, dtype=float))
    ks = np.arange(1, len(v) + 1)
    ok = np.searchsorted(v, np.array([math.log(q / K) for K in range(1, len(v) + 1)]), side="right") <= ks
    return int(ks[np.argmax(ok)]) if ok.any() else len(v)


def _device_side_parts(e: pd.DataFrame) -> pd.DataFrame:
    """(cable_id, device, component, ref, role, _media, _col, _farcol) for switch, linecard and NIC."""
    keep = ["cable_id", "device", "role", "_media", "_col", "_farcol"]
    frames = []
    sw = e.loc[e["role"].isin(SWITCH_ROLES).to_numpy(), keep]   # the columns first: ends are wide
    frames.append(sw.assign(component="switch", ref=sw["device"].to_numpy()))
    has_nic = e["nic"].notna().to_numpy()
    if has_nic.any():
        nic = e.loc[has_nic, keep + ["nic"]]
        frames.append(nic[keep].assign(component="nic", ref=(nic["device"].astype(str) + ":" + nic["nic"].astype(str)).to_numpy()))
    eos = e[e["platform"] == "eos"]
    if len(eos):
        lc = eos["port"].astype(str).str.extract(r"^Ethernet(\d+)/\d+/\d+$")[0]
        has = lc.notna().to_numpy()
        if has.any():
            x = eos[has]
            frames.append(x[keep].assign(component="linecard", ref=(x["device"].astype(str) + ":" + lc[has]).to_numpy()))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _cable_side_parts(plan: pd.DataFrame) -> pd.DataFrame:
    """(cable_id, component, ref) for breakout harnesses (legs C123.N), patch panels and planes."""
    ids = plan["cable_id"].astype(str)
    # a leg C123.N: the harness is the part before the last dot when digits follow it (the regex
    # ^(.+)\.\d+$ without a regex per row; ids with a line break keep the regex's own semantics)
    if ids.str.contains("\n", regex=False).any():
        head = ids.str.extract(r"^(.+)\.\d+$")[0]
    else:
        parts = [x.rpartition(".") for x in ids.to_numpy(dtype=object)]
        head = pd.Series([h if d and h and t.isdecimal() else np.nan for h, d, t in parts], index=ids.index, dtype=object)
    frames = [pd.DataFrame({"cable_id": ids[head.notna()].to_numpy(), "component": "cable",
                            "ref": head[head.notna()].to_numpy()}),
              pd.DataFrame({"cable_id": ids.to_numpy(), "component": "plane", "ref": plan["plane"].astype(str).to_numpy()})]
    paths = plan["path"].astype(str)
    hops = paths[paths.str.len() > 0].str.split(";").explode()
    hops = hops[hops.str.len() > 0]
    if len(hops):
        frames.append(pd.DataFrame({"cable_id": ids.reindex(hops.index).to_numpy(), "component": "patch_panel",
                                    "ref": np.array([h.partition(":")[0] for h in hops.to_numpy(dtype=object)],
                                                    dtype=object)}).drop_duplicates())
    return pd.concat(frames, ignore_index=True)


def row_ref(site, hall, row) -> str:
    """A row's ref, SITE/HALL/ROW as far as devices.csv gives them ('' for a device with no row):
    rows of one name in two halls are two rows."""
    row = str(row or "").strip()
    if not row:
        return ""
    return "/".join(x for x in (str(site or "").strip(), str(hall or "").strip(), row) if x)


def row_parts(plan: pd.DataFrame, inv: Inventory, seen: set[str]) -> pd.DataFrame:
    """(cable_id, component='row', ref) for the links that leave a row (one end in it, the other
    outside it: another row, the spines' row) whose outside end was collected (`seen`).

    A row is tested on what the live devices outside it saw of it (docs/localization.md): a row's
    power lost leaves its own devices unreachable, which is unknown and never evidence, and every
    link into it down as seen from outside; its overhead trunk cut shows the same links dark from
    both sides. A row is compared with its peer rows' share; when no other row has a link observed
    from outside (the silent devices are all in this row), with the prior `lone_plane_rate`, as a
    plane with no peer is. Links inside a row do not count: they tell a rack or a device, not the
    row. Rows are SITE/HALL/ROW from devices.csv; with fewer than two rows nothing is tested."""
    refs = {n: row_ref(d.site, d.hall, d.row) for n, d in inv.devices.items()}
    if len(set(refs.values()) - {""}) < 2 or plan.empty:
        return pd.DataFrame(columns=["cable_id", "component", "ref"])
    ra = plan["a_device"].map(refs).fillna("").to_numpy(dtype=object)
    rb = plan["b_device"].map(refs).fillna("").to_numpy(dtype=object)
    leaves = ra != rb
    ids = plan["cable_id"].astype(str).to_numpy()
    frames = []
    for mine, other_dev in ((ra, plan["b_device"]), (rb, plan["a_device"])):
        m = leaves & (mine != "") & other_dev.isin(seen).to_numpy()
        frames.append(pd.DataFrame({"cable_id": ids[m], "component": "row", "ref": mine[m]}))
    return pd.concat(frames, ignore_index=True)


def _ref(role: str, r, ident: dict) -> tuple[str, str, str]:
    """(component, ref, how the module was identified) of a suspect role of a link."""
    if role in ("cable", "connector"):
        return role, r.cable_id, ""
    dev, port = (r.x_device, r.x_port) if role.endswith("_x") else (r.y_device, r.y_port)
    if role.startswith("transceiver"):
        mod, basis = ident.get((dev, port), (f"{dev}:{port}", "name"))
        return "transceiver", mod, basis
    return "port", f"{dev}:{port}", ""


def _loc(inv: Inventory, device: str) -> str | None:
    d = inv.devices.get(device)
    return d.location() if d else None


_BASIS = {"serial": "identified by its serial number", "plan": "named by the plan's cage/module column",
          "name": "identified by port name only (no serial number reported)"}


def _link_finding(r, pat: dict, by_port: dict, ident: dict, inv: Inventory, taken_at) -> Finding:
    suspects = []
    notes = []
    for role, conf in pat["suspects"]:
        comp, ref, basis = _ref(role, r, ident)
        dev = ref.split(":")[0] if comp in ("transceiver", "port") else r.x_device
        suspects.append({"component": comp, "ref": ref, "location": _loc(inv, dev), "confidence": conf})
        if comp == "transceiver" and basis == "name" and not suspects[:-1]:
            # the part to replace first is known only by its port's name: say so
            end = (r.x_device, r.x_port) if role.endswith("_x") else (r.y_device, r.y_port)
            notes.append(f"module {ref} at {end[0]}:{end[1]}: {_BASIS[basis]}")
    total = sum(s["confidence"] for s in suspects) or 1.0
    for s in suspects:
        s["confidence"] = round(s["confidence"] / total, 3)
    sym = by_port.get((r.a_device, r.a_port), []) + by_port.get((r.b_device, r.b_port), [])
    evidence = [f"{s['device']}:{s['port']} {describe(s)}" for s in sym]
    if pat["name"] == "flapping_link":
        evidence.append("link-down events at or over the flapping threshold at "
                        + " and ".join(f"{d}:{p}" for d, p in ((r.a_device, r.a_port), (r.b_device, r.b_port))))
    evidence += notes
    lanes = sorted({int(s["lane"]) for s in sym if s.get("lane") is not None and not pd.isna(s["lane"])})
    # the finding sits at the end of its first suspect (the far transmitter for a decaying laser)
    first_role = pat["suspects"][0][0]
    dev_, port_ = (r.y_device, r.y_port) if first_role.endswith("_y") else (r.x_device, r.x_port)
    sev = {2: "critical", 1: "warning"}.get(int(r.sev) if not pd.isna(r.sev) else 1, "warning")
    return Finding(
        id=finding_id("link", r.cable_id), severity=sev, kind=pat["name"], plane=str(r.plane) or None,
        link={"a_device": r.a_device, "a_port": r.a_port, "b_device": r.b_device, "b_port": r.b_port,
              "cable_id": r.cable_id},
        suspects=suspects,
        action=pat["action"].format(cable=r.cable_id, x=f"{r.x_device}:{r.x_port}", y=f"{r.y_device}:{r.y_port}",
                                    x_device=r.x_device, y_device=r.y_device),
        evidence=evidence, first_seen=taken_at, last_seen=taken_at, device=dev_, port=port_, lanes=lanes,
        reason=pat["reason"], symptoms=[_jsonable(s) for s in sym])


_DIRECTION = {"rx": "errors or loss seen by its own receivers",
              "tx": "errors or loss seen at the far ends of its links (what it transmits)",
              "any": "symptomatic"}


def _shared_finding(part: dict, kids: list[Finding], rules: dict, inv: Inventory, taken_at) -> Finding:
    comp, ref = part["component"], part["ref"]
    kind = rules["shared"]["kind"].get(comp, f"failing_{comp}")
    dev = ref.split(":")[0]
    first = {"component": comp, "ref": ref, "location": _loc(inv, dev) if dev in inv.devices else None,
             "confidence": 0.9}
    direction = part.get("direction")
    if part.get("evidence"):
        evidence = [part["evidence"]]
    elif math.isnan(part["p"]):
        what = "module" if comp == "transceiver" else "breakout harness" if comp == "cable" else comp
        evidence = [f"{part['k']} links blame the same {what} {ref}"]
    else:
        evidence = [f"{part['k']} of the {part['n']} collected links of {comp} {ref} are {_DIRECTION[direction]}; "
                    f"peer base rate {part['base']:.2e}, binomial tail {format_tail(part['k'], part['n'], part['base'])} "
                    f"(significant at false-discovery rate {rules['shared']['fdr']:g} over {part['tests']} parts tested)"]
    quiet = sum(k.kind == _SM_LOST["name"] for k in kids)
    if quiet:
        evidence.append(f"{quiet} of them the subnet manager's sweep (ibdiagnet) no longer sees: a port reported "
                        "down, or an end whose port or whole device the sweep did not find")
    evidence += [f"{k.link['cable_id']}: {k.kind} ({k.link['a_device']}:{k.link['a_port']} - "
                 f"{k.link['b_device']}:{k.link['b_port']})" for k in kids]
    action_key = f"{comp}_{direction}" if f"{comp}_{direction}" in rules["shared"]["action"] else comp
    f = Finding(
        id=finding_id("part", comp, ref), severity="critical", kind=kind,
        plane=(kids[0].plane if kids and all(k.plane == kids[0].plane for k in kids) else None),
        link={"a_device": dev if dev in inv.devices else None, "a_port": None, "b_device": None, "b_port": None,
              "cable_id": ref if comp == "cable" else None},
        suspects=[first] + [{"component": "cable", "ref": k.link["cable_id"], "location": k.suspects[0]["location"]
                             if k.suspects else None, "confidence": round(0.1 / max(len(kids), 1), 3)} for k in kids[:3]],
        action=rules["shared"]["action"].get(action_key, "Inspect {ref}").format(ref=ref, k=part["k"], n=part["n"]),
        evidence=evidence, first_seen=taken_at, last_seen=taken_at, device=dev, port="",
        reason=f"{part['k']} links that share {comp} {ref} are failing together", symptoms=[])
    f.children = [k.to_json() for k in kids]
    return f

"""Localize the bad part: symptoms of both ends of every planned link -> link findings, and
shared-part findings when many links that depend on one part are bad (health/localize.toml).

Everything is column-wise over the links: per-end features from the symptoms table, joined onto
the plan's cables for each end; the patterns are boolean masks evaluated for X = a and X = b; the
shared-part test is a group-by over the fabric's parts table with a binomial tail per part.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from netdiag.fabric.graph import FabricGraph
from netdiag.fabric.stats import binom_sf, format_tail
from netdiag.findings import Finding, _jsonable, describe, finding_id
from netdiag.health.rules import SEVERITY_RANK
from netdiag.inventory import Inventory
from netdiag.model import Snapshot

FEATURES = ("rx_low", "dark", "tx_low", "err", "hot", "down", "flap", "volt", "seen")
_RULE_FEATURES = {
    "rx_power_low": ("rx_low",), "dark_lane": ("rx_low", "dark"), "rx_los": ("rx_low", "dark"),
    "rx_lol": ("rx_low",), "tx_power_low": ("tx_low",), "tx_bias_high": ("tx_low",), "tx_bias_low": ("tx_low",),
    "tx_fault": ("tx_low",), "fec_uncorrectable_cw": ("err",), "rx_crc_errors": ("err",), "symbol_errors": ("err",),
    "port_rcv_errors": ("err",), "raw_ber": ("err",), "effective_ber": ("err",), "symbol_ber": ("err",),
    "module_temperature_high": ("hot",), "link_down": ("down",), "module_voltage_high": ("volt",),
    "module_voltage_low": ("volt",),
}
_SPECIFIC = ["transceiver", "cable", "nic", "patch_panel", "linecard", "switch", "plane"]


def load_rules() -> dict:
    return tomllib.loads(resources.files("netdiag.health").joinpath("localize.toml").read_text())


@dataclass
class Localized:
    findings: list[Finding]          # link and shared-part findings, worst first
    handled_ports: set[tuple[str, str]]   # ports whose symptoms these findings cover
    links: pd.DataFrame              # per diagnosed link: cable_id, pattern, x/y ends, severity


def end_features(symptoms: pd.DataFrame, snap: Snapshot, cfg: dict) -> pd.DataFrame:
    """(device, port) -> boolean features and worst severity."""
    s = symptoms
    rows = []
    if len(s):
        feat = s["rule"].map(_RULE_FEATURES)
        s2 = s.assign(feat=feat).dropna(subset=["feat"]).explode("feat")
        if len(s2):
            piv = pd.crosstab([s2["device"], s2["port"]], s2["feat"]).astype(bool)
            sev = s.assign(r=s["severity"].map(SEVERITY_RANK)).groupby(["device", "port"])["r"].max().rename("sev")
            rows.append(piv.join(sev, how="left"))
    c = snap.counters
    flap_n = cfg["links"]["flap_link_down_events"]
    if len(c):
        lde = c["link_down_events"].astype("Float64").fillna(0).to_numpy(dtype=float)
        fl = c.loc[lde >= flap_n, ["device", "port"]]
        if len(fl):
            rows.append(pd.DataFrame({"flap": True, "sev": 1}, index=pd.MultiIndex.from_frame(fl)))
    # no symptomatic end: an empty frame that still has the (device, port) index
    none = pd.MultiIndex.from_arrays([pd.Index([], dtype=object)] * 2, names=["device", "port"])
    f = pd.concat(rows) if rows else pd.DataFrame({"sev": pd.Series([], dtype=float)}, index=none)
    if len(f):
        f = f.groupby(level=[0, 1]).max()
    for col in FEATURES:
        if col not in f.columns:
            f[col] = False
    for col in FEATURES:
        if col != "seen":
            f[col] = f[col].fillna(False).astype(bool)
    f.index.names = ["device", "port"]
    return f


def localize(snap: Snapshot, symptoms: pd.DataFrame, inv: Inventory, graph: FabricGraph | None = None,
             exclude_cables: set[str] | None = None, cfg: dict | None = None, rules: dict | None = None) -> Localized:
    from netdiag.health.rules import load_thresholds

    cfg = cfg or load_thresholds()
    rules = rules or load_rules()
    graph = graph or FabricGraph(inv)
    cfg = {**cfg, "links": rules["links"]}
    feats = end_features(symptoms, snap, cfg)
    plan = inv.plan
    if exclude_cables:
        plan = plan[~plan["cable_id"].isin(exclude_cables)]
    seen = {d for t in (snap.ports, snap.lanes, snap.counters, snap.modules) for d in t["device"].unique()}
    in_play = (pd.MultiIndex.from_arrays([plan["a_device"], plan["a_port"]]).isin(feats.index)
               | pd.MultiIndex.from_arrays([plan["b_device"], plan["b_port"]]).isin(feats.index))
    links = plan[in_play].reset_index(drop=True)
    if links.empty:
        return Localized([], set(), pd.DataFrame())
    fa = feats.reindex(pd.MultiIndex.from_arrays([links["a_device"], links["a_port"]]))
    fb = feats.reindex(pd.MultiIndex.from_arrays([links["b_device"], links["b_port"]]))
    A = {c: fa[c].fillna(False).to_numpy(dtype=bool) for c in FEATURES if c != "seen"}
    B = {c: fb[c].fillna(False).to_numpy(dtype=bool) for c in FEATURES if c != "seen"}
    A["seen"] = links["a_device"].isin(seen).to_numpy()
    B["seen"] = links["b_device"].isin(seen).to_numpy()
    sev = np.fmax(fa["sev"].to_numpy(dtype=float), fb["sev"].to_numpy(dtype=float))
    assembly = links["media"].isin(["dac", "acc", "aoc"]).to_numpy()
    n = len(links)
    chosen = np.full(n, -1)
    x_is_a = np.ones(n, dtype=bool)
    for i, pat in enumerate(rules["pattern"]):
        for xa, X, Y in ((True, A, B), (False, B, A)):
            m = chosen < 0
            for feat, want in pat["when"].items():
                if feat == "assembly":
                    v = assembly
                else:
                    name, side = feat.rsplit("_", 1)
                    v = (X if side == "x" else Y)[name]
                m &= v == want
            chosen[m] = i
            x_is_a[m] = xa
    diag = links.assign(pattern=[rules["pattern"][i]["name"] if i >= 0 else None for i in chosen],
                        pidx=chosen, x_is_a=x_is_a, sev=sev)
    diag = diag[diag["pidx"] >= 0].reset_index(drop=True)
    diag["x_device"] = np.where(diag["x_is_a"], diag["a_device"], diag["b_device"])
    diag["x_port"] = np.where(diag["x_is_a"], diag["a_port"], diag["b_port"])
    diag["y_device"] = np.where(diag["x_is_a"], diag["b_device"], diag["a_device"])
    diag["y_port"] = np.where(diag["x_is_a"], diag["b_port"], diag["a_port"])
    shared, absorbed = _shared_parts(diag, graph, rules, len(inv.plan))
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
    e = graph.ends
    near = e[e["device"].isin(set(diag["a_device"]) | set(diag["b_device"]))]
    cage = dict(zip(zip(near["device"], near["port"]), near["cage"]))
    child_findings: dict[str, Finding] = {}
    for r in diag.itertuples(index=False):
        f = _link_finding(r, rules["pattern"][r.pidx], by_port, cage, inv, snap.taken_at)
        child_findings[r.cable_id] = f
    for part in shared:
        kids = [child_findings[c] for c in part["cables"] if c in child_findings]
        findings.append(_shared_finding(part, kids, rules, inv, snap.taken_at))
    rest = [f for c, f in child_findings.items() if c not in absorbed]
    findings += _merge_same_part(rest, rules, inv, snap.taken_at)
    handled = set(zip(diag["a_device"], diag["a_port"])) | set(zip(diag["b_device"], diag["b_port"]))
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.kind, f.device, f.port))
    return Localized(findings, handled, diag)


def _merge_same_part(findings: list[Finding], rules: dict, inv: Inventory, taken_at) -> list[Finding]:
    """Link findings whose first suspect is the same module (a twin-port module seen from both of
    its ports): one finding for the part, the links under it, one ticket."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        s = f.suspects[0] if f.suspects else None
        if s and s["component"] == "transceiver":
            groups.setdefault((s["component"], s["ref"]), []).append(f)
    out = [f for f in findings if not (f.suspects and f.suspects[0]["component"] == "transceiver"
                                       and len(groups[(f.suspects[0]["component"], f.suspects[0]["ref"])]) > 1)]
    for (comp, ref), fs in groups.items():
        if len(fs) > 1:
            part = {"component": comp, "ref": ref, "k": len(fs), "n": len(fs), "p": float("nan"), "base": float("nan")}
            out.append(_shared_finding(part, fs, rules, inv, taken_at))
    return out


def _shared_parts(diag: pd.DataFrame, graph: FabricGraph, rules: dict, total_links: int):
    """Parts whose links are symptomatic beyond the base rate. Device-side parts count only links
    whose blamed or observing end is on that device; cable-side parts count any symptomatic link."""
    cfg = rules["shared"]
    parts, sizes = graph.parts_for(set(diag["cable_id"]))
    # the end a link counts toward for device-side parts: its pattern's `device_side` when given,
    # else the end of its first suspect; none when it blames the cable (loss is not a device fault)
    def side(i):
        pat = rules["pattern"][i]
        return pat.get("device_side") or pat["suspects"][0][0].rsplit("_", 1)[-1]
    s_ = diag["pidx"].map(side)
    blamed = np.where(s_ == "y", diag["y_device"], np.where(s_ == "x", diag["x_device"], None))
    bad = diag[["cable_id"]].assign(blamed=blamed)
    p_all = parts[parts["cable_id"].isin(set(bad["cable_id"]))].merge(bad, on="cable_id")
    # a device-side part (module, NIC, switch, linecard) counts a link only when the link's own
    # diagnosis blames that device's end; cable-side parts (harness, panel, plane) count any link
    relevant = p_all["device"].isna() | (p_all["device"] == p_all["blamed"])
    hits = p_all[relevant].groupby(["component", "ref"])["cable_id"].agg(lambda s: sorted(set(s)))
    hits = hits[hits.map(len) >= cfg["min_links"]]
    if hits.empty:
        return [], set()
    cands = []
    for (comp, ref), cables in hits.items():
        n = int(sizes.get((comp, ref), len(cables)))
        if len(cables) / n >= cfg["min_fraction"].get(comp, 1.0):
            cands.append({"component": comp, "ref": ref, "all": cables, "n": n})
    # greedy: the part explaining the most links first (ties to the more specific), then test the
    # rest against a base rate that no longer counts the links already explained
    bad_links = set(diag["cable_id"])
    chosen, absorbed = [], set()
    while cands:
        best = None
        for d in cands:
            cables = [c for c in d["all"] if c not in absorbed]
            k = len(cables)
            if k < cfg["min_links"] or k * 2 <= len(d["all"]):
                continue
            rest_bad = len(bad_links - absorbed) - k
            rest_links = total_links - len(absorbed) - d["n"]
            base = max(rest_bad / max(rest_links, 1), 1.0 / max(total_links, 1))
            pval = binom_sf(k, d["n"], base)  # log space: no overflow for a dark plane (stats.py)
            if pval >= cfg["alpha"]:
                continue
            key = (-k, _SPECIFIC.index(d["component"]) if d["component"] in _SPECIFIC else 99)
            if best is None or key < best[0]:
                best = (key, {**d, "cables": cables, "k": k, "p": pval, "base": base})
        if best is None:
            break
        part = best[1]
        chosen.append(part)
        absorbed.update(part["cables"])
        cands = [d for d in cands if (d["component"], d["ref"]) != (part["component"], part["ref"])]
    return chosen, absorbed


def _ref(role: str, r, cage: pd.Series) -> tuple[str, str]:
    """(component, ref) of a suspect role of a link."""
    if role in ("cable", "connector"):
        return role, r.cable_id
    dev, port = (r.x_device, r.x_port) if role.endswith("_x") else (r.y_device, r.y_port)
    c = cage.get((dev, port), port)
    comp = "transceiver" if role.startswith("transceiver") else "port"
    return comp, f"{dev}:{c}" if comp == "transceiver" else f"{dev}:{port}"


def _loc(inv: Inventory, device: str) -> str | None:
    d = inv.devices.get(device)
    return d.location() if d else None


def _link_finding(r, pat: dict, by_port: dict, cage: dict, inv: Inventory, taken_at) -> Finding:
    suspects = []
    for role, conf in pat["suspects"]:
        comp, ref = _ref(role, r, cage)
        dev = ref.split(":")[0] if comp in ("transceiver", "port") else r.x_device
        suspects.append({"component": comp, "ref": ref, "location": _loc(inv, dev), "confidence": conf})
    total = sum(s["confidence"] for s in suspects) or 1.0
    for s in suspects:
        s["confidence"] = round(s["confidence"] / total, 3)
    sym = by_port.get((r.a_device, r.a_port), []) + by_port.get((r.b_device, r.b_port), [])
    evidence = [f"{s['device']}:{s['port']} {describe(s)}" for s in sym]
    if pat["name"] == "flapping_link":
        evidence.append("link-down events at or over the flapping threshold at "
                        + " and ".join(f"{d}:{p}" for d, p in ((r.a_device, r.a_port), (r.b_device, r.b_port))))
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


def _shared_finding(part: dict, kids: list[Finding], rules: dict, inv: Inventory, taken_at) -> Finding:
    comp, ref = part["component"], part["ref"]
    kind = rules["shared"]["kind"].get(comp, f"failing_{comp}")
    dev = ref.split(":")[0]
    first = {"component": comp, "ref": ref, "location": _loc(inv, dev) if dev in inv.devices else None,
             "confidence": 0.9}
    if math.isnan(part["p"]):
        evidence = [f"{part['k']} links blame the same {comp} {ref}"]
    else:
        evidence = [f"{part['k']} of the {part['n']} links through {comp} {ref} are symptomatic; "
                    f"fleet base rate {part['base']:.2e}, binomial tail {format_tail(part['k'], part['n'], part['base'])}"]
    evidence += [f"{k.link['cable_id']}: {k.kind} ({k.link['a_device']}:{k.link['a_port']} - "
                 f"{k.link['b_device']}:{k.link['b_port']})" for k in kids]
    f = Finding(
        id=finding_id("part", comp, ref), severity="critical", kind=kind,
        plane=(kids[0].plane if kids and all(k.plane == kids[0].plane for k in kids) else None),
        link={"a_device": dev if dev in inv.devices else None, "a_port": None, "b_device": None, "b_port": None,
              "cable_id": ref if comp == "cable" else None},
        suspects=[first] + [{"component": "cable", "ref": k.link["cable_id"], "location": k.suspects[0]["location"]
                             if k.suspects else None, "confidence": round(0.1 / max(len(kids), 1), 3)} for k in kids[:3]],
        action=rules["shared"]["action"].get(comp, "Inspect {ref}").format(ref=ref, k=part["k"], n=part["n"]),
        evidence=evidence, first_seen=taken_at, last_seen=taken_at, device=dev, port="",
        reason=f"{part['k']} links that share {comp} {ref} are failing together", symptoms=[])
    f.children = [k.to_json() for k in kids]
    return f

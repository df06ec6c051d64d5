"""Cabling check: what the neighbors report (LLDP, ibnetdiscover, ibdiagnet) against the plan.

Verdicts per planned cable, vectorised over the fabric:
- ok:          an end sees the planned far end and no end sees anything else;
- swapped:     two cables each land where the other was planned ("swap these two");
- wrong_plane: a port is cabled into a switch of another plane (critical even if the link is up);
- miswire:     the cable lands on a port it was not planned for ("move it from X to Y");
- missing:     planned, not seen from either end, and a collected end reports its port down;
- unknown:     no neighbor data and no port state (LLDP off, device not collected): not a finding.
Observed links between ports that no planned cable explains are `unexpected`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import re

from netdiag.findings import Finding, finding_id
from netdiag.inventory import Inventory

_MAC = re.compile(r"^[0-9a-fA-F]{2}([:.-]?[0-9a-fA-F]{2}){5}$|^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$")
SEVERITY = {"wrong_plane": "critical", "missing": "critical", "swapped": "warning", "miswire": "warning",
            "unexpected": "warning"}
REASON = {"wrong_plane": "port cabled into another plane's switch",
          "missing": "planned cable not seen from either end and the link is down",
          "swapped": "two cables are crossed", "miswire": "cable plugged into a port other than planned",
          "unexpected": "a link that no planned cable explains"}


@dataclass
class CablingResult:
    findings: list[Finding]
    status: pd.DataFrame        # one row per planned cable: cable_id, verdict
    counts: dict[str, int]


def _normalise_names(obs: pd.DataFrame, names: set[str]) -> pd.Series:
    """LLDP system names may be FQDNs: 'leaf01.dc1.example' -> 'leaf01' when that is the inventory name.
    (Decided once per distinct name.)"""
    codes, uniq = pd.factorize(obs["remote_device"])
    fixed = []
    for u in np.asarray(uniq, dtype=object).tolist():
        short = u.split(".", 1)[0] if u not in names and "." in u else None
        fixed.append(short if short is not None and short in names else u)
    fixed.append("")   # a missing name (code -1)
    return pd.Series(np.array(fixed, dtype=object)[codes], index=obs.index, dtype=object)


def _code(values, index: pd.Index) -> np.ndarray:
    """Position of each value in `index`; -1 for a missing value."""
    codes, uniq = pd.factorize(values)
    pos = np.append(index.get_indexer(np.asarray(uniq, dtype=object)), -1) if len(uniq) else np.array([-1])
    return pos[codes]


def _union(*cols) -> pd.Index:
    """The distinct non-missing values of several columns, as one object Index."""
    parts = [np.asarray(pd.unique(pd.Series(c).dropna()), dtype=object) for c in cols]
    return pd.Index(pd.unique(np.concatenate(parts)) if parts else [], dtype=object)


def _mac_key(v: pd.Series) -> pd.Series:
    """The key of a port id: a MAC in any notation as 12 lower-case hex digits, anything else stripped
    (computed once per distinct value)."""
    codes, uniq = pd.factorize(v.astype(object).fillna("").astype(str).to_numpy(dtype=object))
    keys = np.array([_one_mac_key(u) for u in uniq], dtype=object)
    vals = keys[codes] if len(uniq) else np.zeros(len(v), dtype=object)
    return pd.Series(vals, index=v.index, dtype=object)


def _one_mac_key(u: str) -> str:
    t = u.strip()
    return re.sub(r"[^0-9a-f]", "", t.lower()) if _MAC.match(t) else t


def _key_table(ports: pd.DataFrame, col: str) -> pd.DataFrame:
    """(remote_device, _key, _port) for the ports whose `col` gives a non-empty key (most ports of a
    large fabric carry no alias or description: only the rows with a key are copied)."""
    given = ports[col].notna().to_numpy(dtype=bool)   # a missing value gives the empty key
    key = _mac_key(ports.loc[given, col]) if given.any() else pd.Series([], dtype=object)
    has = np.zeros(len(ports), dtype=bool)
    has[np.flatnonzero(given)[(key != "").to_numpy(dtype=bool)]] = True
    key = key[(key != "").to_numpy(dtype=bool)]
    return pd.DataFrame({"remote_device": ports["device"][has].reset_index(drop=True),
                         "_key": key.reset_index(drop=True).astype(str), "_port": ports["port"][has].reset_index(drop=True)})


def canonical_far_ports(obs: pd.DataFrame, ports: pd.DataFrame | None) -> pd.DataFrame:
    """LLDP port ids are what the far device chose to advertise: its ifname, its alias (SONiC can
    send `etp2` or `hundredGigE1/2`), its description or its MAC. A port id that is not a port of
    the far device is mapped onto that device's own port name through its port table (alias,
    description, MAC) when the far device was collected and the key names exactly one port there;
    the port description LLDP carries is tried the same way. Unmapped ids stay as they are."""
    if ports is None or ports.empty or obs.empty:
        return obs
    # the port name itself too: a Linux host's lldpd sends its MAC as port id and the ifname as the
    # port description, and a host captured without `ip link` has no MAC in its port table
    cols = [c for c in ("alias", "description", "mac") if c in ports.columns] + ["port"]
    rp = obs["remote_port"]
    # (device, port) pairs as int64 codes: is the far id a port of the far device?
    devs, pnames = _union(ports["device"], obs["remote_device"]), _union(ports["port"], rp)
    w = len(pnames) + 1
    kp = (_code(ports["device"], devs).astype(np.int64) + 1) * w + _code(ports["port"], pnames) + 1
    ko = (_code(obs["remote_device"], devs).astype(np.int64) + 1) * w + _code(rp, pnames) + 1
    is_port = pd.Series(ko).isin(kp).to_numpy()
    need = ~is_port & rp.notna().to_numpy()
    if not need.any() or not cols:
        return obs
    known = pd.MultiIndex.from_arrays([ports["device"], ports["port"]])
    # only the far devices of the ids to map matter (a key is ambiguous or not within one device)
    far = ports[ports["device"].isin(set(obs["remote_device"][need].dropna()))]
    table = pd.concat([_key_table(far, c) for c in cols], ignore_index=True)
    table = table.drop_duplicates()
    table = table.drop_duplicates(["remote_device", "_key"], keep=False)   # ambiguous keys name no port
    out = obs.copy()
    sub = out.loc[need, ["remote_device", "remote_port", "remote_port_descr"]]
    for src in ("remote_port", "remote_port_descr"):
        k = sub[["remote_device"]].assign(_key=_mac_key(sub[src]).to_numpy())
        hit = k.merge(table, on=["remote_device", "_key"], how="left")["_port"].to_numpy()
        cur = out.loc[need, "remote_port"].to_numpy(dtype=object)
        mapped = pd.notna(hit) & ~np.asarray(pd.MultiIndex.from_arrays([sub["remote_device"], cur]).isin(known), dtype=bool)
        out.loc[need, "remote_port"] = np.where(mapped, hit, cur)
    return out


_ABBREV = re.compile(r"^([A-Za-z][A-Za-z-]*?)[ -]?(\d[\w/.:-]*)$")


def _short_or_unknown_far_ports(obs: pd.DataFrame, ports: pd.DataFrame | None,
                                plan: pd.DataFrame | None = None) -> pd.DataFrame:
    """Far port ids canonical_far_ports left unmapped: a short form of a port name (NX-OS advertises
    `Eth1/1` for Ethernet1/1, IOS `Hu1/0/1` for HundredGigE1/0/1) names the far device's port with
    the same number whose name begins with it, when exactly one does; a MAC address that names no
    port of the far device (not collected, or collected without its MACs), with no port description
    beside it, says which device, not which port: when that is the planned far device, the
    observation is dropped (the end is unknown, never a miswire); a wrong device stays wrong."""
    if obs.empty:
        return obs
    # the few ids that are no port name anywhere (decided once per distinct id), so that a fleet's
    # million neighbour rows cost one factorize; only those rows are looked at further
    codes, uniq = pd.factorize(obs["remote_port"])
    has_ports = ports is not None and len(ports) > 0
    strange = ~pd.Index(uniq, dtype=object).isin(pd.unique(ports["port"])) if has_ports else np.ones(len(uniq), dtype=bool)
    idx = np.flatnonzero((codes >= 0) & np.append(strange, False)[codes])
    if not len(idx):
        return obs
    dev = obs["remote_device"].to_numpy(dtype=object)[idx]
    new = obs["remote_port"].to_numpy(dtype=object)[idx].copy()
    if has_ports:
        far = ports[ports["device"].isin(set(dev)).to_numpy(dtype=bool)]
        by_dev: dict = {}
        for d, p in zip(far["device"], far["port"]):
            m = _ABBREV.match(str(p))
            if m:
                by_dev.setdefault((d, m.group(2)), []).append((m.group(1).lower(), p))
        for i in range(len(idx)):
            m = _ABBREV.match(str(new[i]))
            if m:
                cands = [p for pre, p in by_dev.get((dev[i], m.group(2)), ()) if pre.startswith(m.group(1).lower())]
                if len(cands) == 1:
                    new[i] = cands[0]
        known = set(zip(far["device"], far["port"]))
        off = np.array([(d, p) not in known for d, p in zip(dev, new)], dtype=bool)
    else:
        off = np.ones(len(idx), dtype=bool)
    out = obs.copy()
    rpc = out.columns.get_loc("remote_port")
    out.iloc[idx, rpc] = new
    sub = out.iloc[idx]
    mac = sub["remote_port"].astype(object).fillna("").astype(str).str.strip().str.match(_MAC).to_numpy(dtype=bool)
    descr = (sub["remote_port_descr"].astype(object).fillna("").astype(str).str.strip() != "").to_numpy(dtype=bool) \
        if "remote_port_descr" in sub else np.zeros(len(sub), dtype=bool)
    drop = off & mac & ~descr    # (lldpd sends the MAC as port id and the ifname as port description)
    if drop.any() and plan is not None and len(plan):
        near = sub["device"].to_numpy(dtype=object)
        pl = plan[plan["a_device"].isin(set(near)).to_numpy(dtype=bool) | plan["b_device"].isin(set(near)).to_numpy(dtype=bool)]
        planned = dict(zip(zip(pl["a_device"], pl["a_port"]), pl["b_device"]))
        planned.update(zip(zip(pl["b_device"], pl["b_port"]), pl["a_device"]))
        d_idx = np.flatnonzero(drop)
        drop[d_idx] = [planned.get((d, p)) == r for d, p, r in zip(near[d_idx], sub["port"].to_numpy(dtype=object)[d_idx],
                                                                    dev[d_idx])]
    if not drop.any():
        return out
    keep = np.ones(len(out), dtype=bool)
    keep[idx[drop]] = False
    return out[keep]

def check(inv: Inventory, neighbors: pd.DataFrame, ports: pd.DataFrame,
          collected: set[str] | None = None) -> CablingResult:
    """Compare the plan with the neighbors seen. `ports` gives link state (for `missing`);
    `collected` names the devices whose data was read (others are unknown, never findings)."""
    plan = inv.plan
    names = set(inv.devices) | set(plan["a_device"]) | set(plan["b_device"])
    dev_plane = {n: d.plane for n, d in inv.devices.items() if d.plane}
    # plan ends, both directions
    ea = pd.DataFrame({"cable_id": plan["cable_id"].to_numpy(), "end": "a",
                       "device": plan["a_device"].to_numpy(), "port": plan["a_port"].to_numpy(),
                       "exp_device": plan["b_device"].to_numpy(), "exp_port": plan["b_port"].to_numpy()},
                      dtype=object)   # Python strings as the plan holds them (not copied into Arrow text)
    eb = pd.DataFrame({"cable_id": plan["cable_id"].to_numpy(), "end": "b",
                       "device": plan["b_device"].to_numpy(), "port": plan["b_port"].to_numpy(),
                       "exp_device": plan["a_device"].to_numpy(), "exp_port": plan["a_port"].to_numpy()},
                      dtype=object)
    ends = pd.concat([ea, eb], ignore_index=True)
    obs = neighbors[["device", "port", "remote_device", "remote_port", "remote_port_descr"]].copy()
    obs["remote_device"] = _normalise_names(obs, names)
    obs = canonical_far_ports(obs, ports)
    obs = _short_or_unknown_far_ports(obs, ports, plan)
    # integer keys: (device, port) pairs as one int64, the names in one code space each
    devs = _union(plan["a_device"], plan["b_device"], obs["device"], obs["remote_device"])
    pnames = _union(plan["a_port"], plan["b_port"], obs["port"], obs["remote_port"], obs["remote_port_descr"])
    w = len(pnames) + 1
    pa_d, pb_d = _code(plan["a_device"], devs), _code(plan["b_device"], devs)
    pa_p, pb_p = _code(plan["a_port"], pnames), _code(plan["b_port"], pnames)
    o_d, o_p = _code(obs["device"], devs), _code(obs["port"], pnames)
    o_rd, o_rp = _code(obs["remote_device"], devs), _code(obs["remote_port"], pnames)

    def key(d, p_):
        return (d.astype(np.int64) + 1) * w + (p_ + 1)

    okey = key(o_d, o_p)
    dup = pd.Series(okey * ((len(devs) + 1) * w) + key(o_rd, o_rp)).duplicated().to_numpy()
    obs, okey, o_rd = obs[~dup], okey[~dup], o_rd[~dup]
    o_rp, o_rpd = o_rp[~dup], _code(obs["remote_port_descr"], pnames)
    cid_codes, cid_uniq = pd.factorize(plan["cable_id"].to_numpy(dtype=object))
    ekey = np.concatenate([key(pa_d, pa_p), key(pb_d, pb_p)])
    exp_d, exp_p = np.concatenate([pb_d, pa_d]), np.concatenate([pb_p, pa_p])
    group = np.concatenate([cid_codes * 2, cid_codes * 2 + 1])   # (cable, end)
    # each plan end with each neighbor its port reports (none: -1), in plan-end order
    pairs = pd.DataFrame({"_k": ekey, "_l": np.arange(len(ekey))}).merge(
        pd.DataFrame({"_k": okey, "_r": np.arange(len(okey))}), on="_k", how="left")
    li = pairs["_l"].to_numpy()
    ri = pairs["_r"].to_numpy(dtype="float64", na_value=-1.0).astype(np.int64)
    del pairs
    has = ri >= 0
    rsafe = np.where(has, ri, 0)
    seen = has & (obs["remote_device"].notna().to_numpy()[rsafe] if len(obs) else False)
    rd = np.where(has, o_rd[rsafe] if len(obs) else -1, -1)
    ep = exp_p[li]
    rp_ = np.where(has, o_rp[rsafe] if len(obs) else -1, -1)
    rpd_ = np.where(has, o_rpd[rsafe] if len(obs) else -1, -1)
    match = seen & (rd >= 0) & (rd == exp_d[li]) & (ep >= 0) & ((rp_ == ep) | (rpd_ == ep))
    # a port may list several neighbors (stale entries): one matching entry verifies that end
    rank = np.where(match, 2, np.where(seen, 1, 0))
    g = group[li]
    best = np.zeros(2 * len(cid_uniq), dtype=np.int64)
    np.maximum.at(best, g, rank)
    ra, rb = best[0::2], best[1::2]   # per cable and end: 2 match, 1 other, 0 none
    cid_index = pd.Index(cid_uniq.tolist(), name="cable_id")   # as a group-by of the cable ids gives them
    verdict = pd.Series("unknown", index=cid_index, dtype=object)
    verdict[((ra == 2) | (rb == 2)) & (ra != 1) & (rb != 1)] = "ok"
    bad_cable = (ra == 1) | (rb == 1)

    # what each bad cable is physically connected to, from the end that sees something else
    sel = (rank == 1) & bad_cable[g // 2]
    other = ends.iloc[li[sel]].reset_index(drop=True)
    near_obs = obs.iloc[ri[sel]][["remote_device", "remote_port", "remote_port_descr"]].reset_index(drop=True)
    other = pd.concat([other, near_obs], axis=1)
    other["state"] = pd.Series(["other"] * len(other), index=other.index, dtype=object)
    other = other.sort_values(["cable_id", "end"])
    # a port outside the plan that sees a planned end: that cable lands there (the planned end's own
    # device may not have been collected, e.g. hosts without LLDP access)
    planned = pd.Series(okey).isin(ekey).to_numpy()
    loose = obs[~planned].reset_index(drop=True)
    if len(loose):
        cand = pd.concat([loose.assign(rp=loose["remote_port"]), loose.assign(rp=loose["remote_port_descr"])])
        cand = cand.dropna(subset=["rp"])
        hit = cand.merge(ends.rename(columns={"device": "remote_device", "port": "rp"}), on=["remote_device", "rp"])
        is_ok = verdict.reindex(hit["cable_id"].to_numpy()).to_numpy(dtype=object) == "ok"
        hit = hit[~is_ok & ~hit["cable_id"].isin(set(other["cable_id"])).to_numpy(dtype=bool)]
        if len(hit):
            seen_from = pd.DataFrame({
                "cable_id": hit["cable_id"].to_numpy(), "end": hit["end"].to_numpy(),
                "device": hit["remote_device"].to_numpy(), "port": hit["rp"].to_numpy(),
                "exp_device": hit["exp_device"].to_numpy(), "exp_port": hit["exp_port"].to_numpy(),
                "remote_device": hit["device"].to_numpy(), "remote_port": hit["port"].to_numpy(),
                "remote_port_descr": None, "state": "other"})
            other = pd.concat([other, seen_from], ignore_index=True)
    other = other.drop_duplicates("cable_id")
    # plan ends on the devices involved, as a dict (the rest of the fabric never needs one)
    involved = set(other["remote_device"]) | set(other["exp_device"]) | set(other["device"])
    near = ends[ends["device"].isin(involved)]
    planned_at = {(d, p_): (c, ed, ep) for d, p_, c, ed, ep in
                  near[["device", "port", "cable_id", "exp_device", "exp_port"]].to_numpy(dtype=object).tolist()}
    bad_plan = plan[plan["cable_id"].isin(set(other["cable_id"]) | {c for c, _, _ in planned_at.values()})]
    cable_plane = dict(zip(bad_plan["cable_id"], bad_plan["plane"].astype(str)))
    row_of = plan.set_index("cable_id")
    actual = {r.cable_id: (r.device, r.port, r.remote_device, r.remote_port if not pd.isna(r.remote_port) else "",
                           r.remote_port_descr if not pd.isna(r.remote_port_descr) else "", r.exp_device, r.exp_port)
              for r in other.itertuples(index=False)}

    def far_port_of(a):
        """The far port's name: LLDP port ids of hosts are often MACs, their description the ifname."""
        _d, _p, rdev, rport, rdescr, _ed, _ep = a
        if rdescr and ((rdev, rdescr) in planned_at or _MAC.match(rport or "")):
            return rdescr
        return rport or rdescr

    findings: list[Finding] = []
    explained: set[tuple[str, str]] = set()
    done: set[str] = set()
    for cid, a in actual.items():
        if cid in done:
            continue
        dev, port, rdev, _rport, _rdescr, exp_dev, exp_port = a
        rp = far_port_of(a)
        explained.update({(dev, port), (rdev, rp)})
        other_c = planned_at.get((rdev, rp))
        c2 = other_c[0] if other_c else None
        if c2 and c2 != cid and c2 in actual and c2 not in done:
            a2 = actual[c2]
            rp2 = far_port_of(a2)
            if (a2[2], rp2) == (exp_dev, exp_port) or planned_at.get((a2[2], rp2), (None,))[0] == cid:
                done.update({cid, c2})
                explained.update({(a2[0], a2[1]), (a2[2], rp2)})
                verdict[cid] = verdict[c2] = "swapped"
                findings.append(_finding("swapped", [cid, c2], row_of, inv,
                                         f"swap cables {cid} and {c2}: {cid} is on {rdev}:{rp}, {c2} is on {a2[2]}:{rp2}",
                                         [f"{dev}:{port} sees {rdev}:{rp}, planned {exp_dev}:{exp_port}",
                                          f"{a2[0]}:{a2[1]} sees {a2[2]}:{rp2}, planned {a2[5]}:{a2[6]}"]))
                continue
        done.add(cid)
        plane = cable_plane.get(cid, "")
        far_plane = dev_plane.get(rdev, "")
        kind = "wrong_plane" if plane and far_plane and far_plane != plane else "miswire"
        verdict[cid] = kind
        ev = [f"{dev}:{port} sees {rdev}:{rp}, planned {exp_dev}:{exp_port}"]
        if kind == "wrong_plane":
            ev.append(f"{rdev} is in plane {far_plane}, cable {cid} belongs to plane {plane}")
        findings.append(_finding(kind, [cid], row_of, inv, f"move cable {cid} from {rdev}:{rp} to {exp_dev}:{exp_port}",
                                 ev))

    # missing: nothing seen from either end, a collected end reports the port down
    none_ids = cid_index[(ra == 0) & (rb == 0)]
    if len(none_ids):
        cand = plan[plan["cable_id"].isin(none_ids)]
        # link states of their ends' devices only
        on = ports[ports["device"].isin(set(cand["a_device"]) | set(cand["b_device"]))]
        pstate = on.drop_duplicates(["device", "port"]).set_index(["device", "port"])["oper_up"]
        admin_down = _admin_down_set(ports)
        for r in cand.itertuples(index=False):
            if (r.a_device, r.a_port) in explained or (r.b_device, r.b_port) in explained:
                continue  # its port is taken by another cable's miswire
            if (r.a_device, r.a_port) in admin_down or (r.b_device, r.b_port) in admin_down:
                verdict[r.cable_id] = "admin_down"   # an end reported disabled sends no LLDP: not judged
                continue
            downs = []
            for d, p_ in ((r.a_device, r.a_port), (r.b_device, r.b_port)):
                if collected is not None and d not in collected:
                    continue
                v = pstate.get((d, p_), pd.NA)
                if v is not pd.NA and not pd.isna(v) and not bool(v):
                    downs.append(f"{d}:{p_} is down and sees no neighbor")
            if downs:
                verdict[r.cable_id] = "missing"
                findings.append(_finding("missing", [r.cable_id], row_of, inv,
                                         f"connect cable {r.cable_id}: {r.a_device}:{r.a_port} to {r.b_device}:{r.b_port}",
                                         downs))

    # unexpected: observed links on ports no plan end covers and no verdict explains
    flag = ~planned
    rest = np.flatnonzero(flag)
    if explained and len(rest):
        od, op = obs["device"].to_numpy(dtype=object)[rest], obs["port"].to_numpy(dtype=object)[rest]
        flag[rest] = [(d, p_) not in explained for d, p_ in zip(od, op)]
    unplanned = obs[flag]
    seen_pairs = set()
    for r in unplanned.itertuples(index=False):
        rp = r.remote_port if not pd.isna(r.remote_port) else r.remote_port_descr
        if (r.remote_device, rp) in explained or r.remote_device not in names:
            continue
        key = tuple(sorted([(r.device, r.port), (r.remote_device, str(rp))]))
        if key in seen_pairs:
            continue
        seen_pairs.add(key)
        f = Finding(id=finding_id("cabling", "unexpected", *key[0], *key[1]), severity=SEVERITY["unexpected"],
                    kind="unexpected", plane=dev_plane.get(r.device) or None,
                    link={"a_device": r.device, "a_port": r.port, "b_device": r.remote_device, "b_port": rp,
                          "cable_id": None},
                    suspects=[{"component": "cable", "ref": f"{r.device}:{r.port}", "location": _loc(inv, r.device),
                               "confidence": 1.0}],
                    action=f"{r.device}:{r.port} is cabled to {r.remote_device}:{rp}, which the plan does not list: "
                           f"add it to the plan or remove the cable",
                    evidence=[f"{r.device}:{r.port} sees {r.remote_device}:{rp}"], first_seen=None, last_seen=None,
                    device=r.device, port=r.port, reason=REASON["unexpected"])
        findings.append(f)
    status = verdict.rename("verdict").reset_index().rename(columns={"index": "cable_id"})
    counts = status["verdict"].value_counts().to_dict()
    counts["unexpected"] = sum(1 for f in findings if f.kind == "unexpected")
    findings.sort(key=lambda f: (f.severity != "critical", f.kind, f.link.get("cable_id") or ""))
    return CablingResult(findings, status, {k: int(v) for k, v in counts.items()})


def _admin_down_set(ports: pd.DataFrame) -> set[tuple[str, str]]:
    """(device, port) reported administratively down (unknown admin state is not down)."""
    from netdiag.health.evidence import admin_down_ports

    return set(admin_down_ports(ports).tolist())


def _loc(inv: Inventory, device: str) -> str | None:
    d = inv.devices.get(device)
    return d.location() if d else None


def _finding(kind: str, cable_ids: list[str], row_of: pd.DataFrame, inv: Inventory, action: str,
             evidence: list[str]) -> Finding:
    c = row_of.loc[cable_ids[0]]
    refs = sorted(cable_ids)
    return Finding(
        id=finding_id("cabling", kind, *refs), severity=SEVERITY[kind], kind=kind, plane=str(c["plane"]) or None,
        link={"a_device": c["a_device"], "a_port": c["a_port"], "b_device": c["b_device"], "b_port": c["b_port"],
              "cable_id": cable_ids[0]},
        suspects=[{"component": "cable", "ref": cid, "location": _loc(inv, c["a_device"]),
                   "confidence": round(1.0 / len(refs), 3)} for cid in refs],
        action=action, evidence=evidence, first_seen=None, last_seen=None, device=c["a_device"], port=c["a_port"],
        reason=REASON[kind])

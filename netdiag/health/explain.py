"""`netdiag explain DEVICE:PORT`: what each end of one link contributed as evidence, what was
unknown, and why a finding was or was not raised (docs/thresholds.md).

It runs the same analysis as `netdiag sweep` and then reads, for the port and its far end (from
the plan, else from LLDP), the evidence layer's intermediate answers: admin state (reported or
inferred), lanes in use and dark lanes, the thresholds used and where they came from, counters
(lifetime or rate, PHY-local or forwarded), the BER table, the symptoms, the localization
features, and the findings that cover the port.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netdiag import units
from netdiag.health import evidence
from netdiag.health.rules import effective_thresholds, ber_profiles, port_admin
from netdiag.model import Snapshot


def _val(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _dbm(mw):
    mw = _val(mw)
    if mw is None:
        return None
    return "-inf" if mw <= 0 else round(float(units.mw_to_dbm(mw)), 2)


def far_end(device: str, port: str, snap: Snapshot, inventory) -> tuple[str | None, str | None, str]:
    """The far end of device:port: from the plan when it lists the port, else from LLDP."""
    if inventory is not None and not inventory.plan.empty:
        p = inventory.plan
        a = p[(p["a_device"] == device) & (p["a_port"] == port)]
        if len(a):
            return a["b_device"].iloc[0], a["b_port"].iloc[0], f"plan (cable {a['cable_id'].iloc[0]})"
        b = p[(p["b_device"] == device) & (p["b_port"] == port)]
        if len(b):
            return b["a_device"].iloc[0], b["a_port"].iloc[0], f"plan (cable {b['cable_id'].iloc[0]})"
    nb = snap.neighbors
    n = nb[(nb["device"] == device) & (nb["port"] == port)]
    if len(n):
        return n["remote_device"].iloc[0], n["remote_port"].iloc[0], "LLDP/neighbor table"
    return None, None, "unknown (not in the plan, no neighbor seen)"


def end_evidence(snap: Snapshot, sym: pd.DataFrame, feats: pd.DataFrame, cfg: dict, device: str, port: str,
                 collected: set[str], platforms: dict[str, str]) -> dict:
    """Everything the evidence layer read at one end, with what was unknown."""
    out: dict = {"end": f"{device}:{port}", "device_collected": device in collected}
    unknown: list[str] = []
    seen = pd.MultiIndex.from_arrays([[device], [port]]).isin(evidence.ports_seen(snap))[0]
    out["port_seen"] = bool(seen)
    if not out["device_collected"]:
        unknown.append("device not collected: everything at this end is unknown")
    elif not seen:
        unknown.append("the device was collected but reports no row for this port (vanished port: evidence)")
    # admin state
    P = snap.ports
    pr = P[(P["device"] == device) & (P["port"] == port)]
    if len(pr):
        adm = port_admin(snap, cfg)[np.flatnonzero(((P["device"] == device) & (P["port"] == port)).to_numpy())[0]]
        reported = _val(pr["admin_up"].iloc[0])
        out["admin"] = ("up" if reported else "down") if reported is not None else (
            "up (inferred: the module transmits or is ModuleReady)" if adm == 1.0 else "unknown")
        out["oper_up"] = _val(pr["oper_up"].iloc[0])
        out["speed_gbps"] = _val(pr["speed_gbps"].iloc[0])
        out["port_lanes"] = _val(pr["lanes"].iloc[0])
        out["fec"] = _val(pr["fec"].iloc[0])
        if reported is None:
            unknown.append("admin state not reported")
        if out["oper_up"] is None:
            unknown.append("oper state not reported")
        if out["fec"] is None:
            unknown.append("FEC mode not reported (BER judged by the RS(544,514) table)")
    else:
        out["admin"] = "unknown"
        unknown.append("no port row (admin/oper state, speed, FEC unknown)")
    # module and thresholds
    M = snap.modules
    mr = M[(M["device"] == device) & (M["port"] == port)]
    if len(mr):
        thr = effective_thresholds(mr, cfg).iloc[0]
        out["module"] = {k: _val(mr[k].iloc[0]) for k in ("present", "identifier", "media", "vendor", "part_number",
                                                          "serial", "wavelength_nm", "module_state", "temperature_c")}
        out["module"]["class"] = thr["module_class"]
        out["thresholds"] = {
            s: {"source": thr[f"{s}_source"], **{lv: _val(thr[f"{s}_{lv}"]) for lv in ("low_alarm", "low_warn",
                                                                                         "high_warn", "high_alarm")}}
            for s in ("rx_power_mw", "tx_power_mw", "tx_bias_ma", "temperature_c")}
        for s, t in out["thresholds"].items():
            if t["source"] != "module":
                unknown.append(f"{s} thresholds: module's own set {'partly ' if t['source'] == 'mixed' else ''}"
                               f"missing or invalid, {t['source']} fallback for class {thr['module_class']}")
    else:
        unknown.append("no module row (EEPROM not read): fallback thresholds")
    # lanes
    L = snap.lanes
    lr = L[(L["device"] == device) & (L["port"] == port)]
    if len(lr):
        f = lr.merge(effective_thresholds(M[(M["device"] == device) & (M["port"] == port)], cfg),
                     on=["device", "port"], how="left") if len(mr) else lr.copy()
        f = f.assign(media_lanes=_val(mr["media_lanes"].iloc[0]) if len(mr) else None,
                     port_lanes=out.get("port_lanes"), speed_gbps=out.get("speed_gbps"))
        in_use = evidence.lanes_in_use(f, cfg, pd.MultiIndex.from_frame(P[["device", "port"]]) if len(P) else None)
        dark = evidence.dark_lanes(f, cfg)
        out["lanes"] = [{"lane": _val(r.lane), "tx_dbm": _dbm(r.tx_power_mw), "rx_dbm": _dbm(r.rx_power_mw),
                         "bias_ma": _val(r.tx_bias_ma), "rx_los": _val(r.rx_los), "tx_los": _val(r.tx_los),
                         "in_use": bool(u), "dark": bool(d and u)}
                        for r, u, d in zip(lr.itertuples(index=False), in_use, dark)]
    else:
        out["lanes"] = []
        unknown.append("no per-lane optics (no DOM read, or copper)")
    # counters
    C = snap.counters
    cr = C[(C["device"] == device) & (C["port"] == port)]
    if len(cr):
        row = cr.iloc[0]
        cnt = {k: _val(row[k]) for k in ("fec_uncorrectable_cw", "symbol_errors", "fec_corrected_cw", "rx_crc_errors",
                                          "port_rcv_errors", "link_down_events", "raw_ber", "effective_ber", "symbol_ber",
                                          "time_since_clear_s") if _val(row[k]) is not None}
        out["counters"] = cnt
        known, bad = evidence.phy_local(cr, snap.fec_histogram)
        out["phy_local"] = ("errors" if bad[0] else "clean") if known[0] else "not reported"
        out["counts_are"] = ("rates over the time since the last clear" if cnt.get("time_since_clear_s")
                             else "lifetime counts (no time base reported)")
        out["ber_table"] = ber_profiles(cr[["device", "port"]], snap, platforms).iloc[0]
        if not known[0]:
            unknown.append("no PHY-local counters (FEC/symbol/BER): CRC alone is weak evidence")
    else:
        out["counters"] = {}
        unknown.append("no counters")
    s = sym[(sym["device"] == device) & (sym["port"] == port)] if len(sym) else sym
    out["symptoms"] = [{"rule": r.rule, "severity": r.severity, "lane": _val(r.lane), "value": _val(r.value),
                        "threshold": _val(r.threshold), "detail": r.detail} for r in s.itertuples(index=False)]
    key = (device, port)
    if len(feats) and key in feats.index:
        fr = feats.loc[key]
        out["features"] = sorted(c for c in feats.columns if c not in ("sev", "seen") and bool(fr.get(c, False)))
    else:
        out["features"] = []
    out["unknown"] = unknown
    return out


def explain(result, device: str, port: str, cfg: dict) -> dict:
    """Explain one port of a sweep result (jobs.SweepResult)."""
    from netdiag.fabric.localize import end_features, load_rules

    snap = result.snapshot
    inv = result.inventory
    collected = {d.name for d in result.devices if d.ok} | set(snap.ports["device"].unique())
    platforms = {d.name: d.platform for d in result.devices}
    sym = result.symptoms if result.symptoms is not None else pd.DataFrame()
    feats = end_features(sym, snap, {**cfg, "links": load_rules()["links"]})
    fd, fp, how = far_end(device, port, snap, inv)
    ends = [end_evidence(snap, sym, feats, cfg, device, port, collected, platforms)]
    if fd is not None:
        ends.append(end_evidence(snap, sym, feats, cfg, fd, fp, collected, platforms))
    mine = []
    for f in result.findings:
        lk = f.link or {}
        ports = {(lk.get("a_device"), lk.get("a_port")), (lk.get("b_device"), lk.get("b_port")), (f.device, f.port)}
        for c in getattr(f, "children", None) or []:
            cl = c.get("link") or {}
            ports |= {(cl.get("a_device"), cl.get("a_port")), (cl.get("b_device"), cl.get("b_port"))}
        if (device, port) in ports:
            mine.append({"id": f.id, "kind": f.kind, "severity": f.severity, "reason": f.reason,
                         "first_suspect": f.suspects[0] if f.suspects else None, "action": f.action})
    if mine:
        why = f"{len(mine)} finding(s) cover this port"
    else:
        graded = [s for e in ends for s in e["symptoms"] if s["severity"] in ("critical", "warning")]
        infos = [s for e in ends for s in e["symptoms"] if s["severity"] == "info"]
        nj = [n for n in (getattr(result, "not_judged", None) or [])
              if (device, port) in {(n["a_device"], n["a_port"]), (n["b_device"], n["b_port"])}]
        if nj:
            why = f"no finding: link not judged: {nj[0]['reason']}"
        elif graded:
            why = "symptoms of warning or worse exist but no finding covers this port (check the plan/exclusions)"
        elif infos:
            why = ("no finding: only info-level symptoms (" + ", ".join(sorted({s['rule'] for s in infos}))
                   + "): context, not evidence of a fault")
        else:
            why = "no finding: no symptom at either end"
        unk = [u for e in ends for u in e["unknown"]]
        if unk:
            why += "; unknown: " + "; ".join(unk)
    return {"port": f"{device}:{port}", "far_end": f"{fd}:{fp}" if fd else None, "far_end_from": how,
            "ends": ends, "findings": mine, "why": why}


def render_text(x: dict) -> str:
    lines = [f"{x['port']}  far end: {x['far_end'] or '-'}  ({x['far_end_from']})"]
    for e in x["ends"]:
        lines.append("")
        lines.append(f"== {e['end']}  collected: {'yes' if e['device_collected'] else 'no'}  "
                     f"port seen: {'yes' if e['port_seen'] else 'no'}  admin: {e.get('admin', 'unknown')}"
                     + (f"  oper: {'up' if e['oper_up'] else 'down'}" if e.get("oper_up") is not None else ""))
        if e.get("module"):
            m = e["module"]
            lines.append(f"   module: {m.get('media') or '?'} class {m['class']} {m.get('part_number') or ''} "
                         f"state {m.get('module_state') or '?'}")
        for s, t in (e.get("thresholds") or {}).items():
            lines.append(f"   thresholds {s}: {t['source']}")
        for ln in e.get("lanes", []):
            lines.append(f"   lane {ln['lane']}: tx {ln['tx_dbm']} dBm  rx {ln['rx_dbm']} dBm  "
                         f"{'in use' if ln['in_use'] else 'unused'}{'  DARK' if ln['dark'] else ''}")
        if e.get("counters"):
            lines.append("   counters (" + e.get("counts_are", "") + "; PHY-local: " + e.get("phy_local", "?")
                         + "; BER table " + str(e.get("ber_table")) + "): "
                         + ", ".join(f"{k}={v}" for k, v in e["counters"].items()))
        for s in e["symptoms"]:
            lane = f" lane {s['lane']}" if s["lane"] is not None else ""
            lines.append(f"   symptom {s['severity']:8s} {s['rule']}{lane}: {s['detail']}")
        lines.append("   features: " + (", ".join(e["features"]) or "none"))
        for u in e["unknown"]:
            lines.append(f"   unknown: {u}")
    lines.append("")
    for f in x["findings"]:
        fs = f["first_suspect"] or {}
        lines.append(f"finding {f['severity']} {f['kind']}: {f['reason']}; first suspect "
                     f"{fs.get('component')} {fs.get('ref')}")
    lines.append(f"why: {x['why']}")
    return "\n".join(lines)

"""What a technician needs for each finding, shared by the tickets and the HTML report.

For a finding of a SweepResult: where both ends are (site, hall, row, rack, U, device, port, cable id,
patch-panel path), which part to bring (type, part number, serial of what is installed), the steps in
repair order (inspect and clean before replace, which end first), the evidence (per-lane values
against the module's thresholds, error counters) and the commands that verify the fix.

Everything is built from the result's snapshot, inventory and plan with one pass over each table
(only the ends the findings name are looked up), so 10,000 findings cost seconds, not minutes.
Values the snapshot does not have stay None: unknown is not bad.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netdiag.fabric.naming import cage_of
from netdiag.gcpause import gc_paused  # noqa: F401  (also used as repair.gc_paused by html/tickets)
from netdiag.findings import Finding
from netdiag.health.rules import _lanes_in_use
from netdiag.inventory import Inventory
from netdiag.location import locate, plan_rows_for
from netdiag.platforms import UnsafeName, quote_port

#: per platform: commands that show the optics and errors of one port after the repair ("optics"),
#: and what it sees as neighbor ("lldp"). {port} (and {ca}, {pnum} for an IB HCA port) are filled
#: with validated, shell-quoted names.
VERIFY: dict[str, dict[str, tuple[str, ...]]] = {
    "linux": {"optics": ("ethtool -m {port}", "ethtool -S {port} | grep -E 'crc|symbol|fec'"),
              "lldp": ("lldpctl {port}",)},
    "sonic": {"optics": ("show interfaces transceiver eeprom --dom {port}", "show interfaces counters fec-stats"),
              "lldp": ("show lldp neighbors {port}",)},
    "cumulus": {"optics": ("nv show interface {port} link phy-detail",),
                "lldp": ("nv show interface {port} lldp",)},
    "eos": {"optics": ("show interfaces {port} transceiver dom thresholds", "show interfaces {port} counters errors"),
            "lldp": ("show lldp neighbors {port} detail",)},
    "ib-host": {"optics": ("mlxlink -d {ca} -p {pnum} -m -c -e",),
                "lldp": ("ibstat {ca} {pnum}",)},
    "ibdiagnet": {"optics": ("ibdiagnet --get_cable_info --pm_pause_time 30",),
                  "lldp": ("ibnetdiscover -p",)},
}

CABLING_KINDS = frozenset({"miswire", "swapped", "wrong_plane", "missing", "unexpected"})
SHARED_WHOLE = frozenset({"switch", "linecard", "plane", "row"})
_ASSEMBLY = frozenset({"dac", "acc", "aoc"})
_COPPER = frozenset({"dac", "acc"})
PRIORITY = {"critical": "P1", "warning": "P2", "info": "P3"}
#: at most this many child links of a shared part get their lanes drawn (all are listed)
CHART_CHILDREN = 8

_COUNTERS = ("rx_crc_errors", "symbol_errors", "fec_corrected_cw", "fec_uncorrectable_cw", "link_down_events",
             "raw_ber", "effective_ber")
_SENSORS = (("rx", "rx_power_mw"), ("tx", "tx_power_mw"), ("bias", "tx_bias_ma"))
_LEVELS = ("low_alarm", "low_warn", "high_warn", "high_alarm")
_SENSOR_COLS = tuple((key, tuple(f"{col}_{lv}" for lv in _LEVELS)) for key, col in _SENSORS)
_THRESHOLD_COLS = tuple(c for _, cols in _SENSOR_COLS for c in cols)
_MODULE_COLS = ("identifier", "media_type", "media", "vendor", "part_number", "serial", "length_m", "connector",
                "temperature_c", "temperature_c_high_alarm", "temperature_c_high_warn",
                *(f"{c}_{lv}" for _, c in _SENSORS for lv in _LEVELS))


def clean(v):
    """A scalar as plain JSON-able Python: NaN/NA -> None, numpy -> int/float/bool."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


def dbm(mw):
    """mW -> dBm rounded to 0.01; 0 mW (no light) -> -40.0 so it still draws; None stays None."""
    if mw is None:
        return None
    return -40.0 if mw <= 0 else round(10 * math.log10(mw), 2)


@dataclass
class Tables:
    """The snapshot rows of the ends the findings name, keyed by (device, port)."""
    modules: dict = field(default_factory=dict)
    lanes: dict = field(default_factory=dict)       # (device, port) -> [lane view as end_view shows it]
    counters: dict = field(default_factory=dict)
    neighbors: dict = field(default_factory=dict)
    plan: dict = field(default_factory=dict)        # cable_id -> plan row
    platforms: dict = field(default_factory=dict)   # device -> platform
    places: dict = field(default_factory=dict)      # device -> _location() (devices recur across findings)
    limits: dict = field(default_factory=dict)      # module threshold values -> _thresholds_dbm() (few kinds)
    by_port: dict = field(default_factory=dict)     # (platform, port name) -> (cage, verify, verify_lldp)


def _rows_at(df: pd.DataFrame, keys: set, cols) -> pd.DataFrame:
    if df is None or df.empty or not keys:
        return pd.DataFrame(columns=["device", "port", *cols])
    devs = {d for d, _ in keys}
    df = df[df["device"].isin(devs)]
    idx = pd.MultiIndex.from_arrays([df["device"].astype(object), df["port"].astype(object)])
    df = df[idx.isin(list(keys))]
    return df[["device", "port", *[c for c in cols if c in df.columns]]]


def _column(s: pd.Series) -> list:
    """A column as plain Python values, missing as None: clean() of each value, but converted by
    pandas in one go (object columns, which may hold anything, go value by value)."""
    if s.dtype == object:
        return [clean(v) for v in s.tolist()]
    return s.to_numpy(dtype=object, na_value=None).tolist()


def records(df: pd.DataFrame, skip: tuple = ()) -> list[dict]:
    """The rows of `df` as dicts of plain Python values (what clean() makes of each), column-wise."""
    names = [c for c in df.columns if c not in skip]
    return [dict(zip(names, vals)) for vals in zip(*(_column(df[c]) for c in names))] if names else [{} for _ in range(len(df))]


def index_tables(result, findings: list[Finding]) -> Tables:
    """One filtered pass over each snapshot table for the ends the findings (and children) name."""
    keys, cables = set(), set()
    add_key, add_cable = keys.add, cables.add

    def note(link, device, port):
        ln = link or {}
        get = ln.get
        if get("a_device") and get("a_port"):
            add_key((ln["a_device"], ln["a_port"]))
        if get("b_device") and get("b_port"):
            add_key((ln["b_device"], ln["b_port"]))
        if device and port:
            add_key((device, port))
        if get("cable_id"):
            add_cable(ln["cable_id"])

    for f in findings:
        note(f.link, f.device, f.port)
        for c in f.children:   # (as dicts, their fields as Finding(**c) has them)
            if isinstance(c, dict):
                note(c.get("link"), c.get("device"), c.get("port"))
            else:
                note(c.link, c.device, c.port)
    snap = result.snapshot
    t = Tables()
    for r in records(_rows_at(snap.modules, keys, _MODULE_COLS)):
        t.modules[(r["device"], r["port"])] = r
    lanes = _rows_at(snap.lanes, keys, ("lane", "tx_power_mw", "rx_power_mw", "tx_bias_ma", "raw_errors"))
    if len(lanes):   # the lanes the port really uses, as the health rules count them
        caps = lanes.merge(snap.modules[["device", "port", "media_lanes"]], on=["device", "port"], how="left").merge(
            snap.ports[["device", "port", "lanes"]].rename(columns={"lanes": "port_lanes"}), on=["device", "port"], how="left")
        lanes = lanes.assign(in_use=_lanes_in_use(caps.reset_index(drop=True)))
    if len(lanes):   # each end's lanes as end_view shows them, converted column by column
        lanes = lanes.sort_values(["device", "port", "lane"])
        n = len(lanes)
        col = {c: (_column(lanes[c]) if c in lanes.columns else [None] * n)
               for c in ("device", "port", "lane", "rx_power_mw", "tx_power_mw", "tx_bias_ma")}
        unused = [not x for x in _column(lanes["in_use"])] if "in_use" in lanes.columns else [False] * n
        views = [{"lane": ln, "unused": u, "rx_mw": rx, "tx_mw": tx, "rx_dbm": dbm(rx), "tx_dbm": dbm(tx), "bias_ma": b}
                 for ln, u, rx, tx, b in zip(col["lane"], unused, col["rx_power_mw"], col["tx_power_mw"], col["tx_bias_ma"])]
        for k, v in zip(zip(col["device"], col["port"]), views):
            t.lanes.setdefault(k, []).append(v)
    c = _rows_at(snap.counters, keys, _COUNTERS)
    for k, r in zip(zip(_column(c["device"]), _column(c["port"])), records(c, ("device", "port"))):
        t.counters[k] = r
    nb = _rows_at(snap.neighbors, keys, ("remote_device", "remote_port"))
    for d, p, rd, rp in zip(*(_column(nb[x]) for x in ("device", "port", "remote_device", "remote_port"))):
        t.neighbors.setdefault((d, p), (rd, rp))
    inv = result.inventory or Inventory()
    if cables and not inv.plan.empty:
        for r in records(inv.plan[inv.plan["cable_id"].isin(cables)]):
            t.plan[r["cable_id"]] = r
    t.platforms = {name: d.platform for name, d in inv.devices.items()}   # as declared, else as captured
    for d in result.devices:
        t.platforms.setdefault(d.name, d.platform)
    return t


def verify_commands(platform: str | None, port: str | None, what: str = "optics") -> list[str]:
    """The commands that show `port` after the repair on `platform`, names validated and quoted.
    A port name unsafe for a shell gives a note instead of a command; unknown platform: []."""
    spec = VERIFY.get(platform or "", {}).get(what, ())
    if not spec or not port:
        return []
    try:
        fields = {"port": quote_port(port)}
        if platform == "ib-host":
            ca, _, pnum = port.partition("/")
            fields.update(ca=quote_port(ca), pnum=quote_port(pnum or "1"))
    except UnsafeName:
        return [f"(port name {port!r} has characters unsafe for a shell: check it by hand)"]
    return [c.format(**fields) for c in spec]


def _location(inv: Inventory, device: str | None) -> dict:
    d = inv.devices.get(device) if device else None
    keys = ("site", "hall", "row", "rack", "u")
    loc = {k: (getattr(d, k) or None) if d else None for k in keys}
    loc["text"] = (d.location() if d else "") or "location unknown"
    return loc


def _thresholds_dbm(mod: dict | None) -> dict:
    """{'rx': [low_alarm, low_warn, high_warn, high_alarm] in dBm (power) or mA (bias), None if unknown}."""
    if not mod:
        return {key: [None] * len(_LEVELS) for key, _ in _SENSORS}
    get = mod.get
    return {key: [None if v is None else round(v, 2) if key == "bias" else dbm(v) for v in map(get, cols)]
            for key, cols in _SENSOR_COLS}


def end_view(t: Tables, inv: Inventory, device: str | None, port: str | None) -> dict:
    """One end of a link: where it is, the module installed, its lanes and counters, verify commands.
    Its `location`, `thresholds` and lane dicts are shared with other views of the same device,
    module kind or port: read them, do not change them."""
    key = (device, port)
    mod = t.modules.get(key)
    platform = t.platforms.get(device)
    lanes = list(t.lanes.get(key, ()))   # (index_tables made the views; shared, read-only like location)
    nb = t.neighbors.get(key)
    place = t.places.get(device)
    if place is None:
        place = t.places[device] = _location(inv, device)
    raw = tuple(map(mod.get, _THRESHOLD_COLS)) if mod else None
    limits = t.limits.get(raw)
    if limits is None:
        limits = t.limits[raw] = _thresholds_dbm(mod)
    named = t.by_port.get((platform, port))   # port names repeat on every device of a platform
    if named is None:
        named = t.by_port[(platform, port)] = (cage_of(platform or "", port) if port else None,
                                               verify_commands(platform, port), verify_commands(platform, port, "lldp"))
    return {
        "device": device, "port": port, "platform": platform,
        "cage": named[0],
        "location": place,
        "module": {k: mod.get(k) for k in ("identifier", "media_type", "media", "vendor", "part_number", "serial", "length_m",
                                            "connector", "temperature_c")} if mod else None,
        "thresholds": limits,
        "temperature": [mod.get("temperature_c"), mod.get("temperature_c_high_warn"),
                        mod.get("temperature_c_high_alarm")] if mod else None,
        "lanes": lanes,
        "counters": t.counters.get(key) or {},
        "neighbor": {"device": nb[0], "port": nb[1]} if nb else None,
        "verify": list(named[1]),
        "verify_lldp": list(named[2]),
    }


def _link_view(t: Tables, inv: Inventory, f: Finding) -> dict:
    ln = f.link or {}
    cid = ln.get("cable_id")
    plan = t.plan.get(cid) if cid else None
    path = [h for h in (plan.get("path") or "").split(";") if h] if plan else []
    return {
        "id": f.id, "severity": f.severity, "kind": f.kind, "cable_id": cid,
        "media": plan.get("media") if plan else None, "length_m": plan.get("length_m") if plan else None,
        "path": path,
        "a": end_view(t, inv, ln.get("a_device"), ln.get("a_port")),
        "b": end_view(t, inv, ln.get("b_device"), ln.get("b_port")) if ln.get("b_device") else None,
        "evidence": list(f.evidence),
    }


def _split_ref(ref: str) -> tuple[str, str]:
    dev, _, rest = ref.partition(":")
    return dev, rest


def _part(s: dict, links: list[dict], t: Tables, ends: list | None = None) -> dict:
    """The part a suspect names, with what the snapshot knows of the installed one. `ends`: the
    links' ends (a, b of each, present ones), when the caller has them."""
    comp, ref = s.get("component"), s.get("ref") or ""
    part = {"component": comp, "ref": ref, "location": s.get("location"), "confidence": s.get("confidence"),
            "type": None, "part_number": None, "vendor": None, "serial": None, "bring": None}
    if comp in ("transceiver", "module_cage", "port"):
        if ends is None:
            ends = [e for lv in links for e in (lv["a"], lv["b"]) if e]
        dev, cage = _split_ref(ref)
        end = None
        for e in ends:
            if e["device"] == dev and (cage == e["port"] or cage == e["cage"]):
                end = e
                break
        mod = end["module"] if end else None
        if mod:
            part.update(type=" ".join([x for x in (mod.get("identifier"), mod.get("media_type"), mod.get("media")) if x]) or None,
                        part_number=mod.get("part_number"), vendor=mod.get("vendor"), serial=mod.get("serial"))
        if comp == "transceiver":
            pn = part["part_number"] or "part number unknown"
            part["bring"] = f"transceiver {part['type'] or ''} ({pn})".replace("  ", " ")
    elif comp in ("cable", "connector"):
        lv = next((x for x in links if x["cable_id"] == ref), links[0] if links else None)
        if lv:
            media = lv["media"] or ((lv["a"]["module"] or {}).get("media") if lv["a"] else None)
            length = lv["length_m"]
            conn = next((e["module"].get("connector") for e in (lv["a"], lv["b"]) if e and e["module"]
                         and e["module"].get("connector")), None)
            part["type"] = " ".join(x for x in (media, f"{length:g} m" if length else None, conn) if x) or None
            if media in _ASSEMBLY:   # the cable assembly's own EEPROM names it
                mod = next((e["module"] for e in (lv["a"], lv["b"]) if e and e["module"]), None)
                if mod:
                    part.update(part_number=mod.get("part_number"), vendor=mod.get("vendor"), serial=mod.get("serial"))
        if comp == "cable":
            pn = f" ({part['part_number']})" if part["part_number"] else ""
            part["bring"] = f"cable {part['type'] or ''}{pn}".replace("  ", " ").strip()
    return part


def _optical(links: list[dict]) -> bool:
    for lv in links:
        media = lv["media"] or next((e["module"].get("media") for e in (lv["a"], lv["b"]) if e and e["module"]), None)
        if media not in _COPPER:
            return True
    return False


_NOT_SWAPPED = SHARED_WHOLE | {"connector"}   # a connector is cleaned, a whole switch/plane is not a swap


def _steps(f: Finding, links: list[dict], parts: list[dict], shared: bool, where: str | None = None) -> list[str]:
    """The repair in order: go to the first end, inspect and clean, reseat, replace suspects in rank
    order, verify."""
    if f.kind in CABLING_KINDS:
        return [f.action, "Verify with the LLDP commands below that each end sees the planned neighbor"]
    top = parts[0] if parts else None
    if shared and top and top["component"] in SHARED_WHOLE:
        return [f.action, f"Then re-check the affected link listed below" if len(links) == 1 else
                f"Then re-check the {len(links)} affected links listed below",
                "Verify with the commands below on each affected port"]
    steps = []
    first = links[0]["a"] if links else None
    if top and links:
        dev = where or _split_ref(top["ref"])[0]
        first = next((e for lv in links for e in (lv["a"], lv["b"]) if e and e["device"] == dev), first)
    if first:
        steps.append(f"Start at {first['device']}:{first['port']} ({first['location']['text']}): "
                     "the first suspect is at this end")
    optical = _optical(links) if links else True
    if top and top["component"] in ("transceiver", "cable", "connector", "module_cage", "port", "patch_panel"):
        if optical:
            steps.append("Inspect the fiber end faces with a scope and clean them: this end first, then the far end"
                         + (" and each patch-panel hop" if any(lv["path"] for lv in links) else "")
                         + "; re-measure before replacing anything")
        else:
            steps.append("Check the copper cable is latched at both ends; reseat it and re-measure")
        if top["component"] == "transceiver":
            steps.append(f"Reseat the module at {top['ref']}; re-measure")
    # a connector suspect is dealt with by the cleaning step; a whole switch/plane is not a swap
    for i, p in enumerate(x for x in parts if x["component"] not in _NOT_SWAPPED):
        what = f"{p['component']} {p['ref']}" + (f" (bring {p['bring']})" if p["bring"] else "")
        verb = "replace" if p["component"] in ("transceiver", "cable", "connector") else "check / RMA"
        steps.append(("If the fault persists, " if i or steps else "") + f"{verb} the {what}")
        if i == 2:
            break
    steps.append("Verify with the commands below: errors stop rising and every lane is within its thresholds")
    return steps


def repair(f: Finding, t: Tables, inv: Inventory, plan_rows: dict | None = None) -> dict:
    """Everything a ticket or the report says about one finding (plain data, JSON-able).
    `plan_rows`: the plan rows of the findings' cables, for findings without a location yet."""
    children = [Finding(**c) if isinstance(c, dict) else c for c in f.children]
    shared = bool(children)
    links = [_link_view(t, inv, c) for c in children] if shared else (
        [_link_view(t, inv, f)] if (f.link or {}).get("a_device") and (f.link or {}).get("a_port") else [])
    ends = [e for lv in links for e in (lv["a"], lv["b"]) if e]
    parts = [_part(s, links, t, ends) for s in f.suspects]
    top = parts[0] if parts else None
    loc = f.location or locate(f, inv, plan_rows)   # the first suspect's place (netdiag.location)
    where_dev = loc.get("device")
    verify = []
    for lv in links:
        for e in (lv["a"], lv["b"]):
            if e:
                cmds = e["verify_lldp"] if f.kind in CABLING_KINDS else e["verify"]
                verify += [{"device": e["device"], "command": c} for c in cmds]
    hosts = sorted({e["device"] for lv in links for e in (lv["a"], lv["b"]) if e and e["device"]} or {where_dev} - {None})
    rerun = "netdiag sweep --inventory devices.csv --plan cabling.csv " + " ".join(
        f"--hosts {_quote_name(h)}" for h in hosts)
    verify.append({"device": None, "command": rerun})
    cabling = f.kind in CABLING_KINDS
    bring = [p["bring"] for p in parts[:1] if p["bring"]] if not cabling else []
    tools = ["fiber inspection scope and cleaning kit"] if (not cabling and
        links and top and top["component"] in ("transceiver", "cable", "connector") and _optical(links)) else []
    return {
        "id": f.id, "severity": f.severity, "priority": PRIORITY.get(f.severity, "P3"), "kind": f.kind,
        "plane": f.plane, "device": f.device, "port": f.port, "reason": f.reason, "action": f.action,
        "shared": shared, "summary": summary_line(f),
        "location": loc, "where_device": where_dev,
        "links": links, "parts": parts, "bring": bring, "tools": tools, "steps": _steps(f, links, parts, shared, where_dev),
        "evidence": list(f.evidence), "verify": verify, "first_seen": f.first_seen, "last_seen": f.last_seen,
        "suspects": f.suspects,
    }


@functools.lru_cache(maxsize=1 << 16)   # device names recur: each finding's re-run names its hosts
def _quote_name(name: str) -> str:
    try:
        return quote_port(name)
    except UnsafeName:
        return "'(unsafe device name)'"


def summary_line(f: Finding) -> str:
    """One line naming the problem and where: a ticket's summary / title."""
    top = f.suspects[0] if f.suspects else {}
    sus = f"{top.get('component', '')} {top.get('ref', '')}".strip()
    if f.children:
        return f"[{f.severity.upper()}] {f.kind}: {sus} ({len(f.children)} links)"
    ln = f.link or {}
    a = f"{ln.get('a_device')}:{ln.get('a_port')}" if ln.get("a_device") else f"{f.device}:{f.port}"
    b = f" - {ln.get('b_device')}:{ln.get('b_port')}" if ln.get("b_device") else ""
    cable = f" cable {ln['cable_id']}" if ln.get("cable_id") else ""
    return f"[{f.severity.upper()}] {f.kind} {a}{b}{cable}" + (f": {sus}" if sus else "")


def repairs(result, findings: list[Finding] | None = None) -> list[dict]:
    """repair() for every finding of `result` (or the given ones), tables indexed once."""
    fs = result.findings if findings is None else findings
    with gc_paused():
        t = index_tables(result, fs)
        inv = result.inventory or Inventory()
        rows = plan_rows_for([f for f in fs if not f.location], inv)   # one plan lookup for all, not one each
        return [repair(f, t, inv, rows) for f in fs]


def pick_list(reps: list[dict]) -> list[dict]:
    """Parts to bring for a set of repairs: the first suspect's part of each, counted by what it is."""
    c = Counter(b for r in reps for b in r["bring"])
    out = [{"what": k, "count": n} for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]
    tools = sorted({x for r in reps for x in r["tools"]})
    return out + [{"what": x, "count": 1} for x in tools]

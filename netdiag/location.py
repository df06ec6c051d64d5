"""Where a finding is: the location of its first suspect part (docs/findings.md, `location`).

Computed once per finding when the findings are made (netdiag.jobs) and read by every output: the
terminal table, JSON, tickets (Markdown and JSON `location`), the HTML "where" column, the floor
walk and the pick list. The first suspect decides:

- a transceiver, port, cage, NIC, linecard or switch: the device that holds it (rack, U) and the port;
- a cable or connector: both ends (each with its rack and U) and the patch-panel path from the plan,
  the primary end being the finding's own end;
- a patch panel: the panel (when the inventory has it);
- a plane: no single place (`device` null, `text` names the plane);
- a row: the row itself (`site`, `hall`, `row` set, `device`, `rack`, `u` null).

A finding without suspects sits at its own device and port. Fields the inventory does not have
stay null: unknown is not bad.
"""

from __future__ import annotations

import pandas as pd

from netdiag.inventory import Inventory

_KEYS = ("site", "hall", "row", "rack", "u")
_DEVICE_PARTS = frozenset({"transceiver", "port", "module_cage", "nic", "linecard", "switch"})


def device_place(inv: Inventory, device: str | None, port: str | None = None) -> dict:
    """{device, port, site, hall, row, rack, u, text} of one device (and port), as far as known."""
    d = inv.devices.get(device) if device else None
    out = {"device": device, "port": port or None}
    out.update({k: ((getattr(d, k) or None) if d else None) for k in _KEYS})
    text = d.location() if d else ""
    out["text"] = text or "location unknown"
    return out


def row_place(inv: Inventory, ref: str) -> dict:
    """{device: None, site, hall, row, text} of a row ref SITE/HALL/ROW (netdiag.fabric.localize.row_ref)."""
    from netdiag.fabric.localize import row_ref

    d = next((d for d in inv.devices.values() if row_ref(d.site, d.hall, d.row) == ref), None)
    out = device_place(inv, None)
    if d is None:
        out["text"] = f"row {ref}"
        return out
    out.update({k: (getattr(d, k) or None) for k in ("site", "hall", "row")})
    where = " ".join(f"{p}{v}" for p, v in (("", d.site), ("hall ", d.hall), ("row ", d.row)) if v)
    out["text"] = f"{where} (the whole row)"
    return out


def _end_on(f, device: str) -> str | None:
    """The finding's port on `device` (its own, or an end of its link / child links)."""
    if f.device == device and f.port:
        return f.port
    links = [f.link or {}] + [(c.get("link") if isinstance(c, dict) else c.link) or {} for c in f.children]
    for ln in links:
        for e in ("a", "b"):
            if ln.get(f"{e}_device") == device and ln.get(f"{e}_port"):
                return ln[f"{e}_port"]
    return None


def locate(f, inv: Inventory, plan_rows: dict | None = None) -> dict:
    """The location of finding `f` (see module doc). `plan_rows`: cable_id -> plan row (a, b, path);
    looked up in the inventory's plan when not given."""
    top = f.suspects[0] if f.suspects else None
    comp = top.get("component") if top else None
    ref = (top.get("ref") or "") if top else ""
    if comp in _DEVICE_PARTS:
        dev = ref.split(":", 1)[0] if ref else f.device
        loc = device_place(inv, dev, _end_on(f, dev))
    elif comp in ("cable", "connector"):
        if plan_rows is None:
            plan_rows = _plan_rows(inv, {ref, (f.link or {}).get("cable_id")})
        row = plan_rows.get(ref) or plan_rows.get((f.link or {}).get("cable_id"))
        ln = f.link or {}
        if row is not None:
            ends = [(row["a_device"], row["a_port"]), (row["b_device"], row["b_port"])]
            path = [h for h in str(row.get("path") or "").split(";") if h]
        elif ln.get("a_device"):
            ends = [(ln["a_device"], ln.get("a_port"))] + ([(ln["b_device"], ln.get("b_port"))] if ln.get("b_device") else [])
            path = []
        else:
            ends, path = [], []
        first = next((e for e in ends if e[0] == f.device), ends[0] if ends else (f.device, f.port))
        loc = device_place(inv, first[0], first[1])
        loc["ends"] = [device_place(inv, d, p) for d, p in ends]
        loc["path"] = path
        if len(loc["ends"]) == 2:
            a, b = loc["ends"]
            hops = " -> ".join([f"{a['device']}:{a['port']}", *path, f"{b['device']}:{b['port']}"])
            loc["text"] = f"{loc['text']} ({hops}; far end {b['text'] if first == ends[0] else a['text']})"
    elif comp == "patch_panel":
        loc = device_place(inv, ref.split(":", 1)[0])
    elif comp == "plane":
        loc = device_place(inv, None)
        loc["text"] = f"plane {ref} (no single place)"
    elif comp == "row":
        loc = row_place(inv, ref)
    else:
        loc = device_place(inv, f.device or None, f.port or None)
    loc["component"] = comp
    loc["ref"] = ref or None
    return loc


def _plan_rows(inv: Inventory, cable_ids: set) -> dict:
    ids = {c for c in cable_ids if c}
    p = inv.plan
    if not ids or p.empty:
        return {}
    sel = p[p["cable_id"].isin(ids)]
    cols = [c for c in ("cable_id", "a_device", "a_port", "b_device", "b_port", "path") if c in sel.columns]
    out = {}
    for r in sel[cols].to_dict("records"):
        r["path"] = "" if pd.isna(r.get("path")) else r.get("path")
        out.setdefault(r["cable_id"], r)
    return out


def plan_rows_for(findings: list, inv: Inventory) -> dict:
    """cable_id -> plan row for every cable `findings` may be located at (one lookup for all)."""
    ids = set()
    for f in findings:
        if f.suspects:
            ids.add(f.suspects[0].get("ref"))
        ids.add((f.link or {}).get("cable_id"))
    return _plan_rows(inv, ids)


def locate_all(findings: list, inv: Inventory | None) -> list:
    """Set `location` on every finding (plan rows looked up once for all of them)."""
    inv = inv or Inventory()
    rows = plan_rows_for(findings, inv)
    for f in findings:
        f.location = locate(f, inv, rows)
    return findings

"""Ticket lifecycle over fleet scans, keyed by the finding id (docs/findings.md: stable across scans).

States: `new` (first scan that sees it) -> `open` (seen again) -> `updated` (severity, kind or first
suspect changed) -> `resolved` (absent for `resolve_after` scans in a row while its devices were
collected: a device that was not collected is unknown, not healthy) -> `reopened` (seen again after
resolution; same ticket, never a second one). Each transition is an event; a finding seen again
unchanged makes no event, so the event stream stays clean.
"""

from __future__ import annotations

import json

from netdiag.findings import Finding


def _devices(f: Finding) -> list[str]:
    devs = {f.device, f.link.get("a_device"), f.link.get("b_device")}
    return sorted(d for d in devs if d)


def _first_suspect(f: Finding) -> str | None:
    s = f.suspects[0] if f.suspects else None
    return f"{s['component']} {s['ref']}" if s else None


def event(kind: str, at: str, scan_id: int, f: Finding | None = None, ticket: dict | None = None, **extra) -> dict:
    """One JSON-ready event: the transition and enough of the finding to act on it alone."""
    e = {"type": kind, "at": at, "scan_id": scan_id}
    if f is not None:
        e.update(finding_id=f.id, severity=f.severity, kind=f.kind, plane=f.plane, device=f.device, port=f.port,
                 link=f.link, suspect=f.suspects[0] if f.suspects else None, action=f.action)
    elif ticket is not None:
        p = json.loads(ticket["payload"]) if ticket.get("payload") else {}
        e.update(finding_id=ticket["finding_id"], severity=ticket.get("severity"), kind=ticket.get("kind"),
                 plane=p.get("plane"), device=p.get("device"), port=p.get("port"), link=p.get("link"))
    e.update(extra)
    return e


def advance(tickets: dict[str, dict], findings: list[Finding], scan_id: int, at: str, collected: set[str],
            resolve_after: int) -> tuple[list[dict], list[dict]]:
    """Move the tickets one scan on. Returns (ticket rows to write, events). Sets each finding's
    `first_seen` from its ticket, so findings carry their history."""
    rows, events = [], []
    present = set()
    for f in findings:
        present.add(f.id)
        t = tickets.get(f.id)
        payload = json.dumps(f.to_json(), allow_nan=False, default=str)
        if t is None:
            rows.append({"finding_id": f.id, "state": "new", "kind": f.kind, "severity": f.severity,
                         "first_seen": at, "last_seen": at, "healthy_streak": 0, "opened_scan": scan_id,
                         "updated_scan": scan_id, "resolved_at": None, "reopened": 0,
                         "devices": json.dumps(_devices(f)), "payload": payload})
            f.first_seen = at
            events.append(event("new", at, scan_id, f, state="new"))
            continue
        f.first_seen = t["first_seen"]
        row = {**t, "kind": f.kind, "severity": f.severity, "last_seen": at, "healthy_streak": 0,
               "devices": json.dumps(_devices(f)), "payload": payload}
        old = json.loads(t["payload"]) if t.get("payload") else {}
        old_first = (f"{old['suspects'][0]['component']} {old['suspects'][0]['ref']}"
                     if old.get("suspects") else None)
        changes = {k: [a, b] for k, a, b in (("severity", t["severity"], f.severity), ("kind", t["kind"], f.kind),
                                             ("suspect", old_first, _first_suspect(f))) if a != b}
        if t["state"] == "resolved":
            row.update(state="reopened", reopened=int(t["reopened"]) + 1, resolved_at=None, updated_scan=scan_id)
            events.append(event("reopened", at, scan_id, f, state="reopened", resolved_at=t["resolved_at"]))
        elif changes:
            row.update(state="updated", updated_scan=scan_id)
            events.append(event("updated", at, scan_id, f, state="updated", changes=changes))
        elif t["state"] in ("new", "reopened"):
            row.update(state="open", updated_scan=scan_id)
            events.append(event("open", at, scan_id, f, state="open"))
        rows.append(row)
    for fid, t in tickets.items():
        if fid in present or t["state"] == "resolved":
            continue
        devs = json.loads(t["devices"]) if t.get("devices") else []
        if not devs or not all(d in collected for d in devs):
            continue  # not looked at this scan: unknown, not healthy
        streak = int(t["healthy_streak"]) + 1
        row = {**t, "healthy_streak": streak}
        if streak >= resolve_after:
            row.update(state="resolved", resolved_at=at, updated_scan=scan_id)
            events.append(event("resolved", at, scan_id, ticket=t, state="resolved", healthy_scans=streak))
        rows.append(row)
    return rows, events

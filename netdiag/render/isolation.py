"""An isolation plan (and what applying it did) as text for a terminal."""

from __future__ import annotations


def plan_text(plan, applied=None) -> str:
    s = plan.summary
    lines = [f"isolation plan: {s['isolated']} links to isolate (cap {s['cap']} of {s['links']}), "
             f"{s['drained']} hosts to drain, {s['resumed']} to resume, {s['unsafe']} findings unsafe"]
    for a in plan.isolate:
        lines.append(f"  isolate {a['cable_id']:12s} {a['device']}:{a['port']} ({a['platform']}) "
                     f"<-> {a['far_device']}:{a['far_port']}  plane {a['plane']}  finding {a['finding']}")
    for d in plan.drain:
        lines.append(f"  drain   {d['host']}  reason \"{d['reason']}\"")
    for h in plan.resume:
        lines.append(f"  resume  {h}")
    for d in plan.unsafe:
        lines.append(f"  UNSAFE  finding {d.finding} ({d.severity} {d.kind}):")
        lines += [f"          {w['rule']}: {w['detail']}" for w in d.why]
    if plan.repair_first:
        lines.append("repair first:")
        for r in plan.repair_first:
            lines.append(f"  {r['cable_id']:12s} ({r['state']}) unblocks {len(r['unblocks'])}: {', '.join(r['unblocks'])}")
    if applied is not None:
        lines.append(f"applied as run {applied.run}:")
        for a in applied.actions:
            lines.append(f"  #{a['id']} {a['status']:7s} {a['kind']:8s} {a['target']}"
                         + (f"  ({a['output']})" if a["status"] == "failed" else ""))
    elif plan.isolate or plan.drain or plan.resume:
        lines.append("dry run: nothing changed (--apply to carry it out)")
    return "\n".join(lines)

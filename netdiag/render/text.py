"""Terminal output of a sweep: findings worst first, one line each, then device problems."""

from __future__ import annotations

import math

from netdiag.findings import _fmt_value
from netdiag.jobs import SweepResult


def _cell(s: str, width: int) -> str:
    s = "".join(ch if ch.isprintable() else "?" for ch in str(s))  # device strings never drive the terminal
    return s if len(s) <= width else s[: width - 1] + "…"


def _value(f) -> tuple[str, str]:
    top = f.symptoms[0] if f.symptoms else {}
    v, t, unit = top.get("value"), top.get("threshold"), top.get("unit") or ""
    vs = "" if v is None or (isinstance(v, float) and math.isnan(v)) else _fmt_value(v, unit)
    ts = "" if t is None or (isinstance(t, float) and math.isnan(t)) else _fmt_value(t, unit)
    return vs, ts


def render(res: SweepResult, color: bool = False) -> str:
    """The sweep as text: header, findings table, devices that failed, summary line."""
    lines = []
    cols = [("SEV", 8), ("DEVICE", 18), ("PORT", 12), ("LANES", 7), ("KIND", 24), ("VALUE", 24),
            ("THRESHOLD", 24), ("FIRST SUSPECT", 34)]
    lines.append("  ".join(h.ljust(w) for h, w in cols).rstrip())
    for f in res.findings:
        vs, ts = _value(f)
        sus = f.suspects[0] if f.suspects else {}
        sus_s = f"{sus.get('component', '')} {sus.get('ref', '')}".strip()
        cells = [f.severity.upper(), f.device, f.port, ",".join(map(str, f.lanes)) or "-", f.kind, vs, ts, sus_s]
        sev = cells[0]
        row = "  ".join(_cell(c, w).ljust(w) for c, (_, w) in zip(cells, cols)).rstrip()
        if color:
            code = {"CRITICAL": "31", "WARNING": "33"}.get(sev)
            if code:
                row = f"\x1b[{code}m{row}\x1b[0m"
        lines.append(row)
        lines.append(f"{'':8}  -> {_cell(f.action, 400)}")
    if not res.findings:
        lines.append("(no findings)")
    bad = [d for d in res.devices if not d.ok or d.failed]
    if bad:
        lines.append("")
        lines.append("Could not tell (data missing or unreadable):")
        for d in bad:
            if not d.ok:
                lines.append(f"  {_cell(d.name, 40)}: {_cell(d.error or 'failed', 150)}")
            for fl in d.failed:
                lines.append(f"  {_cell(d.name, 40)}: {_cell(fl['command'] or '', 40)}: {_cell(fl['error'], 150)}")
    miss = res.not_captured() if hasattr(res, "not_captured") else []   # inventory devices the capture lacks
    if miss:
        if not bad:
            lines += ["", "Could not tell (data missing or unreadable):"]
        lines.append(f"  {len(miss)} inventory device{'s' if len(miss) != 1 else ''} not in the capture: "
                     f"{', '.join(miss[:5])}{', ...' if len(miss) > 5 else ''}")
    s = res.summary()
    lines.append("")
    lines.append(f"{s['status']}: {s['critical']} critical, {s['warning']} warning; "
                 f"{s['devices']} devices ({s['devices_failed']} failed, {s['outputs_failed']} outputs unreadable), "
                 f"{s['ports']} ports, {s['modules']} modules, {s['lanes']} lanes")
    return "\n".join(lines)


def render_cabling(res) -> str:
    """The cabling check as text: one line per finding with the action, then counts."""
    lines = [f"{'SEV':8}  {'KIND':12}  {'CABLE':14}  {'A END':34}  {'B END (planned)':34}"]
    for f in res.findings:
        ln = f.link
        lines.append(f"{f.severity.upper():8}  {f.kind:12}  {_cell(ln.get('cable_id') or '-', 14):14}  "
                     f"{_cell(str(ln['a_device']) + ':' + str(ln['a_port']), 34):34}  "
                     f"{_cell(str(ln['b_device']) + ':' + str(ln['b_port']), 34)}")
        lines.append(f"{'':8}  -> {_cell(f.action, 400)}")
        for e in f.evidence:
            lines.append(f"{'':8}     {_cell(e, 300)}")
    if not res.findings:
        lines.append("(cabling matches the plan where it could be checked)")
    c = res.counts
    lines.append("")
    lines.append(", ".join(f"{k} {v}" for k, v in sorted(c.items())) + f"; {len(res.status)} planned cables")
    return "\n".join(lines)

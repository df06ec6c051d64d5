"""Remediation tickets: one per finding (a shared part's finding carries its child links), each as
Markdown for people (`<id>.md`) and a JSON payload for ticket systems (`<id>.json`).

The JSON fields map onto common systems: `summary` (Jira summary, ServiceNow short_description,
PagerDuty summary), `description` (the Markdown), `priority` (P1..P3) and `severity`, `location`,
`component` (the first suspect's part class), `dedup_key` (the finding id: the same problem seen by
the next sweep updates the same ticket), `labels`; then the structured detail: `ends`/`links`,
`parts`, `bring`, `steps`, `evidence`, `verify`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from netdiag.render import jinja, repair

TICKET_FORMAT = "netdiag-ticket/1"
#: lanes tables in a ticket for at most this many links of a shared part (all links are listed)
MAX_LANE_LINKS = 8


def payload(rep: dict, description: str) -> dict:
    """The JSON ticket for one repair (see module doc for the field mapping)."""
    top = rep["parts"][0] if rep["parts"] else {}
    return {
        "format": TICKET_FORMAT,
        "dedup_key": rep["id"],
        "summary": rep["summary"],
        "description": description,
        "priority": rep["priority"],
        "severity": rep["severity"],
        "component": top.get("component"),
        "component_ref": top.get("ref"),
        "location": rep["location"],
        "labels": [x for x in ("netdiag", rep["kind"], f"plane-{rep['plane']}" if rep["plane"] else None) if x],
        "kind": rep["kind"], "plane": rep["plane"], "reason": rep["reason"], "action": rep["action"],
        "links": rep["links"], "parts": rep["parts"], "bring": rep["bring"], "tools": rep["tools"],
        "steps": rep["steps"], "evidence": rep["evidence"], "verify": rep["verify"],
        "first_seen": rep["first_seen"], "last_seen": rep["last_seen"],
    }


def render_tickets(result, templates_dir: str | Path | None = None) -> list[tuple[str, str, dict]]:
    """(finding id, Markdown, JSON payload) for every finding of a SweepResult, worst first."""
    env = jinja.text_env(templates_dir)
    tpl = env.get_template("ticket.md.j2")
    out = []
    for rep in repair.repairs(result):
        md = tpl.render(t=rep, max_lane_links=MAX_LANE_LINKS)
        out.append((rep["id"], md, payload(rep, md)))
    return out


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary sibling renamed into place (mode as umask allows),
    so a crash never leaves a half-written report or ticket under the final name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tickets(result, out_dir: str | Path, templates_dir: str | Path | None = None) -> list[Path]:
    """Write `<id>.md` and `<id>.json` per finding into `out_dir` (created; each file replaced
    atomically, other files left alone). Returns the JSON paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fid, md, data in render_tickets(result, templates_dir):
        write_text_atomic(out / f"{fid}.md", md)
        p = out / f"{fid}.json"
        write_text_atomic(p, dumps_payload(data))
        paths.append(p)
    return paths


def dumps_payload(data: dict) -> str:
    """A ticket payload as JSON, one top-level field a line (values compact). json.dumps with
    indent= runs the pure-Python encoder; this keeps the C one (10,000 tickets in seconds)."""
    enc = json.JSONEncoder(allow_nan=False).encode
    items = ",\n".join(f"  {enc(k)}: {enc(v)}" for k, v in data.items())
    return "{\n" + items + "\n}\n"

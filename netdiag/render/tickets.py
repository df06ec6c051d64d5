"""Remediation tickets: one per finding (a shared part's finding carries its child links), each as
Markdown for people (`<id>.md`) and a JSON payload for ticket systems (`<id>.json`).

The JSON fields map onto common systems: `summary` (Jira summary, ServiceNow short_description,
PagerDuty summary), `description` (the Markdown), `priority` (P1..P3) and `severity`, `location`,
`component` (the first suspect's part class), `dedup_key` (the finding id: the same problem seen by
the next sweep updates the same ticket), `labels`; then the structured detail: `ends`/`links`,
`parts`, `bring`, `steps`, `evidence`, `verify`.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import tempfile
import threading
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


#: SHA-256 of the packaged ticket.md.j2 that markdown() reproduces byte for byte; if the template
#: is edited and this is not, tickets fall back to rendering it with Jinja (tests flag the mismatch)
TEMPLATE_SHA256 = "002f70875908b5ac09c19e58f7820999e7d32fd83393dc74fc1cdc541cef45b5"


def markdown(t: dict, max_lane_links: int = MAX_LANE_LINKS) -> str:
    """The packaged ticket.md.j2 rendered for repair `t`, written out in Python: the same text
    (tests/test_report_tickets.py compares the two), about ten times faster than Jinja's per-value
    attribute lookups and filter calls, which cost seconds at 10,000 tickets."""
    md, code, num, dbm = jinja.MD, jinja.md_code, jinja.fmt_num, jinja.fmt_dbm   # md[x]: md_escape(x), cached
    loc = t["location"]
    o = [f"# {md[t['summary']]}\n\n| | |\n|---|---|\n"
         f"| Severity | {md[t['severity']]} ({t['priority']}) |\n"
         f"| Kind | {md[t['kind']]} |\n"
         f"| Plane | {md[t['plane'] or '-']} |\n"
         f"| Where to start | {md[loc['text']]} |\n"
         f"| Finding id (dedup key) | {code(t['id'])} |\n"
         f"| Seen | {md[t['first_seen'] or '-']} .. {md[t['last_seen'] or '-']} |\n\n"
         f"**Why:** {md[t['reason']]}\n\n**Action:** {md[t['action']]}\n\n## Where\n"]
    w = o.append
    for i, l in enumerate(t["links"], 1):
        if t["shared"]:
            w(f"\n### Link {i}: {md[l['cable_id'] or '-']} ({md[l['kind']]}, {md[l['severity']]})\n")
        w("| End | Site | Hall | Row | Rack | U | Device | Port | Module installed |\n"
          "|---|---|---|---|---|---|---|---|---|\n")
        for name, e in (("A", l["a"]), ("B", l["b"])):
            if not e:
                continue
            el, m = e["location"], e["module"]
            if m:
                mod = md[" ".join(str(x) for x in (m["identifier"], m["media_type"], m["media"], m["vendor"],
                                                   m["part_number"]) if x)]
                if m["serial"]:
                    mod += f" s/n {md[m['serial']]}"
            else:
                mod = "unknown"
            w(f"| {name} | {md[el['site'] or '?']} | {md[el['hall'] or '?']} | {md[el['row'] or '?']} | "
              f"{md[el['rack'] or '?']} | {md[el['u'] or '?']} | {md[e['device']]} | {md[e['port'] or '?']} | {mod} |\n")
        w(f"\nCable {md[l['cable_id'] or 'not in the plan']}")
        if l["media"]:
            w(f", {md[l['media']]}")
        if l["length_m"]:
            w(f", {'%g' % l['length_m']} m")
        if l["path"]:
            a, b = l["a"], l["b"]
            hops = [f"{a['device']}:{a['port']}", *map(str, l["path"]), *([f"{b['device']}:{b['port']}"] if b else [])]
            w(f"; patch-panel path: {md[' -> '.join(hops)]}\n")
        else:
            w("; patch-panel path: direct (no patch panel in the plan)\n")
    if not t["links"]:
        w(f"{md[loc['text']]}: {md[t['where_device']]}\n")
    w("\n## Bring\n")
    for p in t["bring"]:
        w(f"- {md[p]}\n")
    if not t["bring"]:
        w("- no replacement part for this step\n")
    for x in t["tools"]:
        w(f"- {md[x]}\n")
    w("\nSuspects, most likely first:\n")
    for i, p in enumerate(t["parts"], 1):
        w(f"{i}. {md[p['component']]} {md[p['ref']]} ({'%.0f' % ((p['confidence'] or 0) * 100)}%)")
        if p["type"]:
            w(f": {md[p['type']]}")
        if p["part_number"]:
            w(f", part number {md[p['part_number']]}")
        if p["serial"]:
            w(f", installed serial {md[p['serial']]}")
        if p["location"]:
            w(f" at {md[p['location']]}")
        w("\n")
    w("\n## Steps\n")
    for i, x in enumerate(t["steps"], 1):
        w(f"{i}. {md[x]}\n")
    w("\n## Evidence\n")
    for x in t["evidence"]:
        w(f"- {md[x]}\n")
    for l in t["links"][:max_lane_links]:
        for name, e in (("A", l["a"]), ("B", l["b"])):
            if not (e and e["lanes"]):
                continue
            th = e["thresholds"]
            rx_w, tx_w = th["rx"][1], th["tx"][1]
            w(f"\n{name} end {md[e['device']]}:{md[e['port']]} lanes (thresholds: Rx low alarm/warn "
              f"{dbm(th['rx'][0])}/{dbm(rx_w)} dBm, Tx low alarm/warn {dbm(th['tx'][0])}/{dbm(tx_w)} dBm, "
              f"bias {num(th['bias'][0])}..{num(th['bias'][3])} mA):\n\n"
              "| Lane | Rx dBm | Tx dBm | Bias mA |\n|---|---|---|---|\n")
            for x in e["lanes"]:
                if x["unused"]:
                    w(f"| {x['lane']} | unused | unused | unused |\n")
                else:
                    rx, tx = x["rx_dbm"], x["tx_dbm"]
                    w(f"| {x['lane']} | {dbm(rx)}{' LOW' if rx is not None and rx_w is not None and rx < rx_w else ''}"
                      f" | {dbm(tx)}{' LOW' if tx is not None and tx_w is not None and tx < tx_w else ''}"
                      f" | {num(x['bias_ma'])} |\n")
        for name, e in (("A", l["a"]), ("B", l["b"])):
            if not (e and e["counters"]):
                continue
            cs = ", ".join(f"{k} {num(v)}" for k, v in e["counters"].items() if v is not None)
            w(f"\n{name} end {md[e['device']]}:{md[e['port']]} counters: {cs}\n")
    w("\n## Verify the fix\n")
    for v in t["verify"]:
        w(f"- on {md[v['device']]}: {code(v['command'])}\n" if v["device"] else f"- {code(v['command'])}\n")
    return "".join(o)


def _packaged_ticket(templates_dir) -> bool:
    """True when ticket.md.j2 comes from the package unchanged (no user override): markdown() applies."""
    if templates_dir is not None and (Path(templates_dir) / "ticket.md.j2").exists():
        return False
    return _packaged_sha() == TEMPLATE_SHA256


def _packaged_sha() -> str:
    text = jinja.source(jinja.text_env(None), "ticket.md.j2")
    return hashlib.sha256(text.encode()).hexdigest()


def render_tickets(result, templates_dir: str | Path | None = None, reps: list | None = None) -> list[tuple[str, str, dict]]:
    """(finding id, Markdown, JSON payload) for every finding of a SweepResult, worst first.
    `reps`: repair.repairs(result) when the caller has them already."""
    with repair.gc_paused():
        return list(_iter_tickets(result, templates_dir, reps))


def _iter_tickets(result, templates_dir, reps):
    reps = repair.repairs(result) if reps is None else reps
    if _packaged_ticket(templates_dir):
        render = markdown
    else:
        tpl = jinja.text_env(templates_dir).get_template("ticket.md.j2")

        def render(rep):
            return tpl.render(t=rep, max_lane_links=MAX_LANE_LINKS)
    for rep in reps:
        md = render(rep)
        yield rep["id"], md, payload(rep, md)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary sibling renamed into place (mode as umask allows),
    so a crash never leaves a half-written report or ticket under the final name."""
    data = text.encode("utf-8")
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:   # created with 0o666 the umask then narrows (four system calls: tickets come by the ten thousand)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except FileExistsError:   # left by a crashed run of a process with our pid: a random name instead
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        tmp = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_tickets(result, out_dir: str | Path, templates_dir: str | Path | None = None,
                  reps: list | None = None) -> list[Path]:
    """Write `<id>.md` and `<id>.json` per finding into `out_dir` (created; each file replaced
    atomically, other files left alone). Returns the JSON paths. `reps` as for render_tickets.
    Tickets are rendered one at a time (memory stays small) while a writer thread creates, writes and
    renames the files relative to the open directory (no path walk per file): the file system calls,
    which release the GIL, overlap the rendering. A failed write stops the rendering and is raised."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    dfd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        with repair.gc_paused(), _Writer(dfd, out) as w:
            for fid, md, data in _iter_tickets(result, templates_dir, reps):
                w.put(f"{fid}.md", md, f"{fid}.json", dumps_payload(data))
                paths.append(out / f"{fid}.json")
    finally:
        os.close(dfd)
    return paths


class _Writer:
    """One thread writing (name, text) pairs with _write_at, fed through a bounded queue. The first
    error is kept, the rest of the queue dropped, and the error raised by the next put() or on exit."""

    _END = None

    def __init__(self, dfd: int, out: Path, depth: int = 256):
        self.dfd, self.out = dfd, out
        self.q: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="netdiag-tickets", daemon=True)

    def __enter__(self) -> "_Writer":
        self.thread.start()
        return self

    def _run(self) -> None:
        while True:
            item = self.q.get()
            if item is self._END:
                return
            if self.error is not None:
                continue
            try:
                for i in range(0, len(item), 2):
                    _write_at(self.dfd, self.out, item[i], item[i + 1])
            except BaseException as e:   # handed to the rendering thread, raised there
                self.error = e

    def put(self, *pairs: str) -> None:
        if self.error is not None:
            raise self.error
        self.q.put(pairs)

    def __exit__(self, exc_type, exc, tb) -> None:
        self.q.put(self._END)
        self.thread.join()
        if exc_type is None and self.error is not None:
            raise self.error


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_at(dfd: int, out: Path, name: str, text: str) -> None:
    """write_text_atomic(out / name, text) with names relative to the open directory `dfd` (no path
    walk per file). A stale temporary of our pid: write_text_atomic picks a random name."""
    tmp = f".{name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, _CREATE, 0o666, dir_fd=dfd)
    except FileExistsError:
        return write_text_atomic(out / name, text)
    except OSError as e:
        e.filename = str(out / tmp)
        raise
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except OSError as e:
            e.filename, e.filename2 = str(out / tmp), str(out / name)
            raise
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=dfd)
        except OSError:
            pass
        raise


def dumps_payload(data: dict) -> str:
    """A ticket payload as JSON, one top-level field a line (values compact). json.dumps with
    indent= runs the pure-Python encoder; this keeps the C one (10,000 tickets in seconds)."""
    items = ",\n".join(f"  {_str(k)}: {_str(v) if type(v) is str else _enc(v)}" for k, v in data.items())
    return "{\n" + items + "\n}\n"


_enc = json.JSONEncoder(allow_nan=False, check_circular=False).encode   # payloads are trees (no cycles)
_str = json.encoder.encode_basestring_ascii   # what the encoder does with a str, without its checks

"""The technician's HTML report: one self-contained file.

Inline CSS and JavaScript (their SHA-256 hashes in a strict Content-Security-Policy: nothing else may
run, nothing may be fetched), inline SVG drawn from a JSON data block; no external request, works
from file:// and printed. Sections: summary (counts by severity and plane), plane x switch overview,
the findings (sortable, filterable; each one's detail with both ends' lanes drawn against their
thresholds), and the floor walk grouped by hall, row and rack with the pick list of parts.

Every device-supplied string reaches the page through Jinja autoescape (HTML) or the JSON data block
(``tojson`` escapes ``<``, ``>``, ``&``, ``'``) and is put into the DOM by the script as text only.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from netdiag.render import jinja, page, repair
from netdiag.render.tickets import write_text_atomic

#: roles of devices that are not switches (the plane x switch overview leaves them out)
_NOT_SWITCH = frozenset({"gpu_host", "host", "patch_panel", "server", "storage"})
_SWITCH_PLATFORMS = frozenset({"sonic", "cumulus", "eos", "ibdiagnet", "nxos", "iosxe", "junos"})
_SEVERITIES = ("critical", "warning", "info")
_ERROR_COUNTERS = ("rx_crc_errors", "symbol_errors", "fec_uncorrectable_cw")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _natural(s) -> tuple:
    """Sort key that puts rack 2 before rack 10; unknown (None/'') last."""
    if s is None or s == "":
        return (1,)
    return (0, *[(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"(\d+)", str(s)) if x])


def _end_text(e: dict | None) -> str:
    return f"{e['device']}:{e['port']}" if e and e.get("device") else "-"


_SEGMENT = re.compile(r"(?<=, )|(?<=: )|(?= \()|(?= --hosts )|(?= \| )")


class _Strings:
    """A string table: the JSON data block holds each distinct string once (step texts, locations,
    commands repeat across thousands of findings) and refers to it by index."""

    def __init__(self):
        self.index: dict = {}   # string -> its number, in the order first seen
        self.cut: dict = {}  # text -> its segments' indexes (steps and commands repeat)
        self.by_id: dict = {}   # id(shared object) -> (object, its index): thresholds shared per module kind
        self.modules: dict = {}  # (identifier, media type, part number, serial) -> the text _ends shows

    @property
    def items(self) -> list:
        return list(self.index)

    def __call__(self, v):
        if v is None:
            return None
        index = self.index
        return index.setdefault(v, len(index))

    def pieces(self, v: str) -> list:
        """segments() of a text that will not come again (an evidence line names its port): not cached."""
        index = self.index
        return [index.setdefault(x, len(index)) for x in _segments(v)]

    def segments(self, v: str) -> list:
        """`v` cut where its repeated parts begin (', ', ': ', ' (', ' --hosts ', ' | '), each part interned."""
        got = self.cut.get(v)
        if got is None:
            index = self.index
            got = self.cut[v] = [index.setdefault(x, len(index)) for x in _segments(v)]
        return got   # shared by every detail with this text (read-only: it is only written out)

    def shared(self, obj, key):
        """self(key()) for an object shared by many findings, looked up by identity (kept alive here)."""
        got = self.by_id.get(id(obj))
        if got is None:
            got = self.by_id[id(obj)] = (obj, self(key()))
        return got[1]


_CUTS = ((", ", 2), (": ", 2), (" (", 0), (" --hosts ", 0), (" | ", 0))


def _segments(v: str) -> list:
    """The non-empty parts of _SEGMENT.split(v), found with str.find (evidence lines are all
    different, and the regex's look-arounds tried at every character cost seconds at 10,000 findings)."""
    cuts = set()
    for pat, off in _CUTS:
        i = v.find(pat)
        while i >= 0:
            cuts.add(i + off)
            i = v.find(pat, i + 1)
    if not cuts:
        return [v] if v else []
    out, prev = [], 0
    for c in sorted(cuts):
        if c > prev:
            out.append(v[prev:c])
        prev = c
    if prev < len(v):
        out.append(v[prev:])
    return out


def _ends(lv: dict, shared: bool, st: _Strings) -> list:
    """A link as [head, [end parts...]] where an end is [tag, device:port, location, module] and a
    patch-panel hop is a string: locations and module types repeat, so they are interned apart."""
    def end(tag, e):
        mod = e["module"]
        if mod:
            key = (mod.get("identifier"), mod.get("media_type"), mod.get("part_number"), mod.get("serial"))
            m = st.modules.get(key)
            if m is None:
                m = st.modules[key] = " ".join([x for x in key[:3] if x]) + f" s/n {key[3] or '?'}"
        else:
            m = None
        return [tag, st(f"{e['device']}:{e['port']}"), st(e["location"]["text"]), st(m)]

    head = (f"{lv['kind']} · " if shared else "") + f"cable {lv['cable_id'] or '-'}" + (
        f" {lv['media']}" if lv["media"] else "") + (f" {lv['length_m']:g} m" if lv["length_m"] else "")
    return [st(head), [end("A", lv["a"]), *[st(h) for h in lv["path"]], *([end("B", lv["b"])] if lv["b"] else [])]]


def _detail(rep: dict, st: _Strings, thr: _Strings) -> list:
    """One finding's detail for the script that draws it when opened: string-table indexes and the
    lanes as [lane, rx dBm, tx dBm, bias mA] per end (unused lanes left out) with a thresholds index."""
    charts = []
    for lv in rep["links"][:repair.CHART_CHILDREN]:
        for side in ("a", "b"):
            e = lv[side]
            if not e:
                continue
            lanes = [[x["lane"], x["rx_dbm"], x["tx_dbm"], None if x["bias_ma"] is None else round(x["bias_ma"], 2)]
                     for x in e["lanes"] if not x["unused"]]
            t = e["thresholds"]
            charts.append([st(f"{side.upper()} {e['device']}:{e['port']}"), lanes,
                           thr.shared(t, lambda: (tuple(t["rx"]), tuple(t["tx"]), tuple(t["bias"])))])
    ev = rep["evidence"][:12] + ([f"…{len(rep['evidence']) - 12} more (see the ticket)"] if len(rep["evidence"]) > 12 else [])
    ends = [_ends(lv, rep["shared"], st) for lv in rep["links"][:repair.CHART_CHILDREN]]
    if len(rep["links"]) > repair.CHART_CHILDREN:
        ends.append([st(f"…and {len(rep['links']) - repair.CHART_CHILDREN} more links (see the ticket)"), []])
    return [st(rep["summary"]) if rep["shared"] else None, st(rep["reason"]), st.segments(rep["action"]), ends,
            [st.segments(x) for x in rep["steps"]], [st(x) for x in rep["bring"] + rep["tools"]],
            [st.pieces(x) for x in ev], [[st(v["device"]), st.segments(v["command"])] for v in rep["verify"]],
            charts]


def _floor_walk(reps: list[dict]) -> list[dict]:
    """Stops grouped by (site, hall), row, rack; each stop the work at that rack, by U."""
    stops: dict = defaultdict(list)
    for r in reps:
        if r["links"] and not (r["shared"] and r["parts"] and r["parts"][0]["component"] in repair.SHARED_WHOLE):
            start = r["where_device"]
            seen = set()
            for lv in r["links"][: repair.CHART_CHILDREN]:
                for e in (lv["a"], lv["b"]):
                    if not e or not e["device"] or (e["device"], e["port"]) in seen:
                        continue
                    seen.add((e["device"], e["port"]))
                    first = e["device"] == start
                    stops[_rack_key(e["location"])].append({
                        "u": e["location"]["u"], "device": e["device"], "port": e["port"], "id": r["id"],
                        "severity": r["severity"], "kind": r["kind"], "first": first,
                        "task": "start here" if first else "far end",
                        "bring": r["bring"] if first else [],
                    })
        else:
            loc = r["location"]
            stops[_rack_key(loc)].append({"u": loc["u"], "device": r["where_device"], "port": "", "id": r["id"],
                                          "severity": r["severity"], "kind": r["kind"], "first": True,
                                          "task": r["action"], "bring": r["bring"]})
    halls: dict = defaultdict(list)
    for key in sorted(stops, key=lambda k: [_natural(x) for x in k]):
        site, hall, row, rack = key
        items = sorted(stops[key], key=lambda x: (_natural(x["u"]), x["device"], x["port"] or ""))
        halls[(site, hall)].append({"row": row, "rack": rack, "stops": items})
    return [{"site": s, "hall": h, "racks": racks} for (s, h), racks in halls.items()]


def _rack_key(loc: dict) -> tuple:
    return (loc.get("site") or "", loc.get("hall") or "", loc.get("row") or "", loc.get("rack") or "")


def _switch_overview(result, reps: list[dict]) -> dict:
    """Per plane, each switch with the findings (links) touching it and its error counter total."""
    inv = result.inventory
    devices = inv.devices if inv else {}
    platforms = {d.name: d.platform for d in result.devices}
    switches = {n for n, d in devices.items() if d.role and d.role not in _NOT_SWITCH}
    if not switches:
        switches = {n for n, p in platforms.items() if p in _SWITCH_PLATFORMS}
        switches |= {n for n, d in devices.items() if d.platform in _SWITCH_PLATFORMS}
    hits: Counter = Counter()
    plane_of: dict = {}
    for r in reps:
        touched = Counter()
        for lv in r["links"]:
            for e in (lv["a"], lv["b"]):
                if e and e["device"] in switches:
                    touched[e["device"]] += 1
        if not r["links"] and r["where_device"] in switches:
            touched[r["where_device"]] += 1
        for s, n in touched.items():
            hits[s] += n
            if r["plane"]:
                plane_of.setdefault(s, r["plane"])
    errors: dict = {}
    c = result.snapshot.counters
    if len(c) and switches:
        c = c[c["device"].isin(switches)]
        cols = [x for x in _ERROR_COUNTERS if x in c.columns]
        if cols and len(c):
            tot = c[cols].astype("float64").fillna(0).sum(axis=1).groupby(c["device"]).sum()
            errors = {k: int(v) for k, v in tot.items()}
    planes: dict = defaultdict(list)
    for s in sorted(switches | set(hits), key=_natural):
        d = devices.get(s)
        plane = (d.plane if d and d.plane else None) or plane_of.get(s) or "-"
        n = hits.get(s, 0)
        level = 0 if n == 0 else min(5, 1 + int(math.log2(n)))
        planes[plane].append({"name": s, "findings": n, "errors": errors.get(s), "level": level,
                              "role": d.role if d else ""})
    top = sorted((x | {"plane": p} for p, xs in planes.items() for x in xs if x["findings"] or x["errors"]),
                 key=lambda x: (-x["findings"], -(x["errors"] or 0), x["name"]))[:15]
    return {"planes": [{"plane": p, "switches": planes[p]} for p in sorted(planes, key=_natural)], "top": top}


def render_html(result, templates_dir: str | Path | None = None, title: str = "netdiag report",
                reps: list | None = None) -> str:
    """The report of a SweepResult as one HTML document (text). `reps`: repair.repairs(result)
    when the caller has them already (the tickets are made from the same)."""
    with repair.gc_paused():
        env, ctx = context(result, templates_dir, title, reps)
        if page.packaged(env):   # the packaged templates, unchanged: the same bytes without Jinja
            return page.render(ctx)
        return env.get_template("report.html.j2").render(**ctx)


def context(result, templates_dir: str | Path | None = None, title: str = "netdiag report",
            reps: list | None = None) -> tuple:
    """(Jinja environment, the context report.html.j2 is rendered with)."""
    env = jinja.html_env(templates_dir)
    css = jinja.source(env, "report.css")
    js = jinja.source(env, "report.js")
    reps = repair.repairs(result) if reps is None else reps
    summary = result.summary()
    by_plane: dict = defaultdict(Counter)
    for r in reps:
        by_plane[r["plane"] or "-"][r["severity"]] += 1
    plane_rows = [{"plane": p, **{s: by_plane[p].get(s, 0) for s in _SEVERITIES}, "total": sum(by_plane[p].values())}
                  for p in sorted(by_plane, key=_natural)]
    rows = []
    for r in reps:
        lv = r["links"][0] if len(r["links"]) == 1 else None
        top = r["parts"][0] if r["parts"] else None
        rows.append({"r": r, "a": _end_text(lv["a"]) if lv else r["where_device"] or "-",
                     "b": _end_text(lv["b"]) if lv else f"{len(r['links'])} links" if r["links"] else "-",
                     "cable": (lv["cable_id"] if lv else None) or "-",
                     "suspect": f"{top['component']} {top['ref']}" if top else "-",
                     "where": r["location"]})
    failed = [d for d in result.devices_json() if not d["ok"] or d.get("cause")]
    st, thr = _Strings(), _Strings()
    data = {r["id"]: _detail(r, st, thr) for r in reps}
    details = {"s": st.items, "t": [list(map(list, x)) for x in thr.items], "f": data}
    ctx = dict(
        title=title, summary=summary, severities=_SEVERITIES, plane_rows=plane_rows, rows=rows,
        kinds=sorted({r["kind"] for r in reps}), planes=sorted({r["plane"] or "-" for r in reps}, key=_natural),
        walk=_floor_walk(reps), picks=repair.pick_list(reps), overview=_switch_overview(result, reps),
        details=details, failed=failed, capture=result.capture,
        not_captured=result.not_captured() if hasattr(result, "not_captured") else [],
        css=css, js=js, csp=f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
                            "img-src data:; base-uri 'none'; form-action 'none'",
    )
    return env, ctx


def write_html(result, path: str | Path, templates_dir: str | Path | None = None, reps: list | None = None) -> Path:
    """Write the report to `path` atomically (a temporary sibling renamed into place)."""
    path = Path(path)
    text = render_html(result, templates_dir, reps=reps)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)
    return path

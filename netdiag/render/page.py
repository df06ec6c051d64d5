"""The packaged report.html.j2 (with report_empty.html.j2) written out in Python: the same bytes as
Jinja renders them (tests/test_render_html_fast.py compares the two on the demo, simulated fabrics
and hostile device strings), without Jinja's per-value attribute lookups and Markup objects, which
cost about a second at 10,000 findings.

Used only while both packaged templates are unchanged (their SHA-256 below) and no user template
folder is given: an edited template or a ``--templates`` folder is rendered by Jinja as before.
Every value from the data is escaped exactly as Jinja's autoescape does (markupsafe: ``& < > ' "``);
the CSS and JavaScript are inserted raw (``| safe`` in the template), the JSON data block as
``tojson`` makes it (``< > & '`` as \\u escapes).
"""

from __future__ import annotations

import hashlib
import json

#: SHA-256 of the packaged templates that render() reproduces byte for byte
TEMPLATE_SHA256 = {
    "report.html.j2": "6a9d9eb7f64cf7f71f078b23b50002ae6b13daa5552450e4fdee25d47139be3d",
    "report_empty.html.j2": "67015fe6f94a1054c374329a468555c188fd3fba7454b3dd60c46598901c6dbe",
}


class _Escaped(dict):
    """``E[value]`` is str(markupsafe.escape(value)): cached for strings (severities, kinds, planes,
    halls, racks and devices repeat across thousands of rows), at most 65,536 of them."""

    def __missing__(self, value):
        out = _escape(value)
        if type(value) is str:
            if len(self) >= 1 << 16:
                self.clear()
            self[value] = out
        return out


def _escape(value) -> str:
    if hasattr(value, "__html__"):
        return str(value.__html__())
    s = str(value)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if "'" in s:
        s = s.replace("'", "&#39;")
    if '"' in s:
        s = s.replace('"', "&#34;")
    return s


def tojson(value) -> str:
    """Jinja's ``tojson`` with the environment's policy (sorted keys, compact separators)."""
    return (json.dumps(value, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027"))


def packaged(env) -> bool:
    """True when the environment's report templates are the packaged ones this module reproduces."""
    for name, sha in TEMPLATE_SHA256.items():
        text, _, _ = env.loader.get_source(env, name)
        if hashlib.sha256(text.encode()).hexdigest() != sha:
            return False
    return True


def render(ctx: dict) -> str:
    """report.html.j2 rendered with the context render_html() gives Jinja."""
    E = _Escaped()
    summary, sev = ctx["summary"], ctx["severities"]
    o: list[str] = []
    w = o.append
    title = E[ctx["title"]]
    status = summary["status"]
    w('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
      f'<meta http-equiv="Content-Security-Policy" content="{E[ctx["csp"]]}">\n'
      '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
      f'<title>{title}: {E[status]}</title>\n<style>{ctx["css"]}</style>\n</head>\n<body>\n<header id="top">\n'
      f'<h1>{title} <span class="st {E[str(status).lower()]}">{E[status]}</span></h1>\n'
      f'<p class="meta">taken {E[summary["taken_at"] or "?"]}')
    if ctx["capture"]:
        w(f' · capture {E[ctx["capture"]]}')
    w(f' · {E[summary["devices"]]} devices ({E[summary["devices_failed"]]} failed) · {E[summary["ports"]]} ports'
      f' · {E[summary["modules"]]} modules · {E[summary["lanes"]]} lanes</p>\n'
      '<nav><a href="#summary">Summary</a> <a href="#overview">Plane × switch</a> <a href="#findings">Findings</a>'
      ' <a href="#walk">Floor walk</a></nav>\n</header>\n<main>\n<section id="summary">\n<h2>Summary</h2>\n'
      '<div class="cards">\n')
    for s in sev:
        w(f'<div class="card {E[s]}"><b>{E[summary[s]]}</b>{E[s]}</div>')
    w(f'<div class="card"><b>{E[summary["findings"]]}</b>findings</div>\n</div>\n'
      '<table class="counts"><thead><tr><th>plane</th>')
    for s in sev:
        w(f"<th>{E[s]}</th>")
    w("<th>total</th></tr></thead>\n<tbody>")
    for p in ctx["plane_rows"]:
        w(f"<tr><td>{E[p['plane']]}</td>")
        for s in sev:
            w(f"<td>{E[p[s]]}</td>")
        w(f"<td>{E[p['total']]}</td></tr>")
    w("</tbody></table>\n")
    failed, not_captured = ctx["failed"], ctx["not_captured"]
    if failed or not_captured:
        w('<h3>Could not tell</h3><ul class="failed">')
        for d in failed:
            w(f"<li>{E[d['name']]}: {E[d['error'] or 'outputs unreadable']}")
            if d["cause"]:
                w(f" ({E[d['cause']]})")
            if d["failed"]:
                w("<ul>")
                for x in d["failed"]:
                    w(f"<li>{E[x['command'] or '']}")
                    if x.get("port"):
                        w(f" (port {E[x['port']]})")
                    w(f": {E[x['error']]}</li>")
                w("</ul>")
            w("</li>")
        if not_captured:
            n = len(not_captured)
            w(f'<li class="missing">{n} inventory device{"" if n == 1 else "s"} not in the capture: '
              f'{", ".join(E[x] for x in not_captured[:20])}{", …" if n > 20 else ""}</li>')
        w("</ul>")
    if not summary["findings"]:   # report_empty.html.j2
        if not summary["devices"]:
            w('<p class="empty unknown" id="empty">Nothing was judged: this capture holds no device.</p>\n')
        elif failed:
            w(f'<p class="empty unknown" id="empty">No finding on the devices that answered, but {len(failed)} of '
              f'{E[summary["devices"]]} devices could not be fully read (listed above): their links were not judged, '
              'so this is not a clean bill of health.</p>\n')
        else:
            w(f'<p class="empty ok" id="empty">Nothing to fix: no finding on {E[summary["devices"]]} devices '
              f'({E[summary["ports"]]} ports, {E[summary["lanes"]]} lanes); every device answered and nothing broke '
              'a threshold.</p>\n')
    w('</section>\n<section id="overview">\n<h2>Plane × switch</h2>\n'
      '<p class="hint">One square per switch; darker = more failing links through it.</p>\n')
    ov = ctx["overview"]
    for p in ov["planes"]:
        w(f'<div class="plane"><span class="pl">plane {E[p["plane"]]}</span><div class="hm">')
        for s in p["switches"]:
            w(f'<span class="c h{E[s["level"]]}" title="{E[s["name"]]}: {E[s["findings"]]} failing links, '
              f'{E[s["errors"] if s["errors"] is not None else "?"]} errors"></span>')
        w("</div></div>\n")
    if ov["top"]:
        w('<table class="top"><thead><tr><th>switch</th><th>plane</th><th>failing links</th><th>error counters</th>'
          "</tr></thead>\n<tbody>")
        for s in ov["top"]:
            w(f"<tr><td>{E[s['name']]}</td><td>{E[s['plane']]}</td><td>{E[s['findings']]}</td>"
              f"<td>{E[s['errors'] if s['errors'] is not None else '?']}</td></tr>")
        w("</tbody></table>\n")
    rows = ctx["rows"]
    w(f'</section>\n<section id="findings">\n<h2>Findings <small id="shown">{len(rows)} shown</small></h2>\n'
      '<div class="controls">\n'
      '<input id="q" type="search" placeholder="filter: device, port, cable, rack…" aria-label="filter">\n'
      '<select id="fsev" aria-label="severity"><option value="">all severities</option>')
    for s in sev:
        w(f"<option>{E[s]}</option>")
    w('</select>\n<select id="fplane" aria-label="plane"><option value="">all planes</option>')
    for p in ctx["planes"]:
        w(f"<option>{E[p]}</option>")
    w('</select>\n<select id="fkind" aria-label="kind"><option value="">all kinds</option>')
    for k in ctx["kinds"]:
        w(f"<option>{E[k]}</option>")
    w('</select>\n</div>\n<div class="fh"><button data-col="0">severity</button><button data-col="1">kind</button>'
      '<button data-col="2">plane</button><button data-col="3">where</button><button data-col="4">end A</button>'
      '<button data-col="5">end B</button><button data-col="6">cable</button><button data-col="7">first suspect'
      '</button></div>\n<div id="list">\n')
    for x in rows:
        r, wh = x["r"], x["where"]
        s = E[r["severity"]]
        w(f'<details class="f {s}" id="f-{E[r["id"]]}"><summary><span>{s}</span><span>{E[r["kind"]]}</span>'
          f'<span>{E[r["plane"] or "-"]}</span><span>{E[wh["hall"] or "?"]}/{E[wh["row"] or "?"]}/'
          f'{E[wh["rack"] or "?"]} U{E[wh["u"] or "?"]}</span><span>{E[x["a"]]}</span><span>{E[x["b"]]}</span>'
          f'<span>{E[x["cable"]]}</span><span>{E[x["suspect"]]}</span></summary>\n</details>\n')
    w("</div>\n")
    if not rows:
        w('<p class="empty">No findings.</p>')
    w('</section>\n<section id="walk">\n<h2>Floor walk</h2>\n<h3>Pick list</h3>\n'
      '<table class="pick"><thead><tr><th>count</th><th>part / tool</th></tr></thead>\n<tbody>')
    picks = ctx["picks"]
    for p in picks:
        w(f"<tr><td>{E[p['count']]}</td><td>{E[p['what']]}</td></tr>")
    if not picks:
        w("<tr><td>0</td><td>nothing to bring</td></tr>")
    w("</tbody></table>\n")
    for h in ctx["walk"]:
        w(f'<h3>{E[h["site"] or "site ?"]} hall {E[h["hall"] or "?"]}</h3>\n')
        for k in h["racks"]:
            w(f'<div class="rack"><h4>row {E[k["row"] or "?"]} rack {E[k["rack"] or "?"]}</h4>\n<ul class="walk">')
            for i in k["stops"]:
                w(f'<li class="{E[i["severity"]]}"><b>U{E[i["u"] or "?"]}</b> {E[i["device"]]}')
                if i["port"]:
                    w(f":{E[i['port']]}")
                task = E["★ " + str(i["task"]) if i["first"] else i["task"]]
                w(f' <a href="#f-{E[i["id"]]}">{E[i["kind"]]}</a> {task}')
                if i["bring"]:
                    w(f' · bring {"; ".join(E[b] for b in i["bring"])}')
                w("</li>")
            w("</ul></div>\n")
    w(f'</section>\n</main>\n<script type="application/json" id="details">{tojson(ctx["details"])}</script>\n'
      f'<script>{ctx["js"]}</script>\n</body>\n</html>\n')
    return "".join(o)

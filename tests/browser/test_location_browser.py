"""Issue 18 item 1 in Chromium: the "where" column and the floor walk's ★ start of every finding are
the first suspect's rack and U (netdiag.location)."""

import json

from netdiag import jobs
from netdiag.inventory import load
from netdiag.render import html
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric


def test_where_column_and_floor_walk_follow_the_first_suspect(browser, tmp_path):
    out = tmp_path / "sim"
    write_fabric(engine.simulate(presets.get("hgx-rail"), 128, 3, faults=20), out, "capture")
    res = jobs.sweep_capture(out / "capture", load(out / "devices.csv", out / "cabling.csv"))
    path = html.write_html(res, tmp_path / "report.html")
    url = path.resolve().as_uri()
    browser.events.clear()
    browser.open(url)
    where = browser.eval("Object.fromEntries([...document.querySelectorAll('#list details.f')].map("
                         "d => [d.id.slice(2), d.querySelectorAll('summary span')[3].textContent]))")
    assert len(where) == len(res.findings)
    for f in res.findings:
        loc = f.location
        assert where[f.id] == f"{loc['hall'] or '?'}/{loc['row'] or '?'}/{loc['rack'] or '?'} U{loc['u'] or '?'}", f.kind
    hot = next(f for f in res.findings if f.kind == "hot_module")
    assert where[hot.id] == "A/01/net-01-p0 U38"
    # the ★ stop of that finding sits in the leaf's rack, at the leaf
    star = browser.eval(f"""(() => {{ const a = [...document.querySelectorAll('#walk ul.walk li a')]
        .filter(x => x.getAttribute('href') === '#f-{hot.id}');
        return a.map(x => [x.closest('.rack').querySelector('h4').textContent, x.parentNode.textContent]); }})()""")
    starts = [s for s in star if "★" in s[1]]
    assert len(starts) == 1 and starts[0][0] == "row 01 rack net-01-p0"
    assert starts[0][1].startswith("U38 leaf-p0-0002:") and "★ start here" in starts[0][1]
    assert browser.requests(except_url=url) == []
    assert browser.console_errors() == []
    assert json.dumps(where)

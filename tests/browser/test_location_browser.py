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


def test_cut_output_and_missing_inventory_devices_under_could_not_tell(browser, tmp_path):
    """Issue 18 items 3 and 6 in Chromium: a cut ethtool -m output is named with its port and
    reason, and the inventory devices the capture lacks are listed."""
    import shutil
    from pathlib import Path

    demo = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
    cap = tmp_path / "capture"
    shutil.copytree(demo / "capture", cap)
    f = cap / "devices" / "gpu-r07-n02" / "0008.txt"
    f.write_bytes(b"".join(f.read_bytes().splitlines(keepends=True)[:106]))
    res = jobs.sweep_capture(cap, load(demo / "devices.csv", demo / "cabling.csv"))
    path = html.write_html(res, tmp_path / "report.html")
    url = path.resolve().as_uri()
    browser.events.clear()
    browser.open(url)
    items = browser.eval("[...document.querySelectorAll('ul.failed li')].map(li => li.textContent)")
    assert ("ethtool -m ens2np0 (port ens2np0): incomplete output for port ens2np0: threshold block incomplete "
            "(7 of 20 threshold lines): output cut; its own thresholds unknown, packaged ones not used instead") in items
    assert "2 inventory devices not in the capture: leaf-p0-r07, leaf-p1-r07" in items
    assert any(i.startswith("gpu-r07-n05: unreachable: connect timeout after 10.0 s") for i in items)
    assert browser.eval("document.querySelectorAll('#list details.f').length") == 5
    assert browser.requests(except_url=url) == []
    assert browser.console_errors() == []

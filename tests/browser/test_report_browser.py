"""The HTML report in a real headless Chromium: key elements visible, details drawn, sorting and
filtering work, zero network requests, no CSP violation or script error, device strings stay text."""

import json
import shutil
import time

from netdiag import jobs
from netdiag.inventory import load
from netdiag.render import html
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

from test_report_tickets import DEMO, SCRIPT, demo_result, injected_capture


def visible(b, selector) -> bool:
    return b.eval(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
        if (!el) return false; const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; }})()""")


def open_report(b, path):
    url = path.resolve().as_uri()
    b.events.clear()
    b.open(url)
    return url


def test_demo_report_in_chromium(browser, tmp_path):
    b = browser
    res = demo_result()
    path = html.write_html(res, tmp_path / "report.html")
    url = open_report(b, path)
    for sel in ("#summary .cards", "#overview .hm", "#findings .controls", "#list details.f", "#walk table.pick",
                "#walk .rack ul.walk"):
        assert visible(b, sel), sel
    assert b.eval("document.querySelectorAll('#list details.f').length") == 6
    assert b.eval("document.querySelector('.card.critical b').textContent") == "5"
    # a finding's detail draws both ends' lanes against the thresholds
    fid = next(f.id for f in res.findings if f.kind == "decaying_transmitter")
    b.eval(f"location.hash = 'f-{fid}'")
    time.sleep(0.2)
    drawn = b.eval(f"""(() => {{ const d = document.getElementById('f-{fid}');
        return [d.open, d.querySelectorAll('.lanes svg').length, d.querySelectorAll('.lanes svg line.la').length,
                d.querySelectorAll('.lanes svg rect.bad').length, d.querySelector('.lanes figcaption').textContent]; }})()""")
    assert drawn == [True, 3, 6, 1, "A gpu-r07-n02:ens2np0 Rx dBm"]
    # filtering and sorting
    b.eval("const s = document.getElementById('fsev'); s.value = 'warning'; s.dispatchEvent(new Event('input'))")
    assert b.eval("document.getElementById('shown').textContent") == "1 shown"
    b.eval("const s2 = document.getElementById('fsev'); s2.value = ''; s2.dispatchEvent(new Event('input'))")
    b.eval("document.querySelector('.fh button[data-col=\"4\"]').click()")
    ends = b.eval("[...document.querySelectorAll('#list details.f')].map(d => d.querySelectorAll('summary span')[4].textContent)")
    assert ends == sorted(ends)
    png = b.screenshot(tmp_path / "report.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert b.requests(except_url=url) == []
    assert b.console_errors() == []
    assert b.dialogs() == []


def test_script_in_device_name_is_shown_as_text_and_never_runs(browser, tmp_path):
    b = browser
    res = jobs.sweep_capture(injected_capture(tmp_path), load(DEMO / "devices.csv", DEMO / "cabling.csv"))
    fid = next(f.id for f in res.findings if f.kind == "miswire")
    url = open_report(b, html.write_html(res, tmp_path / "report.html"))
    b.eval(f"location.hash = 'f-{fid}'")
    time.sleep(0.2)
    assert SCRIPT in b.eval(f"document.getElementById('f-{fid}').textContent")
    assert b.eval("document.querySelectorAll('script').length") == 2
    assert b.dialogs() == []
    assert b.requests(except_url=url) == []


def test_network_requests_are_counted(browser, tmp_path):
    """The counter the tests rely on sees a page that does fetch something."""
    b = browser
    page = tmp_path / "fetching.html"
    page.write_text('<!doctype html><img src="http://192.0.2.1/x.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
    url = open_report(b, page)
    assert b.requests(except_url=url) == ["http://192.0.2.1/x.png"]


def test_simulated_report_shows_every_finding(browser, tmp_path):
    out = tmp_path / "sim"
    write_fabric(engine.simulate(presets.get("gb300-dual-plane"), 144, 3, miswires=2, faults=10), out, "capture")
    res = jobs.sweep_capture(out / "capture", load(out / "devices.csv", out / "cabling.csv"))
    url = open_report(browser, html.write_html(res, tmp_path / "report.html"))
    ids = browser.eval("[...document.querySelectorAll('#list details.f')].map(d => d.id.slice(2))")
    assert sorted(ids) == sorted(f.id for f in res.findings)
    shared = next(f for f in res.findings if f.kind == "twin_port_module")
    browser.eval(f"location.hash = 'f-{shared.id}'")
    time.sleep(0.2)
    assert browser.eval(f"document.getElementById('f-{shared.id}').querySelectorAll('.lanes .end').length") == 4
    assert browser.requests(except_url=url) == []
    assert browser.console_errors() == []
    shutil.rmtree(out)

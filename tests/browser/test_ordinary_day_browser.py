"""The report's empty state in a real headless Chromium: a healthy fabric's report says "Nothing to
fix" visibly, lists no finding, and runs without script errors or network requests (issue 12)."""

from netdiag import jobs
from netdiag.inventory import load
from netdiag.render import html
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

from test_report_browser import open_report, visible


def test_healthy_report_says_nothing_to_fix(browser, tmp_path):
    b = browser
    write_fabric(engine.simulate(presets.get("hgx-rail"), 8, 7), tmp_path / "fab", "capture")
    inv = load(tmp_path / "fab" / "devices.csv", tmp_path / "fab" / "cabling.csv")
    res = jobs.sweep_capture(tmp_path / "fab" / "capture", inv)
    assert res.findings == [] and res.exit_code() == 0
    path = html.write_html(res, tmp_path / "report.html")
    url = open_report(b, path)
    assert visible(b, "#summary #empty")
    assert b.eval("document.getElementById('empty').textContent").startswith(
        "Nothing to fix: no finding on 13 devices")
    assert b.eval("document.querySelector('h1 .st').textContent") == "OK"
    assert b.eval("document.querySelectorAll('#list details.f').length") == 0
    assert b.eval("document.getElementById('shown').textContent") == "0 shown"
    assert visible(b, "#findings p.empty")
    # filtering an empty list works and keeps it empty
    b.eval("const s = document.getElementById('fsev'); s.value = 'critical'; s.dispatchEvent(new Event('input'))")
    assert b.eval("document.getElementById('shown').textContent") == "0 shown"
    assert b.requests(except_url=url) == []
    assert b.console_errors() == []
    assert b.dialogs() == []

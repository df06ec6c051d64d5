"""The Python writer of the packaged report.html.j2 (netdiag.render.page) gives the same bytes as
Jinja renders the template with the same context: on the demo, a simulated fabric with faults,
miswires and a dark plane, device strings full of HTML specials, and every empty state; edited or
user templates are rendered by Jinja."""

import hashlib
import re
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from netdiag import jobs
from netdiag.findings import Finding, finding_id
from netdiag.ingest import DeviceStatus
from netdiag.inventory import load
from netdiag.model import Snapshot
from netdiag.render import html, page
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
TEMPLATES = Path(html.__file__).parent / "templates"
NASTY = "<script>alert('x')</script> & \"q\" ★"


def jinja_and_fast(res, **kw):
    env, ctx = html.context(res, **kw)
    want = env.get_template("report.html.j2").render(**ctx)
    return want, page.render(ctx)


def assert_same(res, **kw):
    want, got = jinja_and_fast(res, **kw)
    assert got == want
    assert html.render_html(res, **kw) == want   # and render_html takes the fast path to it
    return want


@pytest.fixture(scope="module")
def demo():
    return jobs.sweep_capture(DEMO / "capture", load(DEMO / "devices.csv", DEMO / "cabling.csv"))


def test_packaged_templates_are_the_ones_the_python_writer_reproduces():
    # editing report.html.j2 / report_empty.html.j2 without page.render() makes reports fall back
    # to Jinja (correct, slower): update both, then page.TEMPLATE_SHA256
    for name, sha in page.TEMPLATE_SHA256.items():
        assert hashlib.sha256((TEMPLATES / name).read_text().encode()).hexdigest() == sha, name
    env, _ = html.context(jobs.SweepResult([], [], Snapshot.from_tables({}), None))
    assert page.packaged(env)


def test_same_bytes_on_the_demo(demo):
    out = assert_same(demo)
    assert out.count('<details class="f ') == len(demo.findings) == 6


def test_same_bytes_on_a_fabric_with_faults_miswires_and_a_dark_plane(tmp_path):
    fab = engine.simulate(presets.get("gb300-dual-plane"), 144, 5, miswires=3, faults=12, events=("dark-plane:1",))
    write_fabric(fab, tmp_path, "capture")
    res = jobs.sweep_capture(tmp_path / "capture", load(tmp_path / "devices.csv", tmp_path / "cabling.csv"))
    assert any(f.children for f in res.findings) and len(res.findings) >= 10
    out = assert_same(res)
    assert 'class="walk"' in out and "bring" in out


def test_same_bytes_with_hostile_strings_failed_devices_and_devices_not_captured(demo, tmp_path):
    rows = (DEMO / "devices.csv").read_text().splitlines()
    extra = [f"ghost-{i},linux,,gpu_host,,dc1,A,07,r07,{i}" for i in range(25)]   # (names the inventory accepts)
    (tmp_path / "devices.csv").write_text("\n".join(rows + extra) + "\n")
    inv = load(tmp_path / "devices.csv", DEMO / "cabling.csv")
    devices = list(demo.devices) + [
        DeviceStatus(NASTY, "linux", False, f"ssh: {NASTY}"),
        DeviceStatus("sw<1>", "sonic", True, None, 3, [{"command": f"show {NASTY}", "error": NASTY, "port": "Eth'1"},
                                                       {"command": None, "error": "cut short"}]),
    ]
    f = Finding(finding_id("t", "1"), "critical", NASTY, NASTY,
                {"a_device": NASTY, "a_port": "p<1>", "b_device": "b&b", "b_port": "q'2", "cable_id": NASTY},
                [{"component": "cable", "ref": NASTY, "location": None, "confidence": 0.5}],
                f"Replace {NASTY}", [NASTY, "a, b: c (d) | e --hosts <x>"], None, None, device=NASTY, port="p<1>")
    res = jobs.SweepResult(demo.findings + [f], devices, demo.snapshot, None, capture=f"/cap/{NASTY}", inventory=inv)
    out = assert_same(res, title=f"report {NASTY}")
    assert NASTY not in out and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in out
    assert "<script>alert" not in out
    assert re.search(r"2[5-9] inventory devices not in the capture: ghost-0, ghost-1, ghost-10, [^<]*, …</li>", out)


@pytest.mark.parametrize("case", ["no devices", "failed devices", "clean"])
def test_same_bytes_in_every_empty_state(demo, case):
    if case == "no devices":
        res = jobs.SweepResult([], [], Snapshot.from_tables({}), None)
    elif case == "failed devices":
        res = jobs.SweepResult([], demo.devices[:2] + [DeviceStatus("x", "linux", False, "timeout")], demo.snapshot, None)
    else:
        res = jobs.SweepResult([], demo.devices, demo.snapshot, None, inventory=demo.inventory)
    out = assert_same(res)
    assert out.count('id="empty"') == 1 and '<p class="empty">No findings.</p>' in out


def test_a_user_report_template_is_rendered_by_jinja_sandboxed(demo, tmp_path):
    (tmp_path / "report.html.j2").write_text("{{ summary.findings }} {{ rows[0].r.kind }} <{{ title }}>\n")
    env, _ = html.context(demo, templates_dir=tmp_path)
    assert not page.packaged(env)
    assert html.render_html(demo, tmp_path, title="a<b") == f"6 {demo.findings[0].kind} <a&lt;b>\n"
    (tmp_path / "report.html.j2").write_text("{{ title.__class__.__mro__ }}")
    with pytest.raises(SecurityError):   # the sandbox keeps Python internals out of reach
        html.render_html(demo, tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "ticket.md.j2").write_text("x")   # no report template there: the packaged one, fast path
    env, _ = html.context(demo, templates_dir=other)
    assert page.packaged(env) and html.render_html(demo, other) == html.render_html(demo)

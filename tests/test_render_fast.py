"""The fast paths of the report and tickets write exactly what the templates and regexes they stand
in for would: the Python ticket renderer against the packaged ticket.md.j2 rendered by Jinja, the
evidence segmenter against its regex, the atomic writer's file modes."""

import hashlib
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdiag import jobs
from netdiag.findings import Finding, finding_id
from netdiag.inventory import load
from netdiag.render import html, jinja, repair, tickets
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
TEMPLATE = Path(tickets.__file__).parent / "templates" / "ticket.md.j2"


def jinja_markdown(reps, max_lane_links=tickets.MAX_LANE_LINKS):
    tpl = jinja.text_env(None).get_template("ticket.md.j2")
    return [tpl.render(t=r, max_lane_links=max_lane_links) for r in reps]


def assert_same(reps, max_lane_links=tickets.MAX_LANE_LINKS):
    assert reps
    want = jinja_markdown(reps, max_lane_links)
    got = [tickets.markdown(r, max_lane_links) for r in reps]
    for r, w, g in zip(reps, want, got):
        assert g == w, r["id"]


@pytest.fixture(scope="module")
def demo():
    return jobs.sweep_capture(DEMO / "capture", load(DEMO / "devices.csv", DEMO / "cabling.csv"))


@pytest.fixture(scope="module")
def dark_plane(tmp_path_factory):
    """A simulated fabric with component faults, miswires and a dark plane (a shared-part finding
    with many child links, more than the tickets draw lanes for)."""
    out = tmp_path_factory.mktemp("dark")
    fab = engine.simulate(presets.get("gb300-dual-plane"), 144, 5, miswires=3, faults=12, events=("dark-plane:1",))
    write_fabric(fab, out, "capture")
    return jobs.sweep_capture(out / "capture", load(out / "devices.csv", out / "cabling.csv"))


def test_packaged_template_is_the_one_the_python_renderer_reproduces():
    # editing ticket.md.j2 without markdown() makes tickets fall back to Jinja (correct, slower):
    # update both, then TEMPLATE_SHA256
    assert hashlib.sha256(TEMPLATE.read_text().encode()).hexdigest() == tickets.TEMPLATE_SHA256
    assert tickets._packaged_ticket(None)


def test_markdown_equals_jinja_on_the_demo(demo):
    reps = repair.repairs(demo)
    assert len(reps) == 6
    assert_same(reps)


def test_markdown_equals_jinja_on_a_fabric_with_miswires_and_a_dark_plane(dark_plane):
    reps = repair.repairs(dark_plane)
    kinds = {r["kind"] for r in reps}
    assert any(r["shared"] and len(r["links"]) > tickets.MAX_LANE_LINKS for r in reps), kinds
    assert kinds & repair.CABLING_KINDS, kinds
    assert_same(reps)
    assert_same(reps, max_lane_links=1)


def test_markdown_equals_jinja_on_hostile_strings_and_missing_data(demo):
    """Device strings with Markdown/HTML specials, line breaks and backticks; a finding with no link
    and no suspect; one whose ends have no module, lanes or counters."""
    nasty = "x_<b>|`y`*[z]{w}~!#&\n\t\\_end_"
    base = demo.findings[0]
    fs = [
        Finding(finding_id("t", "1"), "warning", "hot_module", None, {}, [], f"look at {nasty}", [nasty, "a, b: c (d) | e"],
                None, None, device=nasty, port="", reason=nasty),
        Finding(finding_id("t", "2"), "critical", "dead_link", "1",
                {"a_device": nasty, "a_port": "p`1", "b_device": "ghost", "b_port": "q|2", "cable_id": nasty},
                [{"component": "cable", "ref": nasty, "location": None, "confidence": None},
                 {"component": "transceiver", "ref": f"{nasty}:p`1", "location": nasty, "confidence": 0.004}],
                "Replace", [], "2026-01-01T00:00:00Z", None, device=nasty, port="p`1"),
        base,
    ]
    res = jobs.SweepResult(fs, demo.devices, demo.snapshot, None, inventory=demo.inventory)
    reps = repair.repairs(res)
    assert reps[0]["links"] == [] and reps[1]["links"][0]["a"]["module"] is None
    assert_same(reps)


def test_a_user_ticket_template_is_rendered_by_jinja_not_the_fast_path(demo, tmp_path):
    (tmp_path / "ticket.md.j2").write_text("custom {{ t.id }}\n")
    out = tickets.render_tickets(demo, tmp_path)
    assert [md for _, md, _ in out] == [f"custom {f.id}\n" for f in demo.findings]
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.html.j2").write_text("x")   # no ticket template there: the packaged one applies
    assert [md for _, md, _ in tickets.render_tickets(demo, other)] == jinja_markdown(repair.repairs(demo))


def test_html_and_tickets_from_shared_repairs_equal_their_own(demo, tmp_path):
    reps = repair.repairs(demo)
    assert html.render_html(demo, reps=reps) == html.render_html(demo)
    assert tickets.render_tickets(demo, reps=reps) == tickets.render_tickets(demo)


def test_repairs_locate_findings_without_a_location_as_locate_all_does(demo):
    from netdiag.location import locate_all

    bare = [Finding(**{**f.to_json(), "location": {}}) for f in demo.findings]
    res = jobs.SweepResult(bare, demo.devices, demo.snapshot, None, inventory=demo.inventory)
    got = [r["location"] for r in repair.repairs(res)]
    assert got == [f.location for f in locate_all(bare, demo.inventory)]
    assert got[0]["text"].startswith("dc1 hall A")


_SEGMENT = re.compile(r"(?<=, )|(?<=: )|(?= \()|(?= --hosts )|(?= \| )")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([",", ":", " ", "(", "|", "-", "h", "o", "s", "t", " --hosts ", ", ", ": ", " | ", "a", "é"]),
                max_size=30).map("".join))
def test_segments_cut_where_the_regex_cuts(v):
    assert html._segments(v) == [x for x in _SEGMENT.split(v) if x]


def test_atomic_write_mode_follows_umask_and_survives_a_stale_temporary(tmp_path):
    old = os.umask(0o027)
    try:
        p = tmp_path / "t.md"
        tickets.write_text_atomic(p, "one\n")
        assert p.read_text() == "one\n" and (p.stat().st_mode & 0o777) == 0o640
        stale = tmp_path / f".t.md.{os.getpid()}.tmp"   # as a crashed run of a process with our pid leaves it
        stale.write_text("half")
        tickets.write_text_atomic(p, "two é\n")
        assert p.read_text(encoding="utf-8") == "two é\n" and (p.stat().st_mode & 0o777) == 0o640
        assert stale.read_text() == "half"
        assert sorted(x.name for x in tmp_path.iterdir()) == [stale.name, "t.md"]
    finally:
        os.umask(old)


def test_ticket_writer_writes_every_file_and_reports_a_failure_by_path(demo, tmp_path):
    """write_tickets writes the files as rendered; a file that cannot be replaced (a directory under
    a ticket's name) is raised naming it, and no temporary file is left behind."""
    rendered = tickets.render_tickets(demo)
    out = tmp_path / "t"
    paths = tickets.write_tickets(demo, out)
    assert [p.name for p in paths] == [f"{fid}.json" for fid, _, _ in rendered]
    for fid, md, data in rendered:
        assert (out / f"{fid}.md").read_text(encoding="utf-8") == md
        assert (out / f"{fid}.json").read_text(encoding="utf-8") == tickets.dumps_payload(data)
    bad = tmp_path / "bad"
    victim = rendered[2][0]
    (bad / f"{victim}.md").mkdir(parents=True)
    with pytest.raises(IsADirectoryError) as e:
        tickets.write_tickets(demo, bad)
    assert str(bad / f"{victim}.md") in str(e.value)
    names = sorted(p.name for p in bad.iterdir())
    assert not [n for n in names if n.startswith(".")]
    assert {f"{fid}.md" for fid, _, _ in rendered[:2]} <= set(names)


def test_payload_json_is_the_standard_encoders_one_field_a_line(demo):
    import json

    for _, _, data in tickets.render_tickets(demo):
        text = tickets.dumps_payload(data)
        assert json.loads(text) == data
        assert text == "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, allow_nan=False)}"
                                         for k, v in data.items()) + "\n}\n"


def test_gc_paused_restores_the_collector_also_on_error():
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with repair.gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with repair.gc_paused():
            pass
        assert not gc.isenabled()   # left as the caller had it
    finally:
        gc.enable()

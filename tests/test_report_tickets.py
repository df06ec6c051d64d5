"""Tickets and the HTML report from a sweep: one ticket per finding with both ends' locations, the
part to bring, the steps in order, per-lane evidence and verify commands; device strings escaped;
user templates sandboxed."""

import json
import shutil
from html import unescape
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from jinja2.sandbox import SecurityError

from netdiag import jobs
from netdiag.cli import main
from netdiag.inventory import load
from netdiag.render import html, repair, tickets
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
SCRIPT = "<script>alert(1)</script>"


def demo_result():
    return jobs.sweep_capture(DEMO / "capture", load(DEMO / "devices.csv", DEMO / "cabling.csv"))


def injected_capture(tmp: Path) -> Path:
    """The demo capture with gpu-r07-n01's LLDP naming its ens1np0 neighbor `<script>alert(1)</script>`."""
    cap = tmp / "capture"
    shutil.copytree(DEMO / "capture", cap)
    p = cap / "devices" / "gpu-r07-n01" / "0002.txt"
    text = p.read_text()
    p.write_text(text.replace('"leaf-p0-r07"', json.dumps(SCRIPT), 1))
    return cap


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    write_fabric(engine.simulate(presets.get("gb300-dual-plane"), 144, 3, miswires=2, faults=10), out, "capture")
    return jobs.sweep_capture(out / "capture", load(out / "devices.csv", out / "cabling.csv"))


def test_demo_one_ticket_per_finding_markdown_and_json(tmp_path):
    res = demo_result()
    paths = tickets.write_tickets(res, tmp_path)
    assert sorted(p.stem for p in paths) == sorted(f.id for f in res.findings)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{f.id}.json" for f in res.findings] + [f"{f.id}.md" for f in res.findings])
    for p in paths:
        data = json.loads(p.read_text())
        assert data["dedup_key"] == p.stem
        assert data["description"] == (tmp_path / f"{p.stem}.md").read_text()
        assert {"summary", "priority", "location", "component", "steps", "verify", "evidence"} <= set(data)


def test_decaying_transmitter_ticket_says_where_what_to_bring_and_how_to_verify():
    res = demo_result()
    ticket = {t[2]["kind"]: t for t in tickets.render_tickets(res)}["decaying_transmitter"]
    _, md, data = ticket
    assert data["summary"] == ("[CRITICAL] decaying_transmitter gpu-r07-n02:ens2np0 - leaf-p1-r07:Ethernet16 "
                               "cable C07-02-2: transceiver gpu-r07-n02:ens2np0")
    assert data["priority"] == "P1" and data["component"] == "transceiver"
    assert data["location"] == {"site": "dc1", "hall": "A", "row": "07", "rack": "r07", "u": "36",
                                "text": "dc1 hall A row 07 rack r07 U36", "device": "gpu-r07-n02",
                                "port": "ens2np0", "component": "transceiver", "ref": "gpu-r07-n02:ens2np0"}
    a, b = data["links"][0]["a"], data["links"][0]["b"]
    assert (a["device"], a["port"], a["location"]["u"]) == ("gpu-r07-n02", "ens2np0", "36")
    assert (b["device"], b["port"], b["location"]["u"]) == ("leaf-p1-r07", "Ethernet16", "43")
    assert data["parts"][0]["part_number"] == "FTLC1152RGPL6-FB"
    assert data["parts"][0]["serial"] == "UX511M220"
    assert data["bring"] == ["transceiver QSFP28 optical (FTLC1152RGPL6-FB)"]
    steps = data["steps"]
    assert steps[0].startswith("Start at gpu-r07-n02:ens2np0 (dc1 hall A row 07 rack r07 U36)")
    assert steps[1].startswith("Inspect the fiber end faces with a scope and clean them")
    assert steps.index("Reseat the module at gpu-r07-n02:ens2np0; re-measure") < next(
        i for i, s in enumerate(steps) if "replace the transceiver gpu-r07-n02:ens2np0" in s)
    lane2 = a["lanes"][1]
    assert (lane2["lane"], lane2["tx_dbm"], lane2["rx_dbm"]) == (2, -9.21, -0.79)
    assert a["thresholds"]["tx"] == [-8.0, -4.0, 2.5, 5.5]
    assert [v["command"] for v in data["verify"]] == [
        "ethtool -m ens2np0", "ethtool -S ens2np0 | grep -E 'crc|symbol|fec'",
        "show interfaces transceiver eeprom --dom Ethernet16", "show interfaces counters fec-stats",
        "netdiag sweep --inventory devices.csv --plan cabling.csv --hosts gpu-r07-n02 --hosts leaf-p1-r07"]
    assert "| 2 | -0.79 | -9.21 LOW | 37.93 |" in md
    assert "- on gpu\\-r07\\-n02" not in md and "- on gpu-r07-n02: `ethtool -m ens2np0`" in md


def test_verify_commands_per_platform_quote_and_refuse_unsafe_names():
    assert repair.verify_commands("cumulus", "swp1s1") == ["nv show interface swp1s1 link phy-detail"]
    assert repair.verify_commands("eos", "Ethernet1/1") == [
        "show interfaces Ethernet1/1 transceiver dom thresholds", "show interfaces Ethernet1/1 counters errors"]
    assert repair.verify_commands("ib-host", "mlx5_3/1") == ["mlxlink -d mlx5_3 -p 1 -m -c -e"]
    assert repair.verify_commands("linux", "eth0;reboot") == [
        "(port name 'eth0;reboot' has characters unsafe for a shell: check it by hand)"]
    assert repair.verify_commands("unknown-os", "eth0") == []


def test_simulated_fabric_one_ticket_per_finding_shared_parts_cover_their_links(simulated, tmp_path):
    res = simulated
    rendered = tickets.render_tickets(res)
    assert sorted(t[0] for t in rendered) == sorted(f.id for f in res.findings)
    shared = [f for f in res.findings if f.children]
    assert {f.kind for f in shared} == {"failing_switch", "twin_port_module"}
    by_id = {t[0]: t for t in rendered}
    for f in shared:
        _, md, data = by_id[f.id]
        assert [lv["cable_id"] for lv in data["links"]] == [c["link"]["cable_id"] for c in f.children]
        for c in f.children:
            assert c["link"]["cable_id"] in md
    page = html.render_html(res)
    for f in res.findings:
        assert page.count(f'id="f-{f.id}"') == 1


def test_device_name_with_script_is_text_in_report_and_tickets(tmp_path):
    res = jobs.sweep_capture(injected_capture(tmp_path), load(DEMO / "devices.csv", DEMO / "cabling.csv"))
    hit = [f for f in res.findings if any(SCRIPT in e for e in f.evidence)]
    assert [f.kind for f in hit] == ["miswire"]
    page = html.render_html(res)
    # the evidence travels in the JSON details block, '<' and '>' escaped so it cannot end the block
    assert SCRIPT not in page and "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    assert page.count("<script") == 2   # the JSON data block and the report's own script
    _, md, data = next(t for t in tickets.render_tickets(res) if t[0] == hit[0].id)
    assert SCRIPT not in md and "\\<script\\>alert(1)\\</script\\>" in md
    assert any(SCRIPT in e for e in data["evidence"])   # JSON keeps the data as it was


def test_report_csp_allows_only_its_own_inline_style_and_script():
    page = html.render_html(demo_result())
    csp = unescape(page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0])
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "unsafe-inline" not in csp and "http" not in csp
    for tag in ("<link", "<img", "<iframe", " src=", "https://"):
        assert tag not in page
    assert page.count("http://") == 1   # the SVG namespace name, not a request


def test_user_templates_are_sandboxed(tmp_path):
    res = demo_result()
    (tmp_path / "ticket.md.j2").write_text("{{ t.id }} {{ t.kind | md }}\n")
    out = tickets.render_tickets(res, tmp_path)
    assert sorted(md for _, md, _ in out)[0] == "5a7c75895b52debd dead_link\n"
    (tmp_path / "ticket.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        tickets.render_tickets(res, tmp_path)
    (tmp_path / "ticket.md.j2").write_text("{{ t.nope }}")
    with pytest.raises(jinja2.UndefinedError):
        tickets.render_tickets(res, tmp_path)


def test_sweep_cli_writes_html_and_tickets_and_reports_template_errors(tmp_path):
    args = ["sweep", "--inventory", str(DEMO / "devices.csv"), "--plan", str(DEMO / "cabling.csv"),
            "--capture", str(DEMO / "capture")]
    r = CliRunner().invoke(main, args + ["--html", str(tmp_path / "r.html"), "--tickets", str(tmp_path / "t")])
    assert r.exit_code == 2, r.output
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    assert len(list((tmp_path / "t").glob("*.json"))) == 6
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "ticket.md.j2").write_text("{{ t.nope }}")
    r = CliRunner().invoke(main, args + ["--tickets", str(tmp_path / "t2"), "--templates", str(tmp_path / "tpl")])
    assert r.exit_code == 3 and "UndefinedError" in r.output
    r = CliRunner().invoke(main, args + ["--templates", str(tmp_path / "tpl")])
    assert r.exit_code == 3 and "--templates needs --html FILE or --tickets DIR" in r.output


def test_ticket_json_is_one_field_a_line_and_reads_back():
    """The payload writer keeps the C JSON encoder (fast at 10,000 tickets): same data, NaN refused."""
    import json as _json
    import math as _math

    import pytest as _pytest

    from netdiag.render.tickets import dumps_payload

    data = {"format": "netdiag-ticket/1", "summary": "Replace \u00e9 <b>", "links": [{"a": 1, "b": None}],
            "evidence": ["x: 1", "y"], "plane": None}
    text = dumps_payload(data)
    assert _json.loads(text) == data
    assert text.splitlines()[1] == '  "format": "netdiag-ticket/1",'
    assert text.count("\n") == len(data) + 2 and text.endswith("}\n")
    with _pytest.raises(ValueError):
        dumps_payload({"x": _math.nan})

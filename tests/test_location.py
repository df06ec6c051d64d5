"""Item 1 of issue 18: a finding's location is its first suspect's, in every output (JSON, ticket
Markdown and JSON, HTML where column, floor walk)."""

import json

import pytest

from netdiag import jobs
from netdiag.inventory import load
from netdiag.render import html, repair, tickets
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """hgx-rail 128 GPUs, seed 3, 20 faults: two hot modules on leaf-p0-0002 whose links start at
    GPU hosts (the A end is the far end of the suspect)."""
    out = tmp_path_factory.mktemp("sim")
    write_fabric(engine.simulate(presets.get("hgx-rail"), 128, 3, faults=20), out, "capture")
    inv = load(out / "devices.csv", out / "cabling.csv")
    return jobs.sweep_capture(out / "capture", inv), inv


def test_far_end_first_suspect_location_is_the_suspects_rack(sim):
    res, inv = sim
    hot = [f for f in res.findings if f.kind == "hot_module"]
    assert {(f.link["a_device"], f.suspects[0]["ref"]) for f in hot} == {
        ("gpu-r0002-n03", "leaf-p0-0002:Ethernet24"), ("gpu-r0001-n02", "leaf-p0-0002:Ethernet0")}
    for f in hot:
        assert f.location["device"] == "leaf-p0-0002"
        assert (f.location["rack"], f.location["u"]) == ("net-01-p0", "38")
        assert f.location["text"] == "dc1 hall A row 01 rack net-01-p0 U38"
        assert f.to_json()["location"] == f.location


def test_every_device_part_location_matches_its_device(sim):
    res, inv = sim
    n = 0
    for f in res.findings:
        top = f.suspects[0]
        if top["component"] in ("transceiver", "port", "switch", "nic", "linecard"):
            dev = top["ref"].split(":")[0]
            d = inv.devices[dev]
            assert (f.location["device"], f.location["rack"], f.location["u"]) == (dev, d.rack, d.u), f.kind
            n += 1
    assert n >= 10


def test_cable_location_names_both_ends_and_the_patch_panel_path(sim):
    res, inv = sim
    f = next(f for f in res.findings if f.suspects[0]["ref"] == "F0000100")
    loc = f.location
    assert [(e["device"], e["port"]) for e in loc["ends"]] == [("leaf-p0-0003", "Ethernet144"),
                                                               (f.link["b_device"], f.link["b_port"])]
    assert loc["path"] == ["pp-01-p0-002:5", "pp-sp-p0-002:5"]
    assert loc["ends"][1]["rack"] == inv.devices[f.link["b_device"]].rack
    assert "leaf-p0-0003:Ethernet144 -> pp-01-p0-002:5 -> pp-sp-p0-002:5 -> " in loc["text"]


def test_ticket_markdown_json_and_html_read_the_finding_location(sim, tmp_path):
    res, inv = sim
    by_id = {f.id: f for f in res.findings}
    out = tickets.render_tickets(res)
    assert len(out) == len(res.findings)
    for fid, md, data in out:
        loc = by_id[fid].location
        assert data["location"] == loc
        line = next(x for x in md.splitlines() if x.startswith("| Where to start |"))
        assert loc["rack"] is None or f"rack {loc['rack']}" in line
    hot = next(f for f in res.findings if f.kind == "hot_module")
    md = next(m for i, m, _ in out if i == hot.id)
    assert "| Where to start | dc1 hall A row 01 rack net-01-p0 U38 |" in md
    assert "| Kind | hot_module |" in md     # kind names are not escaped: grep finds them
    text = html.render_html(res)
    assert f'id="f-{hot.id}"><summary><span>critical</span><span>hot_module</span><span>0</span><span>A/01/net-01-p0 U38</span>' in text


def test_floor_walk_starts_at_the_first_suspect(sim):
    res, inv = sim
    walk = html._floor_walk(repair.repairs(res))
    starts = {(s["id"], s["device"]) for h in walk for k in h["racks"] for s in k["stops"] if s["first"]}
    for f in res.findings:
        if f.location.get("device") and not f.children:
            assert (f.id, f.location["device"]) in starts, f.kind
    assert json.dumps(walk)   # plain data

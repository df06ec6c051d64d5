"""Issue 18 item 6: an EOS switch end names its module's maker, part number and serial (from
`show inventory | json`, per cage) in the modules table, the tickets' pick list and the HTML."""

import json
from pathlib import Path

import pandas as pd

from netdiag import jobs, parsers, platforms
from netdiag.parsers.eos_inventory import attach_cage_identity
from netdiag.render import repair, tickets

ROOT = Path(__file__).resolve().parent.parent
EOS_LEAF = ROOT / "fixtures" / "captures" / "eos-leaf"


def test_eos_driver_collects_and_reads_show_inventory():
    eos = platforms.get("eos")
    assert "show inventory | json" in eos.discovery
    assert eos.parser_for("show inventory | json") == ("eos-inventory-json", None)
    assert eos.parser_for("show inventory") == ("eos-inventory-text", None)
    # a cage row of show inventory is not an interface the driver would ask about
    assert eos.ports_from({"modules": [{"port": "Ethernet24", "present": True, "vendor": "x", "part_number": "y"},
                                       {"port": "Ethernet24/1", "media_type": "400GBASE-SR4"}]}) == ["Ethernet24/1"]


def test_eos_leaf_modules_carry_vendor_part_number_serial_and_media_type():
    res = jobs.sweep_capture(EOS_LEAF)
    m = res.snapshot.modules.set_index("port")
    assert len(m) == 13 and not m.index.duplicated().any()
    assert "Ethernet9" not in m.index and "Ethernet10" not in m.index    # cage rows folded into their interfaces
    assert m.loc["Ethernet5/1", ["vendor", "part_number", "serial", "revision", "media_type"]].tolist() == [
        "Arista Networks", "QDD-400G-DR4", "XKT2405A05", "12", "400GBASE-DR4"]
    for leg in ("Ethernet9/1", "Ethernet9/2", "Ethernet9/3", "Ethernet9/4"):   # one breakout module, four legs
        assert m.loc[leg, ["part_number", "serial", "media_type"]].tolist() == ["QDD-400G-DR4", "XKT2490B09", "100GBASE-DR"]
    assert m.loc["Ethernet10/1", ["part_number", "media_type"]].tolist() == ["CAB-D-D-400G-2M", "400GBASE-CR8"]
    assert res.exit_code() == 2 and not any(d.failed for d in res.devices)


def test_ticket_pick_list_and_html_name_the_eos_part(tmp_path):
    res = jobs.sweep_capture(EOS_LEAF)
    rep = {r["kind"]: r for r in repair.repairs(res)}["fec_uncorrectable_cw"]
    part = rep["parts"][0]
    assert (part["component"], part["ref"]) == ("transceiver", "eos-leaf-01:Ethernet5/1")
    assert (part["vendor"], part["part_number"], part["serial"]) == ("Arista Networks", "QDD-400G-DR4", "XKT2405A05")
    assert rep["bring"] == ["transceiver 400GBASE-DR4 optical (QDD-400G-DR4)"]
    md = {data["kind"]: m for _, m, data in tickets.render_tickets(res)}["fec_uncorrectable_cw"]
    assert "400GBASE-DR4 optical Arista Networks QDD-400G-DR4 s/n XKT2405A05" in md
    assert "part number QDD-400G-DR4, installed serial XKT2405A05" in md
    out = jobs.report(res, tmp_path / "r.html", None, None)
    html = Path(out["html"]).read_text()
    assert "400GBASE-DR4 QDD-400G-DR4 s/n XKT2405A05" in html
    assert "400GBASE-DR4 QDD-400G-DR4 s/n XKT2407A07" in html          # the hot module's end
    # every transceiver of the captured switch is named; only far ends outside the capture stay unknown
    parts = [p for r in repair.repairs(res) for p in r["parts"] if p["component"] == "transceiver"]
    assert {p["ref"] for p in parts if p["part_number"] is None} == {"eos-spine-03:Ethernet1/1", "gpu-r01-n01:eth0",
                                                                     "gpu-r01-n02:eth0"}
    assert all(p["part_number"] == "QDD-400G-DR4" for p in parts if p["ref"].startswith("eos-leaf-01:"))


def _mods(rows):
    from netdiag import model
    return model.conform("modules", model.frame_from_records("modules", rows))


def test_cage_identity_needs_agreeing_serials_and_keeps_unused_cages():
    mods = _mods([
        {"device": "s1", "port": "Ethernet1", "present": True, "vendor": "V", "part_number": "P1", "serial": "A", "revision": "1"},
        {"device": "s1", "port": "Ethernet1/1", "serial": "A", "media_type": "400GBASE-DR4"},
        {"device": "s1", "port": "Ethernet2", "present": True, "vendor": "V", "part_number": "P2", "serial": "B"},
        {"device": "s1", "port": "Ethernet2/1", "serial": "OTHER", "media_type": "400GBASE-DR4"},   # swapped since
        {"device": "s1", "port": "Ethernet3", "present": True, "vendor": "V", "part_number": "P3", "serial": "C"},
        {"device": "s2", "port": "Ethernet1/1", "media_type": "400GBASE-DR4"},                     # other device
    ])
    out = attach_cage_identity(mods).set_index(["device", "port"])
    assert out.loc[("s1", "Ethernet1/1"), ["vendor", "part_number", "revision"]].tolist() == ["V", "P1", "1"]
    assert ("s1", "Ethernet1") not in out.index                                 # used: folded in
    assert pd.isna(out.loc[("s1", "Ethernet2/1"), "part_number"])              # serials disagree: not copied
    assert ("s1", "Ethernet2") in out.index and ("s1", "Ethernet3") in out.index   # unused cages kept as they are
    assert pd.isna(out.loc[("s2", "Ethernet1/1"), "part_number"])
    assert len(out) == 5


def test_inventory_alone_makes_no_finding(tmp_path):
    """A capture with only `show inventory | json` tells the modules' identity and nothing else."""
    from netdiag.capture import CaptureWriter

    data = (ROOT / "tests" / "cases" / "eos-inventory-json" / "anta_xcvr_slots_empty_slot" / "input.json").read_bytes()
    with CaptureWriter(tmp_path / "cap") as cw:
        cw.device("sw1", "eos", None).record("show inventory | json", data, b"", 0, "2026-01-01T00:00:00Z", 0.1, None, None)
    res = jobs.sweep_capture(tmp_path / "cap")
    assert res.findings == []
    assert sorted(res.snapshot.modules["part_number"]) == ["QSFP-100G-DR", "QSFP-100G-DR"]
    assert json.loads(json.dumps(res.to_json()))["summary"]["findings"] == 0

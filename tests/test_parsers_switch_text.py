"""Behaviours of the issue-16 parsers that the case folders do not show on their own: CLI captures
around an XML document, refused XML entities, short interface names, lanes from JSON nestings."""

import json
from pathlib import Path

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError

CASES = Path(__file__).resolve().parent / "cases"


def test_junos_xml_captured_at_the_cli_with_prompt_and_declaration():
    xml = (CASES / "junos-optics-xml" / "napalm_sfp_normal" / "input.xml").read_text()
    text = ("user@qfx> show interfaces diagnostics optics | display xml\n<?xml version=\"1.0\"?>\n"
            + xml + "\n{master:0}\nuser@qfx> \n")
    got = parsers.parse_text("auto", text)
    assert got["lanes"][0]["rx_power_mw"] == 0.4546
    assert got["modules"][0]["temperature_c"] == 45.0


def test_junos_xml_with_entity_declarations_is_refused():
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<interface-information><physical-interface><name>&b;</name><optics-diagnostics/>'
            '</physical-interface></interface-information>')
    with pytest.raises(ParseError, match="DTD or entity"):
        parsers.parse_text("junos-optics-xml", bomb)


def test_ios_short_names_are_written_out_and_lldp_remote_ports_are_kept_as_advertised():
    f = CASES / "cisco-lldp-neighbors-detail" / "constructed_iosxe" / "input.txt"
    rows = parsers.parse_text("cisco-lldp-neighbors-detail", f.read_bytes())["neighbors"]
    assert [(r["port"], r["remote_port"]) for r in rows] == [("HundredGigE1/0/49", "Hu1/0/1"),
                                                          ("TwentyFiveGigE1/0/3", "b8ce.f6e2.41a0")]


def test_nxos_json_envelope_and_single_lane_object():
    body = {"TABLE_interface": {"ROW_interface": {
        "interface": "Ethernet1/36/1", "sfp": "present", "type": "QSFP-40G-CSR4", "serialnum": "C2407418236",
        "TABLE_lane": {"ROW_lane": {"lane_number": "1", "temperature": "34.48", "voltage": "3.28",
                                    "current": "6.49", "tx_pwr": "-1.78", "rx_pwr": "-1.24",
                                    "rx_pwr_alrm_lo": "-14.10", "rx_pwr_flag": None}}}}}
    nxapi = {"ins_api": {"outputs": {"output": {"body": body, "code": "200", "msg": "Success"}}}}
    got = parsers.parse_text("nxos-transceiver-json", json.dumps(nxapi))
    assert got["modules"][0]["serial"] == "C2407418236" and got["modules"][0]["temperature_c"] == 34.48
    assert got["modules"][0]["rx_power_mw_low_alarm"] == pytest.approx(10 ** (-1.41))
    assert [(r["port"], r["lane"], r["tx_bias_ma"]) for r in got["lanes"]] == [("Ethernet1/36/1", 1, 6.49)]

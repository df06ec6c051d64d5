"""EOS phy detail, counters errors and LLDP parsers: variants beyond the real-sample cases."""

import json

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def test_phy_single_chip_without_location_uses_its_data():
    doc = {"interfacePhyStatuses": {"Ethernet7": {"phyStatuses": [
        {"description": {"phyChipName": "BCM56980"},
         "fec": {"correctedCodewords": {"value": 1234, "changes": 5, "lastChange": 1.0},
                 "uncorrectedCodewords": {"value": 7, "changes": 1, "lastChange": 1.0}},
         "preFecBer": {"value": 2.5e-7}}]}}}
    out = parsers.parse_text("eos-phy-detail-json", json.dumps(doc))
    assert out["counters"] == [dict(out["counters"][0], port="Ethernet7")]
    r = out["counters"][0]
    assert (r["fec_corrected_cw"], r["fec_uncorrectable_cw"], r["raw_ber"]) == (1234, 7, 2.5e-7)


def test_phy_line_side_closest_to_module_wins_over_system_side():
    doc = {"interfacePhyStatuses": {"Ethernet1/1": {"phyStatuses": [
        {"description": {"phyChipName": "ASIC", "location": "line"},
         "fec": {"correctedCodewords": {"value": 5}, "uncorrectedCodewords": {"value": 0}},
         "preFecBer": {"value": 1e-9}},
        {"description": {"phyChipName": "RT", "location": "line"},
         "fec": {"correctedCodewords": {"value": 900}, "uncorrectedCodewords": {"value": 3}},
         "preFecBer": {"value": 3e-5}},
        {"description": {"phyChipName": "RT", "location": "system"},
         "fec": {"correctedCodewords": {"value": 1}, "uncorrectedCodewords": {"value": 0}}}]}}}
    r = parsers.parse_text("eos-phy-detail-json", json.dumps(doc))["counters"][0]
    assert (r["fec_corrected_cw"], r["fec_uncorrectable_cw"], r["raw_ber"]) == (900, 3, 3e-5)


def test_phy_no_data_anywhere_gives_no_rows_and_garbage_is_error():
    doc = {"interfacePhyStatuses": {"Ethernet1": {"phyStatuses": [{"description": {}, "chip": {}}]}}}
    assert parsers.parse_text("eos-phy-detail-json", json.dumps(doc)) == {}
    with pytest.raises(ParseError):
        parsers.parse_text("eos-phy-detail-json", '{"interfaceErrorCounters": {}}')


def test_counters_errors_missing_keys_are_unknown_not_zero():
    doc = {"interfaceErrorCounters": {"Ethernet3": {"fcsErrors": 17, "inErrors": 17},
                                      "Port-Channel1": {}}}
    out = parsers.parse_text("eos-counters-errors-json", json.dumps(doc))
    assert len(out["counters"]) == 1
    r = out["counters"][0]
    assert r["port"] == "Ethernet3" and r["rx_crc_errors"] == 17 and r["rx_errors"] == 17
    assert r["tx_errors"] is None and r["symbol_errors"] is None


def test_lldp_detail_local_quoted_id_and_no_neighbors():
    doc = {"lldpNeighbors": {
        "Ethernet1": {"lldpNeighborInfo": [{
            "systemName": "spine1", "chassisId": "001c.7300.0001", "chassisIdType": "macAddress", "ttl": 120,
            "managementAddresses": [],
            "neighborInterfaceInfo": {"interfaceIdType": "interfaceName", "interfaceId": "\"Ethernet3/1\"",
                                      "interfaceDescription": "leaf1-uplink"}}]},
        "Ethernet2": {"lldpNeighborInfo": []}}}
    out = parsers.parse_text("eos-lldp-neighbors-detail-json", json.dumps(doc))
    assert len(out["neighbors"]) == 1
    n = out["neighbors"][0]
    assert (n["port"], n["remote_device"], n["remote_port"], n["remote_port_descr"]) == \
        ("Ethernet1", "spine1", "Ethernet3/1", "leaf1-uplink")
    assert n["remote_mgmt_ip"] is None
    assert parsers.parse_text("eos-lldp-neighbors-detail-json", '{"lldpNeighbors": {}}') == {}


def test_lldp_brief_empty_table():
    doc = {"tablesLastChangeTime": 0.0, "tablesAgeOuts": 0, "tablesInserts": 0,
           "lldpNeighbors": [], "tablesDeletes": 0, "tablesDrops": 0}
    assert parsers.parse_text("eos-lldp-neighbors-json", json.dumps(doc)) == {}

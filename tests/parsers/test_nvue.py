"""Cumulus NVUE parsers: variants of the formats seen across Cumulus Linux 5.x docs and releases.

Inputs below are small excerpts modelled on the NVIDIA Cumulus Linux user guide / NVUE command
reference examples (layout, spacing, units), with values chosen for the test."""

import json
import math

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError
from netdiag.platforms import get as get_platform


def parse(fmt, text, port="swp1"):
    return parsers.parse_text(fmt, text, device="leaf01", port=port)


def by_lane(rows):
    return {r["lane"]: r for r in rows}


# --- phy-detail ------------------------------------------------------------------------------------

PHY_FAULTY = """\
                           operational  applied
-------------------------  -----------  -------
time-since-last-clear-min  90
phy-received-bits          2373169010065408
symbol-errors              12
effective-errors           7
phy-raw-errors-lane0       0
phy-raw-errors-lane1       981234
phy-raw-errors-lane2       n/a
phy-raw-errors-lane3       5
raw-ber                    2E-5
symbol-ber                 15E-255
effective-ber              3E-13
raw-ber-lane0              15E-255
raw-ber-lane1              8E-5
raw-ber-lane3              1E-9
rs-num-corr-err-bin0       1000
rs-num-corr-err-bin15      3
"""


def test_phy_detail_lanes_from_one_sentinel_and_na():
    t = parse("nvue-link-phy-detail", PHY_FAULTY)
    c = t["counters"][0]
    assert c["time_since_clear_s"] == 5400.0
    assert c["symbol_errors"] == 12 and c["fec_uncorrectable_cw"] == 7
    assert c["raw_ber"] == 2e-5 and c["symbol_ber"] == 0.0 and c["effective_ber"] == 3e-13
    lanes = by_lane(t["lanes"])
    assert sorted(lanes) == [1, 2, 3, 4]          # NVUE lane0..3 -> 1..4
    assert lanes[1]["raw_errors"] == 0 and lanes[1]["raw_ber"] == 0.0   # 15E-255 = none seen
    assert lanes[2]["raw_errors"] == 981234 and lanes[2]["raw_ber"] == 8e-5
    assert lanes[3]["raw_errors"] is None         # n/a is unknown, not 0
    assert lanes[4]["raw_ber"] == 1e-9
    assert {r["bin"]: r["count"] for r in t["fec_histogram"]} == {0: 1000, 15: 3}


def test_phy_detail_tolerates_prompt_and_garbage_lines():
    text = "cumulus@leaf01:mgmt:~$ nv show interface swp7 link phy-detail\n" + PHY_FAULTY + "Error: blah\n"
    t = parse("nvue-link-phy-detail", text, port="swp7")
    assert t["counters"][0]["port"] == "swp7"


def test_phy_detail_rejects_other_nvue_output():
    with pytest.raises(ParseError):
        parse("nvue-link-phy-detail", "          operational  applied\n--------  -----------  -------\nsetpoint  60           60\n")


def test_phy_detail_json_flat_and_nested():
    flat = {"raw-ber": "3E-6", "effective-ber": "15E-255", "effective-errors": 0, "symbol-errors": "0",
            "phy-raw-errors-lane0": "10", "raw-ber-lane0": "3E-6", "time-since-last-clear-min": 2}
    t = parse("nvue-link-phy-detail-json", json.dumps(flat))
    assert t["counters"][0]["raw_ber"] == 3e-6 and t["counters"][0]["effective_ber"] == 0.0
    assert t["counters"][0]["time_since_clear_s"] == 120.0
    assert t["lanes"][0]["lane"] == 1 and t["lanes"][0]["raw_errors"] == 10
    nested = {"phy-detail": {"raw-ber": "1E-6", "effective-ber": "0E-0",
                             "lane": {"0": {"phy-raw-errors": 4, "raw-ber": "2E-6"}, "1": {"phy-raw-errors": 0, "raw-ber": "0"}}}}
    t = parse("nvue-link-phy-detail-json", json.dumps(nested))
    assert by_lane(t["lanes"])[1]["raw_errors"] == 4 and by_lane(t["lanes"])[2]["raw_ber"] == 0.0
    assert parsers.detect(json.dumps(flat)) == "nvue-link-phy-detail-json"


# --- counters errors -------------------------------------------------------------------------------

FULL_COUNTERS = """\
                     operational  applied
-------------------  -----------  -------
carrier-transitions  6

Detailed Counters
====================
    Counter            Receive  Transmit
    -----------------  -------  --------
    Broadcast Packets  0        0
    Total Octets       123456   654321
    Total Packets      1000     2000

Drop Counters
================
    Counter          Receive  Transmit
    ---------------  -------  --------
    ACL Drops        0        n/a
    Total Drops      4        1

Error Counters
=================
    Counter           Receive  Transmit
    ----------------  -------  --------
    Alignment Errors  0        n/a
    FCS Errors        17       n/a
    Symbol Errors     3        n/a
    Total Errors      20       0
"""


def test_counters_full_view():
    t = parse("nvue-counters-errors", FULL_COUNTERS)
    c = t["counters"][0]
    assert (c["rx_crc_errors"], c["symbol_errors"], c["rx_errors"], c["tx_errors"]) == (17, 3, 20, 0)
    assert (c["rx_discards"], c["tx_discards"], c["rx_bytes"], c["tx_packets"]) == (4, 1, 123456, 2000)
    assert t["ports"][0]["carrier_changes"] == 6


def test_counters_errors_na_is_none():
    text = "Counter           Receive  Transmit\n----------------  -------  --------\nFCS Errors        n/a      n/a\nTotal Errors      2        n/a\n"
    c = parse("nvue-counters-errors", text)["counters"][0]
    assert c["rx_crc_errors"] is None and c["rx_errors"] == 2 and c["tx_errors"] is None


# --- transceiver brief -----------------------------------------------------------------------------

BRIEF_510 = """\
Transceiver  Identifier                     Vendor Name  Vendor PN         Vendor SN      Vendor Rev 
---------  -------------------------------  -----------  ----------------  -------------  ---------- 
swp1       QSFP28                           Mellanox     MCP1600-C001E30N  MT2039VB01185  A3 
swp20s0    QSFP28                           Mellanox     MFA1A00-C003      MT2108FT02204  B2 
"""


def test_brief_510_misaligned_header():
    mods = {m["port"]: m for m in parse("nvue-transceiver-brief", BRIEF_510)["modules"]}
    assert mods["swp1"]["part_number"] == "MCP1600-C001E30N" and mods["swp1"]["revision"] == "A3"
    assert mods["swp20s0"]["serial"] == "MT2108FT02204" and mods["swp20s0"]["vendor"] == "Mellanox"


# --- transceiver detail ----------------------------------------------------------------------------

TX_PRE511 = """\
cable-type                  : Optical module
supported-cable-length      : 30m om1, 80m om2, 300m om3, 0m om4, 0m om5
diagnostics-status          : Diagnostic Data Available
status                      : plugged_enabled
error-status                : N/A
identifier                  : SFP
vendor-rev                  : A
vendor-name                 : FINISAR CORP.
vendor-pn                   : FTLX8571D3BCL-HP
vendor-sn                   : MU50PR6
vendor-oui                  : 00:90:65
temperature:
  temperature               : 29.18 C
  high-alarm-threshold      : 78.00 C
  low-alarm-threshold       : -13.00 C
  high-warning-threshold    : 73.00 C
  low-warning-threshold     : -8.00 C
  alarm                     : high
voltage:
  voltage                   : 3.3 V
  high-alarm-thresh         : 3.60 V
  low-alarm-thresh          : 3.00 V
  alarm                     : Off
channel:
  channel-1:
    rx-power:
        power            : 0.0200 mW / -16.99 dBm
        high-alarm-thresh: 1.00 dBm
        low-alarm-thresh : -14.00 dBm
       low-warning-thresh : -12.00 dBm
        alarm            : low
    tx-power:
        power            : 0.5623 mW / -2.50 dBm
        alarm            : Off
    tx-bias-current:
        current          : 7.100 mA
        alarm            : Off
"""


def test_transceiver_pre511_sfp_abbreviated_thresholds_and_alarms():
    t = parse("nvue-transceiver", TX_PRE511, port="swp1")
    m = t["modules"][0]
    assert m["media"] == "optical" and m["identifier"] == "SFP" and m["vendor"] == "FINISAR CORP."
    assert m["temperature_c"] == 29.18 and m["temperature_c_low_warn"] == -8.0
    assert m["voltage_v"] == 3.3 and m["voltage_v_high_alarm"] == 3.6 and m["voltage_v_low_alarm"] == 3.0
    assert m["alarms"] == ["temperature_high_alarm"]
    assert math.isclose(m["rx_power_mw_low_alarm"], 10 ** -1.4)
    assert math.isclose(m["rx_power_mw_low_warn"], 10 ** -1.2)   # mis-indented line still read
    lane = t["lanes"][0]
    assert lane["lane"] == 1 and lane["rx_power_mw"] == 0.02 and lane["tx_power_mw"] == 0.5623
    assert lane["alarms"] == ["rx_power_low_alarm"]


IF_TRANSCEIVER = """\
cable-type             : Active cable 
cable-length           : 3m 
status                 : plugged_enabled 
identifier             : QSFP28 
vendor-name            : Mellanox 
vendor-pn              : MFA1A00-C003 
vendor-sn              : MT2108FT02204 
temperature            : 42.56 degrees C / 108.61 degrees F 
voltage                : 3.2888 V 
ch-1-rx-power          : 0.8625 mW / -0.64 dBm 
ch-1-tx-power          : 0.8988 mW / -0.46 dBm 
ch-1-tx-bias-current   : 6.750 mA 
ch-2-rx-power          : 0.0000 mW / -inf dBm 
ch-2-tx-power          : 0.9154 mW / -0.38 dBm 
ch-2-tx-bias-current   : 6.750 mA 
"""


def test_interface_transceiver_condensed_form():
    t = parse("nvue-transceiver", IF_TRANSCEIVER)
    m = t["modules"][0]
    assert m["temperature_c"] == 42.56 and m["voltage_v"] == 3.2888 and m["length_m"] == 3.0
    lanes = by_lane(t["lanes"])
    assert lanes[1]["rx_power_mw"] == 0.8625 and lanes[2]["rx_power_mw"] == 0.0 and lanes[2]["tx_bias_ma"] == 6.75
    assert parsers.detect(IF_TRANSCEIVER) == "nvue-transceiver"


def test_transceiver_unplugged():
    t = parse("nvue-transceiver", "status                 : unplugged \nidentifier             : N/A \nvendor-name            : N/A \n")
    assert t["modules"][0]["present"] is False


def test_single_channel_output():
    text = "channel-3: \n  rx-power: \n      power            : 0.5000 mW / -3.01 dBm \n      alarm            : Off \n"
    t = parse("nvue-transceiver-channel", text)
    assert t["lanes"][0]["lane"] == 3 and t["lanes"][0]["rx_power_mw"] == 0.5


def test_transceiver_json_single_module():
    obj = {"identifier": "QSFP-DD", "vendor-name": "NVIDIA", "vendor-pn": "MMS4X00-NS", "status": "plugged_enabled",
           "channel": {"channel-1": {"rx-power": {"power": "1.0000 mW / 0.00 dBm", "alarm": "Off"}},
                       "channel-8": {"rx-power": {"power": "0.0000 mW / -inf dBm", "alarm": "low"}}}}
    t = parse("nvue-transceiver-json", json.dumps(obj), port="swp9")
    assert t["modules"][0]["port"] == "swp9" and t["modules"][0]["identifier"] == "QSFP-DD"
    lanes = by_lane(t["lanes"])
    assert lanes[1]["rx_power_mw"] == 1.0 and lanes[8]["rx_power_mw"] == 0.0
    assert lanes[8]["alarms"] == ["rx_power_low_alarm"]


# --- thresholds ------------------------------------------------------------------------------------

def test_thresholds_no_light_lane():
    text = """\
                     Ch    Value          High Alarm       High Warn        Low Warn       Low Alarm       Alt Value 
                                          Threshold        Threshold       Threshold       Threshold 
------------------------------------------------------------------------------------------------------------------------ 
rx-power             1     -inf dBm        5.40 dBm        2.40 dBm        -10.30 dBm      -13.31 dBm      0.0000 mW 
                     2     -0.70 dBm       5.40 dBm        2.40 dBm        -10.30 dBm      -13.31 dBm      0.8514 mW 
"""
    t = parse("nvue-transceiver-thresholds", text)
    lanes = by_lane(t["lanes"])
    assert lanes[1]["rx_power_mw"] == 0.0 and lanes[2]["rx_power_mw"] == 0.8514


# --- interface table / JSON ------------------------------------------------------------------------

def test_interface_truncated_remote_host():
    text = """\
Interface  Admin Status  Oper Status  Speed  MTU    Type      Remote Host   Remote Port  Summary
---------  ------------  -----------  -----  -----  --------  ------------  -----------  -------------------------
eth0       up            up           1G     1500   eth       oob-mgmt-sw\u2026  swp2         IP Address: 192.168.200.x/24
swp51      up            up           400G   9216   swp       spine01       swp1
swp52      up            down                9216   swp
"""
    ports = {p["port"]: p for p in parse("nvue-interface", text)["ports"]}
    assert ports["swp51"]["speed_gbps"] == 400.0 and ports["swp51"]["peer_hint"] == "spine01:swp1"
    assert ports["swp52"]["admin_up"] is True and ports["swp52"]["oper_up"] is False
    assert ports["swp52"]["speed_gbps"] is None


def test_interface_json_single():
    obj = {"link": {"admin-status": "up", "oper-status": "down", "mtu": 9216, "speed": "100G",
                    "mac-address": "48:B0:2D:FA:A1:14", "stats": {"carrier-transitions": 4, "in-errors": 3}},
           "type": "swp"}
    t = parse("nvue-interface-json", json.dumps(obj), port="swp4")
    p = t["ports"][0]
    assert p["port"] == "swp4" and p["oper_up"] is False and p["admin_up"] is True
    assert p["speed_gbps"] == 100.0 and p["mac"] == "48:b0:2d:fa:a1:14" and p["carrier_changes"] == 4
    assert t["counters"][0]["rx_errors"] == 3


@pytest.mark.parametrize("fmt", ["nvue-link-phy-detail", "nvue-link-phy-detail-json", "nvue-counters-errors",
                                 "nvue-transceiver-brief", "nvue-transceiver", "nvue-transceiver-channel",
                                 "nvue-transceiver-json", "nvue-transceiver-thresholds", "nvue-interface",
                                 "nvue-interface-json"])
@pytest.mark.parametrize("text", ["Error: The requested item does not exist.\n", "{}\n", "[]\n",
                                  "Invalid Command: nv show interface swp99\n"])
def test_errors_are_parse_errors(fmt, text):
    with pytest.raises(ParseError) as e:
        parse(fmt, text)
    assert not e.value.internal


def test_phy_detail_large_input_is_fast():
    import time
    big = "                           operational\n-----  ----\n" + "phy-raw-errors-lane1       5\n" * 40000
    t0 = time.perf_counter()
    parse("nvue-link-phy-detail", big)
    assert time.perf_counter() - t0 < 1.0


# --- platform --------------------------------------------------------------------------------------

def test_platform_maps_commands_and_picks_ports():
    p = get_platform("cumulus")
    assert p.parser_for("nv show interface swp12 link phy-detail") == ("nvue-link-phy-detail", "swp12")
    assert p.parser_for("nv show platform transceiver swp12 channel") == ("nvue-transceiver-channel", "swp12")
    assert p.parser_for("nv show platform transceiver swp12") == ("nvue-transceiver", "swp12")
    assert p.parser_for("nv show platform transceiver brief") == ("nvue-transceiver-brief", None)
    assert p.parser_for("nv show interface  swp3 counters errors") == ("nvue-counters-errors", "swp3")
    assert p.parser_for("lldpctl -f json") == ("lldpctl-json", None)
    tables = {"ports": [{"port": "swp10", "oper_up": True}, {"port": "swp2", "oper_up": False, "admin_up": False},
                        {"port": "eth0", "oper_up": True}, {"port": "swp3", "oper_up": False, "admin_up": False}],
              "modules": [{"port": "swp3", "present": True}]}
    assert p.ports_from(tables) == ["swp3", "swp10"]

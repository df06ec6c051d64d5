"""The fast ways of the hot parsers read exactly what their line-by-line ways read.

`ethtool -m`: an output with "\\n" line ends whose alarm flags all read "Off" takes a per-layout
path (flags applied from the remembered layout); "\\r\\n" line ends, a flag that is "On" or a label
printed twice send it line by line. `ethtool IFACE`: labels are read with str methods and a
remembered label table instead of a regex per line. Inputs are the real samples of tests/cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdiag import parsers
from netdiag.parsers import ethtool_module

CASES = Path(__file__).resolve().parent / "cases"
#: QSFP28 CWDM4 (SFF-8636), per-lane "(Channel N)" flags all Off: robinchrist/100G-CWDM4-docs
CWDM4 = CASES / "ethtool-module" / "qsfp28_cwdm4_finisar_healthy" / "input.txt"
#: ethtool on an mlx5 ConnectX-4 port, link up at 40G (space-indented)
MLX5_LINK = CASES / "ethtool-link" / "mlx5_cx4_40g_link_up" / "input.txt"


def _module(text: str) -> dict:
    return parsers.parse_text("ethtool-module", text, device="h1", port="ens1f0np0")


def _lanes(tables: dict) -> dict[int, dict]:
    return {r["lane"]: r for r in tables["lanes"]}


def test_module_fast_way_reads_what_the_line_by_line_way_reads():
    text = CWDM4.read_text()
    assert "\r" not in text and ": On" not in text.split("Alarm/warning flags implemented")[1]
    ethtool_module._LAYOUTS.clear()
    fast = _module(text)
    assert ethtool_module._LAYOUTS, "the sample did not take the per-layout way"
    slow = _module(text.replace("\n", "\r\n"))   # other line ends: line by line
    assert fast == slow
    lanes = _lanes(fast)
    assert sorted(lanes) == [1, 2, 3, 4]
    assert [lanes[n]["rx_power_mw"] for n in (1, 2, 3, 4)] == [0.9969, 0.91, 0.9101, 0.9713]
    assert all(lanes[n]["alarms"] == [] for n in lanes)   # flags seen, none on
    assert fast["modules"][0]["alarms"] == []
    assert fast["modules"][0]["temperature_c"] == 33.76


def test_module_flag_on_is_read_line_by_line():
    text = CWDM4.read_text()
    line = "Laser rx power low alarm    (Channel 3)   : Off"
    assert line in text
    got = _lanes(_module(text.replace(line, line.replace("Off", "On"))))
    assert got[3]["alarms"] == ["rx_power_low_alarm"]
    assert got[3]["rx_power_mw"] == 0.9101
    assert [got[n]["alarms"] for n in (1, 2, 4)] == [[], [], []]


def test_module_level_flag_on():
    text = CWDM4.read_text()
    line = "Module temperature high alarm             : Off"
    assert line in text
    got = _module(text.replace(line, line.replace("Off", "On")))
    assert got["modules"][0]["alarms"] == ["temperature_high_alarm"]


def test_module_reading_printed_twice_the_later_wins():
    text = CWDM4.read_text()
    ethtool_module._LAYOUTS.clear()
    got = _lanes(_module(text + "Rcvr signal avg optical power(Channel 2)  : 0.5000 mW / -3.01 dBm\n"))
    assert got[2]["rx_power_mw"] == 0.5
    assert got[1]["rx_power_mw"] == 0.9969


def test_module_flag_printed_twice_same_result():
    text = CWDM4.read_text()
    line = "Laser rx power low alarm    (Channel 3)   : Off"
    twice = text.replace(line, f"{line}\n{line}")
    assert _module(twice) == _module(text)


@pytest.mark.parametrize("variant", ["tabs", "space before colon", "crlf"])
def test_link_label_forms(variant):
    text = MLX5_LINK.read_text()
    if variant == "tabs":
        text = "\n".join(ln.replace("        ", "\t", 1) for ln in text.split("\n"))
    elif variant == "space before colon":
        text = text.replace("Speed: ", "Speed : ").replace("Link detected: ", "Link detected\t: ")
    else:
        text = text.replace("\n", "\r\n")
    rows = parsers.parse_text("ethtool-link", text, device="h1")["ports"]
    got = [{k: r[k] for k in ("port", "speed_gbps", "oper_up", "autoneg", "port_type", "lanes")} for r in rows]
    assert got == [{"port": "ens16f1np1", "speed_gbps": 40.0, "oper_up": True, "autoneg": False,
                    "port_type": "FIBRE", "lanes": None}]


def test_link_odd_labels_are_not_fields():
    """A label with characters outside letters, spaces and '/()-' is no field (as the regex had it):
    'Speed2: 10Mb/s' does not set the speed; a header with a colon in the port name still starts a row."""
    text = MLX5_LINK.read_text().replace("Speed: 40000Mb/s", "Speed2: 10Mb/s\n        Speed: 40000Mb/s")
    rows = parsers.parse_text("ethtool-link", text, device="h1")["ports"]
    assert rows[0]["speed_gbps"] == 40.0
    text = "Settings for eth0:1:\n\tSpeed: 1000Mb/s\n\tLink detected: no\n"
    rows = parsers.parse_text("ethtool-link", text, device="h1")["ports"]
    assert [(r["port"], r["speed_gbps"], r["oper_up"]) for r in rows] == [("eth0:1", 1.0, False)]

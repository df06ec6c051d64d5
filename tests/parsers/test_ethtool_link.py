"""plain ethtool IFACE variants (netlink ethtool lanes, extended link state, link down events)."""

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError

NDR = """Settings for enp1s0f0np0:
	Supported ports: [ Backplane ]
	Supported FEC modes: None	 RS	 BASER
	Speed: 400000Mb/s
	Lanes: 4
	Duplex: Full
	Auto-negotiation: on
	Port: Direct Attach Copper
	PHYAD: 0
	Transceiver: internal
netlink error: Operation not permitted
	Link detected: yes
	Link Down Events: 3
Settings for enp1s0f1np1:
	Speed: Unknown!
	Duplex: Unknown! (255)
	Lanes: 4
	Port: None
	Link detected: no (No cable)
"""


def test_lanes_dac_and_second_block_down():
    out = parsers.parse_text("ethtool-link", NDR)
    a, b = out["ports"]
    assert (a["port"], a["speed_gbps"], a["lanes"], a["autoneg"], a["port_type"], a["oper_up"]) == \
        ("enp1s0f0np0", 400.0, 4, True, "Direct Attach Copper", True)
    assert (b["port"], b["speed_gbps"], b["port_type"], b["oper_up"]) == ("enp1s0f1np1", None, None, False)
    assert out["counters"] == [dict(out["counters"][0], port="enp1s0f0np0", link_down_events=3,
                                    link_down_events_bits=32)]
    assert parsers.detect(NDR) == "ethtool-link"


@pytest.mark.parametrize("text", ["NIC statistics:\n     rx_bytes: 1\n", "FEC parameters for eth0:\n"])
def test_other_ethtool_outputs_are_errors(text):
    with pytest.raises(ParseError):
        parsers.parse_text("ethtool-link", text)

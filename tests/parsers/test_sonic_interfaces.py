"""intfutil `show interfaces status` and lldpshow `show lldp table` variants, literal values."""

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


STATUS_400G = """\
  Interface                                    Lanes    Speed    MTU    FEC    Alias    Vlan    Oper    Admin                                             Type    Asym PFC
-----------  ---------------------------------------  -------  -----  -----  -------  ------  ------  -------  -----------------------------------------------  ----------
  Ethernet0  2304,2305,2306,2307,2308,2309,2310,2311     400G   9100    N/A     etp0  routed      up       up  QSFP-DD Double Density 8X Pluggable Transceiver         N/A
Ethernet184                          0,1,2,3,4,5,6,7     400G   9100   rs      etp23  routed    down       up  QSFP-DD Double Density 8X Pluggable Transceiver         N/A
Ethernet192                                  256,257     2.5G   1500    N/A    etp24  routed    down     down                                              N/A         N/A
"""


def test_wide_400g_table():
    ports = {r["port"]: r for r in parsers.parse_text("sonic-interfaces-status", STATUS_400G)["ports"]}
    assert ports["Ethernet0"]["lanes"] == 8 and ports["Ethernet0"]["speed_gbps"] == 400.0
    assert ports["Ethernet0"]["fec"] is None and ports["Ethernet0"]["oper_up"] is True
    assert ports["Ethernet184"]["fec"] == "rs" and ports["Ethernet184"]["oper_up"] is False
    assert ports["Ethernet192"]["speed_gbps"] == 2.5 and ports["Ethernet192"]["admin_up"] is False
    assert ports["Ethernet192"]["lanes"] == 2 and ports["Ethernet192"]["mtu"] == 1500


def test_sub_port_table_alone_is_not_status():
    text = ("  Sub port interface    Speed    MTU    Vlan    Admin                  Type\n"
            "--------------------  -------  -----  ------  -------  --------------------\n"
            "        Ethernet0.10     100G   9100      10       up  802.1q-encapsulation\n")
    with pytest.raises(ParseError):
        parsers.parse_text("sonic-interfaces-status", text)


def test_lldp_table_empty_cells():
    text = ("Capability codes: (R) Router, (B) Bridge, (O) Other\n"
            "LocalPort    RemoteDevice    RemotePortID       Capability    RemotePortDescr\n"
            "-----------  --------------  -----------------  ------------  -----------------\n"
            "Ethernet0                    00:11:22:33:44:55  R\n"
            "Ethernet4    spine-01        Ethernet 1/1       BR            to leaf Ethernet4\n"
            "--------------------------------------------------\n"
            "Total entries displayed:  2\n")
    rows = {r["port"]: r for r in parsers.parse_text("sonic-lldp-table", text)["neighbors"]}
    assert rows["Ethernet0"]["remote_device"] is None and rows["Ethernet0"]["remote_port"] == "00:11:22:33:44:55"
    assert rows["Ethernet4"]["remote_port"] == "Ethernet 1/1"
    assert rows["Ethernet4"]["remote_port_descr"] == "to leaf Ethernet4"


def test_lldp_error_output():
    with pytest.raises(ParseError):
        parsers.parse_text("sonic-lldp-table", "Error: lldp container is not running\n")

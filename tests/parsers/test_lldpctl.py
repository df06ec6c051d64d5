"""lldpctl / lldpcli show neighbors: json, json0, keyvalue and text variants (lldpd 0.7 .. 1.0.x)."""

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def _nb(fmt, text):
    return parsers.parse_text(fmt, text, device="h1").get("neighbors", [])


# --- no neighbors: a valid, empty result --------------------------------------------------------

@pytest.mark.parametrize("fmt,text", [
    ("lldpctl-json", '{\n  "lldp": {\n    \n  }\n}\n\n'),                 # lldpd 1.0.16, recorded
    ("lldpctl-json0", '{\n  "lldp": [\n    {\n      \n    }\n  ]\n}\n\n'),  # lldpd 1.0.16, recorded
    ("lldpctl-json", '{"lldp": []}'),
    ("lldpctl-json", '{"lldp": ""}'),
    ("lldpctl-text", "-" * 79 + "\nLLDP neighbors:\n" + "-" * 79 + "\n"),  # lldpd 1.0.16, recorded
])
def test_no_neighbors_is_an_empty_result_not_an_error(fmt, text):
    assert parsers.parse_text(fmt, text, device="h1") == {}
    if text.startswith(("{\n", "-")):  # the recorded shapes are self-describing
        assert parsers.detect(text) == fmt


@pytest.mark.parametrize("fmt", ["lldpctl-json", "lldpctl-json0", "lldpctl-keyvalue", "lldpctl-text"])
@pytest.mark.parametrize("text", [
    "lldpcli: unable to connect to socket /run/lldpd.socket\n",
    '{"lldp": {"interface": {"eth0": {"tx": {"tx": "5"}, "rx": {"rx": "4"}}}}}',  # show statistics
    '{"local-chassis": {"chassis": {"h1": {"id": {"type": "mac", "value": "aa"}}}}}',
    "Interface eth0 is up\n",
])
def test_other_output_raises(fmt, text):
    with pytest.raises(ParseError):
        parsers.parse_text(fmt, text)


# --- json (cleaned) shapes --------------------------------------------------------------------

OLD_SONIC_JSON = """{
  "lldp": {
    "interface": [
      {"eth0": {"via": "LLDP", "rid": "1", "age": "0 day, 08:40:40",
        "chassis": {"c6500-vxlan": {"id": {"type": "mac", "value": "00:1c:0f:5f:c7:c0"},
          "descr": "Cisco IOS Software\\nTechnical Support", "ttl": "120", "mgmt-ip": "172.31.1.254",
          "capability": [{"type": "Bridge", "enabled": true}, {"type": "Router", "enabled": true}]}},
        "port": {"id": {"type": "ifname", "value": "Gi3/36"}, "descr": "GigabitEthernet3/36",
          "auto-negotiation": {"supported": true, "enabled": true, "current": "1000BaseTFD"}},
        "vlan": {"vlan-id": "162", "pvid": true}}},
      {"Ethernet0": {"via": "LLDP", "rid": "2", "age": "0 day, 08:40:39",
        "chassis": {"id": {"type": "mac", "value": "52:54:00:aa:bb:cc"}, "descr": "no sysname sent"},
        "port": {"id": {"type": "mac", "value": "52:54:00:aa:bb:cd"}, "ttl": "3600"}}}
    ]
  }
}
"""


def test_json_chassis_ttl_single_mgmt_ip_and_chassis_without_name():
    rows = _nb("lldpctl-json", OLD_SONIC_JSON)
    assert len(rows) == 2
    a, b = rows
    assert (a["port"], a["remote_device"], a["remote_port"], a["remote_port_descr"]) == \
        ("eth0", "c6500-vxlan", "Gi3/36", "GigabitEthernet3/36")
    assert a["remote_chassis_id"] == "00:1c:0f:5f:c7:c0"
    assert a["remote_mgmt_ip"] == "172.31.1.254"
    assert a["ttl_s"] == 120.0                      # ttl under chassis (lldpd 0.9.x)
    assert b["port"] == "Ethernet0" and b["remote_device"] is None
    assert b["remote_chassis_id"] == "52:54:00:aa:bb:cc"
    assert b["remote_port"] == "52:54:00:aa:bb:cd" and b["remote_port_descr"] is None
    assert b["ttl_s"] == 3600.0


def test_json_interface_dict_with_several_names_and_lists():
    text = """{"lldp": {"interface": {
      "swp1": {"via": "LLDP", "chassis": {"spine 1": {"id": {"type": "local", "value": "SPINE-1"}}},
               "port": {"id": {"type": "ifname", "value": "swp31"}}},
      "swp2": [{"via": "LLDP", "chassis": {"spine2": {"id": {"type": "mac", "value": "aa:bb:cc:00:00:02"},
                                                      "mgmt-ip": ["10.0.0.2", "fe80::2"]}},
                "port": {"id": {"type": "ifname", "value": "swp32"}}},
               {"via": "CDPv2", "chassis": {"spine3": {"id": {"type": "local", "value": "SPINE-3"}}},
                "port": {"id": {"type": "ifname", "value": "Ethernet1/1"}}}]}}}"""
    rows = {(r["port"], r["remote_device"]): r for r in _nb("lldpctl-json", text)}
    assert set(rows) == {("swp1", "spine 1"), ("swp2", "spine2"), ("swp2", "spine3")}
    assert rows[("swp1", "spine 1")]["remote_chassis_id"] == "SPINE-1"
    assert rows[("swp2", "spine2")]["remote_mgmt_ip"] == "10.0.0.2"
    assert rows[("swp2", "spine3")]["protocol"] == "cdp"
    assert rows[("swp1", "spine 1")]["ttl_s"] is None


def test_json_with_leading_noise_and_json0_read_by_either_name():
    text = "\n\n" + """{"lldp": [{"interface": [{"name": "eth 0", "via": "LLDP",
      "chassis": [{"id": [{"type": "mac", "value": "00:11:22:33:44:55"}], "name": [{"value": "sw 1"}],
                   "mgmt-ip": [{"value": "192.0.2.9"}, {"value": "2001:db8::9"}]}],
      "port": [{"id": [{"type": "mac", "value": "00:11:22:33:44:66"}], "descr": [{"value": "Port 7"}],
                "ttl": [{"value": "120"}]}]}]}]}"""
    for fmt in ("lldpctl-json0", "lldpctl-json"):
        (r,) = _nb(fmt, text)
        assert r["port"] == "eth 0" and r["remote_device"] == "sw 1"
        assert r["remote_port"] == "00:11:22:33:44:66" and r["remote_port_descr"] == "Port 7"
        assert r["remote_mgmt_ip"] == "192.0.2.9" and r["ttl_s"] == 120.0


def test_json_truncated_raises():
    with pytest.raises(ParseError):
        parsers.parse_text("lldpctl-json", '{"lldp": {"interface": [{"eth0": {"via": "LL')


# --- keyvalue ---------------------------------------------------------------------------------

KV_OLD = """lldp.eth0.100.via=LLDP
lldp.eth0.100.rid=3
lldp.eth0.100.age=0 day, 00:01:02
lldp.eth0.100.chassis.mac=58:c7:ac:5f:2d:2c
lldp.eth0.100.chassis.name=H3C access sw
lldp.eth0.100.chassis.descr=H3C Comware Platform Software
H3C S5130S-52S-EI
Copyright (c) 2004-2021 New H3C. port.ifname=bogus
lldp.eth0.100.chassis.ttl=121
lldp.eth0.100.chassis.mgmt-ip=10.20.1.1
lldp.eth0.100.chassis.Bridge.enabled=on
lldp.eth0.100.port.ifname=GigabitEthernet1/0/17
lldp.eth0.100.port.descr=GigabitEthernet1/0/17 Interface
lldp.eth0.100.port.auto-negotiation.supported=yes
lldp.eth0.100.vlan.vlan-id=100
lldp.eth0.100.vlan.pvid=yes
lldp.eth0.100.unknown-tlvs.unknown-tlv.oui=00,80,C2
lldp.eth0.100.via=LLDP
lldp.eth0.100.rid=4
lldp.eth0.100.chassis.local=router-7
lldp.eth0.100.port.mac=aa:bb:cc:dd:ee:ff
"""


def test_keyvalue_dotted_interface_multiline_value_and_two_neighbors():
    rows = _nb("lldpctl-keyvalue", KV_OLD)
    assert len(rows) == 2
    a, b = rows
    assert a["port"] == "eth0.100" and a["remote_device"] == "H3C access sw"
    assert a["remote_port"] == "GigabitEthernet1/0/17"
    assert a["remote_port_descr"] == "GigabitEthernet1/0/17 Interface"
    assert a["remote_chassis_id"] == "58:c7:ac:5f:2d:2c" and a["remote_mgmt_ip"] == "10.20.1.1"
    assert a["ttl_s"] == 121.0
    assert b["port"] == "eth0.100" and b["remote_device"] is None
    assert b["remote_chassis_id"] == "router-7" and b["remote_port"] == "aa:bb:cc:dd:ee:ff"
    assert parsers.detect(KV_OLD) == "lldpctl-keyvalue"


def test_keyvalue_without_via_lines_still_reads():
    text = "lldp.swp1.chassis.mac=aa:aa:aa:aa:aa:01\nlldp.swp1.chassis.name=leaf1\nlldp.swp1.port.ifname=swp9\n"
    (r,) = _nb("lldpctl-keyvalue", text)
    assert (r["port"], r["remote_device"], r["remote_port"]) == ("swp1", "leaf1", "swp9")


# --- text -------------------------------------------------------------------------------------

TEXT_OLD = """-------------------------------------------------------------------------------
LLDP neighbors:
-------------------------------------------------------------------------------
Interface:    enp129s0f0, via: LLDP, RID: 1, Time: 12 days, 00:00:00
  Chassis:     
    ChassisID:    mac 58:c7:ac:5f:2d:2c
    SysName:      H3C Access Switch 01
    SysDescr:     H3C Comware Platform Software
                  PortID: not a port line
    TTL:          121
    MgmtIP:       10.20.1.1
    MgmtIP:       fe80::1
    Capability:   Bridge, on
  Port:        
    PortID:       ifname GigabitEthernet1/0/17
    PortDescr:    GigabitEthernet1/0/17 Interface
    PMD autoneg:  supported: yes, enabled: yes
      Adv:          1000Base-T, HD: no, FD: yes
      MAU oper type: 1000BaseTFD - Four-pair Category 5 UTP, full duplex mode
  VLAN:         1, pvid: yes
  LLDP-MED:    
    Device Type:  Network Connectivity Device
-------------------------------------------------------------------------------
Interface:    enp129s0f0, via: CDPv2, RID: 2, Time: 0 day, 00:00:05
  Chassis:     
    ChassisID:    local N9K-1(FDO123)
    SysName:      N9K-1
  Port:        
    PortID:       ifname Ethernet1/7
-------------------------------------------------------------------------------
"""


def test_text_two_neighbors_on_one_port_details_and_cdp():
    rows = _nb("lldpctl-text", TEXT_OLD)
    assert len(rows) == 2
    a, b = rows
    assert a["port"] == "enp129s0f0" and a["remote_device"] == "H3C Access Switch 01"
    assert a["remote_port"] == "GigabitEthernet1/0/17"
    assert a["remote_port_descr"] == "GigabitEthernet1/0/17 Interface"
    assert a["remote_chassis_id"] == "58:c7:ac:5f:2d:2c"
    assert a["remote_mgmt_ip"] == "10.20.1.1" and a["ttl_s"] == 121.0 and a["protocol"] == "lldp"
    assert b["remote_chassis_id"] == "N9K-1(FDO123)" and b["remote_port"] == "Ethernet1/7"
    assert b["protocol"] == "cdp" and b["ttl_s"] is None and b["remote_port_descr"] is None


def test_text_crlf_and_garbage():
    rows = _nb("lldpctl-text", TEXT_OLD.replace("\n", "\r\n"))
    assert len(rows) == 2 and rows[0]["remote_port"] == "GigabitEthernet1/0/17"
    with pytest.raises(ParseError):
        parsers.parse_text("lldpctl-text", "lorem ipsum\nInterface: eth0 is up\n")

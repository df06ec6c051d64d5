"""The nxos, iosxe and junos drivers (issue 16): which parser reads each command as issued, port
discovery (breakout names), and the shut/undo command lines `isolate --apply` runs."""

import pytest

from netdiag import parsers, platforms
from netdiag.act.commands import port_commands
from netdiag.platforms import UnsafeName


@pytest.mark.parametrize("platform,command,fmt,port", [
    ("nxos", "show interface", "cisco-interfaces", None),
    ("nxos", "show interface ethernet 1/1", "cisco-interfaces", None),
    ("nxos", "show interface transceiver details", "nxos-transceiver-text", None),
    ("nxos", "show interface transceiver", "nxos-transceiver-text", None),
    ("nxos", "show interface transceiver details | json", "nxos-transceiver-json", None),
    ("nxos", "show interface Ethernet1/49 transceiver details | json", "nxos-transceiver-json", None),
    ("nxos", "show lldp neighbors detail", "cisco-lldp-neighbors-detail", None),
    ("iosxe", "show interfaces", "cisco-interfaces", None),
    ("iosxe", "show interfaces transceiver detail", "iosxe-transceiver-detail-text", None),
    ("iosxe", "show interfaces transceiver", "iosxe-transceiver-text", None),
    ("iosxe", "show lldp neighbors detail", "cisco-lldp-neighbors-detail", None),
    ("junos", "show interfaces extensive", "junos-interfaces-extensive", None),
    ("junos", "show interfaces et-0/0/1 extensive | no-more", "junos-interfaces-extensive", "et-0/0/1"),
    ("junos", "show interfaces diagnostics optics", "junos-optics-text", None),
    ("junos", "show interfaces diagnostics optics | display xml", "junos-optics-xml", None),
    ("junos", "show lldp neighbors", "junos-lldp-neighbors", None),
    ("sonic", "show interface transceiver dom summary | no-more", "sonic-klish-dom-summary", None),
    ("sonic", "show interface transceiver dom Ethernet 5 summary", "sonic-klish-dom-summary", None),
    ("sonic", "show interface transceiver dom Ethernet 48", "sonic-klish-transceiver-dom", None),
])
def test_each_command_maps_to_its_parser(platform, command, fmt, port):
    assert platforms.get(platform).parser_for(command) == (fmt, port)
    assert fmt in parsers.formats()


def test_every_discovery_command_has_a_parser():
    for name in ("nxos", "iosxe", "junos"):
        p = platforms.get(name)
        assert p.per_port == ()
        for cmd in p.discovery:
            assert p.parser_for(cmd) is not None, (name, cmd)


def test_port_discovery_keeps_front_panel_and_breakout_ports():
    tables = {"ports": [{"port": "Ethernet1/1"}, {"port": "Ethernet1/9/3"}, {"port": "port-channel1"},
                        {"port": "mgmt0"}, {"port": "Vlan10"}],
              "neighbors": [{"port": "Ethernet1/2"}, {"port": "Ethernet1/1"}]}
    assert platforms.get("nxos").ports_from(tables) == ["Ethernet1/1", "Ethernet1/9/3", "Ethernet1/2"]
    tables = {"ports": [{"port": "HundredGigE1/0/49/1"}, {"port": "TwentyFiveGigE1/0/3"}, {"port": "Vlan1"},
                        {"port": "GigabitEthernet0/0"}]}
    assert platforms.get("iosxe").ports_from(tables) == ["HundredGigE1/0/49/1", "TwentyFiveGigE1/0/3"]
    tables = {"ports": [{"port": "et-0/0/8:2"}, {"port": "xe-0/0/1"}, {"port": "ae0"}, {"port": "em0"}]}
    assert platforms.get("junos").ports_from(tables) == ["et-0/0/8:2", "xe-0/0/1"]


def test_shut_and_undo_lines():
    pc = port_commands("nxos", "Ethernet1/9/3")
    assert (pc.shut, pc.undo) == ("configure terminal ; interface Ethernet1/9/3 ; shutdown ; end",
                                  "configure terminal ; interface Ethernet1/9/3 ; no shutdown ; end")
    pc = port_commands("iosxe", "HundredGigE1/0/5")
    assert pc.shut == "configure terminal\ninterface HundredGigE1/0/5\nshutdown\nend"
    assert pc.undo == "configure terminal\ninterface HundredGigE1/0/5\nno shutdown\nend"
    pc = port_commands("junos", "et-0/0/8:2")
    assert pc.shut == "configure private ; set interfaces et-0/0/8:2 disable ; commit and-quit"
    assert pc.undo == "configure private ; delete interfaces et-0/0/8:2 disable ; commit and-quit"


@pytest.mark.parametrize("platform,port", [("nxos", "Ethernet1/1 ; reload"), ("iosxe", "Gi1/0/1\nreload"),
                                           ("junos", "et-0/0/0; request system reboot"), ("nxos", "")])
def test_device_strings_that_could_inject_are_refused(platform, port):
    with pytest.raises(UnsafeName):
        port_commands(platform, port)

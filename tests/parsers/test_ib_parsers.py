"""InfiniBand parser variants (ibstat/ibstatus, iblinkinfo -l, plain ibnetdiscover, legacy perfquery,
ibdiagnet2 files) with literal values, plus naming helpers and the IB platform drivers."""

import json
from pathlib import Path

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError
from netdiag.parsers.ib_common import from_ibdiag_port_name, node_name
from netdiag.platforms import get as get_platform


def one(rows, **sel):
    hits = [r for r in rows if all(r.get(k) == v for k, v in sel.items())]
    assert len(hits) == 1, (sel, hits)
    return hits[0]


# --- naming ---------------------------------------------------------------------------------------

def test_node_naming():
    assert node_name("h4-1-gpu mlx5_0") == ("h4-1-gpu", "mlx5_0")
    assert node_name("MF0;sw-name:MQM9700/U1", "0x1", True) == ("sw-name", None)
    assert node_name("Quantum-2 Mellanox Technologies", "0xFC6A1C030091CF00", True) == ("0xfc6a1c030091cf00", None)
    assert node_name("centos-data-200 HCA-1") == ("centos-data-200", "HCA-1")
    assert node_name(" 5FB0406-spine-IB02 ", "0x2", True) == ("5FB0406-spine-IB02", None)
    assert from_ibdiag_port_name("is-north-7-compute-13/mlx5_3/B66D0F0/0/0/1", "0x5c", 1) == \
        ("is-north-7-compute-13", "mlx5_3/1")
    assert from_ibdiag_port_name("Sfc6a1c030091cf00/Nfc6a1c030091cf00/P1/1/2", "0xfc6a1c030091cf00", 2) == \
        ("0xfc6a1c030091cf00", "2")
    assert from_ibdiag_port_name("ib-switch-sequoia/U1/P1/2/1", "0xb0", 3) == ("ib-switch-sequoia", "3")


# --- ibstat ---------------------------------------------------------------------------------------

IBSTAT_TWO_PORTS = """CA 'mlx4_0'
\tCA type: MT4099
\tNumber of ports: 2
\tFirmware version: 2.42.5000
\tHardware version: 1
\tNode GUID: 0x0002c90300a1b2c0
\tSystem image GUID: 0x0002c90300a1b2c3
\tPort 1:
\t\tState: Active
\t\tPhysical state: LinkUp
\t\tRate: 56
\t\tBase lid: 3
\t\tLMC: 0
\t\tSM lid: 1
\t\tCapability mask: 0x02514868
\t\tPort GUID: 0x0002c90300a1b2c1
\t\tLink layer: InfiniBand
\tPort 2:
\t\tState: Down
\t\tPhysical state: Polling
\t\tRate: 10
\t\tBase lid: 0
\t\tLMC: 0
\t\tSM lid: 0
\t\tCapability mask: 0x02514868
\t\tPort GUID: 0x0002c90300a1b2c2
\t\tLink layer: InfiniBand
CA 'mlx5_1'
\tCA type: MT4123
\tNumber of ports: 1
\tPort 1:
\t\tState: Down
\t\tPhysical state: Disabled
\t\tRate: 40
\t\tLink layer: Ethernet
"""


def test_ibstat_multi_ca_down_and_disabled():
    t = parsers.parse_text("auto", IBSTAT_TWO_PORTS, device="h1")
    p = t["ports"]
    assert len(p) == 3
    assert one(p, port="mlx4_0/1")["speed_gbps"] == 56.0
    down = one(p, port="mlx4_0/2")
    assert down["oper_up"] is False and down["speed_gbps"] is None     # a down port's 'Rate: 10' is no speed
    dis = one(p, port="mlx5_1/1")
    assert dis["admin_up"] is False and dis["oper_up"] is False


def test_ibstat_single_port_form_and_ibstatus():
    t = parsers.parse_text("ibstat", "CA: 'mlx5_2'\nPort 1:\nState: Active\nPhysical state: LinkUp\nRate: 400\n")
    assert one(t["ports"], port="mlx5_2/1")["speed_gbps"] == 400.0
    txt = ("Infiniband device 'mlx5_0' port 1 status:\n\tdefault gid:\t fe80::1\n\tbase lid:\t 0x3\n"
           "\tstate:\t\t 4: ACTIVE\n\tphys state:\t 5: LinkUp\n\trate:\t\t 200 Gb/sec (4X HDR)\n"
           "\tlink_layer:\t InfiniBand\n")
    assert parsers.detect(txt) == "ibstat"
    r = one(parsers.parse_text("ibstat", txt)["ports"], port="mlx5_0/1")
    assert r["oper_up"] is True and r["lanes"] == 4 and r["speed_gbps"] == 200.0


def test_ibstat_list_only_is_a_parse_error():
    with pytest.raises(ParseError):
        parsers.parse_text("ibstat", "mlx5_0\nmlx5_1\n")


# --- iblinkinfo -----------------------------------------------------------------------------------

LINE_MODE = (
    '0xf452140300f55051 "              ib-test-7 mlx4_0"     37    1[  ] ==( 4X       14.0625 Gbps Active/  LinkUp)==>'
    '  0xf45214030067c630      5   16[  ] "MF0;switch-e1be74:SX6036/U1" ( )\n'
    '0xf45214030067c630 "MF0;switch-e1be74:SX6036/U1"      5   16[  ] ==( 4X       14.0625 Gbps Active/  LinkUp)==>'
    '  0xf452140300f55051     37    1[  ] "              ib-test-7 mlx4_0" ( )\n'
    '0x0000000000200002 "               hxa-su1-leaf-r1"      4    1[  ] ==( 4X           2.5 Gbps Active/  LinkUp)==>'
    '  0x0000000000100002      5    1[  ] "hxa-gpu01 mlx5_0" (Could be 12X Could be 10.0 Gbps)\n'
)


def test_iblinkinfo_line_mode_fdr_and_could_be_hint():
    t = parsers.parse_text("auto", LINE_MODE)
    p, n = t["ports"], t["neighbors"]
    assert one(p, device="ib-test-7", port="mlx4_0/1")["speed_gbps"] == 56.0
    assert one(p, device="switch-e1be74", port="16")["lanes"] == 4
    nb = one(n, device="ib-test-7", port="mlx4_0/1")
    assert (nb["remote_device"], nb["remote_port"], nb["remote_chassis_id"]) == ("switch-e1be74", "16", "0xf45214030067c630")
    assert one(n, device="switch-e1be74", port="16")["remote_port"] == "mlx4_0/1"
    assert one(p, device="hxa-su1-leaf-r1", port="1")["speed_gbps"] == 10.0
    assert one(n, device="hxa-su1-leaf-r1", port="1")["remote_device"] == "hxa-gpu01"


def test_iblinkinfo_edr_fdr10_and_mf0_switch_header():
    txt = ("CA: n02 HCA-1:\n"
           "      0xec0d9a03003d62be      4    1[  ] ==( 4X      25.78125 Gbps Active/  LinkUp)==>       2   17[  ] \"MF0;SB7700:MSB7700/U1\" ( )\n"
           "Switch: 0x506b4b0300820910 MF0;SB7700:MSB7700/U1:\n"
           "           2    1[  ] ==(                Down/ Polling)==>             [  ] \"\" ( )\n"
           "           2   17[  ] ==( 4X      25.78125 Gbps Active/  LinkUp)==>       4    1[  ] \"n02 HCA-1\" ( )\n"
           "           2   18[  ] ==( 4X  10.0 Gbps (FDR10) Active/  LinkUp)==>     145    1[  ] \"gpfs-a4-005-p HCA-1\" ( )\n")
    t = parsers.parse_text("iblinkinfo", txt)
    assert one(t["ports"], device="n02", port="HCA-1/1")["speed_gbps"] == 100.0
    assert one(t["ports"], device="SB7700", port="1")["oper_up"] is False
    assert one(t["ports"], device="SB7700", port="18")["speed_gbps"] == 40.0
    nb = one(t["neighbors"], device="n02")
    assert (nb["remote_device"], nb["remote_port"]) == ("SB7700", "17")
    assert one(t["neighbors"], device="SB7700", port="17")["remote_chassis_id"] == "0xec0d9a03003d62be"


# --- ibnetdiscover --------------------------------------------------------------------------------

PLAIN = """#
# Topology file: generated on Tue Jun  5 14:15:10 2007
#
# Initiated from node 0008f10403960558 port 0008f10403960559

vendid=0x8f1
devid=0x5a5a
sysimgguid=0x8f10400411f56
switchguid=0x8f10400411f50(8f10400411f50)
Switch  24 "S-0008f10400411f50"         # "SW-6IB4 Voltaire" base port 0 lid 6 lmc 0
[7]     "H-0008f10403960558"[2](8f1040396055a)         # "Voltaire HCA400Ex-D" lid 2 4xSDR
[24]    "S-0008f10400410015"[1]         # "SW-6IB4 Voltaire" lid 4 4xSDR

vendid=0x2c9
devid=0x1017
sysimgguid=0x248a0703005abf3c
caguid=0x248a0703005abf3c
Ca      1 "H-248a0703005abf3c"          # "node17 mlx5_0"
[1](248a0703005abf3c)   "S-7cfe900300a5a2a0"[12]               # lid 17 lmc 0 "MF0;edr-sw1:MSB7700/U1" lid 3 4xEDR
"""


def test_ibnetdiscover_plain_topology():
    assert parsers.detect(PLAIN) == "ibnetdiscover"
    t = parsers.parse_text("ibnetdiscover", PLAIN)
    n = t["neighbors"]
    assert one(n, device="SW-6IB4 Voltaire", port="7")["remote_port"] == "2"   # 'Voltaire HCA400Ex-D' has no CA name
    nb = one(n, device="node17", port="mlx5_0/1")
    assert (nb["remote_device"], nb["remote_port"], nb["remote_chassis_id"]) == ("edr-sw1", "12", "0x7cfe900300a5a2a0")
    assert one(t["ports"], device="node17", port="mlx5_0/1")["speed_gbps"] == 100.0
    assert one(t["ports"], device="SW-6IB4 Voltaire", port="24")["speed_gbps"] == 10.0


# --- perfquery ------------------------------------------------------------------------------------

LEGACY = """# Port counters: Lid 6 port 1 (CapMask: 0x1400)
PortSelect:......................1
CounterSelect:...................0x1000
SymbolErrorCounter:..............65535
LinkErrorRecoveryCounter:........255
LinkDownedCounter:...............3
PortRcvErrors:...................12
PortRcvRemotePhysicalErrors:.....0
PortRcvSwitchRelayErrors:........0
PortXmitDiscards:................4
PortXmitConstraintErrors:........0
PortRcvConstraintErrors:.........0
CounterSelect2:..................0x00
LocalLinkIntegrityErrors:........0
ExcessiveBufferOverrunErrors:....0
VL15Dropped:.....................0
PortXmitData:....................4294967295
PortRcvData:.....................1000
PortXmitPkts:....................77
PortRcvPkts:.....................88
PortXmitWait:....................9
"""


def test_perfquery_legacy_widths_and_ca_port():
    r = one(parsers.parse_text("auto", LEGACY, port="mlx5_0")["counters"], port="mlx5_0/1")
    assert (r["symbol_errors"], r["symbol_errors_bits"]) == (65535, 16)
    assert (r["link_error_recovery"], r["link_error_recovery_bits"]) == (255, 8)
    assert (r["link_down_events"], r["link_down_events_bits"]) == (3, 8)
    assert (r["tx_bytes"], r["tx_bytes_bits"]) == (4294967295 * 4, 32)
    assert r["rx_bytes"] == 4000 and r["port_xmit_wait_bits"] == 32 and r["port_xmit_discards"] == 4


def test_perfquery_extended_wins_over_legacy_and_aggregate_skipped():
    ext = ("# Port extended counters: Lid 6 port 1 (CapMask: 0x5A00 CapMask2: 0x0000002)\n"
           "PortSelect:......................1\nPortXmitData:....................8589934592\n"
           "SymbolErrorCounter:..............70000\n")
    agg = "# Port counters: Lid 6 port 255 (CapMask: 0x1400)\nPortSelect:......................255\nSymbolErrorCounter:..............1\n"
    r = one(parsers.parse_text("perfquery", LEGACY + ext + agg)["counters"], port="1")
    assert (r["tx_bytes"], r["tx_bytes_bits"]) == (8589934592 * 4, 64)
    assert (r["symbol_errors"], r["symbol_errors_bits"]) == (70000, 64)
    assert r["rx_bytes_bits"] == 32
    with pytest.raises(ParseError):
        parsers.parse_text("perfquery", agg)


# --- ibdiagnet ------------------------------------------------------------------------------------

def test_ibdiagnet_pm_legacy_used_when_extended_is_na_or_lower():
    txt = ("-------------------------------------------------------\n"
           "Port=3 Lid=0x0005 GUID=0x0002c903000e0b72 Port Name=node5/mlx5_1/U1/P1\n"
           "-------------------------------------------------------\n"
           "symbol_error_counter=0x0000ffff\nlink_down_counter=0x00000002\nport_xmit_data=0x00000010\n"
           "symbol_error_counter_extended=NA\nlink_downed_counter_extended=0x0000000000000000\n"
           "port_xmit_data_extended=0x0000000000000020\n")
    r = one(parsers.parse_text("auto", txt)["counters"], device="node5", port="mlx5_1/3")
    assert (r["symbol_errors"], r["symbol_errors_bits"]) == (65535, 16)
    assert (r["link_down_events"], r["link_down_events_bits"]) == (2, 8)
    assert (r["tx_bytes"], r["tx_bytes_bits"]) == (0x20 * 4, 64)


def test_ibdiagnet_db_csv_names_from_nodes_and_ports_section():
    txt = ("### [netdiag sampler: note]\nSTART_NODES\nNodeDesc,NumPorts,NodeType,NodeGUID\n"
           '"h1 mlx5_0",1,1,0x0000000000000011\n"MF0;leaf9:MQM9700/U1",65,2,0x0000000000000022\nEND_NODES\n'
           "START_LINKS\nNodeGuid1,PortNum1,NodeGuid2,PortNum2\n0x0000000000000022,7,0x0000000000000011,1\nEND_LINKS\n"
           "START_PORTS\nNodeGuid,PortGuid,PortNum,LinkWidthActv,LinkSpeedActv,LinkSpeedExtActv,PortState,PortPhyState\n"
           "0x0000000000000022,0x0000000000000022,7,2,4,8,4,5\nEND_PORTS\n")
    t = parsers.parse_text("auto", txt)
    nb = one(t["neighbors"], device="leaf9", port="7")
    assert (nb["remote_device"], nb["remote_port"], nb["protocol"]) == ("h1", "mlx5_0/1", "ibdiagnet")
    assert one(t["neighbors"], device="h1")["remote_port"] == "7"
    p = one(t["ports"], device="leaf9", port="7")
    assert (p["oper_up"], p["lanes"], p["speed_gbps"]) == (True, 4, 400.0)


def test_ibdiagnet_log_errors_mark_stage_not_ok():
    txt = ("-I- Stage                               Warnings   Errors     Comment   \n"
           "-I- Discovery                           0          0         \n"
           "-I- Port Counters                       1          5         \n")
    rows = parsers.parse_text("ibdiagnet-log", txt, device="u1")["collection"]
    r = one(rows, command="ibdiagnet stage: Port Counters")
    assert r["ok"] is False and r["error"] == "1 warnings, 5 errors"


# --- platforms and fixture ------------------------------------------------------------------------

def test_ib_platform_commands():
    host = get_platform("ib-host")
    cmds = host.port_commands(["mlx5_0/1"])
    assert [host.parser_for(c) for c in cmds] == [("mlxlink", "mlx5_0/1"), ("perfquery", "mlx5_0/1")]
    assert host.parser_for("perfquery -x -C mlx5_3 -P 1") == ("perfquery", "mlx5_3/1")
    assert host.parser_for("ibstat") == ("ibstat", None)
    diag = get_platform("ibdiagnet")
    assert diag.parser_for("cat /var/tmp/ibdiagnet2/ibdiagnet2.pm") == ("ibdiagnet-pm", None)
    assert diag.parser_for("ibdiagnet2.cables") == ("ibdiagnet-cables", None)
    assert diag.parser_for("ibdiagnet2.db_csv") == ("ibdiagnet-db-csv", None)


def test_ib_fabric_fixture_replays_with_its_faults():
    d = Path(__file__).resolve().parents[2] / "fixtures/captures/ib-fabric/devices/ufm-ibdiag-01"
    plat = get_platform(json.loads((d / "device.json").read_text())["platform"])
    tables: dict = {}
    for e in json.loads((d / "index.json").read_text()):
        fmt, port = plat.parser_for(e["command"])
        for k, v in parsers.parse_text(fmt, (d / e["file"]).read_bytes(), device="ufm-ibdiag-01", port=port).items():
            tables.setdefault(k, []).extend(v)
    c = tables["counters"]
    for dev, port, sym in (("leaf01", "2", 1843), ("gpu02", "mlx5_0/1", 2210)):
        rows = [r for r in c if r["device"] == dev and r["port"] == port]
        assert rows and all(r["symbol_errors"] == sym and r["link_down_events"] == 7 for r in rows)
    sat = [r for r in c if r["device"] == "leaf01" and r["port"] == "63"]
    assert sat and all((r["symbol_errors"], r["symbol_errors_bits"]) == (65535, 16) for r in sat)
    lane = one(tables["lanes"], device="leaf02", port="1", lane=2)
    assert lane["rx_power_mw"] == 0.010 and lane["rx_los"] is True and lane["alarms"] == ["rx_power_low_alarm"]
    nb = [r for r in tables["neighbors"] if r["device"] == "leaf01" and r["port"] == "2"]
    assert {(r["remote_device"], r["remote_port"]) for r in nb} == {("gpu02", "mlx5_0/1")}

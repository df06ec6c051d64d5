"""ethtool -S variants beyond the case folders (values written by hand)."""

import time

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def parse(text, fmt="ethtool-stats", **kw):
    return parsers.parse_text(fmt, text, **kw)


MLX5_LANES = """NIC statistics:
     rx_packets_phy: 1000
     rx_crc_errors_phy: 7
     rx_symbol_err_phy: 2
     rx_pcs_symbol_err_phy: 9
     rx_corrected_bits_phy: 123456
     link_down_events_phy: 3
     rx_err_lane_0_phy: 10
     rx_err_lane_1_phy: 0
     rx_err_lane_2_phy: 5
     rx_err_lane_3_phy: 1
"""


def test_mlx5_per_lane_errors_are_lanes_from_one():
    out = parse(MLX5_LANES, port="eth1")
    lanes = {r["lane"]: r["raw_errors"] for r in out["lanes"]}
    assert lanes == {1: 10, 2: 0, 3: 5, 4: 1}
    c = out["counters"][0]
    assert c["port"] == "eth1"
    assert c["rx_crc_errors"] == 7 and c["symbol_errors"] == 2          # rx_symbol_err_phy wins over PCS
    assert c["fec_corrected_bits"] == 123456 and c["link_down_events"] == 3
    assert c["link_down_events_bits"] == 32 and c["rx_crc_errors_bits"] == 64
    assert c["rx_bytes"] is None and c["tx_packets"] is None          # not printed: unknown, never 0


def test_mlx5_pcs_symbol_errors_used_when_ieee_counter_absent():
    c = parse("NIC statistics:\n     rx_pcs_symbol_err_phy: 9\n     rx_bytes_phy: 5\n")["counters"][0]
    assert c["symbol_errors"] == 9


def test_mlx5_vport_totals_when_no_phy_counters():
    text = ("rx_bytes: 10\nrx_vport_unicast_bytes: 100\nrx_vport_multicast_bytes: 20\n"
            "rx_vport_broadcast_bytes: 3\nrx_vport_unicast_packets: 4\n")
    c = parse(text)["counters"][0]
    assert c["rx_bytes"] == 123 and c["rx_packets"] == 4 and c["rx_bytes_bits"] == 64


def test_bnxt_ring_counters_are_not_port_totals():
    text = ("NIC statistics:\n     [0]: rx_discards: 5\n     [1]: rx_discards: 6\n     [0]: rx_errors: 2\n"
            "     rx_fcs_err_frames: 4\n")
    c = parse(text)["counters"][0]
    assert c["rx_discards"] is None and c["rx_errors"] is None
    assert c["rx_crc_errors"] == 4 and c["rx_crc_errors_bits"] == 64


def test_standard_stats_groups_give_port_and_ieee_counters():
    text = ("Standard stats for eth3:\neth-phy-SymbolErrorDuringCarrier: 5\n"
            "eth-mac-FrameCheckSequenceErrors: 2\neth-mac-FramesReceivedOK: 100\n"
            "rmon-etherStatsUndersizePkts: 0\n")
    c = parse(text, port="other")["counters"][0]
    assert c["port"] == "eth3" and c["symbol_errors"] == 5 and c["rx_crc_errors"] == 2
    assert c["rx_packets"] == 100 and c["rx_crc_errors_bits"] is None


def test_newer_ice_port_prefix_names():
    text = ("NIC statistics:\n     rx_bytes: 1\n     port.rx_bytes: 2000\n     port.rx_crc_errors: 3\n"
            "     port.rx_dropped: 4\n     tx_queue_0_packets: 5\n")
    c = parse(text)["counters"][0]
    assert (c["rx_bytes"], c["rx_crc_errors"], c["rx_discards"]) == (2000, 3, 4)
    assert c["rx_crc_errors_bits"] == 64  # ice accumulates into u64


def test_unknown_driver_generic_names_and_spaced_colon():
    c = parse("NIC statistics:\n     rx_crc_errors      : 3\n     foo_bar: 9\n")["counters"][0]
    assert c["rx_crc_errors"] == 3 and c["rx_crc_errors_bits"] is None


def test_only_unknown_counters_gives_no_rows():
    assert parse("NIC statistics:\n     peer_ifindex: 15\n     rx_queue_0_xdp_packets: 0\n") == {}


@pytest.mark.parametrize("text", ["no stats available\n", "NIC statistics:\n", "hello: world\nfoo: bar\n"])
def test_no_counter_lines_is_a_parse_error(text):
    with pytest.raises(ParseError):
        parse(text)


def test_detection_headerless_and_not_other_ethtool_outputs(realworld):
    assert parsers.detect("rx_packets: 1\ntx_packets: 2\nrx_bytes: 3\n") == "ethtool-stats"
    assert parsers.detect((realworld / "ethtool/ethtool_1g_tp_vm_jc.txt").read_text()) == "ethtool-link"
    fec = (realworld / "ethtool_fec/ethtool_I_show_fec_per_lane_stats_netdev2021.txt").read_text()
    assert parsers.detect(fec) == "ethtool-fec"


def test_one_megabyte_parses_fast():
    body = "".join(f"     rx{i}_packets: {i}\n     rx_err_lane_{i % 8}_phy: {i}\n" for i in range(30000))
    text = "NIC statistics:\n     rx_crc_errors_phy: 1\n" + body
    assert len(text) > 1_000_000
    t = time.perf_counter()
    out = parse(text)
    assert time.perf_counter() - t < 1.0
    assert out["counters"][0]["rx_crc_errors"] == 1

"""ethtool --show-fec variants (older/newer ethtool, other drivers) with hand-written values."""

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def parse(text, **kw):
    return parsers.parse_text("ethtool-fec", text, **kw)


@pytest.mark.parametrize("active,fec", [("Off", "none"), ("RS", "rs"), ("BaseR", "fc"), ("LLRS", "llrs"),
                                        ("None", None), ("BIT12", None)])
def test_encodings(active, fec):
    # Cumulus / mlxsw (legacy ioctl layout): 'Configured FEC encodings: Auto' + 'Active FEC encoding: Off'
    out = parse(f"FEC parameters for swp23:\nConfigured FEC encodings: Auto\nActive FEC encoding: {active}\n")
    assert out["ports"][0]["port"] == "swp23" and out["ports"][0]["fec"] == fec
    assert "counters" not in out


def test_per_lane_bracket_layout_and_corrected_bits():
    text = ("FEC parameters for eth2:\nSupported/Configured FEC encodings: Auto RS\nActive FEC encoding: RS\n"
            "Statistics:\n  corrected_blocks: 256 [ per_lane:  255, 1, 0, 0 ]\n"
            "  uncorrectable_blocks: 3 [ per_lane:  1, 2, 0, 0 ]\n  corrected_bits: 999\n")
    out = parse(text)
    assert out["counters"][0]["fec_corrected_bits"] == 999
    lanes = {r["lane"]: (r["fec_corrected_cw"], r["fec_uncorrectable_cw"]) for r in out["lanes"]}
    assert lanes == {1: (255, 1), 2: (1, 2), 3: (0, 0), 4: (0, 0)}


def test_histogram_code_spelling_and_ctx_port_when_header_cut():
    text = "Active FEC encoding: RS\nStatistics:\n  fec_symbols_err_0: 10\n  fec_symbols_err_15: 2\n"
    out = parse(text, port="eth9")
    assert out["ports"][0]["port"] == "eth9" and out["ports"][0]["fec"] == "rs"
    assert {(r["bin"], r["bin_high"], r["count"]) for r in out["fec_histogram"]} == {(0, 0, 10), (15, 15, 2)}


def test_two_interfaces():
    text = ("FEC parameters for a:\nActive FEC encoding: RS\n\nFEC parameters for b:\nActive FEC encoding: Off\n")
    assert [(r["port"], r["fec"]) for r in parse(text)["ports"]] == [("a", "rs"), ("b", "none")]


def test_json_active_list():
    out = parse('[ {"ifname": "eth0", "config": ["Auto", "RS", "BaseR"], "active": ["BaseR"]} ]')
    assert out["ports"][0]["fec"] == "fc"
    assert parsers.detect('[ {"ifname": "eth0", "config": ["Auto"], "active": ["RS"]} ]') == "ethtool-fec"


@pytest.mark.parametrize("text", ["Settings for eth0:\n\tSpeed: 1000Mb/s\n", "[1, 2]", '[{"ifname": "x"}]'])
def test_not_fec_output(text):
    with pytest.raises(ParseError):
        parse(text)

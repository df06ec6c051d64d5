"""mlxlink text output variants (MFT 4.x): NDR/HDR IB, optical DOM with alarm ranges, ANSI colours,
IB symbol counters, per-lane BER, FEC names. Inputs are modelled on real outputs seen in public
READMEs/tests (ConnectX-7 NDR OSFP DAC with MFT 4.35, a 400G OSFP optic, a healthy 400G link)."""

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError
from netdiag.parsers.mlxlink import _ber, _fec

NDR_DAC = """
Operational Info
----------------
State                              : Active 
Physical state                     : LinkUp 
Speed                              : IB-NDR 
Width                              : 4x 
FEC                                : Ethernet_Consortium_LL_50G_RS_FEC_PLR -(272,257+1) 
Loopback Mode                      : No Loopback 
Auto Negotiation                   : ON 

Supported Info
--------------
Enabled Link Speed                 : 0x000000f1 (NDR,HDR,EDR,FDR,SDR) 

Module Info
-----------
Temperature [C]                    : 0 [0..0]
Voltage [mV]                       : 0 [0..0]
Bias Current [mA]                  : 0,0,0,0 [0..0]
Rx Power Current [dBm]             : 0,0,0,0 [0..0]
Tx Power Current [dBm]             : 0,0,0,0 [0..0]
Identifier                         : OSFP
Compliance                         : IB NDR
Cable Technology                   : Copper cable, passive, unequalized
Cable Type                         : Passive copper cable
Vendor Name                        : FS
Vendor Part Number                 : OSFPFL-400G-PC01
Vendor Serial Number               : C2604279049-2
Rev                                : 00
Wavelength [nm]                    : N/A
Transfer Distance [m]              : 1
Digital Diagnostic Monitoring      : Yes
Module State                       : Ready state
DataPath state [per lane]          : N/A,N/A,N/A,N/A
Tx Fault [per lane]                : 0,0,0,0
Tx LOS [per lane]                  : 0,0,0,0
Tx CDR LOL [per lane]              : 0,0,0,0
Rx LOS [per lane]                  : 1,0,1,1
Rx CDR LOL [per lane]              : 1,1,1,1
"""


def _p(text, port="mlx5_0/1"):
    return parsers.parse_text("mlxlink", text, device="gpu1", port=port)


def test_ndr_dac_mft435_trailing_spaces_zero_placeholders_and_flags():
    assert parsers.detect(NDR_DAC) == "mlxlink"
    t = _p(NDR_DAC)
    (p,) = t["ports"]
    assert p["oper_up"] is True and p["speed_gbps"] == 400.0 and p["lanes"] == 4
    assert p["fec"] == "rs272" and p["port"] == "mlx5_0/1"
    (m,) = t["modules"]
    assert m["identifier"] == "OSFP" and m["media"] == "dac" and m["vendor"] == "FS"
    assert m["part_number"] == "OSFPFL-400G-PC01" and m["serial"] == "C2604279049-2"
    assert m["revision"] == "00" and m["length_m"] == 1.0 and m["module_state"] == "Ready state"
    # '0 [0..0]': a passive cable without monitors, not 0 °C / 1 mW
    assert m["temperature_c"] is None and m["voltage_v"] is None
    assert m["temperature_c_high_alarm"] is None
    lanes = {r["lane"]: r for r in t["lanes"]}
    assert sorted(lanes) == [1, 2, 3, 4]
    assert lanes[1]["rx_power_mw"] is None
    assert [lanes[i]["rx_los"] for i in (1, 2, 3, 4)] == [True, False, True, True]
    assert all(lanes[i]["rx_lol"] is True and lanes[i]["tx_fault"] is False for i in lanes)
    assert "counters" not in t


OPTIC_AND_COUNTERS = (
    "\n"
    "Operational Info\n"
    "----------------\n"
    "State                              : \x1b[32mActive\x1b[0m\n"
    "Physical state                     : ETH_AN_FSM_ENABLE\n"
    "Speed                              : 400G\n"
    "Width                              : 4x\n"
    "FEC                                : Standard RS-FEC (544,514)\n"
    "\n"
    "Module Info\n"
    "-----------\n"
    "Temperature [C]                    : 54 [-5..75]\n"
    "Voltage [mV]                       : 3261.2 [2970..3630]\n"
    "Bias Current [mA]                  : 8.380,8.380,8.380,8.380 [2..15]\n"
    "Rx Power Current [dBm]             : 1.886,1.989,-40,1.976 [-10.41..6]\n"
    "Tx Power Current [dBm]             : 1.562,1.427,1.559,1.761 [-8.508..5]\n"
    "Identifier                         : OSFP\n"
    "Cable Type                         : Optical Module (separated)\n"
    "Vendor Name                        : CLT\n"
    "Vendor Part Number                 : T-F4GS-BV0\n"
    "Vendor Serial Number               : CWJH05025502589\n"
    "Wavelength [nm]                    : 1311\n"
    "Transfer Distance [m]              : N/A\n"
    "SMF Length                         : 500 m\n"
    "\n"
    "Physical Counters and BER Info\n"
    "------------------------------\n"
    "Time Since Last Clear [Min]        : 348349.5\n"
    "Effective Physical Errors          : 0\n"
    "Effective Physical BER             : \x1b[32m15E-255\x1b[0m\n"
    "Raw Physical Errors Per Lane       : 3946476397,5120336064,7692183445,3026261414\n"
    "Link Down Counter                  : 2\n"
    "Link Error Recovery Counter        : 1\n"
    "Raw Physical BER                   : \x1b[32m2E-9\x1b[0m\n"
)


def test_optical_dom_thresholds_ansi_and_counters():
    assert parsers.detect(OPTIC_AND_COUNTERS) == "mlxlink"
    t = _p(OPTIC_AND_COUNTERS)
    (p,) = t["ports"]
    assert p["oper_up"] is True and p["speed_gbps"] == 400.0 and p["fec"] == "rs544"
    (m,) = t["modules"]
    assert m["media"] == "optical" and m["vendor"] == "CLT" and m["wavelength_nm"] == 1311.0
    assert m["length_m"] == 500.0
    assert m["temperature_c"] == 54.0
    assert m["temperature_c_low_alarm"] == -5.0 and m["temperature_c_high_alarm"] == 75.0
    assert m["voltage_v"] == pytest.approx(3.2612)
    assert m["voltage_v_low_alarm"] == pytest.approx(2.97) and m["voltage_v_high_alarm"] == pytest.approx(3.63)
    assert m["tx_bias_ma_low_alarm"] == 2.0 and m["tx_bias_ma_high_alarm"] == 15.0
    assert m["rx_power_mw_low_alarm"] == pytest.approx(10 ** (-1.041))
    assert m["rx_power_mw_high_alarm"] == pytest.approx(10 ** 0.6)
    assert m["tx_power_mw_high_alarm"] == pytest.approx(10 ** 0.5)
    lanes = {r["lane"]: r for r in t["lanes"]}
    assert len(lanes) == 4
    assert lanes[1]["rx_power_mw"] == pytest.approx(10 ** 0.1886)
    assert lanes[3]["rx_power_mw"] == 0.0          # -40 dBm: no light
    assert lanes[4]["tx_power_mw"] == pytest.approx(10 ** 0.1761)
    assert lanes[2]["tx_bias_ma"] == pytest.approx(8.38)
    assert lanes[3]["raw_errors"] == 7692183445
    (c,) = t["counters"]
    assert c["effective_ber"] == 0.0 and c["raw_ber"] == pytest.approx(2e-9)
    assert c["link_down_events"] == 2 and c["link_error_recovery"] == 1 and c["symbol_errors"] == 0
    assert c["time_since_clear_s"] == pytest.approx(348349.5 * 60)


IB_COUNTERS = """Operational Info
----------------
State                              : Polling
Physical state                     : N/A
Speed                              : N/A
Width                              : N/A
FEC                                : No FEC

Physical Counters and BER Info
------------------------------
Time Since Last Clear [Min]        : 12.5
Symbol Errors                      : 3
Symbol BER                         : 1E-14
Effective Physical Errors          : 7
Effective Physical BER             : 5E-12
Raw Physical Errors Per Lane       : 10,0,250,3
Raw Physical BER Per Lane          : 1E-9,15E-255,2.5E-8,N/A
Raw Physical BER                   : 4E-9
Link Down Counter                  : 0
Link Error Recovery Counter        : 0
"""


def test_ib_symbol_counters_per_lane_ber_and_down_link():
    t = _p(IB_COUNTERS)
    (p,) = t["ports"]
    assert p["oper_up"] is False and p["speed_gbps"] is None and p["lanes"] is None and p["fec"] == "none"
    (c,) = t["counters"]
    assert c["symbol_errors"] == 3 and c["symbol_ber"] == pytest.approx(1e-14)
    assert c["effective_ber"] == pytest.approx(5e-12) and c["raw_ber"] == pytest.approx(4e-9)
    assert c["time_since_clear_s"] == 750.0
    lanes = {r["lane"]: r for r in t["lanes"]}
    assert [lanes[i]["raw_errors"] for i in (1, 2, 3, 4)] == [10, 0, 250, 3]
    assert lanes[1]["raw_ber"] == pytest.approx(1e-9) and lanes[2]["raw_ber"] == 0.0
    assert lanes[3]["raw_ber"] == pytest.approx(2.5e-8) and lanes[4]["raw_ber"] is None


def test_hdr_speed_with_width():
    t = _p("Operational Info\n----------------\nState : Active\nSpeed : IB-HDR\nWidth : 2x\n")
    assert t["ports"][0]["speed_gbps"] == 100.0 and t["ports"][0]["lanes"] == 2


@pytest.mark.parametrize("text,want", [
    ("15E-255", 0.0), ("1E-255", 0.0), ("2E-9", 2e-9), ("7.5E-12", 7.5e-12), ("3e-10", 3e-10),
    ("0", 0.0), ("N/A", None),
])
def test_ber_forms(text, want):
    assert _ber(text) == (pytest.approx(want) if want else want)


@pytest.mark.parametrize("text,want", [
    ("Standard RS-FEC - RS(528,514)", "rs528"), ("Standard RS-FEC (544,514)", "rs544"),
    ("Interleaved_Standard_RS-FEC - (544,514)", "rs544"), ("Firecode FEC", "fc"),
    ("No FEC", "none"), ("Ethernet_Consortium_LL_50G_RS_FEC_PLR -(272,257+1)", "rs272"), ("N/A", None),
])
def test_fec_names(text, want):
    assert _fec(text) == want


@pytest.mark.parametrize("text", [
    "-E- Failed to open the device\n",
    "State : Active\nlorem ipsum\n",
    "Module Info\n",
])
def test_not_mlxlink_raises(text):
    with pytest.raises(ParseError):
        parsers.parse_text("mlxlink", text)

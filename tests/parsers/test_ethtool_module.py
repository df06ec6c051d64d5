"""ethtool -m / ethtool --json -m: format variants not covered by the real-sample case folders.

The inputs are written in the layout ethtool's printers use (`"\\t%-41s : %s"` in sfpdiag.c,
qsfp.c, cmis.c, module-common.c; JSON keys from module-common.c / sff-common.c), with made-up
values; expected values are read off these inputs.
"""

import time

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def _kv(label, value, indent="\t"):
    return f"{indent}{label:<41} : {value}\n"


def _parse(fmt, text, port="eth0"):
    return parsers.parse_text(fmt, text, device="h1", port=port)


def _lanes(out):
    return {r["lane"]: r for r in out.get("lanes", [])}


# --- CMIS, ethtool >= 6.5 (bracketed lane lists, "(Chan N)" flags, "Module state") ------------------

def _cmis_text(lanes=8, dark_lane=3):
    t = _kv("Identifier", "0x18 (QSFP-DD Double Density 8X Pluggable Transceiver (INF-8628))")
    t += _kv("Connector", "0x0c (MPO Parallel Optic)")
    t += _kv("Transmitter technology", "0x00 (850 nm VCSEL)")
    t += _kv("Laser wavelength", "850.000nm")
    t += _kv("Vendor name", "ACME")
    t += _kv("Vendor PN", "QDD-400G-SR8")
    t += _kv("Vendor rev", "01")
    t += _kv("Vendor SN", "ABC123")
    los = ", ".join("Yes" if n == dark_lane else "No" for n in range(1, lanes + 1))
    t += _kv("Rx loss of signal", f"[ {los} ]")
    t += _kv("Tx loss of signal", "None")
    t += _kv("Tx fault", "None")
    t += _kv("Module state", "0x03 (ModuleReady)")
    t += _kv("Module temperature", "41.50 degrees C / 106.70 degrees F")
    t += _kv("Module voltage", "3.2900 V")
    for n in range(1, lanes + 1):
        t += _kv(f"Laser tx bias current (Channel {n})", f"{6.0 + n / 10:.3f} mA")
    for n in range(1, lanes + 1):
        t += _kv(f"Transmit avg optical power (Channel {n})", "0.8000 mW / -0.97 dBm")
    for n in range(1, lanes + 1):
        v = "0.0000 mW / -inf dBm" if n == dark_lane else "0.7000 mW / -1.55 dBm"
        t += _kv(f"Rcvr signal avg optical power (Channel {n})", v)
    for f in ("high alarm", "low alarm", "high warning", "low warning"):
        t += _kv(f"Module temperature {f}", "Off")
    for n in range(1, lanes + 1):
        for f in ("high alarm", "low alarm", "high warning", "low warning"):
            on = "On" if (n == dark_lane and f.startswith("low")) else "Off"
            t += _kv(f"Laser rx power {f} (Chan {n})", on)
    t += _kv("Laser rx power low alarm threshold", "0.0398 mW / -14.00 dBm")
    t += _kv("Module temperature high alarm threshold", "75.00 degrees C / 167.00 degrees F")
    return t


def test_cmis_new_decoder_every_lane_and_dark_lane():
    out = _parse("ethtool-module", _cmis_text())
    mod = out["modules"][0]
    assert mod["identifier"] == "QSFP-DD"
    assert mod["media"] == "optical"
    assert mod["connector"] == "MPO Parallel Optic"
    assert mod["module_state"] == "ModuleReady"
    assert mod["temperature_c"] == pytest.approx(41.5)
    assert mod["rx_power_mw_low_alarm"] == pytest.approx(0.0398)
    assert mod["temperature_c_high_alarm"] == pytest.approx(75.0)
    assert mod["alarms"] == []
    lanes = _lanes(out)
    assert sorted(lanes) == list(range(1, 9))
    assert lanes[3]["rx_power_mw"] == 0.0  # -inf dBm: no light, stored as 0 mW
    assert lanes[3]["rx_los"] is True and lanes[1]["rx_los"] is False
    assert lanes[3]["tx_los"] is False and lanes[3]["tx_fault"] is False
    assert sorted(lanes[3]["alarms"]) == ["rx_power_low_alarm", "rx_power_low_warn"]
    assert lanes[1]["alarms"] == []
    assert lanes[8]["tx_bias_ma"] == pytest.approx(6.8)
    assert lanes[2]["rx_power_mw"] == pytest.approx(0.7)


def test_cmis_two_digit_channels_sixteen_lanes_spaces_indent():
    text = _cmis_text(lanes=16, dark_lane=12).replace("\t", "        ")
    out = _parse("ethtool-module", text)
    lanes = _lanes(out)
    assert sorted(lanes) == list(range(1, 17))
    assert lanes[12]["rx_power_mw"] == 0.0 and lanes[12]["rx_los"] is True
    assert lanes[16]["tx_bias_ma"] == pytest.approx(7.6)
    assert lanes[11]["rx_power_mw"] == pytest.approx(0.7)


def test_older_cmis_flag_labels_with_padding():
    # ethtool 5.x cmis.c: "Laser bias current high alarm   (Chan %d)", "Laser tx power ... (Channel %d)"
    t = _kv("Identifier", "0x19 (OSFP 8X Pluggable Transceiver)")
    t += _kv("Module State", "0x03 (ModuleReady)")
    t += _kv("Laser tx bias current (Channel 1)", "7.000 mA")
    t += _kv("Laser bias current high alarm   (Chan 1)", "On")
    t += _kv("Laser tx power low warning  (Channel 1)", "On")
    t += _kv("Module voltage low warning", "On")
    out = _parse("ethtool-module", t)
    mod = out["modules"][0]
    assert mod["identifier"] == "OSFP"
    assert mod["alarms"] == ["voltage_low_warn"]
    lane = _lanes(out)[1]
    assert sorted(lane["alarms"]) == ["tx_bias_high_alarm", "tx_power_low_warn"]


# --- SFF-8636 -------------------------------------------------------------------------------------

def test_sff8636_oma_no_space_before_channel_and_na():
    t = _kv("Identifier", "0x0d (QSFP+)")
    t += _kv("Connector", "0x0c (MPO Parallel Optic)")
    t += _kv("Transceiver type", "40G Ethernet: 40G Base-SR4")
    t += _kv("Laser tx bias current (Channel 1)", "6.000 mA")
    t += _kv("Laser tx bias current (Channel 2)", "N/A")
    t += _kv("Receiver signal OMA(Channel 1)", "0.5000 mW / -3.01 dBm")
    t += _kv("Receiver signal OMA(Channel 2)", "not supported")
    out = _parse("ethtool-module", t)
    mod = out["modules"][0]
    assert mod["identifier"] == "QSFP+" and mod["media"] == "optical" and mod["media_lanes"] == 4
    lanes = _lanes(out)
    assert lanes[1]["rx_power_mw"] == pytest.approx(0.5)
    assert lanes[2]["rx_power_mw"] is None and lanes[2]["tx_bias_ma"] is None


def test_sff8636_lane_status_four_lanes_and_module_flags():
    t = _kv("Identifier", "0x11 (QSFP28)")
    t += _kv("Rx loss of signal", "[ Yes, No, No, No ]")
    t += _kv("Tx loss of signal", "None")
    t += _kv("Rx loss of lock", "[ Yes, No, No, No ]")
    t += _kv("Tx adaptive eq fault", "[ No, No, Yes, No ]")
    t += _kv("Module temperature", "71.00 degrees C / 159.80 degrees F")
    t += _kv("Module temperature high warning", "On")
    out = _parse("ethtool-module", t)
    assert out["modules"][0]["alarms"] == ["temperature_high_warn"]
    lanes = _lanes(out)
    assert sorted(lanes) == [1, 2, 3, 4]
    assert lanes[1]["rx_los"] is True and lanes[1]["rx_lol"] is True and lanes[1]["tx_los"] is False
    assert lanes[2]["rx_los"] is False
    assert lanes[3]["alarms"] == ["tx_adaptive_eq_fault"]


def test_qsfp28_passive_dac_no_dom():
    t = _kv("Identifier", "0x11 (QSFP28)")
    t += _kv("Connector", "0x23 (No separable connector)")
    t += _kv("Transceiver type", "100G Ethernet: 100G Base-CR4 or 25G Base-CR CA-L")
    t += _kv("Length (Copper or Active cable)", "3m")
    t += _kv("Transmitter technology", "0xa0 (Copper cable unequalized)")
    t += _kv("Vendor name", "Mellanox")
    out = _parse("ethtool-module", t)
    mod = out["modules"][0]
    assert mod["media"] == "dac" and mod["length_m"] == 3.0
    assert mod["dom_supported"] is False and mod["temperature_c"] is None
    assert not out.get("lanes")


def test_passive_dac_zero_registers_are_not_dark_lanes():
    t = _kv("Identifier", "0x11 (QSFP28)")
    t += _kv("Transmitter technology", "0xa0 (Copper cable, unequalized)")
    t += _kv("Module temperature", "0.00 degrees C / 32.00 degrees F")
    t += _kv("Module voltage", "0.0000 V")
    for n in range(1, 5):
        t += _kv(f"Laser tx bias current (Channel {n})", "0.000 mA")
        t += _kv(f"Rcvr signal avg optical power(Channel {n})", "0.0000 mW / -inf dBm")
    out = _parse("ethtool-module", t)
    mod = out["modules"][0]
    assert mod["dom_supported"] is False and mod["temperature_c"] is None and mod["voltage_v"] is None
    assert not out.get("lanes")


def test_qsfp_aoc_and_acc_media():
    aoc = _kv("Identifier", "0x11 (QSFP28)") + _kv("Connector", "0x23 (No separable connector)") \
        + _kv("Transceiver type", "100G Ethernet: 100G AOC or 25GAUI C2M AOC. Providing a worst BER of 5x10^(-5)") \
        + _kv("Transmitter technology", "0x00 (850 nm VCSEL)")
    assert _parse("ethtool-module", aoc)["modules"][0]["media"] == "aoc"
    acc = _kv("Identifier", "0x11 (QSFP28)") \
        + _kv("Transmitter technology", "0xc0 (Copper cable, near and far end limiting active equalizers)")
    assert _parse("ethtool-module", acc)["modules"][0]["media"] == "acc"


# --- SFF-8472 -------------------------------------------------------------------------------------

def test_sff8472_no_dom_flag_and_oma():
    t = _kv("Identifier", "0x03 (SFP)")
    t += _kv("Connector", "0x07 (LC)")
    t += _kv("Laser wavelength", "1310nm")
    t += _kv("Optical diagnostics support", "No")
    out = _parse("ethtool-module", t)
    mod = out["modules"][0]
    assert mod["dom_supported"] is False and mod["media"] == "optical" and mod["wavelength_nm"] == 1310.0
    assert not out.get("lanes")

    t = _kv("Identifier", "0x03 (SFP)")
    t += _kv("Optical diagnostics support", "Yes")
    t += _kv("Laser bias current", "6.000 mA")
    t += _kv("Laser output power", "0.0000 mW / -inf dBm")
    t += _kv("Receiver signal OMA", "0.3000 mW / -5.23 dBm")
    t += _kv("Laser output power low alarm", "On")
    out = _parse("ethtool-module", t)
    lane = _lanes(out)[1]
    assert lane["tx_power_mw"] == 0.0 and lane["rx_power_mw"] == pytest.approx(0.3)
    assert lane["alarms"] == ["tx_power_low_alarm"]


def test_sff8472_active_cable_with_copper_pigtail_is_acc():
    t = _kv("Identifier", "0x03 (SFP)") + _kv("Connector", "0x21 (Copper pigtail)") \
        + _kv("Transceiver type", "Active Cable") \
        + _kv("Active Cu cmplnce.", "0x04 (SFF-8431 limiting) [SFF-8472 rev10.4 only]") \
        + _kv("Length (Copper)", "5m")
    mod = _parse("ethtool-module", t)["modules"][0]
    assert mod["media"] == "acc" and mod["length_m"] == 5.0


# --- fragments, prompts, several ports ------------------------------------------------------------

def test_prompts_switch_ports_and_last_block_wins():
    t = "# ethtool -m swp1\n" + _kv("Identifier", "0x11 (QSFP28)") + _kv("Rx loss of signal", "[ Yes, Yes, No, No ]")
    t += "\n# ethtool -m swp2\n" + _kv("Identifier", "0x03 (SFP)") + _kv("Laser bias current", "5.000 mA")
    t += "\n# ethtool -m swp1 | grep -A1 'Rx loss'\n" + _kv("Rx loss of signal", "None")
    out = _parse("ethtool-module", t, port=None)
    ports = {m["port"]: m for m in out["modules"]}
    assert set(ports) == {"swp1", "swp2"}
    assert ports["swp1"]["identifier"] == "QSFP28" and ports["swp2"]["identifier"] == "SFP"
    swp1 = {r["lane"]: r for r in out["lanes"] if r["port"] == "swp1"}
    assert sorted(swp1) == [1, 2, 3, 4] and all(r["rx_los"] is False for r in swp1.values())
    swp2 = [r for r in out["lanes"] if r["port"] == "swp2"]
    assert swp2[0]["tx_bias_ma"] == 5.0


def test_only_none_flags_give_no_lane_rows():
    t = _kv("Rx loss of signal", "None", "        ") + _kv("Module State", "0x03 (ModuleReady)", "        ")
    out = _parse("ethtool-module", t)
    assert out["modules"][0]["module_state"] == "ModuleReady"
    assert not out.get("lanes")


# --- errors and detection -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Cannot get Module EEPROM data: Operation not supported\n",
    "netlink error: Invalid argument\n",
    "Offset\t\tValues\n------\t\t------\n0x0000:\t\t03 04 07 10 00 00 00 00 00 00 00 06 67 00 00 00\n",
    "Settings for eth0:\n\tSupported ports: [ FIBRE ]\n\tSpeed: 10000Mb/s\n",
])
def test_not_module_output_is_parse_error(text):
    with pytest.raises(ParseError) as e:
        _parse("ethtool-module", text)
    assert not e.value.internal


def test_text_and_json_detection_do_not_overlap():
    assert parsers.detect(_cmis_text()) == "ethtool-module"
    assert parsers.detect(_JSON_SFP) == "ethtool-module-json"
    with pytest.raises(ParseError):
        _parse("ethtool-module", _JSON_SFP)
    with pytest.raises(ParseError):
        _parse("ethtool-module-json", _cmis_text())


def test_one_megabyte_parses_fast():
    block = _cmis_text()
    text = block * (1_000_000 // len(block) + 1)
    t0 = time.perf_counter()
    out = _parse("ethtool-module", text)
    assert time.perf_counter() - t0 < 1.0
    assert len(out["lanes"]) == 8


# --- JSON: SFF-8472 layout (ethtool 6.14: scalar readings, rx_power {"value", "type"}) -------------

_JSON_SFP = """[ {
        "identifier": 3,
        "identifier_description": "SFP",
        "connector": 7,
        "connector_description": "LC",
        "transceiver_type": "10G Ethernet: 10G Base-SR",
        "laser_wavelength": 850,
        "vendor_name": "ACME",
        "vendor_pn": "SFP-10G-SR",
        "vendor_rev": "A",
        "vendor_sn": "S123",
        "optical_diagnostics_support": true,
        "laser_tx_bias_current": 7.5,
        "transmit_avg_optical_power": 0.55,
        "rx_power": {
            "value": 0.0001,
            "type": "Receiver signal average optical power"
        },
        "module_temperature_measurement": 30.5,
        "module_voltage_measurement": 3.3,
        "laser_bias_current_high_alarm": false,
        "laser_rx_power_low_alarm": true,
        "module_temperature_high_warning": true,
        "laser_rx_power": {
            "high_alarm_threshold": 1,
            "low_alarm_threshold": 0.01,
            "high_warning_threshold": 0.7943,
            "low_warning_threshold": 0.0158
        }
    } ]
"""


def test_json_sff8472_scalar_readings():
    out = _parse("ethtool-module-json", _JSON_SFP)
    mod = out["modules"][0]
    assert mod["identifier"] == "SFP" and mod["media"] == "optical" and mod["media_lanes"] == 1
    assert mod["temperature_c"] == 30.5 and mod["voltage_v"] == 3.3
    assert mod["rx_power_mw_low_warn"] == pytest.approx(0.0158)
    assert mod["alarms"] == ["temperature_high_warn"]
    lanes = _lanes(out)
    assert list(lanes) == [1]
    assert lanes[1]["tx_bias_ma"] == 7.5 and lanes[1]["tx_power_mw"] == 0.55
    assert lanes[1]["rx_power_mw"] == 0.0  # 0.0001 mW = -40 dBm floor: no light
    assert lanes[1]["alarms"] == ["rx_power_low_alarm"]


@pytest.mark.parametrize("text", ['{"unexpected": [1, 2, 3]}', "[ ]", "[ {", "not json"])
def test_json_garbage_is_parse_error(text):
    with pytest.raises(ParseError) as e:
        _parse("ethtool-module-json", text)
    assert not e.value.internal


# --- older / derived decoders: channels from 0, dBm-only values, unimplemented thresholds ----------

def test_zero_based_channels_become_lanes_from_one():
    # ethtool 4.x qsfp.c numbered channels 0..3 ("(Channel 0)", "(Chan 0)")
    t = _kv("Identifier", "0x11 (QSFP28)")
    for n in range(4):
        t += _kv(f"Laser tx bias current (Channel {n})", f"{6.0 + n:.3f} mA")
    for n in range(4):
        t += _kv(f"Rcvr signal avg optical power(Channel {n})", f"0.{n + 5}000 mW / -3.00 dBm")
    for n in range(4):
        t += _kv(f"Laser bias current high alarm   (Chan {n})", "On" if n == 0 else "Off")
    t += _kv("Laser bias current high alarm threshold", "0.000 mA")
    t += _kv("Laser bias current low alarm threshold", "0.000 mA")
    t += _kv("Laser bias current high warning threshold", "0.000 mA")
    t += _kv("Laser bias current low warning threshold", "0.000 mA")
    t += _kv("Laser rx power low alarm threshold", "0.0000 mW / -inf dBm")
    out = _parse("ethtool-module", t)
    lanes = _lanes(out)
    assert sorted(lanes) == [1, 2, 3, 4]
    assert lanes[1]["tx_bias_ma"] == 6.0 and lanes[4]["tx_bias_ma"] == 9.0
    assert lanes[1]["rx_power_mw"] == pytest.approx(0.5) and lanes[4]["rx_power_mw"] == pytest.approx(0.8)
    assert lanes[1]["alarms"] == ["tx_bias_high_alarm"] and lanes[2]["alarms"] == []
    mod = out["modules"][0]
    # all four bias thresholds 0: not implemented -> None; a single 0 mW threshold stays as printed
    assert mod["tx_bias_ma_high_alarm"] is None and mod["tx_bias_ma_low_warn"] is None
    assert mod["rx_power_mw_low_alarm"] == 0.0


def test_dbm_only_values_and_underscore_identifier():
    t = _kv("Identifier", "QSFP_DD")
    t += _kv("Connector", "0x23 (No separable connector)")
    t += _kv("Transmitter technology", "0x00 (850 nm VCSEL)")
    t += _kv("Laser wavelength", "850 nm")
    t += _kv("Module temperature", "36.6 degrees C / 97.9 degrees F")
    t += _kv("Transmit avg optical power (Channel 1)", "2.4 dBm")
    t += _kv("Rcvr signal avg optical power (Channel 1)", "-inf dBm")
    t += _kv("Laser bias current high alarm (Chan 1)", "off")
    out = _parse("ethtool-module", t)
    mod = out["modules"][0]
    assert mod["identifier"] == "QSFP-DD" and mod["media"] == "aoc" and mod["wavelength_nm"] == 850.0
    lane = _lanes(out)[1]
    assert lane["tx_power_mw"] == pytest.approx(10 ** 0.24)
    assert lane["rx_power_mw"] == 0.0
    assert lane["alarms"] == []

"""SONiC transceiver parsers: layouts seen across sonic-utilities releases (sfpshow / sfputil source),
with literal expected values."""

import math

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def _mw(dbm):
    return 10 ** (dbm / 10)


def parse(fmt, text, **kw):
    return parsers.parse_text(fmt, text, **kw)


# sfpshow convert_dom_to_output_string, non-QSFP branch: MonitorData / ThresholdData (one lane)
SFP_8472 = """\
Ethernet48: SFP EEPROM detected
        Application Advertisement: N/A
        Connector: LC
        Encoding: 64B66B
        Extended Identifier: GBIC/SFP function is defined by two-wire interface ID only
        Extended RateSelect Compliance: Unspecified
        Identifier: SFP/SFP+/SFP28
        Length OM3(10m): 30
        Nominal Bit Rate(100Mbs): 103
        Specification compliance:
                10GEthernetComplianceCode: 10G Base-SR
        Vendor Date Code(YYYY-MM-DD Lot): 2019-08-07
        Vendor Name: FINISAR CORP.
        Vendor OUI: 00-90-65
        Vendor PN: FTLX8574D3BCL
        Vendor Rev: A
        Vendor SN: ALN1ABC
        MonitorData:
                RXPower: -2.3010dBm
                TXBias: 7.9960mA
                TXPower: -infdBm
                Temperature: 35.5C
                Vcc: 3.29Volts
        ThresholdData:
                TempHighAlarm  : 78.0000C
                TempHighWarning: 73.0000C
                TempLowAlarm   : -13.0000C
                TempLowWarning : -8.0000C
                VccHighAlarm   : 3.7000Volts
                VccHighWarning : 3.6000Volts
                VccLowAlarm    : 2.9000Volts
                VccLowWarning  : 3.0000Volts
                RxPowerHighAlarm  : 1.0000dBm
                RxPowerHighWarning: 0.0000dBm
                RxPowerLowAlarm   : -13.9794dBm
                RxPowerLowWarning : -9.9000dBm
                TxBiasHighAlarm   : 13.2000mA
                TxBiasHighWarning : 12.6000mA
                TxBiasLowAlarm    : 4.0000mA
                TxBiasLowWarning  : 5.0000mA
                TxPowerHighAlarm  : 1.6989dBm
                TxPowerHighWarning: -1.3000dBm
                TxPowerLowAlarm   : -11.3017dBm
                TxPowerLowWarning : -7.3000dBm

Ethernet52: SFP EEPROM is not applicable for RJ45 port

Ethernet56: SFP EEPROM Not detected
"""


def test_sfp_8472_monitordata_thresholddata_layout():
    out = parse("sonic-transceiver-eeprom", SFP_8472)
    mods = {m["port"]: m for m in out["modules"]}
    assert set(mods) == {"Ethernet48", "Ethernet56"}  # RJ45 has no pluggable module row
    m = mods["Ethernet48"]
    assert m["identifier"] == "SFP" and m["vendor"] == "FINISAR CORP." and m["part_number"] == "FTLX8574D3BCL"
    assert m["media"] == "optical"
    assert m["temperature_c"] == 35.5 and m["voltage_v"] == 3.29
    assert m["temperature_c_low_alarm"] == -13.0 and m["voltage_v_high_warn"] == 3.6
    assert math.isclose(m["tx_power_mw_low_alarm"], _mw(-11.3017))
    assert math.isclose(m["rx_power_mw_high_warn"], 1.0)
    assert m["tx_bias_ma_low_warn"] == 5.0
    assert mods["Ethernet56"]["present"] is False
    (lane,) = out["lanes"]
    assert lane["lane"] == 1 and lane["tx_power_mw"] == 0.0  # -infdBm: no light
    assert math.isclose(lane["rx_power_mw"], _mw(-2.301)) and lane["tx_bias_ma"] == 7.996


CMIS_4_OF_8 = """\
Ethernet0: SFP EEPROM detected
        Active Firmware: 61.20
        Application Advertisement: 400GAUI-8 C2M (Annex 120E) - Host Assign (0x1) - 400GBASE-DR4 (Cl 124) - Media Assign (0x1)
                                   100GAUI-2 C2M (Annex 135G) - Host Assign (0x55) - 100G-FR/100GBASE-FR1 (Cl 140) - Media Assign (0xf)
        CMIS Rev: 4.0
        Connector: MPO 1x12
        Host Lane Count: 8
        Identifier: QSFP-DD Double Density 8X Pluggable Transceiver
        Media Interface Technology: 1310 nm EML
        Media Lane Count: 4
        Vendor Name: ACME
        Vendor PN: QDD-400G-DR4
        Vendor Rev: 01
        Vendor SN: ABC123
        ChannelMonitorValues:
                RX1Power: -1.2dBm
                RX2Power: -infdBm
                RX3Power: -1.1dBm
                RX4Power: -0.9dBm
                RX5Power: -infdBm
                RX6Power: -infdBm
                RX7Power: -infdBm
                RX8Power: -infdBm
                TX1Bias: 55.0mA
                TX1Power: 1.0dBm
                TX2Bias: 55.2mA
                TX2Power: 1.1dBm
                TX3Bias: 54.9mA
                TX3Power: 0.9dBm
                TX4Bias: 55.1mA
                TX4Power: 1.2dBm
                TX5Bias: 0.0mA
                TX5Power: -infdBm
                TX6Bias: 0.0mA
                TX6Power: -infdBm
                TX7Bias: 0.0mA
                TX7Power: -infdBm
                TX8Bias: 0.0mA
                TX8Power: -infdBm
        ChannelThresholdValues:
                RxPowerHighAlarm  : 0.0dBm
                RxPowerHighWarning: 0.0dBm
                RxPowerLowAlarm   : 0.0dBm
                RxPowerLowWarning : 0.0dBm
        ModuleMonitorValues:
                Temperature: 72.5C
                Vcc: 3.3Volts
        ModuleThresholdValues:
                TempHighAlarm  : 75.0C
                TempHighWarning: 70.0C
                TempLowAlarm   : -5.0C
                TempLowWarning : 0.0C
"""


def test_cmis_bank_of_eight_keeps_every_lane_and_media_lanes():
    out = parse("sonic-transceiver-eeprom", CMIS_4_OF_8)
    (m,) = out["modules"]
    assert m["media_lanes"] == 4 and m["identifier"] == "QSFP-DD" and m["connector"] == "MPO 1x12"
    assert m["wavelength_nm"] == 1310.0 and m["media"] == "optical"
    # all four Rx power thresholds zero: unpopulated, not limits
    assert m["rx_power_mw_high_alarm"] is None and m["rx_power_mw_low_warn"] is None
    assert m["temperature_c"] == 72.5 and m["temperature_c_high_warn"] == 70.0
    lanes = {r["lane"]: r for r in out["lanes"]}
    assert sorted(lanes) == list(range(1, 9))
    assert lanes[2]["rx_power_mw"] == 0.0  # the dark lane inside the used four
    assert lanes[8]["tx_bias_ma"] == 0.0 and lanes[8]["tx_power_mw"] == 0.0
    assert math.isclose(lanes[4]["tx_power_mw"], _mw(1.2))


def test_per_port_output_and_na_values():
    text = ("Ethernet8: SFP EEPROM detected\n"
            "        Identifier: QSFP28 or later\n"
            "        Vendor Name: Arista Networks\n"
            "        Vendor SN: N/A\n"
            "        ChannelMonitorValues:\n"
            "                RX1Power: N/A\n"
            "                RX2Power: -3.01dBm\n"
            "                TX1Bias: Unknown\n")
    out = parse("sonic-transceiver-eeprom", text, device="leaf1", port="Ethernet8")
    (m,) = out["modules"]
    assert m["serial"] is None and m["vendor"] == "Arista Networks"
    lanes = {r["lane"]: r for r in out["lanes"]}
    assert set(lanes) == {2}  # lane 1 has no reading at all
    assert math.isclose(lanes[2]["rx_power_mw"], _mw(-3.01))


def test_legacy_sfputil_spacing_and_old_header():
    text = ("Ethernet4: SFP detected\n"
            "        Identifier : QSFP28 or later\n"
            "        Vendor Name : FS\n"
            "        ChannelMonitorValues:\n"
            "              RX1Power: -40.0000dBm\n"
            "              TX1Bias: 0.0000mA\n"
            "        ModuleMonitorValues :\n"
            "                Temperature : 28.1C\n"
            "                Vcc : 3.3Volts\n")
    out = parse("sonic-transceiver-eeprom", text)
    assert out["modules"][0]["temperature_c"] == 28.1 and out["modules"][0]["vendor"] == "FS"
    assert out["lanes"][0]["rx_power_mw"] == 0.0  # -40 dBm reads as no light


def test_eeprom_garbage_and_empty_block_lists():
    with pytest.raises(ParseError):
        parse("sonic-transceiver-eeprom", "Usage: show interfaces transceiver eeprom [OPTIONS] [INTERFACENAME]\n")
    out = parse("sonic-transceiver-eeprom", "Ethernet0: SFP EEPROM Not detected\n\nEthernet4: SFP EEPROM Not detected\n")
    assert [m["present"] for m in out["modules"]] == [False, False]


def test_bad_value_is_parse_error_with_line():
    text = "Ethernet0: SFP EEPROM detected\n        ChannelMonitorValues:\n                RX1Power: lots\n"
    with pytest.raises(ParseError) as e:
        parse("sonic-transceiver-eeprom", text)
    assert e.value.line == 3 and not e.value.internal


KLISH_TWO = """\

-----------------------------------------------------------------------
Ethernet0
-----------------------------------------------------------------------
Identifier: QSFP28
Vendor Name: FINISAR CORP.
Vendor Part: FTLC9551REPM
ChannelMonitorValues:
Rx1Power: -1.2000 dBm
Rx2Power: -inf dBm
Tx1Bias: 6.5000 mA
Tx1Power: -0.5000 dBm
ModuleMonitorValues:
Temperature: 36.5 C
Vcc: 3.2900 Volts

-----------------------------------------------------------------------
Ethernet4
-----------------------------------------------------------------------
Identifier: QSFP28
Rx1Power: N/A dBm
Tx1Bias: 7.0000 mA
"""


def test_klish_several_ports_with_spaced_units():
    out = parse("sonic-klish-transceiver-dom", KLISH_TWO)
    mods = {m["port"]: m for m in out["modules"]}
    assert set(mods) == {"Ethernet0", "Ethernet4"}
    assert mods["Ethernet0"]["temperature_c"] == 36.5 and mods["Ethernet0"]["voltage_v"] == 3.29
    assert mods["Ethernet0"]["part_number"] == "FTLC9551REPM"
    lanes = {(r["port"], r["lane"]): r for r in out["lanes"]}
    assert lanes[("Ethernet0", 2)]["rx_power_mw"] == 0.0
    assert math.isclose(lanes[("Ethernet0", 1)]["tx_power_mw"], _mw(-0.5))
    assert lanes[("Ethernet4", 1)]["rx_power_mw"] is None and lanes[("Ethernet4", 1)]["tx_bias_ma"] == 7.0
    assert parsers.detect(KLISH_TWO) == "sonic-klish-transceiver-dom"


STATUS_FLAGS = """\
Ethernet0:
        Tx fault flag on media lane 1: False
        Tx fault flag on media lane 2: True
        Rx loss of signal flag on media lane 1: False
        Rx loss of signal flag on media lane 2: True
        TX disable status on lane 1: False
        TX disable status on lane 2: True
        Disabled TX channels: 2
        Current module state: ModuleFault
        Module firmware fault: True
        Rx clock and data recovery loss of lock on media lane 2: True
        Temperature high warning flag: True
        Rx power low alarm flag on lane 2: True
        Tx bias high warning flag on lane 1: True

Ethernet4: Transceiver status info not applicable

Ethernet8:
        Tx fault flag on media lane 1: N/A
"""


def test_status_flags_become_lane_and_module_alarms():
    out = parse("sonic-transceiver-status", STATUS_FLAGS)
    mods = {m["port"]: m for m in out["modules"]}
    assert "Ethernet4" not in mods
    m = mods["Ethernet0"]
    assert m["module_state"] == "ModuleFault"
    assert set(m["alarms"]) == {"module_firmware_fault", "temperature_high_warn"}
    lanes = {(r["port"], r["lane"]): r for r in out["lanes"]}
    l2 = lanes[("Ethernet0", 2)]
    assert l2["tx_fault"] is True and l2["rx_los"] is True and l2["rx_lol"] is True
    assert set(l2["alarms"]) == {"tx_disabled", "rx_power_low_alarm"}
    assert lanes[("Ethernet0", 1)]["alarms"] == ["tx_bias_high_warn"]
    assert lanes[("Ethernet0", 1)]["tx_fault"] is False
    assert lanes[("Ethernet8", 1)]["tx_fault"] is None


def test_status_all_not_applicable_is_empty_not_error():
    out = parse("sonic-transceiver-status", "Ethernet0: Transceiver status info not applicable\n\n"
                                            "Ethernet4: Transceiver status info not applicable\n")
    assert not out.get("modules") and not out.get("lanes")


def test_pm_not_applicable_and_garbage():
    out = parse("sonic-transceiver-pm", "Ethernet0: Transceiver performance monitoring not applicable\n")
    assert not out.get("counters")
    with pytest.raises(ParseError):
        parse("sonic-transceiver-pm", "Parameter list follows\nnothing here\n")

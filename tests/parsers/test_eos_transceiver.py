"""EOS transceiver parsers: variants beyond the real-sample cases (literal values)."""

import json

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def _rows(out, table, port, lane=None):
    rows = [r for r in out.get(table, []) if r["port"] == port and (lane is None or r["lane"] == lane)]
    assert len(rows) == 1, rows
    return rows[0]


# Shape of `show interfaces transceiver detail | json` on a DWDM port (public EOS script, 2016):
# readings as in the plain command plus "details" thresholds; txBias thresholds all 0.0 (unset),
# coherent "totalRxPower" and "narrowBand". Values written by us.
DETAIL = {
    "interfaces": {
        "Ethernet5/2": {
            "updateTime": 1465925717.37, "temperature": 35.9, "mediaType": "100G-DWDM-E",
            "txBias": 0.0, "totalRxPower": -0.3, "txPower": 0.0, "narrowBand": True,
            "details": {
                "txPower": {"highWarn": 3.0, "lowWarn": -10.0, "highAlarm": 5.0, "lowAlarm": -12.0},
                "temperature": {"highWarn": 70.0, "lowWarn": 0.0, "highAlarm": 80.0, "lowAlarm": -10.0},
                "totalRxPower": {"highWarn": 3.0, "lowWarn": -24.0, "highAlarm": 4.0, "lowAlarm": -25.0},
                "txBias": {"highWarn": 0.0, "lowWarn": 0.0, "highAlarm": 0.0, "lowAlarm": 0.0},
                "rxPower": {"highWarn": 3.0, "lowWarn": -20.0, "highAlarm": 4.0, "lowAlarm": -30.0},
                "voltage": {"highWarn": 3.5, "lowWarn": 3.1, "highAlarm": 3.6, "lowAlarm": 3.0},
            },
            "vendorSn": "SMD0001.1", "rxPower": -10.0, "voltage": 3.3,
        },
        "Ethernet6/1": {"vendorSn": "ABC ", "mediaType": "100GBASE-CR4", "updateTime": 1.0},
    }
}


def test_detail_json_thresholds_and_unset_sets():
    out = parsers.parse_text("eos-transceiver-detail-json", json.dumps(DETAIL))
    m = _rows(out, "modules", "Ethernet5/2")
    assert m["temperature_c_high_alarm"] == 80.0 and m["temperature_c_low_alarm"] == -10.0
    assert m["voltage_v_low_warn"] == 3.1
    assert m["tx_power_mw_low_alarm"] == pytest.approx(0.0630957, rel=1e-5)  # -12 dBm
    assert m["tx_power_mw_high_alarm"] == pytest.approx(3.1622777, rel=1e-6)  # 5 dBm
    assert m["rx_power_mw_low_warn"] == pytest.approx(0.01)                   # -20 dBm
    assert m["rx_power_mw_low_alarm"] == 0.0                                  # -30 dBm: EOS floor
    assert m["tx_bias_ma_high_alarm"] is None                                 # all-zero set: unset
    assert m["serial"] == "SMD0001.1" and m["media"] == "optical"
    ln = _rows(out, "lanes", "Ethernet5/2", 1)
    assert ln["rx_power_mw"] == pytest.approx(0.1) and ln["tx_power_mw"] == pytest.approx(1.0)
    assert ln["tx_bias_ma"] == 0.0
    dac = _rows(out, "modules", "Ethernet6/1")
    assert dac["serial"] == "ABC" and dac["media"] == "dac" and dac["temperature_c"] is None
    assert not [r for r in out.get("lanes", []) if r["port"] == "Ethernet6/1"]


def test_detail_json_autodetects_and_plain_does_not_claim_it():
    assert parsers.detect(json.dumps(DETAIL)) == "eos-transceiver-detail-json"
    plain = {"interfaces": {"Ethernet1": {"rxPower": -3.0, "vendorSn": "X", "mediaType": "10GBASE-SR"}}}
    assert parsers.detect(json.dumps(plain)) == "eos-transceiver-json"


def test_eapi_envelope_and_no_light_and_empty():
    env = {"jsonrpc": "2.0", "id": "1", "result": [
        {"interfaces": {"Ethernet1": {"rxPower": -30.0, "txPower": -1.0, "txBias": 6.0,
                                      "temperature": 30.0, "voltage": 3.3, "vendorSn": "S1",
                                      "mediaType": "10GBASE-LR"}}}]}
    out = parsers.parse_text("eos-transceiver-json", json.dumps(env))
    ln = _rows(out, "lanes", "Ethernet1", 1)
    assert ln["rx_power_mw"] == 0.0 and ln["tx_power_mw"] == pytest.approx(0.7943282, rel=1e-6)
    assert parsers.parse_text("eos-transceiver-json", '{"interfaces": {}}') == {}


def test_transceiver_json_rejects_other_eos_json_and_truncation():
    with pytest.raises(ParseError):
        parsers.parse_text("eos-transceiver-json",
                           json.dumps({"interfaces": {"Ethernet1": {"name": "Ethernet1", "mtu": 9214}}}))
    with pytest.raises(ParseError) as e:
        parsers.parse_text("eos-transceiver-json", '{"interfaces": {"Ethernet1": {"rxPower": -2.0,')
    assert not e.value.internal


def test_dom_thresholds_channels_module_wide_and_all_sensors():
    doc = {"interfaces": {"Ethernet1/1": {
        "displayName": "Ethernet1/1", "vendorSn": "XYZ", "mediaType": "400GBASE-DR4",
        "parameters": {
            "temperature": {"unit": "C", "channels": {"-": 41.5},
                            "threshold": {"highAlarm": 75.0, "highWarn": 70.0, "lowAlarm": -5.0, "lowWarn": 0.0}},
            "voltage": {"unit": "V", "channels": {"-": 3.29}},
            "txBias": {"unit": "mA", "channels": {"1": 50.1, "2": 49.9, "3": 51.0, "4": 0.0},
                       "threshold": {"highAlarm": 100.0, "lowAlarm": 10.0}},
            "txPower": {"unit": "dBm", "channels": {"1": 1.0, "2": 1.1, "3": 0.9, "4": -30.0}},
            "rxPower": {"unit": "dBm", "channels": {"1": -1.0, "2": -2.0, "3": -14.0, "4": -1.5},
                        "threshold": {"lowAlarm": -10.0, "lowWarn": -8.0, "highAlarm": 5.0, "highWarn": 3.0}},
            "snr": {"unit": "dB", "channels": {"1": 20.0}},
        }}}}
    out = parsers.parse_text("eos-transceiver-dom-thresholds-json", json.dumps(doc))
    m = _rows(out, "modules", "Ethernet1/1")
    assert m["temperature_c"] == 41.5 and m["voltage_v"] == 3.29
    assert m["temperature_c_high_warn"] == 70.0 and m["tx_bias_ma_low_alarm"] == 10.0
    assert m["rx_power_mw_low_alarm"] == pytest.approx(0.1)
    assert len(out["lanes"]) == 4                       # every lane, never averaged
    assert _rows(out, "lanes", "Ethernet1/1", 3)["rx_power_mw"] == pytest.approx(0.0398107, rel=1e-5)
    assert _rows(out, "lanes", "Ethernet1/1", 4)["tx_power_mw"] == 0.0
    assert _rows(out, "lanes", "Ethernet1/1", 4)["tx_bias_ma"] == 0.0


def test_dom_channels_numbered_from_zero_are_shifted():
    doc = {"interfaces": {"Ethernet2": {"vendorSn": "A", "parameters": {
        "rxPower": {"unit": "dBm", "channels": {"0": -1.0, "1": -2.0}}}}}}
    out = parsers.parse_text("eos-transceiver-dom-thresholds-json", json.dumps(doc))
    assert sorted(r["lane"] for r in out["lanes"]) == [1, 2]


TEXT_NO_LASTUPDATE = """\
N/A: not applicable, Tx: transmit, Rx: receive.
mA: milliamperes, dBm: decibels (milliwatts).
                               Bias      Optical   Optical
          Temp       Voltage   Current   Tx Power  Rx Power
Port      (Celsius)  (Volts)   (mA)      (dBm)     (dBm)
-----     ---------  --------  --------  --------  --------
Et1        30.00      3.30      6.00     -2.00     -3.00
Et49/1     40.00      3.28      7.50     -1.00     -40.00
Ma1        garbage
"""


def test_text_without_last_update_column_and_full_names():
    out = parsers.parse_text("eos-transceiver-text", TEXT_NO_LASTUPDATE)
    assert _rows(out, "lanes", "Ethernet1", 1)["rx_power_mw"] == pytest.approx(0.5011872, rel=1e-6)
    assert _rows(out, "lanes", "Ethernet49/1", 1)["rx_power_mw"] == 0.0
    assert _rows(out, "modules", "Ethernet49/1")["temperature_c"] == 40.0
    assert len(out["modules"]) == 2


def test_text_header_only_is_empty_and_garbage_is_error():
    head = "\n".join(TEXT_NO_LASTUPDATE.splitlines()[:6]) + "\n"
    assert parsers.parse_text("eos-transceiver-text", head) == {}
    with pytest.raises(ParseError):
        parsers.parse_text("eos-transceiver-text", "Et1  30.0  3.3  6.0  -2.0  -3.0\n")


DETAIL_TEXT_FLAGS = """\
mA: milliamperes, dBm: decibels (milliwatts), NA or N/A: not applicable.
++ : high alarm, +  : high warning, -  : low warning, -- : low alarm.
A2D readouts (if they differ), are reported in parentheses.
The threshold values are calibrated.
                         High Alarm  High Warn   Low Warn    Low Alarm
           Rx Power      Threshold   Threshold   Threshold   Threshold
Port       (dBm)         (dBm)       (dBm)       (dBm)       (dBm)
-------    ------------  ----------  ----------  ----------  ----------
Et1        -14.00 --     4.40        3.40        -10.50      -11.50
Et2        -10.80 -      4.40        3.40        -10.50      -11.50
Et3        -2.00 (-2.10) 4.40        3.40        -10.50      -11.50
Et4        N/A           N/A         N/A         N/A         N/A
"""


def test_detail_text_column_order_from_header_flags_and_a2d():
    out = parsers.parse_text("eos-transceiver-detail-text", DETAIL_TEXT_FLAGS)
    m = _rows(out, "modules", "Ethernet1")
    # header order here is High Alarm, High Warn, Low Warn, Low Alarm
    assert m["rx_power_mw_low_warn"] == pytest.approx(0.0891251, rel=1e-5)
    assert m["rx_power_mw_low_alarm"] == pytest.approx(0.0707946, rel=1e-5)
    assert _rows(out, "lanes", "Ethernet1", 1)["alarms"] == ["rx_power_low_alarm"]
    assert _rows(out, "lanes", "Ethernet2", 1)["alarms"] == ["rx_power_low_warn"]
    l3 = _rows(out, "lanes", "Ethernet3", 1)
    assert l3["rx_power_mw"] == pytest.approx(0.6309573, rel=1e-6) and not l3["alarms"]
    assert _rows(out, "lanes", "Ethernet4", 1)["rx_power_mw"] is None
    assert parsers.detect(DETAIL_TEXT_FLAGS) == "eos-transceiver-detail-text"

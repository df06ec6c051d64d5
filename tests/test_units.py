"""The one place units are converted."""

import math

import pytest

from netdiag import units


@pytest.mark.parametrize("text, mw", [
    ("0.5012 mW", 0.5012), ("1.0778 mW / 0.33 dBm", 1.0778), ("-3.00 dBm", 10 ** -0.3), ("-infdBm", 0.0),
    ("-inf dBm", 0.0), ("-40.00 dBm", 0.0), ("-45.2 dBm", 0.0), ("0.0000 mW / -inf dBm", 0.0), ("123 uW", 0.123),
    ("N/A dBm", None), ("N/A", None), ("", None), ("0.00 dBm", 1.0),
])
def test_power_to_mw(text, mw):
    got = units.power_to_mw(text)
    assert got == mw if mw is None else math.isclose(got, mw, rel_tol=1e-9)


def test_dbm_mw_round_trip_and_no_light():
    assert math.isclose(units.mw_to_dbm(units.dbm_to_mw(-7.5)), -7.5)
    assert units.mw_to_dbm(0.0) == -math.inf
    assert units.dbm_to_mw(-math.inf) == 0.0


@pytest.mark.parametrize("text, c", [("33.76 degrees C / 92.77 degrees F", 33.76), ("35.5C", 35.5), ("212 F", 100.0),
                                     ("N/A", None)])
def test_temperature(text, c):
    got = units.temperature_to_c(text)
    assert got == c if c is None else math.isclose(got, c)


@pytest.mark.parametrize("text, v", [("3.2505 V", 3.2505), ("3300 mV", 3.3), ("3.29Volts", 3.29), ("3300000 uV", 3.3),
                                     ("N/A", None)])
def test_voltage(text, v):
    got = units.voltage_to_v(text)
    assert got == v if v is None else math.isclose(got, v)


@pytest.mark.parametrize("text, g", [("100000Mb/s", 100.0), ("400G", 400.0), ("10 Gbps", 10.0), ("Unknown!", None),
                                     ("25000", 25.0)])
def test_speed(text, g):
    assert units.speed_to_gbps(text) == g


@pytest.mark.parametrize("text, m", [("2km", 2000.0), ("100m", 100.0), ("3 m", 3.0), ("0.5m", 0.5)])
def test_length(text, m):
    assert units.length_to_m(text) == m


@pytest.mark.parametrize("bad", ["12 parsecs", "abc mW", "1.0 furlongs"])
def test_garbage_is_a_value_error(bad):
    with pytest.raises(ValueError):
        units.power_to_mw(bad)


def test_implausible_dbm_is_unknown_not_a_crash():
    assert math.isnan(units.dbm_to_mw(1e6)) and math.isnan(units.dbm_to_mw(math.inf))

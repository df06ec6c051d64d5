"""Issue 18 item 2: user TOML files checked against the packaged file (netdiag/config.py):
FILE:LINE:COLUMN, closest valid key, types explained, exit 3 and no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from netdiag.config import ConfigError, key_positions, load_user, packaged
from netdiag.health.rules import load_thresholds
from netdiag.store import load_settings

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def problems(tmp_path, text, schema="thresholds.toml"):
    p = tmp_path / "user.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_user(p, schema)
    return [x.replace(str(p), "F") for x in e.value.problems]


def test_syntax_error_names_file_line_and_column(tmp_path):
    assert problems(tmp_path, "[optics.fallback.rx_power_dbm]\nlow_alarm = \n") == [
        "F:2:13: TOML syntax error: Invalid value"]
    assert problems(tmp_path, "[counters\nrx_crc_errors = 'off'\n")[0].startswith("F:1:10: TOML syntax error")


def test_quoted_number_is_a_type_error_at_the_value(tmp_path):
    assert problems(tmp_path, '[optics.fallback.rx_power_dbm]\nlow_alarm = "-14"\n') == [
        "F:2:13: optics.fallback.rx_power_dbm.low_alarm: expected a number (like -14.0), got the string '-14' "
        "(write it without quotes)"]


def test_every_problem_of_a_file_at_once_with_the_closest_key(tmp_path):
    text = ("[optics.fallback.rx_power_dbm]\nlow_alrm = -14.0\n\n[temprature]\nhot_c = 60\n"
            "[counters]\nrx_crc_errors = \"warn\"\n[ber.ethernet]\nraw_ber = [1e-4]\n"
            "[isolation]\nmax_links = 2.5\n")
    assert problems(tmp_path, text) == [
        "F:2:1: unknown key 'low_alrm' in [optics.fallback.rx_power_dbm]; did you mean 'low_alarm'?",
        "F:4:1: unknown section 'temprature'; did you mean 'temperature'?",
        "F:7:17: counters.rx_crc_errors: expected one of critical, warning, info, off, got 'warn'; did you mean 'warning'?",
        "F:9:11: ber.ethernet.raw_ber: expected a list of 2 numbers (like [0.00024, 1e-05]), got 1",
        "F:11:13: isolation.max_links: expected a whole number (like 10), got the number 2.5",
    ]


def test_settings_are_checked_against_history_toml(tmp_path):
    assert problems(tmp_path, "[lifecycle]\nresolve_afte = 2\n", "history.toml") == [
        "F:2:1: unknown key 'resolve_afte' in [lifecycle]; did you mean 'resolve_after'?"]
    p = tmp_path / "ok.toml"
    p.write_text("[lifecycle]\nresolve_after = 2\n")
    assert load_settings(p)["lifecycle"]["resolve_after"] == 2
    with pytest.raises(ConfigError):
        load_settings(tmp_path / "user.toml")


def test_valid_override_merges_and_packaged_keys_are_the_schema(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text("[optics.fallback.rx_power_dbm]\nlow_alarm = -15\n[temperature]\nhot_c = 65.5\n")
    cfg = load_thresholds(p)
    assert cfg["optics"]["fallback"]["rx_power_dbm"]["low_alarm"] == -15
    assert cfg["temperature"]["hot_c"] == 65.5
    # every key of the packaged file is accepted as itself (the schema is the file, not a copy)
    pk = (Path(__file__).resolve().parent.parent / "netdiag" / "health" / "thresholds.toml")
    assert load_user(pk, "thresholds.toml") == packaged("thresholds.toml")


def test_array_of_tables_positions():
    pos = key_positions("[[pattern]]\nname = 'a'\n[[pattern]]\nname = 'b'\n[pattern.when]\nx = 1\n")
    assert pos[("pattern", 1, "name")] == (4, 1)
    assert pos[("pattern", 1, "when", "x")] == (6, 1)


@pytest.mark.parametrize("text,where", [
    ("[optics.fallback.rx_power_dbm]\nlow_alarm = \n", "user.toml:2:13: TOML syntax error"),
    ('[optics.fallback.rx_power_dbm]\nlow_alarm = "-14"\n', "user.toml:2:13: optics.fallback"),
    ("[temprature]\nhot_c = 60\n", "user.toml:1:1: unknown section 'temprature'; did you mean 'temperature'?"),
])
def test_cli_exits_3_naming_the_file_without_traceback(tmp_path, text, where):
    p = tmp_path / "user.toml"
    p.write_text(text)
    for args in (["sweep", "--capture", str(DEMO / "capture"), "--thresholds", str(p)],
                 ["scan", "--state", str(tmp_path / "st.db"), "--capture", str(DEMO / "capture"), "--settings", str(p)]):
        if args[0] == "scan" and "temprature" not in text and "optics" in text:
            continue   # history.toml has no [optics]: covered by the unknown-section case
        r = subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True, text=True, timeout=300)
        assert r.returncode == 3, r.stderr
        assert "Traceback" not in r.stderr
        if args[0] == "sweep":
            assert where in r.stderr
        assert f"{p}:" in r.stderr
    assert not (tmp_path / "st.db").exists()   # nothing done before the file was checked

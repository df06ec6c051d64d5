"""Each platform's replayable switch capture (fixtures/captures/*/FAULTS.md): `netdiag sweep
--capture` reports exactly the injected faults, worst first, and nothing on the healthy ports."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netdiag.cli import main

CAPTURES = Path(__file__).resolve().parent.parent / "fixtures" / "captures"

EXPECTED = {
    "sonic-leaf": [("critical", "dark_lane", "leaf-s0-01", "Ethernet8"),
                   ("critical", "fec_uncorrectable_cw", "leaf-s0-01", "Ethernet16"),
                   ("critical", "module_temperature_high", "leaf-s0-01", "Ethernet24")],
    "cumulus-leaf": [("critical", "link_down", "leaf01", "swp6"),
                     ("critical", "rx_power_low", "leaf01", "swp2"),
                     ("critical", "fec_uncorrectable_cw", "leaf01", "swp4"),
                     ("critical", "raw_ber", "leaf01", "swp3")],
    "eos-leaf": [("critical", "link_down", "eos-leaf-01", "Ethernet9/3"),
                 ("critical", "rx_power_low", "eos-leaf-01", "Ethernet3/1"),
                 ("critical", "fec_uncorrectable_cw", "eos-leaf-01", "Ethernet5/1"),
                 ("warning", "module_temperature_high", "eos-leaf-01", "Ethernet7/1"),
                 ("warning", "rx_crc_errors", "eos-leaf-01", "Ethernet6/1")],
    "nxos-leaf": [("critical", "link_down", "nx-leaf-01", "Ethernet1/9/3"),
                  ("critical", "rx_power_low", "nx-leaf-01", "Ethernet1/3"),
                  ("warning", "module_temperature_high", "nx-leaf-01", "Ethernet1/7"),
                  ("warning", "rx_crc_errors", "nx-leaf-01", "Ethernet1/6")],
    "iosxe-leaf": [("critical", "link_down", "c9k-leaf-01", "HundredGigE1/0/5"),
                   ("critical", "rx_power_low", "c9k-leaf-01", "HundredGigE1/0/2"),
                   ("warning", "module_temperature_high", "c9k-leaf-01", "HundredGigE1/0/7"),
                   ("warning", "rx_crc_errors", "c9k-leaf-01", "TwentyFiveGigE1/0/3")],
    "junos-spine": [("critical", "link_down", "qfx-spine-01", "et-0/0/8:2"),
                    ("critical", "rx_power_low", "qfx-spine-01", "et-0/0/2"),
                    ("critical", "fec_uncorrectable_cw", "qfx-spine-01", "et-0/0/1"),
                    # F4 (CRC errors with clean FEC counters) is forwarded corruption: info, no finding
                    ("warning", "module_temperature_high", "qfx-spine-01", "et-0/0/5")],
    "ib-fabric": [("critical", "dark_lane", "leaf02", "1"),  # LOS flag + 14 dB under its low alarm (issue 13 #2)
                  ("warning", "symbol_errors", "gpu02", "mlx5_0/1"),
                  ("warning", "symbol_errors", "leaf01", "2"),
                  ("warning", "symbol_errors", "leaf01", "63")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_switch_capture_reports_exactly_its_injected_faults(name):
    r = CliRunner().invoke(main, ["sweep", "--capture", str(CAPTURES / name), "--json"])
    assert r.exit_code == 2, r.output
    out = json.loads(r.output)
    got = [(f["severity"], f["kind"], f["device"], f["port"]) for f in out["findings"]]
    assert got == EXPECTED[name]
    assert all(d["ok"] and not d["failed"] for d in out["devices"])
    assert (CAPTURES / name / "FAULTS.md").is_file()


def test_every_fixture_capture_is_covered():
    assert sorted(p.name for p in CAPTURES.iterdir() if p.is_dir()) == sorted(EXPECTED)

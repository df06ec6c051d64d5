"""A module that publishes only its alarm thresholds (NVUE, ibdiagnet cable records): warning levels
are derived inside them. Found by an independent scenario source (benchmarks/scenarios_v3e, Cumulus
leaves): the high warnings were derived 2 dB under the high alarms, so an in-spec +2.1 dBm receive
level (Rx high alarm +3.4 dBm) became `rx_overload`. The high side now warns at the alarm (strong
light is not wear); the low side still warns 2 dB above the low alarm (fading light)."""

import numpy as np

from netdiag.health.rules import effective_thresholds, load_thresholds, symptoms
from netdiag.model import Snapshot
from netdiag.units import dbm_to_mw

CFG = load_thresholds()


def _snap(rx_dbm: float) -> Snapshot:
    mod = {"device": "leaf", "port": "swp8", "present": True, "media": "optical", "identifier": "QSFP28",
           "rx_power_mw_high_alarm": float(dbm_to_mw(3.4)), "rx_power_mw_low_alarm": float(dbm_to_mw(-10.7))}
    return Snapshot.from_tables({
        "ports": [{"device": "leaf", "port": "swp8", "admin_up": True, "oper_up": True, "speed_gbps": 100.0}],
        "modules": [mod],
        "lanes": [{"device": "leaf", "port": "swp8", "lane": ln, "rx_power_mw": float(dbm_to_mw(rx_dbm)),
                   "tx_power_mw": 1.0, "tx_bias_ma": 7.0} for ln in (1, 2, 3, 4)]})


def test_derived_levels_sit_at_the_high_alarm_and_2_db_over_the_low_alarm():
    t = effective_thresholds(_snap(0.0).modules, CFG).iloc[0]
    assert np.isclose(t["rx_power_mw_high_warn"], dbm_to_mw(3.4))
    assert np.isclose(10 * np.log10(t["rx_power_mw_low_warn"]), -8.7)
    assert t["rx_power_mw_source"] == "module"   # both levels from the module's own alarms


def test_strong_in_spec_receive_level_raises_nothing_and_overload_still_does():
    assert symptoms(_snap(2.1), CFG).empty
    over = symptoms(_snap(3.9), CFG)
    assert set(over["rule"]) == {"rx_power_high"} and set(over["severity"]) == {"critical"}
    low = symptoms(_snap(-9.5), CFG)       # 1.2 dB over the low alarm: under the derived warning
    assert set(low["rule"]) == {"rx_power_low"} and set(low["severity"]) == {"warning"}

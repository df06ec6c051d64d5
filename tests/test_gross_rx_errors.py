"""Weakness (issue 13 item 4, scenario suite v2 `nofec_ber`): a 100G copper link running without FEC
counts millions of receive errors (SONiC RX_ERR) and no FEC counter can say so; before, nothing was
raised because the FEC counters of a FEC-off port read zero and looked clean."""

from __future__ import annotations

from netdiag.health.rules import load_thresholds, symptoms
from netdiag.model import Snapshot

CFG = load_thresholds()


def _snap(fec: str, rx_errors: int, rx_packets: int, fec_counters: bool = True) -> Snapshot:
    ports = [{"device": "leaf1", "port": "Ethernet8", "admin_up": True, "oper_up": True, "speed_gbps": 100.0,
              "fec": fec}]
    row = {"device": "leaf1", "port": "Ethernet8", "rx_errors": rx_errors, "rx_packets": rx_packets}
    if fec_counters:
        row.update(fec_corrected_cw=0, fec_uncorrectable_cw=0)
    return Snapshot.from_tables({"ports": ports, "counters": [row]})


def _rx_errors(snap):
    s = symptoms(snap, CFG)
    return s[s["rule"] == "rx_errors"]


def test_gross_receive_errors_on_a_fec_off_port_are_a_symptom():
    got = _rx_errors(_snap("none", 2_000_000, 100_000_000))
    assert list(got["severity"]) == ["warning"]
    assert got["value"].iloc[0] == 0.02 and got["threshold"].iloc[0] == 1e-5
    assert "FEC off or not reported" in got["detail"].iloc[0]


def test_receive_errors_forwarded_by_cut_through_stay_quiet():
    # 60 errored frames in 1e10: background of frames corrupted upstream
    assert _rx_errors(_snap("none", 60, 10_000_000_000)).empty
    # a share over the limit but too few to count (a handful of frames on an idle port)
    assert _rx_errors(_snap("none", 50, 1000)).empty


def test_clean_fec_counters_of_a_port_running_fec_clear_its_receive_errors():
    # FEC on and its counters clean: the errors were forwarded, as for CRC (counter_semantics)
    assert _rx_errors(_snap("rs", 2_000_000, 100_000_000)).empty
    # no FEC counter at all: nothing can clear them
    assert len(_rx_errors(_snap("rs", 2_000_000, 100_000_000, fec_counters=False))) == 1

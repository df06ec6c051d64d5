"""evidence.breakout_owner (sibling names once per distinct port, lane count and step; the device's
ports looked up at once) against the per-row definition it replaced, on random lanes of SONiC, EOS
and Cumulus breakout ports, ports that exist or not, lanes within their port, missing lane counts."""

import numpy as np
import pandas as pd
import pytest

from netdiag.health import evidence
from netdiag.health.evidence import _CUMULUS, _EOS, _SONIC


def ref_breakout_owner(device, port, lane, port_lanes, known_ports):
    out = port.to_numpy(dtype=object).copy()
    with np.errstate(invalid="ignore"):
        beyond = (port_lanes > 0) & (lane > port_lanes)
    for i in np.flatnonzero(beyond):
        p, k, ln = str(out[i]), int(port_lanes[i]), int(lane[i])
        step = (ln - 1) // k
        cand = None
        for rx, per_lane in ((_SONIC, True), (_EOS, True), (_CUMULUS, False)):
            m = rx.match(p)
            if m:
                base = int(m.group(2))
                cand = f"{m.group(1)}{base + step * k if per_lane else base + step}"
                break
        if cand and (device.iat[i], cand) in known_ports:
            out[i] = cand
    return out


@pytest.mark.parametrize("seed", range(5))
def test_same_owner_as_per_row(seed):
    rng = np.random.default_rng(seed)
    n = 4000
    ports = ["Ethernet0", "Ethernet2", "Ethernet4", "Ethernet6", "Ethernet1/1", "Ethernet1/3", "Et2/1", "Et2/5",
             "swp1s0", "swp1s1", "swp3s2", "ens1f0np0", "eth0", "Ethernet1/1/1"]
    devs = ["leaf-1", "leaf-2", "sw3"]
    device = pd.Series(pd.array([devs[i] for i in rng.integers(0, 3, n)], dtype="str"))
    port = pd.Series(pd.array([ports[i] for i in rng.integers(0, len(ports), n)], dtype="str"))
    lane = rng.integers(1, 9, n).astype("float64")
    port_lanes = np.array([2.0, 4.0, 1.0, 8.0, np.nan, 0.0])[rng.integers(0, 6, n)]
    have = [(d, p) for d in devs for p in ports + ["Ethernet8", "Ethernet1/5", "swp1s3", "Ethernet1/7"]
            if rng.random() < 0.6]
    known = pd.MultiIndex.from_tuples(have)
    got = evidence.breakout_owner(device, port, lane, port_lanes, known)
    ref = ref_breakout_owner(device, port, lane, port_lanes, known)
    assert got.tolist() == ref.tolist()
    assert (got != port.to_numpy(dtype=object)).sum() > 50   # some lanes did move to a sibling


def test_literal_siblings():
    device = pd.Series(["s", "s", "s", "s"])
    port = pd.Series(["Ethernet0", "Ethernet1/1", "swp1s0", "Ethernet0"])
    known = pd.MultiIndex.from_tuples([("s", "Ethernet2"), ("s", "Ethernet1/3"), ("s", "swp1s1")])
    got = evidence.breakout_owner(device, port, np.array([3.0, 4.0, 3.0, 5.0]), np.array([2.0, 2.0, 2.0, 2.0]), known)
    assert got.tolist() == ["Ethernet2", "Ethernet1/3", "swp1s1", "Ethernet0"]   # Ethernet4 is not a port of s

"""Fixtures for the isolation tests."""

import pytest

from act_fabrics import inventory_of
from netdiag.simulate import engine, presets


@pytest.fixture(scope="session")
def small_fabrics():
    """name -> Inventory of small simulated fabrics (1, 2 and 4 planes)."""
    out = {}
    for name, gpus in (("hgx-rail", 64), ("gb300-dual-plane", 144), ("b300-quad-plane", 64)):
        out[name] = inventory_of(engine.simulate(presets.get(name), gpus, seed=1))
    return out

"""The ordinary day: a healthy fabric (nothing wrong) through every command, and the degenerate
shapes around it (no symptoms, empty plan, empty capture, one device, everything refused)."""

import pandas as pd

from netdiag.fabric.localize import FEATURES, end_features, localize
from netdiag.health.rules import SYMPTOM_COLUMNS, load_thresholds
from netdiag.inventory import Inventory
from netdiag.model import Snapshot


def test_end_features_of_no_symptoms_is_empty_with_the_device_port_index():
    snap = Snapshot.from_tables({})
    f = end_features(pd.DataFrame(columns=SYMPTOM_COLUMNS), snap, {"links": {"flap_link_down_events": 3}})
    assert len(f) == 0
    assert list(f.index.names) == ["device", "port"]
    assert set(FEATURES) <= set(f.columns)


def test_localize_with_no_symptoms_finds_nothing():
    loc = localize(Snapshot.from_tables({}), pd.DataFrame(columns=SYMPTOM_COLUMNS), Inventory(), cfg=load_thresholds())
    assert loc.findings == [] and loc.handled_ports == set()

"""Finding.to_json is dataclasses.asdict (a deep copy), field for field, on the findings of a
simulated fabric with faults, miswires and shared parts (children, symptoms with numpy values)."""

from dataclasses import asdict

import numpy as np

from netdiag import jobs
from netdiag.findings import Finding
from netdiag.inventory import load
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_fabric


def test_to_json_equals_asdict(tmp_path):
    fab = engine.simulate(presets.get("gb300-dual-plane"), 256, seed=3, miswires=4, faults=20)
    out = write_fabric(fab, tmp_path / "fab", fmt="parquet")
    inv = load(out / "devices.csv", out / "cabling.csv")
    snap, devices = jobs.load_observed(snapshot_dir=out / "snapshot")
    res = jobs.analyse(snap, devices, inv)
    assert len(res.findings) >= 20 and any(f.children for f in res.findings)
    for f in res.findings:
        j = f.to_json()
        assert j == asdict(f)
        assert list(j) == list(asdict(f))
        j["suspects"].append({"x": 1})    # a deep copy: the finding is not changed through it
        assert j["suspects"] != f.suspects


def test_odd_values_as_asdict():
    f = Finding("id", "warning", "k", None, {"a": (1, [2])}, [], "act", ["e"], None, None,
                symptoms=[{"value": np.float64(0.5), "lane": np.int64(3), "arr": np.array([1.0, 2.0]),
                           "t": (np.nan, "x"), "s": {1, 2}}])
    j = f.to_json()
    ref = asdict(f)
    assert j["link"] == ref["link"] and type(j["link"]["a"]) is tuple
    s, r = j["symptoms"][0], ref["symptoms"][0]
    assert s["value"] == 0.5 and s["lane"] == 3 and s["s"] == {1, 2}
    assert np.array_equal(s["arr"], r["arr"]) and s["arr"] is not f.symptoms[0]["arr"]
    assert np.isnan(s["t"][0]) and s["t"][1] == "x"

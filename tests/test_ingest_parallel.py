"""Parallel ingest (worker processes, devices in groups) gives exactly the snapshot and device
statuses of a single in-process build, whatever the number of workers."""

from __future__ import annotations

import pandas as pd
import pytest

from netdiag import ingest as ing
from netdiag import model, workers
from netdiag.capture import CaptureWriter, read_capture
from netdiag.simulate import engine, presets
from netdiag.simulate.write import write_capture


def _reference(cap):
    """The one-build path: every device parsed here, one Snapshot.from_parts over all outputs."""
    outputs: list = []
    collection: list[dict] = []
    statuses = [ing.ingest_device(d, outputs, collection) for d in cap.devices]
    taken_at = cap.meta.get("finished") or cap.meta.get("started")
    return ing._build(outputs, collection, taken_at), statuses


def _same(a_snap, a_devices, b):
    for t in model.TABLES:
        pd.testing.assert_frame_equal(a_snap.table(t), b.snapshot.table(t), check_exact=True)
    assert [d.to_json() for d in a_devices] == [d.to_json() for d in b.devices]
    assert a_snap.taken_at == b.snapshot.taken_at


@pytest.fixture(scope="module", params=[("gb300-dual-plane", 144, 3), ("hgx-rail", 64, 5)],
                ids=lambda p: f"{p[0]}-{p[1]}")
def capture(request, tmp_path_factory):
    preset, gpus, seed = request.param
    fab = engine.simulate(presets.get(preset), gpus, seed, miswires=2, faults=6)
    out = tmp_path_factory.mktemp("cap")
    return read_capture(write_capture(fab, out / "capture"))


def test_workers_give_the_single_build_result(capture, monkeypatch):
    monkeypatch.setattr(ing, "MIN_PARALLEL_DEVICES", 2)
    monkeypatch.setattr(ing, "MIN_PARALLEL_BYTES", 0)
    ref_snap, ref_devices = _reference(capture)
    assert len(ref_snap.lanes) > 100 and len(ref_snap.modules) > 50  # a real capture, not an empty one
    assert len(ing._batches(capture.devices, 2)) >= 4  # several groups: joining is exercised
    for jobs in (1, 2, 3):
        _same(ref_snap, ref_devices, ing.ingest(capture, jobs=jobs))


def test_bad_output_in_one_group_is_reported_with_workers(tmp_path, monkeypatch):
    """Failures stay per device and command when groups are parsed in workers."""
    monkeypatch.setattr(ing, "MIN_PARALLEL_DEVICES", 2)
    monkeypatch.setattr(ing, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(ing, "GROUP_BYTES", 1)  # one device per group
    good = b"Settings for eth0:\n\tSpeed: 100000Mb/s\n\tLink detected: yes\n"
    with CaptureWriter(tmp_path / "cap") as cw:
        for i in range(6):
            rec = cw.device(f"h{i}", "linux")
            rec.record("ethtool eth0", good)
            rec.record("ethtool -m eth0", b"garbage without fields\n" if i == 3 else
                       b"\tIdentifier : 0x11 (QSFP28)\n\tVendor SN : S1\n\tModule temperature : 30.00 degrees C\n"
                       b"\tAlarm/warning flags implemented : No\n")   # complete (netdiag.completeness)
    cap = read_capture(tmp_path / "cap")
    ref_snap, ref_devices = _reference(cap)
    got = ing.ingest(cap, jobs=2)
    _same(ref_snap, ref_devices, got)
    assert [d.name for d in got.devices if d.failed] == ["h3"]
    assert got.devices[3].failed[0]["command"] == "ethtool -m eth0"
    assert "no ethtool -m (module EEPROM) fields found" in got.devices[3].failed[0]["error"]
    assert sorted(got.snapshot.modules["device"]) == ["h0", "h1", "h2", "h4", "h5"]


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match="jobs must be >= 1"):
        workers.configure(0)


_PARENT = {}
_REAL_BATCH = ing._ingest_batch


def _dying_batch(devices):
    """_ingest_batch, except that in a worker process it exits at once: a real worker death (as
    when killed for memory), not a raised exception. Module-level: workers get it by name."""
    import os

    if os.getpid() != _PARENT["pid"]:
        os._exit(1)
    return _REAL_BATCH(devices)


def test_a_worker_that_dies_falls_back_to_one_process(capture, monkeypatch):
    """A worker dying mid-parse loses nothing: the capture is parsed in the calling process
    instead, with a warning, and the result is the single build's."""
    import multiprocessing
    import os

    monkeypatch.setattr(ing, "MIN_PARALLEL_DEVICES", 2)
    monkeypatch.setattr(ing, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setitem(_PARENT, "pid", os.getpid())
    monkeypatch.setattr(ing, "_ingest_batch", _dying_batch)
    monkeypatch.setattr(ing, "_pool_context", lambda: multiprocessing.get_context("fork"))
    ref_snap, ref_devices = _reference(capture)
    with pytest.warns(RuntimeWarning, match="parallel ingest failed"):
        got = ing.ingest(capture, jobs=2)
    _same(ref_snap, ref_devices, got)

"""Capture -> Snapshot: column-wise build, merging of partial rows, bad outputs isolated."""

import pandas as pd

from netdiag import parsers
from netdiag.capture import CaptureWriter, read_capture
from netdiag.ingest import ingest
from netdiag.model import Snapshot


def test_from_parts_coerces_column_wise_and_merges_rows_of_one_port():
    parts = {"ports": [[{"device": "h", "port": "eth0", "speed_gbps": 100, "oper_up": True}],
                       [{"device": "h", "port": "eth0", "mtu": 4200, "admin_up": True, "oper_up": None}],
                       pd.DataFrame({"device": ["h"], "port": ["eth1"], "mtu": [1500]})]}
    snap = Snapshot.from_parts(parts)
    p = snap.ports.set_index("port")
    assert list(p.index) == ["eth0", "eth1"]
    assert p.loc["eth0", "speed_gbps"] == 100.0 and p.loc["eth0", "mtu"] == 4200
    assert bool(p.loc["eth0", "oper_up"]) is True and bool(p.loc["eth0", "admin_up"]) is True
    assert pd.isna(p.loc["eth1", "speed_gbps"])
    assert str(snap.ports["mtu"].dtype) == "Int64" and str(snap.ports["admin_up"].dtype) == "boolean"


def test_an_output_with_mistyped_values_is_reported_and_the_rest_kept(tmp_path, mocker):
    """A parser bug that only shows when values are coerced: the output is named, others analysed."""
    with CaptureWriter(tmp_path / "cap") as cw:
        rec = cw.device("h", "linux")
        rec.record("ethtool eth0", b"Settings for eth0:\n\tSpeed: 100000Mb/s\n\tLink detected: yes\n")
        rec.record("ethtool eth1", b"Settings for eth1:\n\tSpeed: 100000Mb/s\n\tLink detected: yes\n")
    real = parsers.parse_rows

    def fake(fmt, data, device=None, port=None, command=None):
        out = real(fmt, data, device, port, command)
        if port == "eth1":
            out["ports"][0]["speed_gbps"] = "fast"
        return out

    mocker.patch.object(parsers, "parse_rows", side_effect=fake)
    ing = ingest(read_capture(tmp_path / "cap"))
    assert list(ing.snapshot.ports["port"]) == ["eth0"]
    assert ing.snapshot.ports["speed_gbps"].tolist() == [100.0]
    failed = ing.devices[0].failed
    assert len(failed) == 1 and failed[0]["command"] == "ethtool eth1"
    assert "parser produced invalid rows" in failed[0]["error"]

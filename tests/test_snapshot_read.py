"""Reading canonical tables back from Parquet (issue 15: no copy of a table that already conforms)."""

from __future__ import annotations

import pandas as pd
import pytest

from netdiag.model import Snapshot, conform, to_frame
from netdiag.simulate.write import is_conformed, read_snapshot, read_table, write_snapshot
from netdiag.store import ScanRow, Store

PORTS = [{"device": "leaf1", "port": "Ethernet0", "admin_up": True, "oper_up": False, "speed_gbps": 400.0,
          "lanes": 8, "fec": "rs544"},
         {"device": "leaf1", "port": "Ethernet8", "admin_up": None, "oper_up": True, "lanes": None}]
MODULES = [{"device": "leaf1", "port": "Ethernet0", "serial": "SN1", "temperature_c": 41.5, "present": True},
           {"device": "leaf1", "port": "Ethernet8", "serial": None, "present": False}]


def _snap() -> Snapshot:
    return Snapshot(ports=to_frame("ports", PORTS), modules=to_frame("modules", MODULES), taken_at="2026-01-01T00:00:00Z")


def test_a_table_netdiag_wrote_reads_as_conform_would_give_it(tmp_path):
    write_snapshot(_snap(), tmp_path)
    for t in ("ports", "modules", "lanes", "counters"):
        raw = pd.read_parquet(tmp_path / f"{t}.parquet")
        assert is_conformed(t, raw)
        pd.testing.assert_frame_equal(read_table(t, tmp_path / f"{t}.parquet"), conform(t, raw))
    snap = read_snapshot(tmp_path)
    assert snap.ports["lanes"].tolist()[0] == 8 and pd.isna(snap.ports["lanes"].iloc[1])
    assert str(snap.ports["admin_up"].dtype) == "boolean"


def test_a_foreign_table_is_conformed(tmp_path):
    # columns missing, reordered, ints as plain int64: conform fills and converts them
    pd.DataFrame({"port": ["swp1"], "device": ["sw1"], "lanes": [4]}).to_parquet(tmp_path / "ports.parquet")
    raw = pd.read_parquet(tmp_path / "ports.parquet")
    assert not is_conformed("ports", raw)
    got = read_table("ports", tmp_path / "ports.parquet")
    assert list(got.columns)[:3] == ["device", "port", "admin_up"]
    assert str(got["lanes"].dtype) == "Int64" and got["lanes"].tolist() == [4]
    assert got["admin_up"].isna().all()


def test_store_reads_only_the_columns_asked_for(tmp_path):
    d = tmp_path / "scan"
    write_snapshot(_snap(), d)
    st = Store(tmp_path / "state.db")
    try:
        row = ScanRow(1, "2026-01-01T00:00:00Z", d)
        part = st.read_snapshot(row, ("modules", "counters"), columns={"modules": ["device", "port", "serial"]})
        assert list(part.modules.columns) == ["device", "port", "serial"]
        assert part.modules["serial"].tolist()[0] == "SN1" and pd.isna(part.modules["serial"].iloc[1])
        full = st.read_snapshot(row, ("modules",))
        pd.testing.assert_frame_equal(part.modules, full.modules[["device", "port", "serial"]])
        assert len(part.counters.columns) == len(full.counters.columns)
        with pytest.raises(ValueError, match="no column"):
            st.read_snapshot(row, ("modules",), columns={"modules": ["device", "nonsense"]})
    finally:
        st.close()


def test_store_columns_absent_from_an_older_file_read_as_null(tmp_path):
    d = tmp_path / "scan"
    d.mkdir()
    pd.DataFrame({"device": ["sw1"], "port": ["swp1"]}).to_parquet(d / "modules.parquet")
    st = Store(tmp_path / "state.db")
    try:
        m = st.read_snapshot(ScanRow(1, None, d), ("modules",), columns={"modules": ["device", "port", "serial"]}).modules
        assert list(m.columns) == ["device", "port", "serial"] and m["serial"].isna().all()
        assert m["device"].tolist() == ["sw1"]
    finally:
        st.close()

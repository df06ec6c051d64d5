"""netdiag.store.read_parquet: the frame pd.read_parquet gives (columns, dtypes, values, index),
nullable integers built from the Arrow buffers, columns with no value at all never read."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from netdiag.store import read_parquet


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert [str(t) for t in a.dtypes] == [str(t) for t in b.dtypes]
    assert type(a.index) is type(b.index) and a.index.equals(b.index)
    assert a.equals(b)


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    vals = rng.integers(0, 2**40, n)
    some = pd.array(vals, dtype="Int64")
    some[::3] = pd.NA
    return pd.DataFrame({
        "device": pd.array([f"leaf-{i % 7}" for i in range(n)], dtype="str"),
        "full": pd.array(vals, dtype="Int64"),
        "some": some,
        "none": pd.array([pd.NA] * n, dtype="Int64"),
        "ber": np.where(np.arange(n) % 5 == 0, np.nan, 1e-9),
        "up": pd.array([True, False, None] * (n // 3) + [True] * (n % 3), dtype="boolean"),
    })


def test_same_frame_as_pandas(tmp_path):
    df = _frame(1000)
    f = tmp_path / "t.parquet"
    df.to_parquet(f, index=False, row_group_size=300)   # several row groups
    got = read_parquet(f)
    _same(pd.read_parquet(f), got)
    assert got["none"].isna().all() and got["some"].isna().sum() == 334 and got["full"].iloc[7] == df["full"].iloc[7]
    # a column read alone, columns in the order asked for
    _same(pd.read_parquet(f, columns=["some", "device"]), read_parquet(f, columns=["some", "device"]))
    # the all-null column is usable like any other: filled, compared, summed
    assert int(got["none"].fillna(5).sum()) == 5000


def test_null_in_one_row_group_only_is_read(tmp_path):
    df = pd.DataFrame({"x": pd.array([None] * 4 + [7, 8], dtype="Int64")})
    f = tmp_path / "t.parquet"
    df.to_parquet(f, index=False, row_group_size=4)   # row group 0 all null, row group 1 not
    got = read_parquet(f)
    _same(pd.read_parquet(f), got)
    assert got["x"].tolist() == [pd.NA, pd.NA, pd.NA, pd.NA, 7, 8]


def test_a_stored_index_and_a_foreign_file_read_as_pandas_reads_them(tmp_path):
    df = _frame(30).set_index("device")
    f = tmp_path / "i.parquet"
    df.to_parquet(f)   # the index stored as a column
    _same(pd.read_parquet(f), read_parquet(f))
    g = tmp_path / "plain.parquet"   # written by another tool: no pandas metadata, plain int64
    pq.write_table(pa.table({"a": pa.array([1, None, 3], pa.int64()), "b": ["x", "y", None]}), g)
    _same(pd.read_parquet(g), read_parquet(g))

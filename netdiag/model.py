"""The canonical tables (docs/tables.md): column names, dtypes and units, and the Snapshot.

Every parser yields rows of these tables; everything downstream reads only these tables.
Units are fixed: power mW, temperature °C, voltage V, current mA, speed Gb/s, length m,
BER a plain float, lanes numbered from 1. A value the source did not report is null (NaN / <NA> /
None), never 0 or "".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

STR, BOOL, INT, FLOAT, LIST = "str", "bool", "int", "float", "list"

_PANDAS_DTYPE = {STR: "object", BOOL: "boolean", INT: "Int64", FLOAT: "float64", LIST: "object"}

THRESHOLD_SENSORS = ("temperature_c", "voltage_v", "tx_power_mw", "rx_power_mw", "tx_bias_ma")
THRESHOLD_LEVELS = ("high_alarm", "high_warn", "low_warn", "low_alarm")


def threshold_column(sensor: str, level: str) -> str:
    """Name of the modules column holding `sensor`'s `level` threshold, e.g. rx_power_mw_low_alarm."""
    return f"{sensor}_{level}"


THRESHOLD_COLUMNS = tuple(threshold_column(s, lv) for s in THRESHOLD_SENSORS for lv in THRESHOLD_LEVELS)

_COUNTER_NAMES = (
    "rx_bytes", "tx_bytes", "rx_packets", "tx_packets",
    "rx_crc_errors", "rx_errors", "tx_errors", "rx_discards", "tx_discards",
    "symbol_errors", "fec_corrected_cw", "fec_uncorrectable_cw", "fec_corrected_bits",
    "link_down_events", "link_error_recovery",
    "port_rcv_errors", "port_rcv_remote_physical_errors", "port_xmit_discards", "port_xmit_wait",
)
COUNTER_COLUMNS = _COUNTER_NAMES
#: counters a device or tool also reports as the change between two readings it took itself, a known
#: time apart (ibdiagnet's PM_DELTA over its --pm_pause_time): `<name>_window` over `window_s`
WINDOW_COUNTERS = ("symbol_errors", "port_rcv_errors", "port_rcv_remote_physical_errors", "link_error_recovery",
                   "link_down_events", "fec_uncorrectable_cw", "rx_crc_errors")

#: table name -> ordered (column, kind). Keys first. Extensions to the original contract are marked "ext".
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "ports": (
        ("device", STR), ("port", STR),
        ("admin_up", BOOL), ("oper_up", BOOL), ("speed_gbps", FLOAT), ("lanes", INT), ("fec", STR),
        ("mtu", INT), ("carrier_changes", INT), ("mac", STR), ("peer_hint", STR),
        ("autoneg", BOOL),          # ext
        ("port_type", STR),         # ext: "FIBRE", "Direct Attach Copper", "Twisted Pair", as reported
        ("alias", STR),             # ext: the port's alias (SONiC `etp2`, `hundredGigE1/2`), what LLDP may advertise
        ("description", STR),       # ext: the port's configured description
    ),
    "modules": (
        ("device", STR), ("port", STR),
        ("present", BOOL), ("identifier", STR), ("media", STR),
        ("vendor", STR), ("part_number", STR), ("serial", STR), ("revision", STR),
        ("wavelength_nm", FLOAT), ("length_m", FLOAT),
        ("temperature_c", FLOAT), ("voltage_v", FLOAT),
        *((c, FLOAT) for c in THRESHOLD_COLUMNS),
        ("alarms", LIST),
        ("connector", STR),         # ext: "LC", "MPO 1x12", "No separable connector", ...
        ("media_lanes", INT),       # ext: lanes the module/media really uses (CMIS banks print 8)
        ("module_state", STR),      # ext: CMIS module state, e.g. "ModuleReady"
        ("dom_supported", BOOL),    # ext: False when the module reports no diagnostics at all
        ("media_type", STR),        # ext: the module's type as the device names it ("400GBASE-SR4", EOS mediaType)
    ),
    "lanes": (
        ("device", STR), ("port", STR), ("lane", INT),
        ("tx_power_mw", FLOAT), ("rx_power_mw", FLOAT), ("tx_bias_ma", FLOAT),
        ("rx_los", BOOL), ("tx_los", BOOL), ("tx_fault", BOOL), ("rx_lol", BOOL), ("tx_lol", BOOL),
        ("alarms", LIST),
        ("raw_errors", INT),
        ("fec_corrected_cw", INT),      # ext: per-lane FEC statistics (ethtool -I --show-fec)
        ("fec_uncorrectable_cw", INT),  # ext
        ("raw_ber", FLOAT),             # ext: per-lane pre-FEC BER where the device reports it
    ),
    "counters": (
        ("device", STR), ("port", STR),
        *((c, INT) for c in _COUNTER_NAMES),
        ("raw_ber", FLOAT), ("effective_ber", FLOAT), ("symbol_ber", FLOAT),
        ("time_since_clear_s", FLOAT),
        ("fec_corrected_symbols", INT),  # ext: symbols corrected by FEC (SONiC FEC_SYMBOL_ERR), not errors
        *((f"{c}_bits", INT) for c in _COUNTER_NAMES),
        ("window_s", FLOAT),            # ext: seconds between the two readings the *_window counts come from
        *((f"{c}_window", INT) for c in WINDOW_COUNTERS),   # ext: the counter's change over window_s
    ),
    "neighbors": (
        ("device", STR), ("port", STR),
        ("remote_device", STR), ("remote_port", STR), ("remote_chassis_id", STR), ("protocol", STR),
        ("remote_port_descr", STR),     # ext
        ("remote_mgmt_ip", STR),        # ext
        ("ttl_s", FLOAT),               # ext
    ),
    "fec_histogram": (                  # ext: codewords per number of corrected symbols
        ("device", STR), ("port", STR), ("bin", INT), ("count", INT),
        ("bin_high", INT),          # ext: last symbol count of a range bin (ethtool 'fec_symbol_err_1_to_3'); bin is the first
    ),
    "collection": (
        ("device", STR), ("command", STR), ("ok", BOOL), ("exit_status", INT), ("error", STR),
        ("started", STR), ("duration_s", FLOAT), ("parser", STR),
    ),
}

KEYS: dict[str, tuple[str, ...]] = {
    "ports": ("device", "port"),
    "modules": ("device", "port"),
    "lanes": ("device", "port", "lane"),
    "counters": ("device", "port"),
    "neighbors": ("device", "port", "remote_device", "remote_port"),
    "fec_histogram": ("device", "port", "bin"),
    "collection": ("device", "command"),
}

COLUMN_SETS: dict[str, frozenset[str]] = {t: frozenset(c for c, _ in spec) for t, spec in TABLES.items()}

INT64_MAX = 2**63 - 1

Rows = list[dict[str, Any]]
Tables = dict[str, Rows]


def columns(table: str) -> list[str]:
    """Column names of `table` in schema order."""
    return [c for c, _ in TABLES[table]]


def kind(table: str, column: str) -> str:
    for c, k in TABLES[table]:
        if c == column:
            return k
    raise KeyError(f"{table}.{column} is not in the schema")


def _clean(value: Any, k: str) -> Any:
    """Coerce one value to the JSON/pandas form of kind `k`; None stays None."""
    if value is None:
        return None
    if k == FLOAT:
        v = float(value)
        if math.isnan(v):
            return None
        if math.isinf(v):
            raise ValueError(f"infinite value {value!r} cannot be stored (use 0.0 mW for no light)")
        return v
    if k == INT:
        v = int(value)
        return min(v, INT64_MAX)
    if k == BOOL:
        return bool(value)
    if k == LIST:
        return list(value)
    return str(value)


def normalize_rows(table: str, rows: Iterable[Mapping[str, Any]]) -> Rows:
    """Check rows against the schema: unknown columns raise KeyError, values are coerced.

    Returns new dicts holding every schema column in order (missing ones as None).
    """
    spec = TABLES[table]
    names = {c for c, _ in spec}
    out = []
    for row in rows:
        extra = set(row) - names
        if extra:
            raise KeyError(f"{table}: unknown column(s) {sorted(extra)}")
        out.append({c: _clean(row.get(c), k) for c, k in spec})
    return out


def empty_frame(table: str) -> pd.DataFrame:
    """An empty DataFrame with `table`'s columns and dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype=_PANDAS_DTYPE[k]) for c, k in TABLES[table]})


def to_frame(table: str, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows (dicts) -> DataFrame with every schema column and the schema dtypes."""
    rows = normalize_rows(table, rows)
    if not rows:
        return empty_frame(table)
    data = {}
    for c, k in TABLES[table]:
        values = [r[c] for r in rows]
        if k == FLOAT:
            data[c] = pd.Series([math.nan if v is None else v for v in values], dtype="float64")
        else:
            data[c] = pd.Series(values, dtype=_PANDAS_DTYPE[k])
    return pd.DataFrame(data)


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Give a DataFrame built elsewhere (e.g. vectorised) every schema column and dtype, in order."""
    out = {}
    n = len(df)
    for c, k in TABLES[table]:
        if c in df.columns:
            col = df[c]
            if k == STR and isinstance(col.dtype, pd.StringDtype):
                out[c] = col  # pandas' own text dtype (Parquet, Arrow) is text already: no copy to objects
            else:
                out[c] = col.astype(_PANDAS_DTYPE[k]) if str(col.dtype) != _PANDAS_DTYPE[k] else col
        else:
            out[c] = pd.Series(_null_array(k, n), index=df.index)
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def _null_array(k: str, n: int):
    """An all-null column of kind `k`, built without a Python list (tables reach millions of rows)."""
    if k == FLOAT:
        return np.full(n, np.nan)
    if k == INT:
        return pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
    if k == BOOL:
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    return np.full(n, None, dtype=object)


def frame_records(table: str, df: pd.DataFrame) -> Rows:
    """DataFrame -> JSON-ready dicts (NaN/<NA> -> None), schema columns only."""
    cols = [c for c in columns(table) if c in df.columns]
    out = []
    for rec in df[cols].to_dict("records"):
        out.append({k: (None if _is_missing(v) else _py(v)) for k, v in rec.items()})
    return out


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return False


def _py(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        return v.item()
    return v


@dataclass
class Snapshot:
    """The canonical tables for one point in time (one sweep), as DataFrames."""

    ports: pd.DataFrame = field(default_factory=lambda: empty_frame("ports"))
    modules: pd.DataFrame = field(default_factory=lambda: empty_frame("modules"))
    lanes: pd.DataFrame = field(default_factory=lambda: empty_frame("lanes"))
    counters: pd.DataFrame = field(default_factory=lambda: empty_frame("counters"))
    neighbors: pd.DataFrame = field(default_factory=lambda: empty_frame("neighbors"))
    fec_histogram: pd.DataFrame = field(default_factory=lambda: empty_frame("fec_histogram"))
    collection: pd.DataFrame = field(default_factory=lambda: empty_frame("collection"))
    taken_at: str | None = None

    @classmethod
    def from_tables(cls, tables: Mapping[str, Iterable[Mapping[str, Any]]], taken_at: str | None = None) -> "Snapshot":
        """Build a Snapshot from {table: rows} (rows checked against the schema); rows for the same
        key are merged as from_parts merges them."""
        return cls.from_parts({t: [normalize_rows(t, rows)] for t, rows in tables.items()}, taken_at=taken_at)

    @classmethod
    def from_parts(cls, parts: Mapping[str, list], taken_at: str | None = None) -> "Snapshot":
        """Build from {table: [rows list | {column: sequence} | DataFrame, ...]} as
        parsers.parse_rows returns them: row lists and column dicts are coerced column-wise in one
        go per table, then rows sharing a key are merged."""
        frames = {}
        for t in TABLES:
            pieces = parts.get(t, [])
            rows = [r for p in pieces if isinstance(p, list) for r in p]
            cols = [p for p in pieces if isinstance(p, dict)]
            dfs = [p for p in pieces if isinstance(p, pd.DataFrame) and not p.empty]
            if cols:
                dfs.insert(0, frame_from_columns(t, cols))
            if rows:
                dfs.insert(0, frame_from_records(t, rows))
            df = pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else (dfs[0] if dfs else empty_frame(t))
            frames[t] = merge_duplicates(t, conform(t, df))
        return cls(**frames, taken_at=taken_at)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def to_json(self) -> dict[str, Rows]:
        return {t: frame_records(t, self.table(t)) for t in TABLES}


def coerce_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Coerce a raw DataFrame's columns to the schema dtypes (column-wise) and conform it.
    Raises (ValueError/TypeError) when a value cannot take its column's type."""
    for c, k in TABLES[table]:
        if c not in df.columns:
            continue
        col = df[c]
        if k == FLOAT:
            if col.dtype != "float64":
                df[c] = pd.to_numeric(col, errors="raise").astype("float64")
        elif k == INT:
            if str(col.dtype) != "Int64":
                v = pd.to_numeric(col, errors="raise")
                if v.dtype.kind == "f" and not (v.dropna() == v.dropna().round()).all():
                    raise ValueError(f"{table}.{c}: non-integer values")
                df[c] = v.clip(upper=INT64_MAX).astype("Int64") if v.dtype.kind in "fiu" else v.astype("Int64")
        elif k == BOOL:
            if str(col.dtype) != "boolean":
                df[c] = col.astype("boolean")
        elif k == STR:
            if pd.api.types.is_string_dtype(col.dtype):  # object or pandas' str dtype: already text
                if col.dtype != object:
                    df[c] = col.astype(object).where(col.notna(), None)
            else:  # numbers where text belongs (e.g. a port given as 1): make them text
                df[c] = col.astype(object).where(col.notna(), None).map(lambda x: x if x is None else str(x))
    return conform(table, df)


def frame_from_records(table: str, rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Many raw rows -> one DataFrame with the schema dtypes, coerced column-wise."""
    if not rows:
        return empty_frame(table)
    return coerce_frame(table, pd.DataFrame.from_records(rows))


def frame_from_columns(table: str, pieces: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Column-wise parser results ({column: sequence}, equal lengths) -> one coerced DataFrame.
    Pieces are concatenated column by column; a column a piece lacks is null there."""
    if not pieces:
        return empty_frame(table)
    lengths = []
    for p in pieces:
        ns = {len(v) for v in p.values()}
        if len(ns) > 1:
            raise ValueError(f"{table}: columns of unequal length {sorted(ns)}")
        lengths.append(ns.pop() if ns else 0)
    names = [c for c in columns(table) if any(c in p for p in pieces)]
    data = {}
    for c in names:
        parts = []
        for p, n in zip(pieces, lengths):
            v = p.get(c)
            if v is None:
                parts.append(np.full(n, None, dtype=object))
            elif isinstance(v, np.ndarray):
                parts.append(v)
            else:
                parts.append(np.asarray(v, dtype=object) if kind(table, c) in (STR, LIST, BOOL, INT) else np.asarray(v))
        if len({a.dtype for a in parts}) > 1:
            parts = [a.astype(object) for a in parts]
        data[c] = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return coerce_frame(table, pd.DataFrame(data))


def merge_duplicates(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Rows sharing a key (several commands reporting parts of one port) -> one row holding the
    last non-null value of each column. Neighbors and collection rows are never merged."""
    if table in ("neighbors", "collection") or df.empty:
        return df
    keys = list(KEYS[table])
    if not df.duplicated(keys).any():
        return df
    merged = df.groupby(keys, sort=False, dropna=False).last().reset_index()
    return conform(table, merged)

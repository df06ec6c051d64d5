"""History store for fleet scans: SQLite (WAL) for scans, tickets, events and module swaps; the
large per-scan tables as Parquet files under `<db>.d/scans/<id>/`, referenced from SQLite.

Crash safety: a scan row is inserted as `running`; its Parquet directory is written under a
temporary name and renamed into place; tickets, events and the scan's `complete` status are then
committed in one transaction. A scan killed at any point leaves either nothing or a `running`
row (and perhaps a directory) that readers ignore and the next scan removes.

Settings are netdiag/health/history.toml (`[store]`, `[lifecycle]`, ...), see :func:`load_settings`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from netdiag.health import load_toml
from netdiag.model import Snapshot, conform

SNAPSHOT_TABLES = ("ports", "modules", "lanes", "counters")
OPTICS_FILE = "optics.parquet"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY AUTOINCREMENT, taken_at TEXT, started TEXT, finished TEXT, status TEXT NOT NULL,
    source TEXT, snapshot_dir TEXT, devices INTEGER, devices_failed INTEGER, findings INTEGER, exit_code INTEGER,
    full_tables INTEGER DEFAULT 1);
CREATE TABLE IF NOT EXISTS tickets (
    finding_id TEXT PRIMARY KEY, state TEXT NOT NULL, kind TEXT, severity TEXT, first_seen TEXT, last_seen TEXT,
    healthy_streak INTEGER NOT NULL DEFAULT 0, opened_scan INTEGER, updated_scan INTEGER, resolved_at TEXT,
    reopened INTEGER NOT NULL DEFAULT 0, devices TEXT, payload TEXT);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, scan_id INTEGER, at TEXT, type TEXT NOT NULL, finding_id TEXT, device TEXT, port TEXT,
    payload TEXT);
CREATE INDEX IF NOT EXISTS events_port ON events(device, port);
CREATE INDEX IF NOT EXISTS events_finding ON events(finding_id);
CREATE TABLE IF NOT EXISTS swaps (
    scan_id INTEGER, at TEXT, device TEXT, port TEXT, old_serial TEXT, new_serial TEXT);
CREATE INDEX IF NOT EXISTS swaps_port ON swaps(device, port);
"""


class StoreError(Exception):
    """The state database cannot be opened or is not a netdiag store."""


def _check_columns(table: str, want: list[str]) -> None:
    from netdiag.model import TABLES

    unknown = [c for c in want if c not in dict(TABLES[table])]
    if unknown:
        raise ValueError(f"{table}: no column(s) {', '.join(unknown)} in the schema")


def _columns(table: str, df: pd.DataFrame, want: list[str]) -> pd.DataFrame:
    """Columns `want` of `table` in their schema dtypes (as `conform` gives them), nothing else."""
    from netdiag.model import TABLES

    kinds = dict(TABLES[table])
    _check_columns(table, want)
    full = conform(table, df.iloc[:0])   # the schema dtypes, on no rows
    out = {}
    for c in want:
        if c in df.columns:
            col = df[c]
            dt = full[c].dtype
            out[c] = col if (kinds[c] == "str" and isinstance(col.dtype, pd.StringDtype)) or col.dtype == dt \
                else col.astype(dt)
        else:
            out[c] = conform(table, df[[]])[c]
    return pd.DataFrame(out).reset_index(drop=True)


def read_parquet(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A Parquet file as pandas reads it (`pd.read_parquet`: same columns, dtypes and values), with
    the nullable integer columns built from the Arrow buffers directly: one copy instead of two, and
    a column with no value at all (most counters' `_bits`, at 100k GPUs 1.7 M rows each) holds only
    its mask (its values are zeros the OS does not materialise until written)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    schema = pf.schema_arrow
    meta = schema.pandas_metadata or {}
    nullable = {c.get("name") for c in meta.get("columns", []) if c.get("numpy_type") == "Int64"}
    names = list(schema.names) if columns is None else list(columns)
    simple = all(isinstance(i, dict) and i.get("kind") == "range" for i in meta.get("index_columns", [None])) \
        and len(set(schema.names)) == len(schema.names) and set(names) <= set(schema.names)
    if not simple or not any(c in nullable and pa.types.is_int64(schema.field(c).type) for c in names):
        return pd.read_parquet(path, columns=columns)   # an index stored as a column, or nothing to gain
    # integer columns with no value in any row group (the file's statistics say so) are not read
    md, n = pf.metadata, pf.metadata.num_rows
    empty = set()
    for j in range(md.num_columns):
        c = md.schema.column(j)
        name = c.path
        if name not in nullable or name not in names or not pa.types.is_int64(schema.field(name).type):
            continue
        stats = [md.row_group(r).column(j).statistics for r in range(md.num_row_groups)]
        if all(st is not None and st.has_null_count and st.null_count == md.row_group(r).num_rows
               for r, st in enumerate(stats)):
            empty.add(name)
    built = {c: pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)) for c in empty}
    t = pf.read(columns=[c for c in names if c not in empty], use_pandas_metadata=True)
    mine = [i for i, f in enumerate(t.schema) if f.name in nullable and pa.types.is_int64(f.type)]
    for i in mine:
        col = t.column(i)
        a = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        if a.null_count:
            vals = a.fill_null(0).to_numpy(zero_copy_only=False).copy()
            mask = a.is_null().to_numpy(zero_copy_only=False)
        else:
            vals, mask = a.to_numpy(zero_copy_only=False).copy(), np.zeros(n, dtype=bool)
        built[t.schema[i].name] = pd.arrays.IntegerArray(vals, mask)
    rest = t.drop_columns([t.column_names[i] for i in mine])
    try:
        from pandas.io._util import arrow_table_to_pandas   # what pd.read_parquet converts with
    except ImportError:   # another pandas: read as pandas reads it
        return pd.read_parquet(path, columns=columns)
    df = arrow_table_to_pandas(rest)
    del t, rest
    out = {c: (built.pop(c) if c in built else df[c]) for c in names}
    return pd.DataFrame(out, index=df.index, copy=False)


def load_settings(override: str | Path | None = None) -> dict:
    """The packaged history.toml deep-merged with a user's TOML file when given."""
    return load_toml("history.toml", override)


@dataclass
class ScanRow:
    id: int
    taken_at: str | None
    snapshot_dir: Path | None
    full_tables: bool = True


class Store:
    """One state database. `path` is the SQLite file; Parquet tables live in `<path>.d/`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.dir = self.path.with_name(self.path.name + ".d")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a usable netdiag state database: {e}") from None

    def close(self) -> None:
        self.db.close()

    # --- scans -----------------------------------------------------------------------------------

    def begin_scan(self, taken_at: str | None, started: str, source: str) -> int:
        """Insert a `running` scan row; remove what earlier interrupted scans left behind."""
        self.clean_interrupted()
        cur = self.db.execute("INSERT INTO scans(taken_at, started, status, source) VALUES (?, ?, 'running', ?)",
                              (taken_at, started, source))
        return int(cur.lastrowid)

    def clean_interrupted(self) -> int:
        """Drop `running` scans (killed before their commit) and their directories; return how many."""
        rows = self.db.execute("SELECT id FROM scans WHERE status = 'running'").fetchall()
        for (sid,) in rows:
            shutil.rmtree(self.scan_dir(sid), ignore_errors=True)
        if rows:
            self.db.execute("DELETE FROM scans WHERE status = 'running'")
        scans = self.dir / "scans"
        if scans.is_dir():
            for p in scans.iterdir():
                if p.name.startswith(".tmp-"):
                    shutil.rmtree(p, ignore_errors=True)
        return len(rows)

    def scan_dir(self, scan_id: int) -> Path:
        return self.dir / "scans" / f"{scan_id:08d}"

    def write_snapshot(self, scan_id: int, snap: Snapshot, optics: pd.DataFrame, rates: pd.DataFrame | None) -> Path:
        """The scan's tables as Parquet, written under a temporary name and renamed into place."""
        final = self.scan_dir(scan_id)
        tmp = final.with_name(f".tmp-{final.name}-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for t in SNAPSHOT_TABLES:
            snap.table(t).to_parquet(tmp / f"{t}.parquet", index=False)
        optics.to_parquet(tmp / OPTICS_FILE, index=False)
        if rates is not None:
            rates.to_parquet(tmp / "rates.parquet", index=False)
        (tmp / "snapshot.json").write_text(json.dumps({"format": "netdiag-snapshot/1", "taken_at": snap.taken_at}))
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        return final

    def previous(self) -> ScanRow | None:
        """The latest complete scan that still has its full tables, or None."""
        r = self.db.execute("SELECT id, taken_at, snapshot_dir, full_tables FROM scans WHERE status = 'complete' "
                            "AND full_tables = 1 ORDER BY id DESC LIMIT 1").fetchone()
        if r is None:
            return None
        return ScanRow(r[0], r[1], Path(r[2]) if r[2] else None, bool(r[3]))

    def read_snapshot(self, row: ScanRow, tables: tuple[str, ...] = SNAPSHOT_TABLES,
                      columns: dict[str, list[str]] | None = None) -> Snapshot:
        """The scan's tables; `columns` ({table: [column, ...]}) reads only those columns of a table
        (with their schema dtypes; the table then holds nothing else: for a caller that needs no more,
        e.g. the previous modules' serial numbers, ~0.5 GB less at 100k GPUs)."""
        from netdiag.simulate.write import read_table

        frames = {}
        for t in tables:
            f = row.snapshot_dir / f"{t}.parquet"
            want = (columns or {}).get(t)
            if not f.exists():
                frames[t] = conform(t, pd.DataFrame())
            elif want is None:
                frames[t] = read_table(t, f)
            else:
                import pyarrow.parquet as pq

                _check_columns(t, want)
                have = set(pq.read_schema(f).names)   # an older file may lack a column: read as null
                frames[t] = _columns(t, read_parquet(f, columns=[c for c in want if c in have]), want)
        return Snapshot(**frames, taken_at=row.taken_at)

    def optics_history(self, limit: int) -> pd.DataFrame:
        """Per-lane optics of the last `limit` complete scans, with `scan_id` and `t_days`."""
        rows = self.db.execute("SELECT id, taken_at, snapshot_dir FROM scans WHERE status = 'complete' "
                               "ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
        frames = []
        for sid, taken, d in rows:
            f = Path(d) / OPTICS_FILE if d else None
            if f is not None and f.exists():
                frames.append(pd.read_parquet(f).assign(scan_id=sid, taken_at=taken))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def scans(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM scans ORDER BY id", self.db)

    # --- tickets, events, swaps ------------------------------------------------------------------

    def tickets(self) -> dict[str, dict]:
        cur = self.db.execute("SELECT * FROM tickets")
        names = [c[0] for c in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}

    def recent_swaps(self, since_scan: int) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM swaps WHERE scan_id >= ?", self.db, params=(since_scan,))

    def commit_scan(self, scan_id: int, snapshot_dir: Path, summary: dict, tickets: list[dict],
                    events: list[dict], swaps: pd.DataFrame, finished: str) -> None:
        """Tickets, events, swaps and the scan's `complete` status in one transaction."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            by_cols: dict = {}   # one executemany per set of columns (all rows have the same one), rows in order
            for t in tickets:
                cols = tuple(sorted(t))
                by_cols.setdefault(cols, []).append(tuple(t[c] for c in cols))
            for cols, vals in by_cols.items():
                db.executemany(f"INSERT OR REPLACE INTO tickets({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                               vals)
            db.executemany("INSERT INTO events(scan_id, at, type, finding_id, device, port, payload) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(scan_id, e["at"], e["type"], e.get("finding_id"), e.get("device"), e.get("port"),
                             json.dumps(e, allow_nan=False, default=str)) for e in events])
            if len(swaps):
                db.executemany("INSERT INTO swaps(scan_id, at, device, port, old_serial, new_serial) VALUES (?, ?, ?, ?, ?, ?)",
                               [(scan_id, r.at, r.device, r.port, r.old_serial, r.new_serial)
                                for r in swaps.itertuples(index=False)])
            db.execute("UPDATE scans SET status = 'complete', finished = ?, snapshot_dir = ?, devices = ?, "
                       "devices_failed = ?, findings = ?, exit_code = ? WHERE id = ?",
                       (finished, str(snapshot_dir), summary.get("devices"), summary.get("devices_failed"),
                        summary.get("findings"), summary.get("exit_code"), scan_id))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def apply_retention(self, settings: dict, now_iso: str) -> None:
        """Keep full tables for the last `keep_snapshots` scans, optics for `keep_optics`, events for
        `keep_events_days`; remove the rest and checkpoint the WAL."""
        keep_full, keep_opt = int(settings["keep_snapshots"]), int(settings["keep_optics"])
        rows = self.db.execute("SELECT id, snapshot_dir, full_tables FROM scans WHERE status = 'complete' "
                               "ORDER BY id DESC").fetchall()
        for i, (sid, d, full) in enumerate(rows):
            if d is None:
                continue
            p = Path(d)
            if i >= keep_opt:
                shutil.rmtree(p, ignore_errors=True)
                self.db.execute("UPDATE scans SET snapshot_dir = NULL, full_tables = 0 WHERE id = ?", (sid,))
            elif i >= keep_full and full:
                for t in SNAPSHOT_TABLES + ("rates",):
                    (p / f"{t}.parquet").unlink(missing_ok=True)
                self.db.execute("UPDATE scans SET full_tables = 0 WHERE id = ?", (sid,))
        days = float(settings["keep_events_days"])
        self.db.execute("DELETE FROM events WHERE julianday(?) - julianday(at) > ?", (now_iso, days))
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def port_events(self, device: str, port: str) -> list[dict]:
        rows = self.db.execute("SELECT scan_id, at, type, finding_id, payload FROM events WHERE (device = ? AND port = ?) "
                               "OR (json_extract(payload, '$.link.a_device') = ? AND json_extract(payload, '$.link.a_port') = ?) "
                               "OR (json_extract(payload, '$.link.b_device') = ? AND json_extract(payload, '$.link.b_port') = ?) "
                               "ORDER BY id", (device, port) * 3).fetchall()
        return [{"scan_id": r[0], "at": r[1], "type": r[2], "finding_id": r[3], **json.loads(r[4])} for r in rows]


def port_history(store: Store, device: str, port: str) -> list[dict]:
    """One row per complete scan for DEVICE:PORT: link state, module serial and temperature, lowest
    Tx/Rx lane power (dBm), counter deltas of the window and measured BER (when kept)."""
    rows = store.db.execute("SELECT id, taken_at, snapshot_dir FROM scans WHERE status = 'complete' ORDER BY id").fetchall()
    flt = [("device", "==", device), ("port", "==", port)]
    out = []
    for sid, taken, d in rows:
        rec: dict = {"scan_id": sid, "taken_at": taken}
        p = Path(d) if d else None

        def one(name, cols):
            f = p / name if p is not None else None
            if f is None or not f.exists():
                return None
            df = pd.read_parquet(f, filters=flt)
            df = df[[c for c in cols if c in df.columns]]
            return df
        ports = one("ports.parquet", ["oper_up", "speed_gbps"])
        if ports is not None and len(ports):
            rec.update(oper_up=_py(ports.iloc[0]["oper_up"]), speed_gbps=_py(ports.iloc[0]["speed_gbps"]))
        mods = one("modules.parquet", ["serial", "temperature_c"])
        if mods is not None and len(mods):
            rec.update(serial=_py(mods.iloc[0]["serial"]), temperature_c=_py(mods.iloc[0]["temperature_c"]))
        opt = one(OPTICS_FILE, ["lane", "tx_dbm", "rx_dbm"])
        if opt is not None and len(opt):
            lanes = opt[opt["lane"] > 0]
            rec["tx_dbm_min"] = _py(lanes["tx_dbm"].min()) if len(lanes) else None
            rec["rx_dbm_min"] = _py(lanes["rx_dbm"].min()) if len(lanes) else None
        rates = one("rates.parquet", ["dt_s", "symbol_errors", "fec_uncorrectable_cw", "rx_crc_errors",
                                      "link_down_events", "symbol_ber", "reset"])
        if rates is not None and len(rates):
            rec.update({f"d_{k}" if k not in ("dt_s", "symbol_ber", "reset") else k: _py(v)
                        for k, v in rates.iloc[0].items()})
        out.append(rec)
    return out


def _py(v):
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v

"""Write a simulated fabric: devices.csv, cabling.csv, truth.json, and either a capture in the
platforms' real output formats or the canonical snapshot as Parquet (for fabrics too large to
render as text)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from netdiag.capture import CaptureWriter
from netdiag.inventory import CABLE_COLUMNS, DEVICE_COLUMNS
from netdiag.model import _PANDAS_DTYPE, STR, TABLES, Snapshot, conform
from netdiag.simulate.engine import Fabric
from netdiag.simulate.render import DeviceTables, renderer

#: the pseudo-device that holds a whole InfiniBand fabric's ibdiagnet files
IBDIAGNET_DEVICE = "ibdiagnet-sm01"


def write_inventory(fab: Fabric, out: Path) -> None:
    fab.devices[list(DEVICE_COLUMNS)].to_csv(out / "devices.csv", index=False)
    fab.plan[list(CABLE_COLUMNS)].to_csv(out / "cabling.csv", index=False)


def write_truth(fab: Fabric, out: Path) -> None:
    doc = {"preset": fab.preset.name, "seed": fab.seed, "gpus": int(fab.devices["role"].eq("gpu_host").sum()
                                                                     * fab.preset.gpus_per_node),
           "faults": fab.truth, "unreachable": fab.unreachable}
    (out / "truth.json").write_text(json.dumps(doc, indent=1))


def _by_device(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {k: g for k, g in df.groupby("device", sort=False)}


def write_capture(fab: Fabric, out: Path) -> Path:
    """Render every device's outputs through its platform's renderer into a capture."""
    snap = fab.snapshot
    info = fab.devices.set_index("name", drop=False).to_dict("index")
    groups = {t: _by_device(snap.table(t)) for t in ("ports", "modules", "lanes", "counters", "neighbors")}
    empty = {t: snap.table(t).iloc[0:0] for t in groups}
    with CaptureWriter(out, overwrite=True) as cw:
        cw.started = cw.finished = fab.taken_at   # the simulated time, not the wall clock (--interval)
        if fab.preset.switch_platform == "ib":
            dev = DeviceTables(IBDIAGNET_DEVICE, "ibdiagnet", {"name": IBDIAGNET_DEVICE}, snap.ports, snap.modules,
                               snap.lanes, snap.counters, snap.neighbors)
            rec = cw.device(IBDIAGNET_DEVICE, "ibdiagnet")
            for command, data in renderer("ibdiagnet")(dev):
                rec.record(command, data, started=fab.taken_at, duration_s=0.0)
            return out
        for name, row in info.items():
            rec = cw.device(name, row["platform"], row["address"])
            if name in fab.unreachable:
                rec.fail("unreachable: connect timeout after 10.0 s")
                continue
            dev = DeviceTables(name, row["platform"], row,
                               *(groups[t].get(name, empty[t]) for t in ("ports", "modules", "lanes", "counters",
                                                                          "neighbors")))
            omit = getattr(fab, "omit_commands", {}).get(name, ())   # evidence faults: outputs not captured
            for command, data in renderer(row["platform"])(dev):
                if any(command == o or command.startswith(o + " ") for o in omit):
                    continue
                rec.record(command, data, started=fab.taken_at, duration_s=0.0)
    return out


def write_snapshot(snap: Snapshot, out: Path) -> Path:
    """The canonical tables as Parquet files (one per table) plus snapshot.json."""
    out.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        snap.table(t).to_parquet(out / f"{t}.parquet", index=False)
    (out / "snapshot.json").write_text(json.dumps({"format": "netdiag-snapshot/1", "taken_at": snap.taken_at}))
    return out


def read_snapshot(path: str | Path, tables: tuple[str, ...] | None = None) -> Snapshot:
    """A Parquet snapshot; only `tables` are read when given (the others stay empty)."""
    p = Path(path)
    meta = json.loads((p / "snapshot.json").read_text())
    frames = {}
    for t in TABLES:
        f = p / f"{t}.parquet"
        wanted = tables is None or t in tables
        frames[t] = read_table(t, f) if wanted and f.exists() else conform(t, pd.DataFrame())
    return Snapshot(**frames, taken_at=meta.get("taken_at"))


def read_table(table: str, path: str | Path) -> pd.DataFrame:
    """One canonical table from Parquet. A file netdiag wrote already has every schema column, in
    order, with its dtype: it is used as read (`conform` would copy it, ~0.7 GB for the counters of
    100k GPUs); any other file is conformed."""
    from netdiag.store import read_parquet   # pd.read_parquet's frame, nullable integers built with one copy

    df = read_parquet(path)
    return df if is_conformed(table, df) else conform(table, df)


def is_conformed(table: str, df: pd.DataFrame) -> bool:
    """True when `conform(table, df)` would return the same columns, dtypes and values (a RangeIndex)."""
    schema = TABLES[table]
    if list(df.columns) != [c for c, _ in schema] or not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 \
            or df.index.step != 1:
        return False
    for (c, k), dt in zip(schema, df.dtypes):
        if k == STR and isinstance(dt, pd.StringDtype):
            continue
        if str(dt) != _PANDAS_DTYPE[k]:
            return False
    return True


def write_fabric(fab: Fabric, out: str | Path, fmt: str = "auto", capture_limit_gpus: int = 10_000) -> Path:
    """devices.csv, cabling.csv, truth.json and capture/ (or snapshot/ when fmt is parquet, or auto
    with more than `capture_limit_gpus` GPUs)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_inventory(fab, out)
    write_truth(fab, out)
    gpus = int(fab.devices["role"].eq("gpu_host").sum()) * fab.preset.gpus_per_node
    if fmt == "parquet" or (fmt == "auto" and gpus > capture_limit_gpus):
        write_snapshot(fab.snapshot, out / "snapshot")
    else:
        write_capture(fab, out / "capture")
    return out

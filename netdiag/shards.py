"""A fleet larger than one machine: parse per shard, merge canonical snapshots, analyse once.

Each shard worker reads its devices' outputs (a capture, or `--shard i/N` of one) and writes the
canonical tables as a Parquet snapshot plus `devices.json` (how collection and parsing went per
device). `merge_snapshots` joins the shards' snapshots -- tables, not raw text -- into one, which
`netdiag sweep/scan/cabling --snapshot` analyse as a whole, so that links between shards are seen
from both ends. docs/scale.md describes the workflow and the Kubernetes Indexed Job.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from netdiag.capture import CaptureError, read_capture
from netdiag.ingest import DeviceStatus, ingest
from netdiag.model import TABLES, Snapshot, conform

FORMAT = "netdiag-snapshot/1"


def is_snapshot(path: str | Path) -> bool:
    return (Path(path) / "snapshot.json").is_file()


def write_snapshot(snap: Snapshot, devices: list[DeviceStatus], out: str | Path, meta: dict | None = None) -> Path:
    """The canonical tables as Parquet (one file per table), snapshot.json and devices.json.
    Written under a temporary name and renamed, so a reader never sees half a snapshot."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise CaptureError(f"{out}: exists and is not empty")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=False)
    for t in TABLES:
        snap.table(t).to_parquet(tmp / f"{t}.parquet", index=False)
    (tmp / "devices.json").write_text(json.dumps([d.to_json() for d in devices]))
    (tmp / "snapshot.json").write_text(json.dumps({"format": FORMAT, "taken_at": snap.taken_at, **(meta or {})}))
    if out.exists():
        out.rmdir()
    tmp.rename(out)
    return out


def read_devices(path: str | Path) -> list[DeviceStatus] | None:
    """devices.json of a snapshot written here (None for snapshots without one, e.g. simulate's)."""
    p = Path(path) / "devices.json"
    if not p.is_file():
        return None
    try:
        items = json.loads(p.read_text())
        return [DeviceStatus(d["name"], d["platform"], bool(d["ok"]), d.get("error"), int(d.get("commands") or 0),
                             list(d.get("failed") or [])) for d in items]
    except (ValueError, KeyError, TypeError) as e:
        raise CaptureError(f"{p}: not a device status list: {e}") from None


def _read(path: Path) -> tuple[Snapshot, dict]:
    try:
        meta = json.loads((path / "snapshot.json").read_text())
    except (OSError, ValueError) as e:
        raise CaptureError(f"{path}: not a snapshot ({e})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CaptureError(f"{path}/snapshot.json: not a netdiag snapshot (format {meta.get('format') if isinstance(meta, dict) else None!r})")
    frames = {}
    for t in TABLES:
        f = path / f"{t}.parquet"
        try:
            frames[t] = conform(t, pd.read_parquet(f)) if f.exists() else conform(t, pd.DataFrame())
        except (OSError, ValueError) as e:
            raise CaptureError(f"{f}: unreadable: {e}") from None
    return Snapshot(**frames, taken_at=meta.get("taken_at")), meta


def parse_capture(capture_dir: str | Path, out: str | Path, shard: tuple[int, int] | None = None,
                  jobs: int | None = None) -> tuple[Path, int]:
    """Parse a capture (only the devices of `shard` (i, N) when given) into a snapshot at `out`.
    Returns (out, devices parsed)."""
    from netdiag.scan import shard_of

    cap = read_capture(capture_dir)
    if shard is not None:
        i, n = shard
        cap.devices = [d for d in cap.devices if shard_of(d.name, n) == i]
    ing = ingest(cap, jobs=jobs)
    meta = {"capture": str(capture_dir), "shard": f"{shard[0]}/{shard[1]}" if shard else None}
    return write_snapshot(ing.snapshot, ing.devices, out, meta), len(cap.devices)


def merge_snapshots(paths: list[str | Path], out: str | Path) -> Path:
    """Join shard snapshots into one. A device in two shards is an error (the shards must split
    the fleet); taken_at is the latest of the shards'."""
    snaps, devices, seen = [], [], {}
    for p in map(Path, paths):
        snap, _meta = _read(p)
        devs = read_devices(p)
        names = set(snap.ports["device"].dropna().unique()) | set(snap.modules["device"].dropna().unique()) \
            | set(snap.collection["device"].dropna().unique())
        if devs is not None:
            names |= {d.name for d in devs}
        for name in sorted(names):
            if name in seen:
                raise CaptureError(f"device {name!r} is in both {seen[name]} and {p}")
            seen[name] = str(p)
        snaps.append(snap)
        devices.extend(devs or [])
    parts = {t: [s.table(t) for s in snaps if not s.table(t).empty] for t in TABLES}
    taken = [s.taken_at for s in snaps if s.taken_at]
    merged = Snapshot.from_parts(parts, taken_at=max(taken) if taken else None)
    return write_snapshot(merged, devices, out, {"merged_from": [str(p) for p in paths]})

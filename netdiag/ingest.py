"""Parse stage: a capture -> the canonical Snapshot, plus what could not be read and why.

Each recorded output is parsed by the format its entry names, or else the one its device's
platform maps the command text to. Failures are kept per device and command; they never stop the
other outputs or devices from being analysed.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import pandas as pd

from netdiag import completeness, model, parsers, platforms, workers
from netdiag.capture import Capture, Device, Entry
from netdiag.gcpause import gc_paused
from netdiag.model import Snapshot


@dataclass
class DeviceStatus:
    """How collection and parsing went for one device."""

    name: str
    platform: str
    ok: bool                      # reachable and its discovery outputs were read
    error: str | None = None      # why not ok
    commands: int = 0
    failed: list[dict] = field(default_factory=list)   # [{command, error}] commands that failed or did not parse

    def to_json(self) -> dict:
        return {"name": self.name, "platform": self.platform, "ok": self.ok, "error": self.error,
                "commands": self.commands, "failed": self.failed}


@dataclass
class Ingested:
    snapshot: Snapshot
    devices: list[DeviceStatus]

    @property
    def unknown(self) -> bool:
        """True when something could not be told: a device failed or an output was unreadable."""
        return any((not d.ok) or d.failed for d in self.devices)


def _entry_error(e: Entry) -> str | None:
    if e.error:
        return e.error
    if e.exit_status not in (0, None):
        err = e.stderr().decode("utf-8", "replace").strip().splitlines()
        return f"exit status {e.exit_status}" + (f": {err[0][:200]}" if err else "")
    return None


def ingest_device(dev: Device, outputs: list, collection: list[dict]) -> DeviceStatus:
    """Parse one device's outputs; appends (status, collection row, tables) to `outputs`."""
    st = DeviceStatus(dev.name, dev.platform, dev.ok, dev.error, len(dev.entries))
    if not dev.ok:
        collection.append({"device": dev.name, "command": None, "ok": False, "error": dev.error})
        return st
    try:
        platform = platforms.get(dev.platform)
    except KeyError as e:
        platform = None
        platform_error = str(e)
    first = len(outputs)
    for e in dev.entries:
        fmt, port = e.format, None
        if platform is not None:
            choice = _parser_for(platform, e.command)
            if choice:
                fmt = fmt or choice[0]
                port = choice[1]
        row = {"device": dev.name, "command": e.command, "exit_status": e.exit_status,
               "started": e.started, "duration_s": e.duration_s, "parser": fmt, "ok": True, "error": None}
        err = _entry_error(e)
        if err is None and fmt is None:
            err = platform_error if platform is None else f"no parser for this command on platform {dev.platform}"
        if err is None:
            try:
                data = e.stdout().decode("utf-8", "replace")   # once, for the parser and the completeness check
                out = parsers.parse_rows(fmt, data, device=dev.name, port=port, command=e.command)
            except parsers.ParseError as pe:
                err = str(pe)
            except OSError as oe:
                err = f"cannot read {e.file}: {oe}"
            else:
                out = _complete(st, row, fmt, data, out, port)
                if out is not None:
                    outputs.append((st, row, out))
        if err is not None:
            _fail(st, row, err)
        collection.append(row)
    cut = {f["port"] for f in st.failed if f.get("port") and f["error"].startswith("incomplete output")}
    if cut:   # a cut port's optics are unknown: its module and lane rows from other outputs are left out too
        outputs[first:] = [(s_, r_, completeness.drop_ports(o_, cut, ("modules", "lanes"))) for s_, r_, o_ in outputs[first:]]
    return st


#: (platform, command) -> platform.parser_for(command): a fleet runs the same commands on many devices
_CHOICES: dict[tuple, tuple | None] = {}


def _parser_for(platform, command: str):
    key = (platform.name, command)
    got = _CHOICES.get(key)
    if got is None or got[0] is not platform:
        got = (platform, platform.parser_for(command))
        if len(_CHOICES) < 65536:
            _CHOICES[key] = got
    return got[1]


def _complete(st: DeviceStatus, row: dict, fmt: str, data: str, out: dict, port: str | None) -> dict | None:
    """The tables to keep after netdiag.completeness (None: none). A cut output is not analysed and
    is reported as failed with why; a cut port of a many-port output is left out and reported."""
    cut = completeness.check(fmt, data)
    if not cut:
        return out
    whole = next((c for c in cut if c.port is None), None)
    if whole is not None:
        err = f"incomplete output{f' for port {port}' if port else ''}: {whole.why}"
        row.update(ok=False, error=err)
        st.failed.append({"command": row["command"], "port": port, "error": err})
        return None
    for c in cut:
        st.failed.append({"command": row["command"], "port": c.port, "error": f"incomplete output for port {c.port}: {c.why}"})
    return completeness.drop_ports(out, {c.port for c in cut})


def _fail(st: DeviceStatus, row: dict, err: str) -> None:
    row.update(ok=False, error=err)
    st.failed.append({"command": row["command"], "error": err})


def _build(outputs: list, collection: list[dict], taken_at: str | None) -> Snapshot:
    parts: dict[str, list] = {}
    for _st, _row, out in outputs:
        for t, v in out.items():
            parts.setdefault(t, []).append(v)
    parts["collection"] = [collection]
    return _identified(Snapshot.from_parts(parts, taken_at=taken_at))


def _identified(snap: Snapshot) -> Snapshot:
    """The snapshot with what is known per cage rather than per port joined to its modules (EOS
    keeps part numbers in `show inventory`, per cage)."""
    from netdiag.parsers.eos_inventory import attach_cage_identity

    snap.modules = attach_cage_identity(snap.modules)
    return snap


def _drop_invalid(outputs: list) -> list:
    """The slow path, after a column-wise build failed: check each output's rows on their own,
    report those that cannot take the schema's types, keep the rest."""
    kept = []
    for st, row, out in outputs:
        try:
            for t, v in out.items():
                model.conform(t, v) if isinstance(v, pd.DataFrame) else model.normalize_rows(t, v)
        except (KeyError, ValueError, TypeError) as e:
            _fail(st, row, f"device {row['device']}, command {row['command']!r}, format {row['parser']}: "
                           f"parser produced invalid rows: {e}")
            continue
        kept.append((st, row, out))
    return kept


# --- batches: parse devices in groups, in worker processes, tables built per group ---------------

#: fewer devices than this are parsed in the calling process: starting workers would cost more
MIN_PARALLEL_DEVICES = 24
#: nor when there is less output than this in all: parsing it takes less than starting workers
MIN_PARALLEL_BYTES = 16 * 2**20


def _ingest_batch(devices: list[Device]) -> tuple[list[DeviceStatus], list[dict], dict[str, pd.DataFrame]]:
    """Parse a group of devices; their tables come back built (typed DataFrames, rows of one key
    merged), so no per-row Python objects outlive the group or cross a process boundary."""
    outputs: list = []
    collection: list[dict] = []
    with gc_paused():
        statuses = [ingest_device(d, outputs, collection) for d in devices]
        try:
            frames = _frames(outputs)
        except (KeyError, ValueError, TypeError):
            frames = _frames(_drop_invalid(outputs))
    return statuses, collection, frames


def _frames(outputs: list) -> dict[str, tuple]:
    """A group's outputs -> per table (frame of its row lists, frame of its column-wise pieces,
    its DataFrames), each coerced to the schema; rows sharing a key are merged once all groups
    are joined (as Snapshot.from_parts orders and merges them)."""
    pieces: dict[str, list] = {}
    for _st, _row, out in outputs:
        for t, v in out.items():
            pieces.setdefault(t, []).append(v)
    frames = {}
    for t, ps in pieces.items():
        rows = [r for p in ps if isinstance(p, list) for r in p]
        cols = [p for p in ps if isinstance(p, dict)]
        dfs = [model.conform(t, p) for p in ps if isinstance(p, pd.DataFrame) and not p.empty]
        frames[t] = (model.frame_from_records(t, rows) if rows else None,
                     model.frame_from_columns(t, cols) if cols else None, dfs)
    return frames


def _batches(devices: list[Device], jobs: int, weights: list[int] | None = None) -> list[list[Device]]:
    """Consecutive groups of devices (the order of the capture is kept), weighed by the bytes of
    their outputs so that a switch with a few large outputs and a host with many small ones
    balance out; several groups per worker so that a slow group does not leave the others idle,
    none above GROUP_BYTES so that a group's rows never dominate memory."""
    weights = [_device_bytes(d) for d in devices] if weights is None else weights
    total = sum(weights)
    target = max(1, min(total // (jobs * GROUPS_PER_WORKER) + 1, GROUP_BYTES))
    out: list[list[Device]] = []
    cur: list[Device] = []
    acc = 0
    for d, w in zip(devices, weights):
        cur.append(d)
        acc += w
        if acc >= target:
            out.append(cur)
            cur, acc = [], 0
    if cur:
        out.append(cur)
    return out


#: the most output bytes parsed as one group
GROUP_BYTES = 64 * 2**20
#: groups per worker: enough that a slow group does not leave the others idle, few because each
#: group's tables are built (and sent back) on their own, about 40 ms of fixed cost a group
GROUPS_PER_WORKER = 3
#: what parsing costs, in JSON bytes: a byte of text (read line by line in Python) costs about
#: twice a byte of JSON (decoded in C), and each output a fixed amount (open, read, checks)
TEXT_BYTE_COST = 2
OUTPUT_COST = 4096


def _device_bytes(d: Device) -> int:
    """The weight of a device in _batches: its outputs' bytes, text counted above JSON, plus a
    fixed cost per output."""
    n = 4096  # a device with no outputs still costs a little
    try:
        platform = platforms.get(d.platform)
    except KeyError:
        platform = None
    for e in d.entries:
        try:
            size = os.stat(f"{e._dir}/{e.file}").st_size if e._dir is not None else 0
        except OSError:
            size = 0
        fmt = e.format
        if fmt is None and platform is not None:
            choice = _parser_for(platform, e.command)
            fmt = choice[0] if choice else None
        n += OUTPUT_COST + size * (1 if fmt and "json" in fmt else TEXT_BYTE_COST)
    return n


def _pool_context():
    import multiprocessing as mp
    import threading

    # fork is the cheap start (workers inherit the loaded parsers); with other threads alive
    # (a live sweep's collectors) a forked child could inherit a held lock: start clean instead
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def ingest(capture: Capture, jobs: int | None = None) -> Ingested:
    """Parse every device of a capture into one Snapshot.

    `jobs` worker processes parse groups of devices at once (default: the command's --jobs, see
    workers.configure, else every usable core); 1 parses in this process, as do small captures
    (MIN_PARALLEL_DEVICES, MIN_PARALLEL_BYTES). The result does not depend on `jobs`: groups are
    consecutive devices, joined in capture order, and rows sharing a key are merged again after
    joining (docs/scale.md)."""
    n = jobs or workers.DEFAULT_JOBS or workers.usable_cores()
    devices = list(capture.devices)
    weights = [_device_bytes(d) for d in devices]
    batches = _batches(devices, n, weights)
    if n == 1 or len(devices) < MIN_PARALLEL_DEVICES or len(batches) < 2 or sum(weights) < MIN_PARALLEL_BYTES:
        results = map(_ingest_batch, batches)
        return _join(results, capture)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=min(n, len(batches)), mp_context=_pool_context()) as ex:
            return _join(ex.map(_ingest_batch, batches), capture)
    except BrokenProcessPool as e:
        # workers could not start or died (e.g. killed for memory, or a spawn start from a script
        # without a __main__ guard): parse here instead -- the same result, only slower
        warnings.warn(f"parallel ingest failed ({e}); parsing in one process", RuntimeWarning, stacklevel=2)
        return _join(map(_ingest_batch, batches), capture)


def _join(results, capture: Capture) -> Ingested:
    statuses: list[DeviceStatus] = []
    collection: list[dict] = []
    recs: dict[str, list] = {}
    cols: dict[str, list] = {}
    dfs: dict[str, list] = {}
    from netdiag import progress  # a bar on a terminal while a large capture is parsed

    for st, coll, frames in progress.track(results, len(capture.devices), "parsing", lambda r: len(r[0]),
                                           progress.MIN_INGEST_DEVICES):
        statuses.extend(st)
        collection.extend(coll)
        for t, (r, c, d) in frames.items():
            if r is not None:
                recs.setdefault(t, []).append(r)
            if c is not None:
                cols.setdefault(t, []).append(c)
            dfs.setdefault(t, []).extend(d)
    # the order Snapshot.from_parts gives a single build: row lists, column pieces, DataFrames
    parts = {t: recs.get(t, []) + cols.get(t, []) + dfs.get(t, []) for t in set(recs) | set(cols) | set(dfs)}
    parts["collection"] = [collection]
    taken_at = capture.meta.get("finished") or capture.meta.get("started")
    return Ingested(_identified(Snapshot.from_parts(parts, taken_at=taken_at)), statuses)


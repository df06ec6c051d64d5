"""Parse stage: a capture -> the canonical Snapshot, plus what could not be read and why.

Each recorded output is parsed by the format its entry names, or else the one its device's
platform maps the command text to. Failures are kept per device and command; they never stop the
other outputs or devices from being analysed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netdiag import completeness, model, parsers, platforms
from netdiag.capture import Capture, Device, Entry
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
            choice = platform.parser_for(e.command)
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
                data = e.stdout()
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


def _complete(st: DeviceStatus, row: dict, fmt: str, data: bytes, out: dict, port: str | None) -> dict | None:
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
    return Snapshot.from_parts(parts, taken_at=taken_at)


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


def ingest(capture: Capture) -> Ingested:
    """Parse every device of a capture into one Snapshot."""
    outputs: list = []
    collection: list[dict] = []
    statuses = [ingest_device(d, outputs, collection) for d in capture.devices]
    taken_at = capture.meta.get("finished") or capture.meta.get("started")
    try:
        snap = _build(outputs, collection, taken_at)
    except (KeyError, ValueError, TypeError):
        snap = _build(_drop_invalid(outputs), collection, taken_at)
    return Ingested(snap, statuses)

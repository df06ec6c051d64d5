"""The capture directory (docs/capture.md): everything one sweep saw, byte for byte.

Writing is atomic: a capture is built in a hidden temporary sibling and renamed into place when
finished, so a crash never leaves a half-written capture under the final name. Reading returns the
devices and their command outputs for replay or offline analysis.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from netdiag import __version__

FORMAT = "netdiag-capture/1"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$")


class CaptureError(Exception):
    """A capture directory that cannot be read or written; says which file and why."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_device_name(name: str) -> str:
    """Device names become directory names: refuse path separators, '..' and odd characters."""
    if not _SAFE_NAME.match(name or "") or ".." in name:
        raise CaptureError(f"device name {name!r} cannot be used as a capture directory name")
    return name


@dataclass
class Entry:
    """One command run on one device, and where its output lies."""

    command: str
    file: str
    exit_status: int | None = None
    started: str | None = None
    duration_s: float | None = None
    error: str | None = None
    format: str | None = None  # explicit parser name, overriding the platform's choice
    _dir: Path | None = field(default=None, repr=False, compare=False)

    def stdout(self) -> bytes:
        with open(f"{self._dir}/{self.file}", "rb") as f:  # (a fleet has many: no Path objects per read)
            return f.read()

    def stderr(self) -> bytes:
        p = self._dir / (Path(self.file).stem + ".err")
        return p.read_bytes() if p.exists() else b""

    def to_json(self) -> dict:
        d = {"command": self.command, "file": self.file, "exit_status": self.exit_status,
             "started": self.started, "duration_s": self.duration_s, "error": self.error}
        if self.format:
            d["format"] = self.format
        return d


@dataclass
class Device:
    name: str
    platform: str
    address: str | None = None
    ok: bool = True
    error: str | None = None
    entries: list[Entry] = field(default_factory=list)

    def meta_json(self) -> dict:
        return {"name": self.name, "platform": self.platform, "address": self.address,
                "ok": self.ok, "error": self.error}


@dataclass
class Capture:
    path: Path
    meta: dict
    devices: list[Device]

    def device(self, name: str) -> Device:
        for d in self.devices:
            if d.name == name:
                return d
        raise KeyError(name)


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CaptureError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CaptureError(f"{path}: not valid JSON: {e}") from None


def _not_a_capture(root: Path) -> str:
    """What a capture is and how to make one, for a folder without capture.json."""
    return (f"{root / 'capture.json'}: missing, so {root} is not a netdiag capture. A capture is a folder with "
            f"capture.json ({{\"format\": \"{FORMAT}\", \"devices\": [...]}}) and devices/NAME/device.json "
            "(name, platform) plus devices/NAME/index.json (one entry per command: command, file, exit_status) "
            "beside each command's raw output. A live sweep writes one (netdiag sweep --hosts ... --record DIR); "
            "to build one by hand see docs/capture.md.")


def read_capture(path: str | os.PathLike) -> Capture:
    """Read a capture directory. A device whose own files are broken is kept with ok=False and the
    reason in `error`, so the other devices are still analysed."""
    root = Path(path)
    if not root.is_dir():
        raise CaptureError(f"{root}: not a capture directory")
    if not (root / "capture.json").exists():
        raise CaptureError(_not_a_capture(root))
    meta = _load_json(root / "capture.json")
    if not isinstance(meta, dict) or not str(meta.get("format", "")).startswith("netdiag-capture/"):
        raise CaptureError(f"{root / 'capture.json'}: not a netdiag capture (format {meta.get('format') if isinstance(meta, dict) else None!r})")
    names = meta.get("devices")
    devroot = root / "devices"
    if not isinstance(names, list):
        names = sorted(p.name for p in devroot.iterdir() if p.is_dir()) if devroot.is_dir() else []
    devices = []
    for name in names:
        d = devroot / str(name)
        try:
            info = _load_json(d / "device.json")
            if not isinstance(info, dict):
                raise CaptureError(f"{d / 'device.json'}: expected an object")
            dev = Device(name=str(info.get("name") or name), platform=str(info.get("platform") or "unknown"),
                         address=info.get("address"), ok=bool(info.get("ok", True)), error=info.get("error"))
        except CaptureError as e:
            devices.append(Device(name=str(name), platform="unknown", ok=False, error=str(e)))
            continue
        idx = d / "index.json"
        if idx.exists() or dev.ok:
            try:
                items = _load_json(idx)
                if not isinstance(items, list):
                    raise CaptureError(f"{idx}: expected a list")
                for i, it in enumerate(items):
                    if not isinstance(it, dict) or "command" not in it or "file" not in it:
                        raise CaptureError(f"{idx}: entry {i} lacks command/file")
                    f = str(it["file"])
                    if "/" in f or "\\" in f or f.startswith("."):
                        raise CaptureError(f"{idx}: entry {i} file {f!r} is outside the device folder")
                    dev.entries.append(Entry(command=str(it["command"]), file=f,
                                             exit_status=it.get("exit_status"), started=it.get("started"),
                                             duration_s=it.get("duration_s"), error=it.get("error"),
                                             format=it.get("format"), _dir=d))
            except CaptureError as e:
                dev.ok = False
                dev.error = str(e)
        devices.append(dev)
    return Capture(root, meta, devices)


class DeviceRecorder:
    """Records one device's commands into the capture being written."""

    def __init__(self, root: Path, name: str, platform: str, address: str | None):
        self.device = Device(check_device_name(name), platform, address)
        self.dir = root / "devices" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write_meta()

    def _write_meta(self):
        (self.dir / "device.json").write_text(json.dumps(self.device.meta_json(), indent=1))

    def record(self, command: str, stdout: bytes, stderr: bytes = b"", exit_status: int | None = 0,
               started: str | None = None, duration_s: float | None = None, error: str | None = None,
               fmt: str | None = None) -> Entry:
        n = len(self.device.entries) + 1
        fname = f"{n:04d}.txt"
        (self.dir / fname).write_bytes(stdout)
        if stderr:
            (self.dir / f"{n:04d}.err").write_bytes(stderr)
        e = Entry(command, fname, exit_status, started, duration_s, error, fmt, self.dir)
        self.device.entries.append(e)
        return e

    def fail(self, error: str):
        """The device as a whole failed (unreachable, auth, host key...): say why."""
        self.device.ok = False
        self.device.error = error
        self._write_meta()

    def close(self):
        """Write the device's index (once: a fleet device runs hundreds of commands) and meta."""
        (self.dir / "index.json").write_text(json.dumps([x.to_json() for x in self.device.entries], indent=1))
        self._write_meta()


class CaptureWriter:
    """Write a capture atomically::

        with CaptureWriter(out_dir) as cw:
            rec = cw.device("leaf-1", "sonic", "10.0.0.1")
            rec.record("show interfaces status", b"...")
        # out_dir now exists, complete

    On an exception inside the block the temporary directory is removed unless `keep_partial`
    (used for Ctrl-C: a partial capture is still a valid capture, named as such).
    """

    def __init__(self, path: str | os.PathLike, overwrite: bool = False):
        self.final = Path(path)
        self.overwrite = overwrite
        if self.final.exists() and not overwrite:
            raise CaptureError(f"{self.final}: already exists (choose another --record directory)")
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.tmp-", dir=self.final.parent))
        self.started = utc_now()
        self.finished: str | None = None   # set by writers of recorded time (the simulator); else now
        self.recorders: dict[str, DeviceRecorder] = {}
        self.extra_meta: dict = {}

    def device(self, name: str, platform: str, address: str | None = None) -> DeviceRecorder:
        if name in self.recorders:
            raise CaptureError(f"device {name!r} recorded twice")
        r = DeviceRecorder(self.tmp, name, platform, address)
        self.recorders[name] = r
        return r

    def finish(self, partial: bool = False) -> Path:
        for r in self.recorders.values():
            r.close()
        meta = {"format": FORMAT, "started": self.started, "finished": self.finished or utc_now(),
                "tool_version": __version__, "devices": list(self.recorders), **self.extra_meta}
        if partial:
            meta["partial"] = True
        (self.tmp / "capture.json").write_text(json.dumps(meta, indent=1))
        if self.final.exists() and self.overwrite:
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.rename(self.final, old)
            os.rename(self.tmp, self.final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.tmp, self.final)
        return self.final

    def abort(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()
        elif issubclass(exc_type, KeyboardInterrupt):
            self.finish(partial=True)
        else:
            self.abort()
        return False

"""Collection: run a platform's commands on a device through a transport, record every output.

A transport is anything with ``run(command, timeout) -> CommandResult`` (SSH, a replayed capture,
a local shell in tests). :func:`collect_device` runs the platform's discovery commands, learns the
device's ports from their parsed output, runs the per-port commands, and records each output byte
for byte into the capture being written. One device's failure is a result, never an exception that
stops the others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from netdiag import parsers, platforms
from netdiag.capture import DeviceRecorder, utc_now


@dataclass
class CommandResult:
    stdout: bytes
    stderr: bytes = b""
    exit_status: int | None = 0
    error: str | None = None  # transport-level failure (timeout, channel closed, output capped)


class Transport(Protocol):
    def run(self, command: str, timeout: float | None = None) -> CommandResult: ...


def _run_and_record(transport: Transport, rec: DeviceRecorder, command: str, timeout: float | None) -> CommandResult:
    started = utc_now()
    t0 = time.monotonic()
    try:
        res = transport.run(command, timeout=timeout)
    except Exception as e:  # a transport bug or fault is this command's result, not a crash
        res = CommandResult(b"", b"", None, f"{type(e).__name__}: {e}")
    rec.record(command, res.stdout, res.stderr, res.exit_status, started,
               round(time.monotonic() - t0, 6), res.error)
    return res


def collect_device(transport: Transport, rec: DeviceRecorder, platform_name: str,
                   command_timeout: float | None = None) -> None:
    """Run discovery then per-port commands of `platform_name` on one device, recording all."""
    platform = platforms.get(platform_name)
    discovered: dict[str, list] = {}
    for cmd in platform.discovery:
        res = _run_and_record(transport, rec, cmd, command_timeout)
        choice = platform.parser_for(cmd)
        if res.error or res.exit_status not in (0, None) or not choice:
            continue
        try:
            tables = parsers.parse_text(choice[0], res.stdout, device=rec.device.name, port=choice[1])
        except parsers.ParseError:
            continue  # recorded; the analysis stage reports it with where and why
        for t, rows in tables.items():
            discovered.setdefault(t, []).extend(rows)
    safe, refused = platforms.split_safe(platform.ports_from(discovered))
    if refused:
        rec.record("# netdiag: port names refused", b"", b"", None, utc_now(), 0.0,
                   f"device-supplied port names not safe to put in a command: {refused!r}")
    commands = platform.port_commands(safe)
    for cmd in commands:
        _run_and_record(transport, rec, cmd, command_timeout)

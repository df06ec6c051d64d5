"""Collection: run a platform's commands on a device through a transport, record every output.

A transport is anything with ``run(command, timeout) -> CommandResult`` (SSH, a replayed capture,
a local shell in tests). :func:`collect_device` runs the platform's discovery commands, learns the
device's ports from their parsed output, runs the per-port commands, and records each output byte
for byte into the capture being written. One device's failure is a result, never an exception that
stops the others.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
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


#: why a device or one of its commands failed: the first word of every collection error
CAUSES = ("unreachable", "refused", "auth", "host_key", "timeout", "command_failed", "parse_failed",
          "output_capped", "interrupted")


def cause_of(error: str) -> str:
    """The cause of a recorded error: its leading '<cause>:' when it has one, 'command_failed' for a
    non-zero exit status, else 'parse_failed' (what the analysis stage could not read)."""
    head = error.split(":", 1)[0].strip()
    if head in CAUSES:
        return head
    if error.startswith("exit status"):
        return "command_failed"
    return "parse_failed"


def _run(transport: Transport, command: str, timeout: float | None) -> tuple[CommandResult, str, float]:
    started = utc_now()
    t0 = time.monotonic()
    try:
        res = transport.run(command, timeout=timeout)
    except Exception as e:  # a transport bug or fault is this command's result, not a crash
        res = CommandResult(b"", b"", None, f"command_failed: {type(e).__name__}: {e}")
    return res, started, round(time.monotonic() - t0, 6)


def _run_all(transport: Transport, rec: DeviceRecorder, commands: list[str], timeout: float | None,
             parallel: int) -> list[CommandResult]:
    """Run `commands` (up to `parallel` at once) and record them in the order given."""
    if parallel > 1 and len(commands) > 1:
        with ThreadPoolExecutor(min(parallel, len(commands)), thread_name_prefix=f"cmd-{rec.device.name}") as ex:
            done = list(ex.map(lambda c: _run(transport, c, timeout), commands))
    else:
        done = [_run(transport, c, timeout) for c in commands]
    for cmd, (res, started, duration) in zip(commands, done):
        rec.record(cmd, res.stdout, res.stderr, res.exit_status, started, duration, res.error)
    return [r for r, _, _ in done]


def collect_device(transport: Transport, rec: DeviceRecorder, platform_name: str,
                   command_timeout: float | None = None, parallel: int = 1) -> None:
    """Run discovery then per-port commands of `platform_name` on one device, recording all.

    `parallel` commands of a phase run at once when the transport allows concurrent ``run`` calls
    (SSH: one channel each); the capture lists them in the platform's order all the same."""
    platform = platforms.get(platform_name)
    discovered: dict[str, list] = {}
    results = _run_all(transport, rec, list(platform.discovery), command_timeout, parallel)
    for cmd, res in zip(platform.discovery, results):
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
    _run_all(transport, rec, platform.port_commands(safe), command_timeout, parallel)
